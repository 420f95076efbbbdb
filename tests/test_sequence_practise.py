"""The practise view: a sequence one pose at a time, ready for the timer script."""

import re

import pytest

from tests.factories import make_item, make_pose, make_sequence
from tests.pages import page_elements

pytestmark = pytest.mark.django_db


# The practise view


def practise_steps(response):
    return page_elements(response, "li", class_="practise-step")


def test_the_practise_view_shows_every_pose_in_order(client):
    poses = [make_pose(sanskrit_name=name) for name in ("Dandasana", "Janusirsasana")]
    sequence = make_sequence(*poses)
    response = client.get(f"{sequence.get_absolute_url()}practise/")
    assert response.status_code == 200
    names = [page_elements(step, "h2")[0].text for step in practise_steps(response)]
    assert [name.split()[0] for name in names] == ["Dandasana", "Janusirsasana"]


def test_a_pose_on_both_sides_is_practised_right_then_left(client):
    sequence = make_sequence()
    make_item(sequence, make_pose(sanskrit_name="Janusirsasana"), side="both", hold_value=60)
    steps = practise_steps(client.get(f"{sequence.get_absolute_url()}practise/"))
    assert ["Right side" in step.text for step in steps] == [True, False]
    assert ["Left side" in step.text for step in steps] == [False, True]


def test_each_practise_step_carries_its_hold_for_the_timer(client):
    sequence = make_sequence()
    make_item(sequence, make_pose(), hold_value=45)
    make_item(sequence, make_pose(), hold_value=4, hold_unit="breaths")
    steps = practise_steps(client.get(f"{sequence.get_absolute_url()}practise/"))
    assert [step.attributes["data-seconds"] for step in steps] == ["45", "20"]
    assert all("data-practise-step" in step.attributes for step in steps)
    assert steps[1].attributes["data-announce"].startswith("2 of 2: ")


def test_the_timer_and_buttons_wait_for_the_script(client):
    sequence = make_sequence(make_pose())
    response = client.get(f"{sequence.get_absolute_url()}practise/")
    (panel,) = page_elements(response, "div", class_="practise__panel")
    assert "hidden" in panel.attributes
    assert [button.text for button in page_elements(panel, "button")] == [
        "← Previous",
        "Start",
        "Next →",
    ]
    assert page_elements(panel, "p", role="timer")


def test_the_practise_script_is_a_static_file_not_inline(client):
    sequence = make_sequence(make_pose())
    response = client.get(f"{sequence.get_absolute_url()}practise/")
    scripts = page_elements(response, "script")
    assert [script.text for script in scripts] == [""]
    assert re.search(r"/static/js/practise\.[0-9a-f]+\.js$", scripts[0].attributes["src"])


def test_the_left_side_shows_the_figure_mirrored(client):
    from poses.figures import figure_svg, mirrored
    from tests.test_figures import standing

    figure = standing()
    figure["joints"]["right_wrist"] = [150, 30]  # one arm raised: the sides differ
    sequence = make_sequence()
    make_item(sequence, make_pose(sanskrit_name="Vrksasana", figure=figure), side="both")
    page = client.get(f"{sequence.get_absolute_url()}practise/").content.decode()
    right, left = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    assert right == figure_svg(figure, "Figure of Vrksasana", "large")
    assert left == figure_svg(mirrored(figure), "Figure of Vrksasana, left side", "large")
    assert right != left
