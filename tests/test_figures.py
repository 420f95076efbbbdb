"""Figures: the body model's validation, its SVG and PNG renditions, where pages show it,
and the admin field that edits it."""

import json
import re
from io import BytesIO, StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from exchange.importer import import_poses
from exchange.shape import export_poses
from poses.figures import (
    JOINTS,
    WIDTH,
    figure_svg,
    mirrored,
    validate_figure,
)
from poses.models import Pose
from tests.admin_forms import admin_post_data, assert_saved, change_url, form_errors, pose_fields
from tests.factories import make_draft, make_full_pose, make_pose, make_sequence, make_step
from tests.test_pose_page import POSE_PAGE_QUERIES

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_NAMES = ("janusirsasana.json", "starter_library.json", "more_poses.json")


def standing(**overrides):
    """A valid figure: standing, seen from the right."""
    joints = {name: [100, 80] for name in JOINTS}
    joints.update(head=[100, 30], neck=[100, 40], chest=[100, 56])
    for side in ("left", "right"):
        joints.update(
            {
                f"{side}_shoulder": [100, 44],
                f"{side}_elbow": [100, 64],
                f"{side}_wrist": [100, 80],
                f"{side}_hand": [100, 86],
                f"{side}_hip": [100, 76],
                f"{side}_knee": [100, 105],
                f"{side}_ankle": [100, 132],
                f"{side}_toe": [110, 132],
            }
        )
    figure = {
        "description": "Standing tall, arms by the sides.",
        "near": "right",
        "floor": 142,
        "joints": joints,
        "props": [],
    }
    figure.update(overrides)
    return figure


def error_text(figure):
    with pytest.raises(ValidationError) as raised:
        validate_figure(figure)
    return " ".join(raised.value.messages)


# The body model


def test_a_complete_figure_is_valid():
    validate_figure(standing())


def test_an_unknown_joint_is_named_in_the_error():
    figure = standing()
    figure["joints"]["tail"] = [10, 10]
    assert "Unknown joint “tail”" in error_text(figure)


def test_a_missing_joint_is_named_in_the_error():
    figure = standing()
    del figure["joints"]["left_knee"]
    assert "Missing joint “left_knee”" in error_text(figure)


def test_a_joint_outside_the_frame_says_where_it_is():
    figure = standing()
    figure["joints"]["right_hand"] = [250, 40]
    message = error_text(figure)
    assert "Joint “right_hand” is at (250, 40), outside the frame" in message
    assert "x runs from 0 to 200" in message


def test_a_joint_that_is_not_a_point_is_refused():
    figure = standing()
    figure["joints"]["head"] = ["100", 30]
    assert "“head” is not a point" in error_text(figure)


def test_an_unknown_prop_is_refused():
    assert "unknown kind “chair”" in error_text(standing(props=[{"kind": "chair"}]))


def test_a_block_outside_the_frame_is_refused():
    block = {"kind": "block", "x": 190, "y": 120, "width": 20, "height": 10}
    assert "Prop 1 (block) is outside the frame" in error_text(standing(props=[block]))


def test_known_props_are_valid():
    props = [
        {"kind": "block", "x": 120, "y": 126, "width": 12, "height": 16},
        {"kind": "wall", "x": 150},
        {"kind": "strap", "points": [[100, 86], [110, 132]]},
    ]
    validate_figure(standing(props=props))


def test_the_model_field_refuses_a_bad_figure_outside_the_admin():
    pose = make_pose()
    pose.figure = {"joints": {}}
    with pytest.raises(ValidationError) as raised:
        pose.full_clean()
    assert "figure" in raised.value.message_dict


# Drawing


def test_the_svg_is_titled_and_drawn_in_the_current_colour():
    svg = figure_svg(standing(), "Figure of Tadasana")
    assert "<title>Figure of Tadasana</title>" in svg
    assert "<desc>Standing tall, arms by the sides.</desc>" in svg
    assert 'stroke="currentColor"' in svg
    assert 'role="img"' in svg


def test_the_far_side_is_drawn_lighter():
    svg = figure_svg(standing(), "Figure")
    assert re.search(r'class="figure__far-leg"[^>]*opacity="\.4"', svg)
    assert not re.search(r'class="figure__near-leg"[^>]*opacity', svg)


def test_text_in_a_figure_is_escaped():
    svg = figure_svg(standing(description="<script>alert(1)</script>"), "A & B")
    assert "<script>" not in svg
    assert "<title>A &amp; B</title>" in svg


def test_mirroring_swaps_sides_and_reflects_the_picture():
    figure = standing()
    figure["joints"]["right_hand"] = [130, 86]
    flipped = mirrored(figure)
    assert flipped["joints"]["left_hand"] == [WIDTH - 130, 86]
    assert flipped["near"] == "left"
    assert mirrored(flipped)["joints"] == figure["joints"]


def fixture_figures():
    for name in FIXTURE_NAMES:
        for record in json.loads((FIXTURES / name).read_text()):
            if record["model"] == "poses.pose":
                yield record["fields"]["slug"], record["fields"].get("figure")


def test_every_fixture_pose_has_a_valid_figure_of_its_own():
    figures = dict(fixture_figures())
    assert len(figures) == 60
    for slug, figure in figures.items():
        assert figure, f"{slug} has no figure"
        validate_figure(figure)
    shapes = {json.dumps(figure["joints"], sort_keys=True) for figure in figures.values()}
    assert len(shapes) == len(figures)


def test_every_fixture_figure_is_small_enough_for_a_card():
    for slug, figure in fixture_figures():
        svg = figure_svg(figure, f"Figure of {slug}", size="card")
        assert len(svg.encode()) < 3000, slug


# Pages


def test_the_pose_page_shows_the_figure_beside_the_basics(client):
    pose = make_pose(sanskrit_name="Trikonasana", slug="trikonasana", figure=standing())
    content = client.get(pose.get_absolute_url()).content.decode()
    basics = content[
        content.index('id="basics"') : content.index("</section>", content.index('id="basics"'))
    ]
    assert "<title>Figure of Trikonasana</title>" in basics


def test_a_step_with_a_figure_shows_it_beside_the_step(client):
    pose = make_pose(figure=standing())
    make_step(pose, 1, title="Bend your right knee", figure=standing(near="left"))
    make_step(pose, 2, title="Fold forward")
    content = client.get(pose.get_absolute_url()).content.decode()
    assert "<title>Figure: Bend your right knee</title>" in content
    assert "<title>Figure: Fold forward</title>" not in content


def test_a_pose_without_a_figure_shows_none(client):
    pose = make_pose()
    assert b"<svg" not in client.get(pose.get_absolute_url()).content


def test_the_pose_page_shares_the_figure_as_its_image(client):
    pose = make_pose(slug="tadasana", figure=standing())
    content = client.get(pose.get_absolute_url()).content.decode()
    match = re.search(r'<meta property="og:image" content="([^"]+)">', content)
    assert match and re.fullmatch(r"http://testserver/poses/tadasana/figure\.png\?v=\w+", match[1])
    assert '<meta name="twitter:card" content="summary_large_image">' in content


def test_the_photo_shows_alongside_the_figure(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (80, 60), "white").save(buffer, "PNG")
    pose = make_pose(figure=standing(), image_alt="A teacher in the pose")
    pose.image.save("photo.png", ContentFile(buffer.getvalue()))
    content = client.get(pose.get_absolute_url()).content.decode()
    assert 'alt="A teacher in the pose"' in content
    assert f"<title>Figure of {pose.sanskrit_name}</title>" in content


def test_cards_in_the_list_and_search_results_show_each_figure(client):
    first = make_pose(sanskrit_name="Tadasana", english_name="Mountain Pose", figure=standing())
    make_pose(sanskrit_name="Vrksasana", english_name="Tree Pose", figure=standing(near="left"))
    listing = client.get("/poses/").content.decode()
    assert "<title>Figure of Tadasana</title>" in listing
    assert "<title>Figure of Vrksasana</title>" in listing
    results = client.get("/poses/", {"q": first.english_name}).content.decode()
    assert "<title>Figure of Tadasana</title>" in results


def test_the_sequence_page_shows_each_pose_as_a_figure(client):
    sequence = make_sequence(
        make_pose(sanskrit_name="Tadasana", figure=standing()),
        make_pose(sanskrit_name="Vrksasana", figure=standing(near="left")),
    )
    content = client.get(sequence.get_absolute_url()).content.decode()
    assert content.count('class="figure figure--strip"') == 2
    assert "<title>Figure of Vrksasana</title>" in content


def test_the_practise_view_shows_large_figures(client):
    sequence = make_sequence(make_pose(sanskrit_name="Tadasana", figure=standing()))
    content = client.get(f"{sequence.get_absolute_url()}practise/").content.decode()
    assert 'class="figure figure--large"' in content
    assert "<title>Figure of Tadasana</title>" in content


def test_figures_cost_the_pose_page_no_query(client, django_assert_num_queries):
    pose = make_full_pose(3)
    Pose.objects.filter(pk=pose.pk).update(figure=standing())
    for step in pose.steps.all():
        step.figure = standing()
        step.save()
    cache.clear()
    with django_assert_num_queries(POSE_PAGE_QUERIES):
        assert client.get(pose.get_absolute_url()).status_code == 200


# The PNG


def test_the_figure_png_is_a_1200_by_630_picture(client):
    pose = make_pose(figure=standing())
    response = client.get(f"/poses/{pose.slug}/figure.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(BytesIO(response.content))
    assert image.size == (1200, 630)
    assert "public" in response["Cache-Control"]


def test_the_figure_png_is_drawn_once_per_change(client):
    pose = make_pose(figure=standing())
    with mock.patch("poses.figure_views.figure_png", return_value=b"png") as draw:
        client.get(f"/poses/{pose.slug}/figure.png")
        client.get(f"/poses/{pose.slug}/figure.png")
        assert draw.call_count == 1
        Pose.objects.filter(pk=pose.pk).update(figure=standing(near="left"))
        client.get(f"/poses/{pose.slug}/figure.png")
        assert draw.call_count == 2


def test_a_draft_figure_png_is_hidden_from_the_public(client):
    pose = make_draft(figure=standing())
    assert client.get(f"/poses/{pose.slug}/figure.png").status_code == 404


def test_a_pose_without_a_figure_has_no_png(client):
    pose = make_pose()
    assert client.get(f"/poses/{pose.slug}/figure.png").status_code == 404


# The admin


def test_the_admin_saves_an_edited_figure(admin_client, client):
    pose = make_pose(figure=standing())
    edited = standing()
    edited["joints"]["right_hand"] = [140, 40]
    page = admin_client.get(change_url(pose))
    assert b"data-figure-editor" in page.content
    data = admin_post_data(page, pose_fields(pose, figure=json.dumps(edited)))
    assert_saved(admin_client.post(change_url(pose), data))
    pose.refresh_from_db()
    assert pose.figure["joints"]["right_hand"] == [140, 40]


def test_the_admin_refuses_json_that_does_not_parse_at_the_field(admin_client):
    pose = make_pose(figure=standing())
    page = admin_client.get(change_url(pose))
    data = admin_post_data(page, pose_fields(pose, figure='{"joints": '))
    response = admin_client.post(change_url(pose), data)
    assert response.status_code == 200
    assert "figure" in response.context["adminform"].form.errors
    pose.refresh_from_db()
    assert pose.figure == standing()


def test_the_admin_shows_an_unknown_joint_at_the_field(admin_client):
    pose = make_pose(figure=standing())
    bad = standing()
    bad["joints"]["tail"] = [1, 1]
    page = admin_client.get(change_url(pose))
    response = admin_client.post(
        change_url(pose), admin_post_data(page, pose_fields(pose, figure=json.dumps(bad)))
    )
    errors = response.context["adminform"].form.errors
    assert "Unknown joint “tail”" in " ".join(errors["figure"]), form_errors(response)


def test_the_editor_lists_the_figures_to_start_from(admin_client):
    make_pose(sanskrit_name="Tadasana", english_name="Mountain Pose", figure=standing())
    make_pose(sanskrit_name="Nofigurasana")
    poses = admin_client.get("/admin/poses/pose/figures/").json()["poses"]
    assert [pose["name"] for pose in poses] == ["Tadasana (Mountain Pose)"]
    assert poses[0]["figure"] == standing()


def test_the_figures_list_is_for_staff_only(client):
    response = client.get("/admin/poses/pose/figures/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# The contact sheet


def test_the_figure_sheet_draws_every_fixture_figure_with_its_names(tmp_path):
    call_command("load_poses", *(FIXTURES / name for name in FIXTURE_NAMES), stdout=StringIO())
    output = StringIO()
    with mock.patch("poses.management.commands.figure_sheet.screenshot") as screenshot:
        call_command("figure_sheet", tmp_path / "figures.png", stdout=output)
    html, path = screenshot.call_args.args
    assert path == tmp_path / "figures.png"
    assert html.count("<svg") == 60
    assert "<title>Figure of Trikonasana</title>" in html
    assert "Drew 60 figures" in output.getvalue()


def test_the_json_ld_image_is_the_figure(client):
    pose = make_pose(slug="tadasana", figure=standing())
    content = client.get(pose.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', content)[1])
    assert data["image"].startswith("http://testserver/poses/tadasana/figure.png?v=")


# Export, import and open data


def test_export_carries_the_figures_of_a_pose_and_its_steps():
    pose = make_pose(slug="tadasana", figure=standing())
    make_step(pose, 1, figure=standing(near="left"))
    make_step(pose, 2)
    exported = export_poses(Pose.objects.filter(slug="tadasana"))["poses"][0]
    assert exported["figure"] == standing()
    assert [step["figure"] for step in exported["steps"]] == [standing(near="left"), None]


def test_import_sets_an_edited_figure():
    pose = make_pose(slug="tadasana", figure=standing())
    data = export_poses(Pose.objects.filter(slug="tadasana"))
    data["poses"][0]["figure"]["joints"]["right_hand"] = [150, 20]
    data["poses"][0]["steps"] = [{"title": "Stand", "instruction": "Tall.", "figure": standing()}]
    result = import_poses(data)
    assert result.ok, result.errors
    pose.refresh_from_db()
    assert pose.figure["joints"]["right_hand"] == [150, 20]
    assert pose.steps.get().figure == standing()


def test_import_refuses_a_figure_with_an_unknown_joint_at_its_field():
    pose = make_pose(slug="tadasana", figure=standing())
    data = export_poses(Pose.objects.filter(slug="tadasana"))
    data["poses"][0]["figure"]["joints"]["tail"] = [1, 1]
    result = import_poses(data)
    assert not result.ok
    assert any(
        problem.field == "figure" and "Unknown joint “tail”" in problem.message
        for problem in result.errors
    ), [str(problem) for problem in result.errors]
    pose.refresh_from_db()
    assert "tail" not in pose.figure["joints"]


def test_open_data_carries_the_figure(client):
    make_pose(slug="tadasana", figure=standing())
    assert client.get("/poses/tadasana.json").json()["poses"][0]["figure"] == standing()
