"""Filling in the admin's forms as a teacher's browser does: the main form, then each inline
formset with its management form, read from the page the teacher opened."""

import html
import re

POSE_ADD_URL = "/admin/poses/pose/add/"
SEQUENCE_ADD_URL = "/admin/sequences/sequence/add/"


def change_url(obj):
    """The admin page that edits `obj` (a pose, a sequence …)."""
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def admin_post_data(get_response, fields, rows=None):
    """`fields` plus every inline formset's management form, read from the GET response.

    `rows` maps a formset prefix to its rows: existing rows first (with their "id"), then
    new ones. Formsets without rows are sent empty, as a browser sends them.
    """
    rows = rows or {}
    data = dict(fields)
    # The hidden marker of the version the teacher opened, sent back as the page has it.
    marker = re.search(r'name="loaded_version" value="([^"]*)"', get_response.content.decode())
    if marker:
        data.setdefault("loaded_version", html.unescape(marker.group(1)))
    for inline in get_response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix_rows = rows.get(formset.prefix, [])
        assert len(prefix_rows) >= formset.initial_form_count()
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(prefix_rows))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        data[f"{formset.prefix}-MIN_NUM_FORMS"] = str(formset.min_num)
        data[f"{formset.prefix}-MAX_NUM_FORMS"] = str(formset.max_num)
        for index, row in enumerate(prefix_rows):
            for name, value in row.items():
                data[f"{formset.prefix}-{index}-{name}"] = value
    unknown = set(rows) - {i.formset.prefix for i in get_response.context["inline_admin_formsets"]}
    assert not unknown, f"no inline formset with prefix {unknown}"
    return data


def form_errors(response):
    if response.context is None or "adminform" not in response.context:
        return None
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.errors, inline.formset.non_form_errors()]
    return [error for error in errors if error]


def assert_saved(response):
    assert response.status_code == 302, form_errors(response)


# Poses


def pose_fields(pose=None, **overrides):
    """The main pose form as a teacher fills it in (for `pose`, as it stands)."""
    """The main pose form as a teacher fills it in (for `pose`, as it stands)."""
    fields = {
        "sanskrit_name": "Janusirsasana",
        "english_name": "Head to Knee Pose",
        "slug": "janusirsasana",
        "summary": "",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "pronunciation": "",
        "meaning": "",
        "other_names": "",
        "level": "beginner",
        "hold_min_seconds": "",
        "hold_max_seconds": "",
        "image_alt": "",
        "introduction": "",
        "practice_time": "",
        "closing_notes": "",
    }
    if pose is not None:
        fields.update(
            sanskrit_name=pose.sanskrit_name,
            english_name=pose.english_name,
            slug=pose.slug,
            status=pose.status,
            published_at_0=pose.published_at.strftime("%Y-%m-%d") if pose.published_at else "",
            published_at_1=pose.published_at.strftime("%H:%M:%S") if pose.published_at else "",
        )
    fields.update(overrides)
    return fields


def step_row(title, position, step=None, **overrides):
    row = {
        "title": title,
        "instruction": f"Instruction: {title}.",
        "breath_cue": "",
        "side": "",
        "position": str(position),
    }
    if step is not None:
        row.update(id=str(step.pk), pose=str(step.pose_id))
    row.update(overrides)
    return row


def step_titles_on_page(client, slug):
    response = client.get(f"/poses/{slug}/")
    assert response.status_code == 200
    return re.findall(r'<h3 class="step__title">(.*?)</h3>', response.content.decode())


# Sequences


def sequence_fields(**overrides):
    fields = {
        "title": "Hamstrings, gently",
        "slug": "hamstrings-gently",
        "level": "beginner",
        "focus": "Hamstrings",
        "kind": "class",
        "notes": "",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
    }
    fields.update(overrides)
    return fields


def item_row(pose, position, item=None, **overrides):
    row = {
        "pose": str(pose.pk),
        "hold_value": "30",
        "hold_unit": "seconds",
        "side": "",
        "cue": "",
        "position": str(position),
    }
    if item is not None:
        row.update(id=str(item.pk), sequence=str(item.sequence_id))
    row.update(overrides)
    return row
