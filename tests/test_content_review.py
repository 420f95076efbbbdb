"""The studio's editorial review of the safety content shipped in the two pose fixtures.

The first half reads the fixture files; the second loads both once for the module and asks
the library what it tells a student with a condition.
"""

import json
import re
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from poses.models import (
    ConditionGuidance,
    Counterpose,
    Pose,
    PoseLink,
    RelatedPose,
    SafetyNote,
)

JANU_FIXTURE = settings.BASE_DIR / "fixtures" / "janusirsasana.json"
STARTER_FIXTURE = settings.BASE_DIR / "fixtures" / "starter_library.json"
FIXTURES = [JANU_FIXTURE, STARTER_FIXTURE]

RECORDS = {path: json.loads(path.read_text(encoding="utf-8")) for path in FIXTURES}
ALL_RECORDS = [record for path in FIXTURES for record in RECORDS[path]]


def of_model(model, path=None):
    records = RECORDS[path] if path else ALL_RECORDS
    return [record["fields"] for record in records if record["model"] == model]


def slug_of(reference):
    return reference[0] if reference else None


POSES = {fields["slug"]: fields for fields in of_model("poses.pose")}
NOTES = of_model("poses.safetynote")
BENEFITS = of_model("poses.benefit")
LINKS = of_model("poses.poselink")
COUNTERPOSES = of_model("poses.counterpose")
GUIDANCE = {
    (slug_of(fields["condition"]), slug_of(fields["pose_type"])): fields
    for fields in of_model("poses.conditionguidance")
}


def types_of(slug):
    return {slug_of(pose_type) for pose_type in POSES[slug]["pose_types"]}


def notes_of(slug):
    return [note for note in NOTES if slug_of(note["pose"]) == slug]


def preparatory_of(slug):
    return {slug_of(link["preparatory"]) for link in LINKS if slug_of(link["follow_up"]) == slug}


# Avoid notes


def test_every_avoid_note_has_a_substitute_or_says_skip_it():
    for note in NOTES:
        if note["kind"] == "avoid":
            assert bool(note["substitute"]) != bool(note["no_substitute"]), note["text"]


def test_only_avoid_notes_say_skip_it():
    for note in NOTES:
        if note["no_substitute"]:
            assert note["kind"] == "avoid", note["text"]


def test_every_substitute_is_another_pose_of_the_library():
    substitutes = [(note["pose"], note["substitute"]) for note in NOTES]
    substitutes += [(None, fields["substitute"]) for fields in GUIDANCE.values()]
    for pose, substitute in substitutes:
        if substitute:
            assert slug_of(substitute) in POSES
            assert substitute != pose


def test_a_janusirsasana_file_note_names_only_poses_of_that_file():
    # That file loads on its own (the tests, the browser tests and `make run` load it alone).
    janu_slugs = {fields["slug"] for fields in of_model("poses.pose", JANU_FIXTURE)}
    for note in of_model("poses.safetynote", JANU_FIXTURE):
        assert slug_of(note["substitute"]) in janu_slugs | {None}


# Kinds that match their texts

SAYS_DO_NOT_PRACTISE = re.compile(
    r"\b(avoid (this|the) pose|do not (take up|practi[sc]e)|leave (this|the) pose out|"
    r"skip this pose|not advised)\b",
    re.IGNORECASE,
)


def test_no_caution_or_modify_note_says_not_to_practise_the_pose():
    for note in NOTES:
        if note["kind"] != "avoid":
            assert not SAYS_DO_NOT_PRACTISE.search(note["text"]), note["text"]


def test_every_avoid_note_says_so():
    for note in NOTES:
        if note["kind"] == "avoid":
            assert re.search(r"\b(avoid|leave .+ out|skip)\b", note["text"], re.I), note["text"]


def test_shoulderstand_warns_a_pregnant_student_off():
    (note,) = [n for n in notes_of("salamba-sarvangasana") if ["pregnancy"] in n["conditions"]]
    assert note["kind"] == "avoid"
    assert note["substitute"] == ["viparita-karani"]


def test_twists_with_osteoporosis_are_to_be_modified_not_just_taken_with_care():
    for slug in ["ardha-matsyendrasana", "marichyasana-iii"]:
        (note,) = [n for n in notes_of(slug) if ["osteoporosis"] in n["conditions"]]
        assert note["kind"] == "modify", slug


# Benefits

TRADITIONAL_WORDS = re.compile(
    r"organ|kidney|urin|disease|depression|sciatic|menstrua|semen|impoten|toxin|digest|"
    r"respiratory|heal|hormon|wind|fat\b",
    re.IGNORECASE,
)


def test_every_benefit_is_marked_physical_or_traditional():
    assert {benefit["kind"] for benefit in BENEFITS} == {"physical", "traditional"}


def test_claims_about_organs_diseases_and_healing_are_marked_traditional():
    for benefit in BENEFITS:
        if TRADITIONAL_WORDS.search(benefit["text"]):
            assert benefit["kind"] == "traditional", benefit["text"]


def test_a_traditional_claim_says_in_its_text_that_it_is_one():
    for benefit in BENEFITS:
        if benefit["kind"] == "traditional":
            assert benefit["text"].startswith("Traditionally said to"), benefit["text"]


# Every claim of the seed article, kept, in our own words, as what tradition says.
SEED_TRADITIONAL_CLAIMS = [
    "kidney disease",
    "urinary infection",
    "anxiety",
    "mild depression",
    "organs of the body",
    "sciatica",
    "menstrual cycle",
    "reproductive organs",
    "semen",
    "impotency",
    "fat around the belly",
    "digestion",
    "flush toxins",
    "respiratory system",
]


@pytest.mark.parametrize("claim", SEED_TRADITIONAL_CLAIMS)
def test_janusirsasana_keeps_each_traditional_claim_of_the_seed_marked_traditional(claim):
    (benefit,) = [
        b for b in BENEFITS if b["pose"] == ["janusirsasana"] and claim in b["text"].casefold()
    ]
    assert benefit["kind"] == "traditional"


def test_janusirsasana_states_its_stretch_as_a_physical_effect():
    physical = [b for b in BENEFITS if b["pose"] == ["janusirsasana"] and b["kind"] == "physical"]
    assert [b["text"].split(";")[0] for b in physical] == [
        "Stretches the hamstrings, the spine, the shoulders and the neck"
    ]


# Review stamps


def test_every_pose_records_the_safety_review():
    for slug, fields in POSES.items():
        assert fields["safety_reviewed_at"] == "2026-12-01", slug
        assert fields["safety_reviewed_by"] == "Studio editorial review", slug


# Pose types


def test_the_new_pose_types_have_the_agreed_slugs_and_names():
    pose_types = {fields["slug"]: fields["name"] for fields in of_model("poses.posetype")}
    assert pose_types["head-below-heart"] == "Head below heart"
    assert pose_types["core"] == "Core strength"


@pytest.mark.parametrize(
    ("slug", "pose_type"),
    [
        ("adho-mukha-svanasana", "head-below-heart"),
        ("uttanasana", "head-below-heart"),
        ("prasarita-padottanasana", "head-below-heart"),
        ("parsvottanasana", "head-below-heart"),
        ("halasana", "inversion"),
        ("salamba-sarvangasana", "inversion"),
        ("viparita-karani", "inversion"),
        ("navasana", "core"),
        ("phalakasana", "core"),
        ("chaturanga-dandasana", "core"),
        ("bhujangasana", "prone"),
        ("ardha-matsyendrasana", "twist"),
    ],
)
def test_pose_is_tagged_with_its_type(slug, pose_type):
    assert pose_type in types_of(slug)


def test_poses_with_the_legs_on_the_floor_are_not_called_inversions():
    for slug in ["adho-mukha-svanasana", "prasarita-padottanasana", "uttanasana"]:
        assert "inversion" not in types_of(slug), slug


# Guidance by pose type

REQUIRED_GUIDANCE = {
    ("glaucoma", "inversion"): {"avoid", "modify"},
    ("glaucoma", "head-below-heart"): {"avoid", "modify"},
    ("high-blood-pressure", "inversion"): {"avoid", "modify"},
    ("high-blood-pressure", "head-below-heart"): {"avoid", "modify"},
    ("pregnancy", "prone"): {"avoid"},
    ("pregnancy", "twist"): {"modify"},
    ("pregnancy", "core"): {"modify", "avoid"},
    ("pregnancy", "inversion"): {"caution"},
    ("osteoporosis", "forward-bend"): {"modify"},
    ("osteoporosis", "twist"): {"modify"},
}


@pytest.mark.parametrize(("pair", "kinds"), REQUIRED_GUIDANCE.items())
def test_the_studio_gives_guidance_for_a_condition_and_pose_type(pair, kinds):
    assert GUIDANCE[pair]["kind"] in kinds
    assert GUIDANCE[pair]["text"].strip()


def test_guidance_comes_after_the_conditions_and_pose_types_it_names():
    seen = set()
    for record in ALL_RECORDS:
        fields = record["fields"]
        if record["model"] in {"poses.condition", "poses.posetype"}:
            seen.add((record["model"], fields["slug"]))
        if record["model"] == "poses.conditionguidance":
            assert ("poses.condition", slug_of(fields["condition"])) in seen
            assert ("poses.posetype", slug_of(fields["pose_type"])) in seen


def test_guidance_cites_no_source():
    for fields in GUIDANCE.values():
        assert not re.search(r"et al|study|PLoS|\(\d{4}\)", fields["text"]), fields["text"]


# Starting positions and links


def test_dandasana_is_where_janusirsasana_starts_and_not_a_preparatory_pose():
    assert POSES["janusirsasana"]["starting_position"] == ["dandasana"]
    assert "dandasana" not in preparatory_of("janusirsasana")


@pytest.mark.parametrize("slug", ["paschimottanasana", "marichyasana-iii"])
def test_seated_forward_bends_and_twists_start_in_dandasana(slug):
    assert POSES[slug]["starting_position"] == ["dandasana"]


def test_no_starting_position_is_also_listed_as_a_preparatory_pose():
    for slug, fields in POSES.items():
        if fields["starting_position"]:
            assert slug_of(fields["starting_position"]) not in preparatory_of(slug), slug


def test_every_starting_position_is_a_pose_of_the_library_and_the_janusirsasana_file_alone():
    janu_slugs = {fields["slug"] for fields in of_model("poses.pose", JANU_FIXTURE)}
    for slug, fields in POSES.items():
        known = janu_slugs if slug in janu_slugs else set(POSES)
        assert slug_of(fields["starting_position"]) in known | {None}, slug


def test_savasana_has_no_preparatory_poses():
    assert preparatory_of("savasana") == set()


def positions(records, field, end):
    lists = defaultdict(list)
    for fields in records:
        lists[slug_of(fields[end])].append(fields[field])
    return lists


@pytest.mark.parametrize(
    ("field", "end"),
    [("position_among_preparatory", "follow_up"), ("position_among_follow_ups", "preparatory")],
)
def test_each_link_list_is_numbered_one_to_n(field, end):
    for records in [LINKS, of_model("poses.poselink", JANU_FIXTURE)]:
        for slug, numbers in positions(records, field, end).items():
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), (slug, field)


def test_each_pose_counterposes_are_numbered_one_to_n():
    for slug, numbers in positions(COUNTERPOSES, "position", "pose").items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), slug


# Counterposes


def counterpose_pairs():
    return {(slug_of(c["pose"]), slug_of(c["counterpose"])) for c in COUNTERPOSES}


def test_no_counterpose_is_stated_in_both_directions():
    pairs = counterpose_pairs()
    assert not {(b, a) for a, b in pairs} & pairs


@pytest.mark.parametrize(
    ("pose", "counterpose"),
    [
        ("balasana", "dhanurasana"),
        ("balasana", "ustrasana"),
        ("adho-mukha-svanasana", "urdhva-mukha-svanasana"),
        ("purvottanasana", "janusirsasana"),
        ("matsyasana", "salamba-sarvangasana"),
    ],
)
def test_a_wrong_direction_is_gone(pose, counterpose):
    assert (pose, counterpose) not in counterpose_pairs()


@pytest.mark.parametrize(
    ("pose", "counterpose"),
    [
        ("ustrasana", "balasana"),
        ("dhanurasana", "balasana"),
        ("bhujangasana", "balasana"),
        # In a Sun Salutation the hips fold back after the backbend; never the other way.
        ("urdhva-mukha-svanasana", "adho-mukha-svanasana"),
        ("setu-bandha-sarvangasana", "apanasana"),
        ("salamba-sarvangasana", "matsyasana"),
        ("halasana", "matsyasana"),
        ("janusirsasana", "purvottanasana"),
    ],
)
def test_a_counterpose_a_teacher_expects_is_there(pose, counterpose):
    assert (pose, counterpose) in counterpose_pairs()


def test_every_counterpose_says_why():
    for counterpose in COUNTERPOSES:
        assert counterpose["reason"].strip(), counterpose


def test_twists_need_no_counterpose():
    twists = {slug for slug in POSES if "twist" in types_of(slug)} - {"janusirsasana"}
    assert not {pose for pose, _ in counterpose_pairs()} & twists


def test_related_poses_are_variations_or_alternatives_stated_both_ways():
    rows = {
        (slug_of(r["pose"]), slug_of(r["related"]), r["kind"])
        for r in of_model("poses.relatedpose")
    }
    assert {kind for *_, kind in rows} <= {"variation", "alternative"}
    assert {(b, a, kind) for a, b, kind in rows} == rows


# What the loaded library tells a student


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker):
    """Both fixtures, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *map(str, FIXTURES), verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("library")
class TestTheLoadedLibrary:
    def guidance_for(self, condition, slug):
        """The strictest guidance a student with the condition gets for the pose."""
        pose = Pose.objects.safe_for(condition).filter(slug=slug).first()
        return "avoid" if pose is None else pose.safety_guidance

    def test_every_note_guidance_and_link_passes_model_validation(self):
        models = [Pose, SafetyNote, ConditionGuidance, PoseLink, Counterpose, RelatedPose]
        for model in models:
            for row in model.objects.all():
                row.full_clean(validate_unique=False)

    def test_every_avoid_note_tells_the_student_what_to_do_instead(self):
        for note in SafetyNote.objects.filter(kind=SafetyNote.Kind.AVOID):
            assert note.substitute_id or note.says_skip, note.text

    @pytest.mark.parametrize("condition", ["glaucoma", "high-blood-pressure"])
    def test_guidance_reaches_every_inversion_and_head_below_heart_pose(self, condition):
        poses = Pose.objects.filter(pose_types__slug__in=["inversion", "head-below-heart"])
        assert poses.count() >= 7
        for pose in poses.distinct():
            assert self.guidance_for(condition, pose.slug) in {"avoid", "modify"}, pose.slug

    def test_glaucoma_rules_out_every_inversion(self):
        for pose in Pose.objects.filter(pose_types__slug="inversion"):
            assert self.guidance_for("glaucoma", pose.slug) == "avoid", pose.slug

    def test_pregnancy_reaches_shoulderstand_as_a_warning(self):
        assert self.guidance_for("pregnancy", "salamba-sarvangasana") in {"avoid", "caution"}

    @pytest.mark.parametrize("pose_type", ["prone", "twist", "core", "inversion"])
    def test_pregnancy_guidance_reaches_every_pose_of_type(self, pose_type):
        for pose in Pose.objects.filter(pose_types__slug=pose_type):
            assert self.guidance_for("pregnancy", pose.slug), pose.slug

    def test_pregnancy_rules_out_lying_on_the_belly(self):
        lying_on_the_belly = [
            "bhujangasana",
            "salabhasana",
            "dhanurasana",
            "urdhva-mukha-svanasana",
        ]
        for slug in lying_on_the_belly:
            assert self.guidance_for("pregnancy", slug) == "avoid", slug

    @pytest.mark.parametrize("pose_type", ["forward-bend", "twist", "inversion"])
    def test_osteoporosis_guidance_reaches_every_pose_of_type(self, pose_type):
        for pose in Pose.objects.filter(pose_types__slug=pose_type):
            assert self.guidance_for("osteoporosis", pose.slug), pose.slug

    @pytest.mark.parametrize("slug", ["halasana", "salamba-sarvangasana"])
    def test_osteoporosis_rules_out_loaded_spinal_flexion(self, slug):
        assert self.guidance_for("osteoporosis", slug) == "avoid"

    def test_a_poses_own_note_replaces_the_guidance_for_its_type(self):
        # Viparita Karani's own note for high blood pressure is gentler than the rule for
        # inversions; Janusirsasana's own pregnancy note is stricter than the one for twists.
        assert self.guidance_for("high-blood-pressure", "viparita-karani") == "modify"
        assert self.guidance_for("pregnancy", "janusirsasana") == "avoid"
