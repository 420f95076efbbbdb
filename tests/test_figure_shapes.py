"""The library's figures are drawn as a teacher would recognise them: one body with the same
limb lengths throughout, and, for the poses that were hard to read, the shape that names the
pose (Savasana lying long on the floor, Garudasana's arms before its face, …)."""

import json
import math
from itertools import pairwise
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


def joints(slug):
    return FIGURES[slug]["joints"]


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


def test_sirsasana_stands_on_its_head_with_the_feet_straight_above_it():
    figure = FIGURES["salamba-sirsasana"]
    j = figure["joints"]
    head_bottom = j["head"][1] + HEAD_RADIUS
    assert abs(head_bottom - figure["floor"]) <= 2
    assert max(y for _, y in j.values()) <= head_bottom
    for side in ("left", "right"):
        toe, ankle, hip = j[f"{side}_toe"], j[f"{side}_ankle"], j[f"{side}_hip"]
        assert toe[1] < ankle[1] < hip[1] < j["chest"][1] < j["neck"][1] < j["head"][1]
        assert abs(ankle[0] - j["head"][0]) <= 4
        assert straightness(j, side) > 0.97
        # Forearms on the floor, upper arms upright.
        elbow, shoulder = j[f"{side}_elbow"], j[f"{side}_shoulder"]
        assert figure["floor"] - elbow[1] <= 3
        assert tilt(shoulder, elbow) > 80
    assert abs(j["left_ankle"][0] - j["right_ankle"][0]) <= 4  # legs together


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


def test_ardha_chandrasana_balances_level_on_one_straight_leg():
    figure = FIGURES["ardha-chandrasana"]
    j = figure["joints"]
    standing, lifted = "right", "left"
    assert straightness(j, standing) > 0.97
    assert tilt(j[f"{standing}_hip"], j[f"{standing}_ankle"]) > 85
    assert figure["floor"] - j[f"{standing}_ankle"][1] <= 4
    assert tilt(pelvis(j), j["neck"]) < 8  # the torso level
    assert tilt(j[f"{lifted}_hip"], j[f"{lifted}_ankle"]) < 8  # the top leg level
    assert straightness(j, lifted) > 0.97
    assert j["head"][0] < pelvis(j)[0] < j[f"{lifted}_ankle"][0]
    # The lower hand on the block, the top arm straight up.
    (block,) = figure["props"]
    assert block["kind"] == "block"
    hand = j[f"{standing}_hand"]
    assert block["x"] <= hand[0] <= block["x"] + block["width"]
    assert abs(hand[1] - block["y"]) <= 2
    assert j[f"{lifted}_shoulder"][1] - j[f"{lifted}_hand"][1] > 35


def test_ardha_uttanasana_has_straight_legs_a_level_back_and_hands_on_the_shins():
    j = joints("ardha-uttanasana")
    assert tilt(pelvis(j), j["neck"]) < 12
    for side in ("left", "right"):
        assert straightness(j, side) > 0.97
        knee, ankle, hand = j[f"{side}_knee"], j[f"{side}_ankle"], j[f"{side}_hand"]
        assert knee[1] <= hand[1] <= ankle[1]
        assert distance_to_segment(hand, knee, ankle) <= 6


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


def test_parivrtta_janusirsasana_reaches_the_lower_arm_along_the_leg():
    j = joints("parivrtta-janusirsasana")
    leg = [j[f"left_{part}"] for part in ("hip", "knee", "ankle", "toe")]
    for part in ("elbow", "wrist", "hand"):
        point = j[f"left_{part}"]
        assert min(distance_to_segment(point, a, b) for a, b in pairwise(leg)) <= 8
    assert distance_to_segment(j["left_hand"], j["left_ankle"], j["left_toe"]) <= 4
    assert j["right_hand"][1] < j["head"][1]  # the top arm overhead


def test_parivrtta_trikonasana_draws_the_crossing_arm_in_front():
    figure = FIGURES["parivrtta-trikonasana"]
    j = figure["joints"]
    # The left hand reaches down outside the front (right) foot, in front of that leg, so the
    # left side is drawn near and the right leg behind it.
    assert figure["near"] == "left"
    assert math.dist(j["left_hand"], j["right_toe"]) <= 10
    assert figure["floor"] - j["left_hand"][1] <= 4
    assert j["neck"][1] - j["right_hand"][1] > 35
    assert tilt(pelvis(j), j["neck"]) < 10


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


def test_sarvangasana_rests_the_head_beside_the_shoulders_under_straight_legs():
    figure = FIGURES["salamba-sarvangasana"]
    j = figure["joints"]
    assert abs(j["head"][1] + HEAD_RADIUS - figure["floor"]) <= 2
    for side in ("left", "right"):
        toe, hip, shoulder = j[f"{side}_toe"], j[f"{side}_hip"], j[f"{side}_shoulder"]
        assert toe[1] < hip[1] < shoulder[1]
        assert straightness(j, side) > 0.97
        # Unlike Sirsasana, the head is not under the feet but on the floor beside the neck.
        assert abs(j["head"][0] - j[f"{side}_ankle"][0]) >= HEAD_RADIUS
        assert j[f"{side}_hand"][1] < shoulder[1]  # the hands support the back


def test_upavistha_konasana_folds_forward_between_wide_legs():
    figure = FIGURES["upavistha-konasana"]
    j = figure["joints"]
    assert abs(j["left_ankle"][0] - j["right_ankle"][0]) > 100
    assert figure["floor"] - pelvis(j)[1] <= 8
    for side in ("left", "right"):
        assert straightness(j, side) > 0.97
        assert j["head"][1] > j[f"{side}_shoulder"][1]  # the head bowed below the shoulders


def test_vrksasana_stands_on_the_near_straight_leg_with_the_other_foot_on_its_thigh():
    figure = FIGURES["vrksasana"]
    j = figure["joints"]
    standing, bent = "left", "right"
    assert figure["near"] == standing  # the standing leg is drawn in full tone
    assert straightness(j, standing) > 0.97
    assert figure["floor"] - j[f"{standing}_ankle"][1] <= 4
    thigh = (j[f"{standing}_hip"], j[f"{standing}_knee"])
    for part in ("ankle", "toe"):  # the sole against the inner standing thigh
        assert distance_to_segment(j[f"{bent}_{part}"], *thigh) <= 8
    knee, hip = j[f"{bent}_knee"], j[f"{bent}_hip"]
    assert hip[0] - knee[0] > 12  # the knee open to the side, away from the standing leg
    assert knee[1] > hip[1]


def test_supta_baddha_konasana_lies_with_the_soles_together_and_the_knees_fallen_open():
    figure = FIGURES["supta-baddha-konasana"]
    j = figure["joints"]
    assert figure["floor"] is not None  # from the side and a little above, on the mat
    assert tilt(j["head"], pelvis(j)) < 10
    assert figure["floor"] - pelvis(j)[1] <= 25
    assert math.dist(j["left_ankle"], j["right_ankle"]) <= 4  # soles together
    assert 0 < j["right_ankle"][0] - pelvis(j)[0] < 35  # the feet drawn in near the pelvis
    for side in ("left", "right"):
        assert straightness(j, side) < 0.8
    # Seen a little from above, the near knee falls towards the viewer (to the mat) and the
    # far one away: far apart, where knees drawn up together would overlap.
    near, far = j["right_knee"], j["left_knee"]
    assert figure["floor"] - near[1] <= 6
    assert near[1] - far[1] > 20


def test_ardha_matsyendrasana_folds_the_bottom_leg_and_steps_the_top_foot_over_it():
    figure = FIGURES["ardha-matsyendrasana"]
    j = figure["joints"]
    assert figure["near"] == "left"  # the left arm crosses in front
    # Unlike Marichyasana III no leg is straight: the left foot lies by the right hip, and
    # the right foot stands outside the left knee, on the far side of it from the right hip.
    assert straightness(j, "left") < 0.8
    assert math.dist(j["left_ankle"], j["right_hip"]) <= 10
    assert figure["floor"] - j["left_knee"][1] <= 6
    hip, knee, ankle = j["right_hip"], j["left_knee"], j["right_ankle"]
    assert (knee[0] - hip[0]) * (ankle[0] - knee[0]) > 0
    assert figure["floor"] - ankle[1] <= 4
    assert pelvis(j)[1] - j["right_knee"][1] > 15  # the top knee up
    assert math.dist(j["left_elbow"], j["right_knee"]) <= 8
    assert j["left_hand"][1] < j["left_elbow"][1]  # the forearm upright beside the knee


def test_ananda_balasana_holds_the_feet_over_upright_shins():
    j = joints("ananda-balasana")
    for side in ("left", "right"):
        assert tilt(j[f"{side}_knee"], j[f"{side}_ankle"]) > 80
        assert j[f"{side}_knee"][0] < j[f"{side}_hip"][0]  # the knees drawn towards the chest
        foot = (j[f"{side}_ankle"], j[f"{side}_toe"])
        assert distance_to_segment(j[f"{side}_hand"], *foot) <= 4


def test_dhanurasana_holds_the_ankles_with_the_chest_and_knees_lifted():
    figure = FIGURES["dhanurasana"]
    j = figure["joints"]
    assert figure["floor"] - pelvis(j)[1] <= 6  # on the belly
    for side in ("left", "right"):
        assert math.dist(j[f"{side}_hand"], j[f"{side}_ankle"]) <= 4
        assert figure["floor"] - j[f"{side}_knee"][1] > 8
    assert figure["floor"] - j["chest"][1] > 8
