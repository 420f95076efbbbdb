"""The safety model as students and teachers meet it: guidance for kinds of pose, every kind of
note, benefits told apart, one order per link list, and the safety review."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from poses.models import (
    Benefit,
    Condition,
    ConditionGuidance,
    Pose,
    PoseLink,
    PoseType,
    SafetyNote,
)
from tests.admin_forms import admin_post_data, assert_saved, change_url, pose_fields
from tests.factories import make_benefit, make_pose, make_safety_note
from tests.pages import page_elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def glaucoma():
    return Condition.objects.get_or_create(name="Glaucoma", slug="glaucoma")[0]


@pytest.fixture
def knee():
    return Condition.objects.get_or_create(name="Knee injury", slug="knee-injury")[0]


@pytest.fixture
def inversion():
    return PoseType.objects.get_or_create(name="Inversion", slug="inversion")[0]


def guidance(condition, pose_type, kind=SafetyNote.Kind.AVOID, text="Keep the head up."):
    return ConditionGuidance.objects.create(
        condition=condition, pose_type=pose_type, kind=kind, text=text
    )


def typed_pose(pose_type, **fields):
    pose = make_pose(**fields)
    pose.pose_types.add(pose_type)
    return pose


def choose(client, *conditions):
    client.post("/safe-for-me/", {"conditions": [c.slug for c in conditions]})


def page(client, pose):
    return client.get(pose.get_absolute_url()).content.decode()


def section(html, anchor):
    found = re.search(rf'<h2 id="{anchor}">.*?</section>', html, re.DOTALL)
    return found.group(0) if found else ""


def card_flags(response):
    return {
        page_elements(card, "span", class_="pose-card__name")[0].text: [
            flag.text for flag in page_elements(card, "p", class_="pose-card__flag")
        ]
        for card in page_elements(response, "li", class_="pose-card")
    }


# Guidance for a kind of pose


def test_guidance_for_a_pose_type_shows_among_every_such_poses_precautions(
    client, glaucoma, inversion
):
    guidance(glaucoma, inversion, text="Inversions raise the pressure in the eyes.")
    pose = typed_pose(inversion)
    precautions = section(page(client, pose), "precautions")
    assert "Inversions raise the pressure in the eyes." in precautions
    assert "Concerns: Glaucoma" in precautions
    assert "Studio guidance for every pose of the type “Inversion”" in precautions


def test_a_poses_own_note_replaces_the_guidance_for_that_condition(client, glaucoma, inversion):
    guidance(glaucoma, inversion, text="General rule for inversions.")
    pose = typed_pose(inversion)
    own = make_safety_note(pose, 1, "This one keeps the head level.", kind="caution")
    own.conditions.add(glaucoma)
    precautions = section(page(client, pose), "precautions")
    assert "This one keeps the head level." in precautions
    assert "General rule for inversions." not in precautions


def test_a_student_with_the_condition_is_warned_by_guidance_alone(client, glaucoma, inversion):
    guidance(glaucoma, inversion, text="Inversions raise the pressure in the eyes.")
    pose = typed_pose(inversion)
    choose(client, glaucoma)
    personal = section(page(client, pose), "safe-for-me")
    assert "Avoid this pose for you" in personal
    assert "Inversions raise the pressure in the eyes." in personal


def test_a_pose_of_another_type_is_not_covered_by_the_guidance(client, glaucoma, inversion):
    guidance(glaucoma, inversion)
    pose = make_pose()
    choose(client, glaucoma)
    personal = section(page(client, pose), "safe-for-me")
    assert "Avoid this pose" not in personal
    assert "no specific guidance for Glaucoma" in personal


# ?safe_for= on the list


def test_safe_for_hides_a_pose_avoided_by_its_types_guidance(client, glaucoma, inversion):
    guidance(glaucoma, inversion)
    hidden = typed_pose(inversion, sanskrit_name="Sirsasana")
    shown = make_pose(sanskrit_name="Tadasana")
    flags = card_flags(client.get("/poses/?safe_for=glaucoma"))
    assert hidden.sanskrit_name not in flags
    assert shown.sanskrit_name in flags


def test_safe_for_counts_leave_out_poses_avoided_by_guidance(client, glaucoma, inversion):
    guidance(glaucoma, inversion)
    typed_pose(inversion)
    make_pose()
    response = client.get("/poses/")
    facet = next(f for f in response.context["browse"].facets() if f.parameter == "safe_for")
    counts = {choice.value: choice.count for choice in facet.choices}
    assert counts["glaucoma"] == Pose.objects.published().count() - 1


def test_safe_for_marks_every_card_modify_caution_or_no_guidance(client, knee):
    modified = make_pose(sanskrit_name="Virasana")
    make_safety_note(modified, 1, kind="modify").conditions.add(knee)
    careful = make_pose(sanskrit_name="Malasana")
    make_safety_note(careful, 1, kind="caution").conditions.add(knee)
    make_pose(sanskrit_name="Tadasana")
    response = client.get("/poses/?safe_for=knee-injury")
    flags = card_flags(response)
    assert flags["Virasana"] == ["Modify for knee injury: see its precautions"]
    assert flags["Malasana"] == ["Take care with knee injury: see its precautions"]
    assert flags["Tadasana"] == ["No specific guidance for knee injury: ask your teacher"]
    assert "Poses to avoid with knee injury are hidden" in response.content.decode()


def test_a_pose_with_a_caution_is_marked_even_when_its_type_says_avoid(client, glaucoma, inversion):
    guidance(glaucoma, inversion)
    pose = typed_pose(inversion, sanskrit_name="Viparita Karani")
    make_safety_note(pose, 1, kind="caution").conditions.add(glaucoma)
    flags = card_flags(client.get("/poses/?safe_for=glaucoma"))
    assert flags["Viparita Karani"] == ["Take care with glaucoma: see its precautions"]


def safe_for_counts(response):
    """{condition slug: (count shown, URL of its link)} from the list's safe-for filter."""
    facet = next(f for f in response.context["browse"].facets() if f.parameter == "safe_for")
    return {choice.value: (choice.count, choice.url) for choice in facet.choices}


def listed(client, url):
    return set(card_flags(client.get(url)))


def test_a_poses_own_note_replaces_its_types_guidance_in_the_list_and_counts(
    client, glaucoma, inversion
):
    guidance(glaucoma, inversion)
    own_caution = typed_pose(inversion, sanskrit_name="Viparita Karani")
    make_safety_note(own_caution, 1, kind="caution").conditions.add(glaucoma)
    by_type = typed_pose(inversion, sanskrit_name="Sirsasana")
    make_pose(sanskrit_name="Tadasana")

    assert listed(client, "/poses/?safe_for=glaucoma") == {"Viparita Karani", "Tadasana"}
    count, _ = safe_for_counts(client.get("/poses/"))["glaucoma"]
    assert count == Pose.objects.published().exclude(pk=by_type.pk).count()


def test_an_own_avoid_note_hides_a_pose_whose_types_guidance_says_modify(
    client, glaucoma, inversion
):
    guidance(glaucoma, inversion, kind=SafetyNote.Kind.MODIFY)
    pose = typed_pose(inversion, sanskrit_name="Sirsasana")
    make_safety_note(pose, 1, kind="avoid", no_substitute=True).conditions.add(glaucoma)
    modified = typed_pose(inversion, sanskrit_name="Salamba Sarvangasana")

    flags = card_flags(client.get("/poses/?safe_for=glaucoma"))
    assert "Sirsasana" not in flags
    assert flags[modified.sanskrit_name] == ["Modify for glaucoma: see its precautions"]


def test_a_note_about_another_condition_leaves_the_types_guidance_in_force(
    client, glaucoma, knee, inversion
):
    guidance(glaucoma, inversion)
    pose = typed_pose(inversion, sanskrit_name="Sirsasana")
    make_safety_note(pose, 1, kind="caution").conditions.add(knee)

    assert "Sirsasana" not in listed(client, "/poses/?safe_for=glaucoma")
    assert "Sirsasana" in listed(client, "/poses/?safe_for=knee-injury")


def test_two_conditions_hide_the_poses_to_avoid_with_either(client, glaucoma, knee, inversion):
    guidance(glaucoma, inversion)
    typed_pose(inversion, sanskrit_name="Sirsasana")
    kneeling = make_pose(sanskrit_name="Virasana")
    make_safety_note(kneeling, 1, kind="avoid", no_substitute=True).conditions.add(knee)
    make_pose(sanskrit_name="Tadasana")

    both = listed(client, "/poses/?safe_for=glaucoma&safe_for=knee-injury")
    assert {"Sirsasana", "Virasana"}.isdisjoint(both)
    assert "Tadasana" in both
    assert both == listed(client, "/poses/?safe_for=glaucoma") - {"Virasana"}


def test_with_two_conditions_a_card_shows_the_strictest_guidance(client, glaucoma, knee):
    pose = make_pose(sanskrit_name="Virasana")
    make_safety_note(pose, 1, kind="caution").conditions.add(glaucoma)
    make_safety_note(pose, 2, kind="modify").conditions.add(knee)
    make_pose(sanskrit_name="Tadasana")

    response = client.get("/poses/?safe_for=glaucoma&safe_for=knee-injury")
    flags = card_flags(response)
    assert flags["Virasana"] == ["Modify for glaucoma or knee injury: see its precautions"]
    assert flags["Tadasana"] == [
        "No specific guidance for glaucoma or knee injury: ask your teacher"
    ]
    assert "Poses to avoid with glaucoma or knee injury are hidden" in response.content.decode()


def test_a_conditions_link_adds_it_and_its_count_is_what_that_link_lists(
    client, glaucoma, knee, inversion
):
    guidance(glaucoma, inversion)
    typed_pose(inversion, sanskrit_name="Sirsasana")
    both = typed_pose(inversion, sanskrit_name="Halasana")
    make_safety_note(both, 1, kind="avoid", no_substitute=True).conditions.add(knee)
    kneeling = make_pose(sanskrit_name="Virasana")
    make_safety_note(kneeling, 1, kind="avoid", no_substitute=True).conditions.add(knee)
    make_pose(sanskrit_name="Tadasana")

    counts = safe_for_counts(client.get("/poses/?safe_for=glaucoma"))
    count, url = counts["knee-injury"]
    assert parse_qs(urlsplit(url).query)["safe_for"] == ["glaucoma", "knee-injury"]
    assert count == len(listed(client, "/poses/" + url))
    assert count == len(listed(client, "/poses/?safe_for=glaucoma")) - 1  # Virasana

    # A chosen condition's link removes it; its count is that of the page itself.
    count, url = counts["glaucoma"]
    assert parse_qs(urlsplit(url).query).get("safe_for") is None
    assert count == len(listed(client, "/poses/?safe_for=glaucoma"))


# Avoid notes always say what to do instead


def test_an_avoid_note_needs_a_substitute_or_skip(knee):
    pose = make_pose()
    note = SafetyNote(pose=pose, kind="avoid", text="Not with a knee injury.")
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert "substitute" in error.value.message_dict
    note.no_substitute = True
    note.full_clean()


def test_the_admin_refuses_an_avoid_note_without_a_substitute_at_the_field(admin_client):
    pose = make_pose()
    form_page = admin_client.get(change_url(pose))
    note = {"kind": "avoid", "text": "Not with a bad knee.", "substitute": "", "position": "1"}
    data = admin_post_data(form_page, pose_fields(pose), {"safety_notes": [note]})
    response = admin_client.post(change_url(pose), data)
    assert response.status_code == 200
    assert "choose a substitute pose, or tick" in response.content.decode()
    assert not SafetyNote.objects.exists()


# Benefits: physical effects and traditional claims


def test_a_traditional_claim_carries_a_plain_qualifier(client):
    pose = make_pose()
    make_benefit(pose, 1, "Stretches the hamstrings.")
    claim = make_benefit(pose, 2, "Traditionally said to help the kidneys.")
    claim.kind = Benefit.Kind.TRADITIONAL
    claim.save()
    benefits = section(page(client, pose), "benefits")
    assert benefits.count("not established medical advice") == 1
    items = re.findall(r"<li.*?</li>", benefits, re.DOTALL)
    assert "not established medical advice" in items[1]
    assert "not established medical advice" not in items[0]


def test_the_admin_warns_when_a_benefit_claims_to_help_a_condition_to_avoid(admin_client):
    asthma = Condition.objects.create(name="Asthma", slug="asthma", claim_words="respiratory")
    pose = make_pose()
    note = make_safety_note(pose, 1, kind="avoid", no_substitute=True)
    note.conditions.add(asthma)
    benefit = make_benefit(pose, 1, "Heals the respiratory system.")
    form_page = admin_client.get(change_url(pose))
    assert "speaks of respiratory" in form_page.content.decode()
    rows = {
        "benefits": [{"id": benefit.pk, "text": benefit.text, "kind": "physical"}],
        "safety_notes": [
            {
                "id": note.pk,
                "kind": "avoid",
                "text": note.text,
                "conditions": [str(asthma.pk)],
                "no_substitute": "on",
            }
        ],
    }
    data = admin_post_data(form_page, pose_fields(pose), rows)
    response = admin_client.post(change_url(pose), data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("avoid it with asthma" in m for m in messages)


# Links that mean what they say


def test_the_starting_position_is_in_the_basics_not_among_preparatory_poses(client):
    dandasana = make_pose(sanskrit_name="Dandasana", slug="dandasana")
    pose = make_pose(starting_position=dandasana)
    html = page(client, pose)
    assert 'href="/poses/dandasana/"' in section(html, "basics")
    assert section(html, "preparatory") == ""


def test_reordering_follow_ups_on_one_pose_never_reorders_anothers_preparatory_list(
    admin_client, client
):
    a = make_pose(sanskrit_name="Apose", slug="a")
    b = make_pose(sanskrit_name="Bpose", slug="b")
    c = make_pose(sanskrit_name="Cpose", slug="c")
    x = make_pose(sanskrit_name="Xpose", slug="x")
    # B's preparatory poses: X first, then A. A's follow-ups: B first, then C.
    PoseLink.objects.create(preparatory=x, follow_up=b, position_among_preparatory=1)
    a_b = PoseLink.objects.create(
        preparatory=a, follow_up=b, position_among_preparatory=2, position_among_follow_ups=1
    )
    a_c = PoseLink.objects.create(preparatory=a, follow_up=c, position_among_follow_ups=2)

    # The teacher drags C above B on A's page.
    form_page = admin_client.get(change_url(a))
    rows = [
        {"id": str(a_c.pk), "preparatory": str(a.pk), "follow_up": str(c.pk), "reason": ""},
        {"id": str(a_b.pk), "preparatory": str(a.pk), "follow_up": str(b.pk), "reason": ""},
    ]
    rows[0]["position_among_follow_ups"], rows[1]["position_among_follow_ups"] = "1", "2"
    data = admin_post_data(form_page, pose_fields(a), {"follow_up_links": rows})
    assert_saved(admin_client.post(change_url(a), data))

    follow_ups = section(page(client, a), "follow-up")
    assert follow_ups.index("Cpose") < follow_ups.index("Bpose")
    preparatory = section(page(client, b), "preparatory")
    assert preparatory.index("Xpose") < preparatory.index("Apose")


# Reviewed by, and when


def test_ticking_the_review_box_records_who_and_when(admin_client, client, admin_user):
    admin_user.first_name, admin_user.last_name = "Maya", "Ortiz"
    admin_user.save()
    pose = make_pose()
    form_page = admin_client.get(change_url(pose))
    data = admin_post_data(form_page, pose_fields(pose, mark_safety_reviewed="on"))
    assert_saved(admin_client.post(change_url(pose), data))
    pose.refresh_from_db()
    assert pose.safety_reviewed_at == timezone.localdate()
    assert pose.safety_reviewed_by == "Maya Ortiz"
    today = timezone.localdate()
    assert f"reviewed by Maya Ortiz on {today.day} {today:%B %Y}" in page(client, pose)


def test_an_unreviewed_pose_says_so(client):
    assert "has not yet reviewed this pose's precautions" in page(client, make_pose())


def test_staff_list_poses_due_for_review(admin_client):
    today = timezone.localdate()
    make_pose(sanskrit_name="Neverasana")
    make_pose(sanskrit_name="Oldasana", safety_reviewed_at=today - datetime.timedelta(days=400))
    make_pose(sanskrit_name="Freshasana", safety_reviewed_at=today - datetime.timedelta(days=30))
    html = admin_client.get("/admin/poses/pose/?safety_review=due").content.decode()
    assert "Neverasana" in html and "Oldasana" in html
    assert "Freshasana" not in html
