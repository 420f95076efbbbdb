"""The library's figures are drawn as a teacher would recognise them: one body with the same
limb lengths throughout, and, for the poses that were hard to read, the shape that names the
pose (Savasana lying long on the floor, Garudasana's arms before its face, …)."""

import json
import math
from pathlib import Path

import pytest

from poses.figures import HEAD_RADIUS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_NAMES = ("janusirsasana.json", "starter_library.json", "more_poses.json")

# The body every figure is drawn with; a drawing can shorten a segment (seen end on), never
# lengthen it.
SEGMENTS = {
    ("neck", "head"): 10,
    ("chest", "neck"): 16,
    ("shoulder", "elbow"): 20,
    ("elbow", "wrist"): 16,
    ("wrist", "hand"): 6,
    ("hip", "knee"): 29,
    ("knee", "ankle"): 27,
    ("ankle", "toe"): 10,
}
CHEST_TO_PELVIS = 20


def all_figures():
    for name in FIXTURE_NAMES:
        for record in json.loads((FIXTURES / name).read_text()):
            figure = record["fields"].get("figure")
            if figure:
                label = record["fields"].get("slug") or f"{name} step"
                yield label, figure


FIGURES = dict(all_figures())


def pelvis(j):
    return midpoint(j["left_hip"], j["right_hip"])


def midpoint(a, b):
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]


def tilt(a, b):
    """The angle of the line from a to b against the horizontal, in degrees (0 to 90)."""
    angle = abs(math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))) % 180
    return min(angle, 180 - angle)


def distance_to_segment(point, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    t = max(0, min(1, ((point[0] - ax) * dx + (point[1] - ay) * dy) / (dx * dx + dy * dy)))
    return math.dist(point, [ax + t * dx, ay + t * dy])


def straightness(j, side):
    """1 for a straight leg: hip to ankle as long as thigh and shin together."""
    hip, knee, ankle = (j[f"{side}_{part}"] for part in ("hip", "knee", "ankle"))
    return math.dist(hip, ankle) / (math.dist(hip, knee) + math.dist(knee, ankle))


@pytest.mark.parametrize("label", sorted(FIGURES))
def test_no_figure_draws_a_segment_longer_than_the_body_has(label):
    j = FIGURES[label]["joints"]
    for (start, end), length in SEGMENTS.items():
        sides = ("",) if start in ("neck", "chest") else ("left_", "right_")
        for side in sides:
            drawn = math.dist(j[side + start], j[side + end])
            assert drawn <= length * 1.1 + 1, f"{side}{start}–{end} is {drawn:.0f} long"
    assert math.dist(j["chest"], pelvis(j)) <= CHEST_TO_PELVIS * 1.1 + 1


@pytest.mark.parametrize("label", sorted(FIGURES))
def test_no_figure_sinks_below_its_mat(label):
    figure = FIGURES[label]
    if figure["floor"] is None:
        return
    lowest = max(y for _, y in figure["joints"].values())
    assert lowest <= figure["floor"]
    assert figure["joints"]["head"][1] + HEAD_RADIUS <= figure["floor"] + 1


def test_savasana_lies_long_on_the_floor_seen_from_the_side():
    figure = FIGURES["savasana"]
    j = figure["joints"]
    assert figure["floor"] is not None
    assert all(figure["floor"] - y <= 14 for _, y in j.values())
    assert tilt(j["head"], j["right_ankle"]) < 5
    assert math.dist(j["head"], j["right_ankle"]) > 90
    for side in ("left", "right"):  # the arms alongside the body, hands by the hips
        assert j[f"{side}_shoulder"][0] < j[f"{side}_hand"][0] < j[f"{side}_knee"][0]
        assert straightness(j, side) > 0.97


def test_prasarita_padottanasana_folds_between_wide_straight_legs():
    figure = FIGURES["prasarita-padottanasana"]
    j = figure["joints"]
    assert abs(j["left_ankle"][0] - j["right_ankle"][0]) > 60
    for side in ("left", "right"):
        assert straightness(j, side) > 0.97
        assert figure["floor"] - j[f"{side}_hand"][1] <= 3
    low, high = sorted([j["left_ankle"][0], j["right_ankle"][0]])
    assert low < j["head"][0] < high
    assert j["head"][1] > pelvis(j)[1] + 30
    assert figure["floor"] - (j["head"][1] + HEAD_RADIUS) <= 3


def test_garudasana_sits_low_with_a_leg_wrapped_and_the_arms_before_the_face():
    figure = FIGURES["garudasana"]
    j = figure["joints"]
    assert straightness(j, "left") < 0.85  # the standing knee bent
    assert figure["floor"] - j["left_ankle"][1] <= 4
    wrapped = j["right_ankle"]
    assert figure["floor"] - wrapped[1] > 8  # off the floor, hooked behind the calf
    assert wrapped[0] < j["left_ankle"][0]
    assert j["right_knee"][1] < j["left_knee"][1]  # the thigh crossed on top
    for side in ("left", "right"):
        hand = j[f"{side}_hand"]
        assert hand[1] <= j["head"][1]  # raised to the face
        assert hand[0] > j["head"][0] + HEAD_RADIUS  # in front of it


def test_gomukhasana_sits_with_one_elbow_up_and_the_hands_clasped_behind():
    figure = FIGURES["gomukhasana"]
    j = figure["joints"]
    assert figure["floor"] - pelvis(j)[1] <= 10
    assert j["right_elbow"][1] < j["head"][1]
    assert j["left_elbow"][1] > j["left_shoulder"][1] + 15
    assert math.dist(j["left_hand"], j["right_hand"]) <= 8
    assert j["left_hand"][0] < j["chest"][0]
    # The knees stacked, the right on top.
    assert abs(j["left_knee"][0] - j["right_knee"][0]) <= 4
    assert j["right_knee"][1] < j["left_knee"][1]


def test_supta_matsyendrasana_lies_with_arms_in_a_t_and_both_knees_to_one_side():
    figure = FIGURES["supta-matsyendrasana"]
    j = figure["joints"]
    assert figure["floor"] is None  # seen from above
    spine = tilt(j["neck"], pelvis(j))
    assert spine < 5
    for side in ("left", "right"):
        assert tilt(j[f"{side}_shoulder"], j[f"{side}_hand"]) > 80
    assert (j["left_hand"][1] - j["neck"][1]) * (j["right_hand"][1] - j["neck"][1]) < 0
    below = [j[f"{side}_knee"][1] > pelvis(j)[1] + 15 for side in ("left", "right")]
    assert all(below)


def test_marichyasana_iii_hooks_the_near_arm_outside_the_raised_knee():
    figure = FIGURES["marichyasana-iii"]
    j = figure["joints"]
    assert figure["near"] == "left"
    assert math.dist(j["left_elbow"], j["right_knee"]) <= 6
    assert straightness(j, "left") > 0.97
    assert j["right_hand"][0] < pelvis(j)[0]  # the other hand on the floor behind


def test_bakasana_rests_the_knees_on_the_arms_with_the_feet_off_the_floor():
    figure = FIGURES["bakasana"]
    j = figure["joints"]
    for side in ("left", "right"):
        assert figure["floor"] - j[f"{side}_hand"][1] <= 4
        assert figure["floor"] - j[f"{side}_toe"][1] > 25
        upper_arm = (j[f"{side}_shoulder"], j[f"{side}_elbow"])
        assert distance_to_segment(j[f"{side}_knee"], *upper_arm) <= 6
    assert pelvis(j)[1] < j["neck"][1]  # hips higher than the shoulders
