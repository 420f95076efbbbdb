"""The library's figures are drawn as a teacher would recognise them: one body with the same
limb lengths throughout, standing on its mat rather than sinking into it."""

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
