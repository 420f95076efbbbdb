import io
import json
import re
from functools import cache

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils.text import slugify

from poses.models import Level, Pose, RelatedPose, SafetyNote
from sequences.audit import audit
from sequences.models import Sequence

FIXTURE_DIR = settings.BASE_DIR / "fixtures"
MORE_POSES = FIXTURE_DIR / "more_poses.json"
SAMPLE_SEQUENCES = FIXTURE_DIR / "sample_sequence.json"
# In the order `make run` loads them: each file may refer to poses of the files before it.
FIXTURES = [
    FIXTURE_DIR / "janusirsasana.json",
    FIXTURE_DIR / "starter_library.json",
    MORE_POSES,
    SAMPLE_SEQUENCES,
]

# The poses issue 12 asks for, by slug.
NEW_POSES = [
    "salamba-sirsasana",
    "urdhva-hastasana",
    "ardha-uttanasana",
    "virasana",
    "padmasana",
    "ardha-chandrasana",
    "vasisthasana",
    "urdhva-dhanurasana",
    "parivrtta-janusirsasana",
    "ardha-baddha-padma-paschimottanasana",
    "parivrtta-trikonasana",
    "ashtanga-namaskara",
]
SUN_SALUTATION_A = [
    "tadasana",
    "urdhva-hastasana",
    "uttanasana",
    "ardha-uttanasana",
    "chaturanga-dandasana",
    "urdhva-mukha-svanasana",
    "adho-mukha-svanasana",
    "ardha-uttanasana",
    "uttanasana",
    "urdhva-hastasana",
    "tadasana",
]


@cache
def records(path):
    return json.loads(path.read_text(encoding="utf-8"))


def of_model(path, model):
    return [record["fields"] for record in records(path) if record["model"] == model]


def new_pose(slug):
    return next(fields for fields in of_model(MORE_POSES, "poses.pose") if fields["slug"] == slug)


def children(model, slug):
    return [fields for fields in of_model(MORE_POSES, model) if fields["pose"] == [slug]]


def slugs_in(paths, model="poses.pose"):
    return {fields["slug"] for path in paths for fields in of_model(path, model)}


LIBRARY_SLUGS = slugs_in(FIXTURES[:3])


# The file


def test_the_file_adds_the_twelve_poses_of_the_issue_and_no_pose_twice():
    slugs = [fields["slug"] for fields in of_model(MORE_POSES, "poses.pose")]
    assert sorted(slugs) == sorted(NEW_POSES)
    assert not set(slugs) & slugs_in(FIXTURES[:2])


def test_the_file_uses_natural_keys_only():
    assert all("pk" not in record for record in records(MORE_POSES))


@pytest.mark.parametrize("slug", NEW_POSES)
def test_pose_has_its_names_texts_and_review(slug):
    fields = new_pose(slug)
    assert fields["slug"] == slugify(fields["sanskrit_name"])
    for name in ["english_name", "pronunciation", "meaning", "other_names", "summary"]:
        assert fields[name].strip(), name
    assert fields["introduction"].strip()
    assert fields["level"] in Level.values
    assert fields["pose_types"] and fields["styles"]
    assert 0 < fields["hold_min_seconds"] <= fields["hold_max_seconds"]
    assert fields["status"] == "published"
    assert fields["safety_reviewed_at"] == "2026-12-01"
    assert fields["safety_reviewed_by"] == "Studio editorial review"


@pytest.mark.parametrize("slug", NEW_POSES)
def test_pose_has_four_to_eight_steps_with_breath_cues(slug):
    steps = sorted(children("poses.step", slug), key=lambda step: step["position"])
    assert 4 <= len(steps) <= 8
    assert [step["position"] for step in steps] == list(range(1, len(steps) + 1))
    assert all(step["title"].strip() and step["instruction"].strip() for step in steps)
    assert {step["breath_cue"] for step in steps} <= {"", "inhale", "exhale", "hold"}
    assert any(step["breath_cue"] for step in steps)
    if any(step["side"] for step in steps):
        assert "repeat" in steps[-1]["instruction"].casefold()


@pytest.mark.parametrize("slug", NEW_POSES)
def test_pose_has_benefits_of_a_kind(slug):
    benefits = children("poses.benefit", slug)
    assert 2 <= len(benefits) <= 5
    assert {benefit["kind"] for benefit in benefits} <= {"physical", "traditional"}


@pytest.mark.parametrize("slug", NEW_POSES)
def test_pose_has_safety_notes_with_their_conditions(slug):
    notes = children("poses.safetynote", slug)
    assert notes
    known = slugs_in(FIXTURES[:3], "poses.condition")
    for note in notes:
        assert note["kind"] in {"avoid", "modify", "caution"}
        assert note["conditions"]
        assert {condition for (condition,) in note["conditions"]} <= known


def test_every_avoid_note_has_a_substitute_or_says_skip_it():
    avoid_notes = [n for n in of_model(MORE_POSES, "poses.safetynote") if n["kind"] == "avoid"]
    assert avoid_notes
    for note in avoid_notes:
        assert bool(note["substitute"]) != note["no_substitute"], note["text"]


def test_every_substitute_is_another_pose_of_the_library():
    for note in of_model(MORE_POSES, "poses.safetynote"):
        if note["substitute"]:
            assert note["substitute"][0] in LIBRARY_SLUGS
            assert note["substitute"] != note["pose"]


def test_a_starting_position_is_never_also_a_preparatory_pose():
    links = of_model(MORE_POSES, "poses.poselink")
    for fields in of_model(MORE_POSES, "poses.pose"):
        if fields["starting_position"]:
            preparatory = [
                link["preparatory"] for link in links if link["follow_up"] == [fields["slug"]]
            ]
            assert fields["starting_position"] not in preparatory, fields["slug"]


def test_every_link_joins_a_new_pose_to_the_library():
    new = set(NEW_POSES)
    for model, ends in [
        ("poses.poselink", ("preparatory", "follow_up")),
        ("poses.counterpose", ("pose", "counterpose")),
        ("poses.relatedpose", ("pose", "related")),
    ]:
        for fields in of_model(MORE_POSES, model):
            slugs = {fields[end][0] for end in ends}
            assert slugs & new and slugs <= LIBRARY_SLUGS and len(slugs) == 2, fields


def test_pose_links_in_the_texts_point_into_the_library():
    texts = [fields["introduction"] for fields in of_model(MORE_POSES, "poses.pose")]
    texts += [step["instruction"] for step in of_model(MORE_POSES, "poses.step")]
    texts += [fields["notes"] for fields in of_model(SAMPLE_SEQUENCES, "sequences.sequence")]
    targets = re.findall(r"\]\(/poses/([^/)]+)/\)", " ".join(texts))
    assert targets
    assert set(targets) <= LIBRARY_SLUGS


# The loaded library, loaded once for these tests (a load takes seconds) and rolled back
# after them; each test still rolls back its own changes.


@pytest.fixture(scope="class")
def library(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_poses", *map(str, FIXTURES), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def findings(slug):
    return [str(finding) for finding in audit(Sequence.objects.get(slug=slug))]


@pytest.mark.django_db
@pytest.mark.usefixtures("library")
class TestTheLoadedLibrary:
    def test_the_library_has_at_least_sixty_published_poses(self):
        assert Pose.objects.published().count() >= 60

    @pytest.mark.parametrize("slug", NEW_POSES)
    def test_each_new_pose_has_steps_benefits_and_notes(self, slug):
        pose = Pose.objects.published().get(slug=slug)
        assert pose.steps.count() >= 4
        assert pose.benefits.exists()
        assert pose.safety_notes.exists()

    @pytest.mark.parametrize("slug", NEW_POSES)
    def test_each_new_pose_page_shows(self, client, slug):
        assert client.get(f"/poses/{slug}/").status_code == 200

    def test_no_avoid_note_of_a_new_pose_leaves_the_student_without_a_choice(self):
        notes = SafetyNote.objects.filter(pose__slug__in=NEW_POSES, kind=SafetyNote.Kind.AVOID)
        assert notes.exists()
        assert not notes.filter(substitute=None, no_substitute=False).exists()

    def test_revolved_head_to_knee_is_a_variation_of_janusirsasana_on_both_pages(self):
        pairs = [
            ("parivrtta-janusirsasana", "janusirsasana"),
            ("janusirsasana", "parivrtta-janusirsasana"),
        ]
        for pose, related in pairs:
            assert RelatedPose.objects.filter(
                pose__slug=pose, related__slug=related, kind=RelatedPose.Kind.VARIATION
            ).exists()

    def test_sun_salutation_a_has_its_poses_in_order(self):
        sequence = Sequence.objects.get(slug="sun-salutation-a")
        assert [item.pose.slug for item in sequence.items.all()] == SUN_SALUTATION_A
        assert sequence.kind == Sequence.Kind.FLOW
        assert "not a whole class" in sequence.notes
        downward_dog = sequence.items.get(pose__slug="adho-mukha-svanasana")
        assert (downward_dog.hold_value, downward_dog.hold_unit) == (5, "breaths")

    def test_the_sample_class_ends_in_savasana_with_equal_sides(self):
        items = list(Sequence.objects.get(slug="head-to-knee-class").items.all())
        assert items[-1].pose.slug == "savasana"
        janu = [item for item in items if item.pose.slug == "janusirsasana"]
        assert {item.side for item in janu} == {"left", "right"}
        assert len({item.seconds_per_side for item in janu}) == 1

    # Both depend on the audit rules of issue 12 (sequences/audit.py: holds within a pose's
    # range, even sides, counterposes after their pose, a class ending in rest, a flow
    # exempt from rest and short holds) and on the counterposes of starter_library.json.
    def test_the_sample_class_has_no_audit_findings(self):
        assert findings("head-to-knee-class") == []

    def test_sun_salutation_a_has_no_audit_findings(self):
        assert findings("sun-salutation-a") == []

    def test_loading_every_fixture_again_adds_nothing(self):
        counts = (Pose.objects.count(), Sequence.objects.count(), SafetyNote.objects.count())
        out = io.StringIO()
        call_command("load_poses", *map(str, FIXTURES), stdout=out)
        assert out.getvalue().startswith("Added 0 poses")
        assert (Pose.objects.count(), Sequence.objects.count(), SafetyNote.objects.count()) == (
            counts
        )
