import html
import io
import json
import re
from collections import Counter, deque
from functools import cache

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils.text import slugify

from poses.models import (
    BodyArea,
    Condition,
    ConditionGuidance,
    Counterpose,
    Level,
    Pose,
    PoseLink,
    PoseType,
    RelatedPose,
    SafetyNote,
    Step,
    Style,
)
from tests.factories import row_counts

JANU_FIXTURE = settings.BASE_DIR / "fixtures" / "janusirsasana.json"
STARTER_FIXTURE = settings.BASE_DIR / "fixtures" / "starter_library.json"
FIXTURES = [JANU_FIXTURE, STARTER_FIXTURE]
VOCABULARY_MODELS = {
    "pose_types": "poses.posetype",
    "styles": "poses.style",
    "stretches": "poses.bodyarea",
    "strengthens": "poses.bodyarea",
}
DISCLAIMER = "should not be construed as medical advice"


@cache
def records(path):
    return json.loads(path.read_text(encoding="utf-8"))


def of_model(path, model):
    return [record["fields"] for record in records(path) if record["model"] == model]


def starter_poses():
    return of_model(STARTER_FIXTURE, "poses.pose")


def starter_children(model, slug):
    return [fields for fields in of_model(STARTER_FIXTURE, model) if fields["pose"] == [slug]]


def vocabulary_slugs(model):
    return {fields["slug"] for path in FIXTURES for fields in of_model(path, model)}


def library_slugs():
    return {fields["slug"] for path in FIXTURES for fields in of_model(path, "poses.pose")}


STARTER_SLUGS = [fields["slug"] for fields in starter_poses()]
LIBRARY_SLUGS = sorted(library_slugs())


def load_fixtures():
    call_command("loaddata", *map(str, FIXTURES), verbosity=0)


def load_poses(*paths):
    out = io.StringIO()
    call_command("load_poses", *map(str, paths or FIXTURES), stdout=out)
    return out.getvalue()


def fixture_counts():
    """Rows both fixture files describe, many-to-many tables included."""
    counts = Counter()
    for path in FIXTURES:
        for record in records(path):
            counts[record["model"]] += 1
            model = apps.get_model(record["model"])
            for name, value in record["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    counts[field.remote_field.through._meta.label_lower] += len(value)
    return counts


# The starter file


def test_the_starter_file_has_forty_poses():
    assert len(STARTER_SLUGS) == 40
    assert len(set(STARTER_SLUGS)) == 40


def test_no_starter_pose_repeats_the_janusirsasana_file():
    janu = of_model(JANU_FIXTURE, "poses.pose")
    assert not set(STARTER_SLUGS) & {fields["slug"] for fields in janu}
    starter_names = {fields["sanskrit_name"] for fields in starter_poses()}
    assert not starter_names & {fields["sanskrit_name"] for fields in janu}


def test_the_starter_file_uses_natural_keys_only():
    assert all("pk" not in record for record in records(STARTER_FIXTURE))


def test_sanskrit_names_are_plain_ascii_and_unique():
    names = [fields["sanskrit_name"] for fields in starter_poses()]
    assert all(name.isascii() for name in names)
    assert len(set(names)) == len(names)


def test_slugs_are_the_slugified_sanskrit_names():
    for fields in starter_poses():
        assert fields["slug"] == slugify(fields["sanskrit_name"])


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_pose_has_its_names_and_texts(slug):
    fields = next(f for f in starter_poses() if f["slug"] == slug)
    for name in ["english_name", "sanskrit_name", "pronunciation", "meaning", "other_names"]:
        assert fields[name].strip(), name
    assert fields["summary"].strip()
    assert fields["introduction"].strip()
    assert fields["level"] in Level.values
    assert fields["pose_types"]
    assert fields["styles"]


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_pose_has_a_hold_range_with_min_not_above_max(slug):
    fields = next(f for f in starter_poses() if f["slug"] == slug)
    assert 0 < fields["hold_min_seconds"] <= fields["hold_max_seconds"]


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_pose_is_published_with_its_timestamps(slug):
    fields = next(f for f in starter_poses() if f["slug"] == slug)
    assert fields["status"] == "published"
    for name in ["published_at", "created_at", "updated_at"]:
        assert fields[name] == "2026-11-01T09:00:00Z"


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_other_names_include_a_diacritic_form_or_the_plain_name(slug):
    fields = next(f for f in starter_poses() if f["slug"] == slug)
    other_names = fields["other_names"].splitlines()
    assert any(not name.isascii() for name in other_names) or (
        fields["sanskrit_name"] in other_names
    )


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_pose_has_four_to_eight_steps_numbered_from_one(slug):
    positions = [step["position"] for step in starter_children("poses.step", slug)]
    assert 4 <= len(positions) <= 8
    assert sorted(positions) == list(range(1, len(positions) + 1))


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_steps_have_titles_instructions_and_valid_cues(slug):
    for step in starter_children("poses.step", slug):
        assert step["title"].strip()
        assert step["instruction"].strip()
        assert step["breath_cue"] in {"", "inhale", "exhale", "hold"}
        assert step["side"] in {"", "left", "right"}


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_a_one_sided_pose_ends_by_repeating_on_the_other_side(slug):
    steps = sorted(starter_children("poses.step", slug), key=lambda step: step["position"])
    if any(step["side"] for step in steps):
        assert "repeat" in steps[-1]["instruction"].casefold()


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_pose_has_two_to_five_benefits(slug):
    benefits = starter_children("poses.benefit", slug)
    assert 2 <= len(benefits) <= 5
    assert all(benefit["text"].strip() for benefit in benefits)


@pytest.mark.parametrize("slug", STARTER_SLUGS)
def test_pose_has_at_least_one_safety_note_with_its_conditions(slug):
    notes = starter_children("poses.safetynote", slug)
    assert notes
    for note in notes:
        assert note["kind"] in {"avoid", "modify", "caution"}
        assert note["text"].strip()
        assert note["conditions"]


def test_every_condition_used_exists_in_one_of_the_files():
    known = vocabulary_slugs("poses.condition")
    for note in of_model(STARTER_FIXTURE, "poses.safetynote"):
        for (condition,) in note["conditions"]:
            assert condition in known, condition


def test_every_type_style_and_body_area_used_exists_in_one_of_the_files():
    for fields in starter_poses():
        for name, model in VOCABULARY_MODELS.items():
            for (term,) in fields[name]:
                assert term in vocabulary_slugs(model), (fields["slug"], name, term)


def test_new_vocabulary_does_not_repeat_the_janusirsasana_file():
    for model in ["poses.posetype", "poses.style", "poses.bodyarea", "poses.condition"]:
        janu = of_model(JANU_FIXTURE, model)
        for term in of_model(STARTER_FIXTURE, model):
            assert term["slug"] not in {t["slug"] for t in janu}
            assert term["name"] not in {t["name"] for t in janu}


def test_every_substitute_is_another_pose_in_the_library():
    for note in of_model(STARTER_FIXTURE, "poses.safetynote"):
        if note["substitute"]:
            assert note["substitute"][0] in library_slugs()
            assert note["substitute"] != note["pose"]


def test_pose_links_in_the_texts_point_into_the_library():
    texts = [fields["introduction"] for fields in starter_poses()]
    texts += [step["instruction"] for step in of_model(STARTER_FIXTURE, "poses.step")]
    for target in re.findall(r"\]\(/poses/([^/)]+)/\)", " ".join(texts)):
        assert target in library_slugs(), target


def test_each_directed_link_is_stated_once():
    pairs = [
        (fields["preparatory"][0], fields["follow_up"][0])
        for path in FIXTURES
        for fields in of_model(path, "poses.poselink")
    ]
    assert len(set(pairs)) == len(pairs)
    assert not {(b, a) for a, b in pairs} & set(pairs)


# The whole library, loaded once with load_poses for the tests of this class: a load saves
# every record through the search-indexing signals and takes seconds, too long to repeat per
# test. Each test still runs in its own transaction, so whatever it changes is rolled back.


@pytest.fixture(scope="class")
def load_poses_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = load_poses()
    yield output
    with django_db_blocker.unblock():
        Pose.objects.all().delete()
        for model in [PoseType, Style, BodyArea, Condition]:
            model.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.usefixtures("load_poses_output")
class TestTheLoadedLibrary:
    def test_load_poses_loaded_everything_both_files_describe(self, load_poses_output):
        counts = row_counts()
        assert {label: counts[label] for label in fixture_counts()} == dict(fixture_counts())
        assert load_poses_output.startswith("Added 48 poses")

    def test_every_pose_but_savasana_has_a_link_or_a_starting_position_role(self):
        # Savasana closes the class: nothing is practised to prepare for it.
        for pose in Pose.objects.exclude(slug="savasana"):
            assert (
                PoseLink.objects.filter(Q(preparatory=pose) | Q(follow_up=pose)).exists()
                or pose.starting_position_id
                or pose.started_from.exists()
            ), pose.slug

    def test_the_poses_pages_link_into_one_connected_graph(self):
        neighbours = {pose.pk: set() for pose in Pose.objects.all()}
        edges = list(PoseLink.objects.values_list("preparatory_id", "follow_up_id"))
        edges += list(RelatedPose.objects.values_list("pose_id", "related_id"))
        edges += list(Counterpose.objects.values_list("pose_id", "counterpose_id"))
        edges += list(
            Pose.objects.exclude(starting_position=None).values_list("pk", "starting_position_id")
        )
        edges += list(
            SafetyNote.objects.exclude(substitute=None).values_list("pose_id", "substitute_id")
        )
        for a, b in edges:
            neighbours[a].add(b)
            neighbours[b].add(a)
        start = Pose.objects.get(slug="janusirsasana").pk
        reached, queue = {start}, deque([start])
        while queue:
            for pk in neighbours[queue.popleft()] - reached:
                reached.add(pk)
                queue.append(pk)
        assert len(neighbours) == 48
        assert reached == set(neighbours)

    def test_no_pose_links_to_itself(self):
        assert not [
            link for link in PoseLink.objects.all() if link.preparatory_id == link.follow_up_id
        ]
        assert not [row for row in RelatedPose.objects.all() if row.pose_id == row.related_id]
        assert not [n for n in SafetyNote.objects.all() if n.substitute_id == n.pose_id]

    def test_every_link_target_is_a_published_pose(self):
        published = set(Pose.objects.published().values_list("pk", flat=True))
        for link in PoseLink.objects.all():
            assert {link.preparatory_id, link.follow_up_id} <= published
        for row in RelatedPose.objects.all():
            assert {row.pose_id, row.related_id} <= published
        for note in SafetyNote.objects.exclude(substitute=None):
            assert note.substitute_id in published

    def test_every_related_pose_row_has_its_mirror(self):
        rows = set(RelatedPose.objects.values_list("pose_id", "related_id", "kind"))
        assert rows
        assert {(b, a, kind) for a, b, kind in rows} == rows

    def test_counterposes_are_recorded_in_one_direction(self):
        assert Counterpose.objects.filter(pose__slug="ustrasana", counterpose__slug="balasana")
        assert not Counterpose.objects.filter(pose__slug="balasana", counterpose__slug="ustrasana")
        assert Counterpose.objects.filter(
            pose__slug="salamba-sarvangasana", counterpose__slug="matsyasana"
        )
        assert not Counterpose.objects.filter(
            pose__slug="matsyasana", counterpose__slug="salamba-sarvangasana"
        )

    def test_studio_guidance_by_pose_type_is_loaded(self):
        assert ConditionGuidance.objects.count() == len(
            of_model(STARTER_FIXTURE, "poses.conditionguidance")
        )
        assert ConditionGuidance.objects.get_by_natural_key("glaucoma", "inversion").kind == "avoid"

    def test_starting_positions_are_loaded(self):
        assert Pose.objects.get(slug="janusirsasana").starting_position.slug == "dandasana"
        assert Pose.objects.get(slug="vrksasana").starting_position.slug == "tadasana"
        assert not Pose.objects.get(slug="savasana").preparatory_links.exists()

    def test_janusirsasana_links_point_into_the_library(self):
        published = Pose.objects.published()
        for link in PoseLink.objects.filter(preparatory__slug="janusirsasana"):
            assert published.filter(pk=link.follow_up_id).exists()
        for link in PoseLink.objects.filter(follow_up__slug="janusirsasana"):
            assert published.filter(pk=link.preparatory_id).exists()
        for row in RelatedPose.objects.filter(pose__slug="janusirsasana"):
            assert published.filter(pk=row.related_id).exists()

    def test_starter_poses_link_to_janusirsasana(self):
        links = PoseLink.objects.filter(
            follow_up__slug="janusirsasana", preparatory__slug__in=STARTER_SLUGS
        ) | PoseLink.objects.filter(
            preparatory__slug="janusirsasana", follow_up__slug__in=STARTER_SLUGS
        )
        assert links.exists()

    @pytest.mark.parametrize("slug", LIBRARY_SLUGS)
    def test_pose_page_shows_all_its_sections(self, client, slug):
        response = client.get(f"/poses/{slug}/")
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        for heading in [
            'id="steps">Steps',
            'id="benefits">Benefits',
            'id="precautions">Precautions',
        ]:
            assert heading in page
        assert DISCLAIMER in page
        for title in Step.objects.filter(pose__slug=slug).values_list("title", flat=True):
            assert f">{title}</h3>" in page

    def test_loaddata_over_the_loaded_library_changes_no_counts(self):
        before = row_counts()
        load_fixtures()
        assert row_counts() == before

    def test_load_poses_again_adds_nothing(self):
        before = row_counts()
        output = load_poses()
        assert row_counts() == before
        assert output.startswith("Added 0 poses")

    def test_load_poses_keeps_a_teachers_edits_to_a_starter_pose(self):
        pose = Pose.objects.get(slug="trikonasana")
        pose.english_name = "Extended Triangle"
        pose.save()
        step = pose.steps.get(position=3)
        step.instruction = "Our own wording for this step."
        step.save()
        before = row_counts()

        load_poses()

        pose.refresh_from_db()
        step.refresh_from_db()
        assert pose.english_name == "Extended Triangle"
        assert step.instruction == "Our own wording for this step."
        assert row_counts() == before


# Loading into a library that does not have the starter poses yet


@pytest.mark.django_db
def test_load_poses_adds_the_starter_library_to_a_library_with_janusirsasana():
    load_poses(JANU_FIXTURE)
    output = load_poses()
    assert output.startswith("Added 40 poses")
    counts = row_counts()
    assert {label: counts[label] for label in fixture_counts()} == dict(fixture_counts())


@pytest.mark.django_db
def test_the_library_is_empty_again_after_the_loaded_library_tests():
    assert not Pose.objects.exists()
    assert not Condition.objects.exists()
