import copy
import datetime
import io
import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from exchange.importer import import_poses, import_poses_from_text
from exchange.shape import export_poses, for_exchange, pose_to_dict
from poses.models import (
    Benefit,
    BodyArea,
    Condition,
    Counterpose,
    Pose,
    PoseLink,
    PoseType,
    RelatedPose,
    SafetyNote,
    Step,
    Style,
)
from tests.conftest import load_janusirsasana_fixture, run_python
from tests.factories import (
    make_benefit,
    make_draft,
    make_pose,
    make_safety_note,
    make_staff,
    make_step,
    make_teacher,
    make_user,
    row_counts,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/poses/pose/import/"
CHANGELIST_URL = "/admin/poses/pose/"
EVERY_MODEL = (Pose, Step, Benefit, SafetyNote, PoseLink, Counterpose, RelatedPose)
VOCABULARY_MODELS = (PoseType, Style, BodyArea, Condition)


def small_library():
    """Two published poses linked every way, one pose practised before them, and a draft.

    Janusirsasana starts from Dandasana, which also balances it; it has a physical benefit
    and a traditional claim, an avoid note that says "skip it" and a reviewed safety content.
    """
    knee = Condition.objects.create(name="Knee injury", slug="knee-injury")
    sitting = PoseType.objects.create(name="Sitting", slug="sitting")
    dandasana = make_pose(sanskrit_name="Dandasana", english_name="Staff Pose", slug="dandasana")
    janu = make_pose(
        sanskrit_name="Janusirsasana",
        english_name="Head to Knee Pose",
        slug="janusirsasana",
        other_names="Janu Sirsasana\nHead-on-knee Pose",
        hold_min_seconds=30,
        hold_max_seconds=180,
        introduction="A *seated* forward bend.",
        starting_position=dandasana,
        safety_reviewed_at=datetime.date(2026, 3, 1),
        safety_reviewed_by="Asha",
    )
    janu.pose_types.add(sitting)
    paschimottanasana = make_pose(sanskrit_name="Paschimottanasana", slug="paschimottanasana")
    make_draft(sanskrit_name="Draftasana", slug="draftasana")
    make_step(janu, 1, title="Sit tall", breath_cue="inhale")
    make_step(janu, 2, title="Bend your right knee", side="right")
    make_step(janu, 3, title="Fold forward", breath_cue="exhale")
    make_benefit(janu, 1, "Calms the mind.")
    Benefit.objects.create(pose=janu, position=2, text="Tones the kidneys.", kind="traditional")
    note = make_safety_note(janu, 1, "Avoid with a knee injury.", kind="avoid", no_substitute=True)
    note.conditions.add(knee)
    make_safety_note(janu, 2, "Sit on a blanket.", substitute=dandasana)
    PoseLink.objects.create(preparatory=dandasana, follow_up=janu, reason="Sit tall")
    PoseLink.objects.create(preparatory=janu, follow_up=paschimottanasana)
    Counterpose.objects.create(pose=janu, counterpose=dandasana, reason="Straightens the spine")
    RelatedPose(pose=janu, related=paschimottanasana, kind="variation").save()
    return janu


def library_as_dicts():
    return {pose.slug: pose_to_dict(pose) for pose in for_exchange(Pose.objects.all())}


def empty_the_library():
    Pose.objects.all().delete()
    for model in VOCABULARY_MODELS:
        model.objects.all().delete()


def exported(*slugs):
    return export_poses(Pose.objects.filter(slug__in=slugs) if slugs else Pose.objects.all())


def on_page(slug):
    """The pose as its page reads it, each list of links in its own order."""
    return Pose.objects.for_pose_page().get(slug=slug)


def slugs(poses):
    return [pose.slug for pose in poses]


def pose_in(data, slug):
    return next(pose for pose in data["poses"] if pose["slug"] == slug)


def problem_places(result):
    return {(problem.pose, problem.field) for problem in result.errors}


def file_with_errors():
    """Janusirsasana's file, broken five ways, with a new pose missing its English name."""
    data = exported("janusirsasana")
    janu = data["poses"][0]
    janu["steps"][1]["breath_cue"] = "breathe"
    janu["hold_min_seconds"] = 200
    janu["preparatory"].append({"pose": "no-such-asana", "reason": ""})
    janu["safety_notes"][0]["conditions"].append("sore-toe")
    data["poses"].append({"sanskrit_name": "Newasana", "slug": "newasana"})
    return data


def json_upload(data, name="poses.json"):
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/json")


def write_file(tmp_path, data):
    path = tmp_path / "poses.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# The shape


def test_export_carries_the_format_and_version():
    small_library()
    data = exported()
    assert (data["format"], data["version"]) == ("studio-poses", 2)


def test_export_gives_each_pose_its_fields_children_and_links_by_slug():
    small_library()
    janu = pose_in(exported(), "janusirsasana")
    assert janu["other_names"] == ["Janu Sirsasana", "Head-on-knee Pose"]
    assert janu["pose_types"] == ["sitting"]
    assert [step["title"] for step in janu["steps"]] == [
        "Sit tall",
        "Bend your right knee",
        "Fold forward",
    ]
    assert janu["safety_notes"][0]["conditions"] == ["knee-injury"]
    assert janu["safety_notes"][1]["substitute"] == "dandasana"
    assert janu["preparatory"] == [{"pose": "dandasana", "reason": "Sit tall"}]
    assert janu["follow_ups"] == [{"pose": "paschimottanasana", "reason": ""}]
    assert janu["counterposes"] == [{"pose": "dandasana", "reason": "Straightens the spine"}]
    assert janu["related"] == [{"pose": "paschimottanasana", "kind": "variation"}]


def test_export_carries_no_database_ids():
    small_library()
    text = json.dumps(exported())
    assert '"id"' not in text and '"pk"' not in text and '"position"' not in text


def test_export_lists_the_vocabulary_terms_its_poses_use():
    small_library()
    PoseType.objects.create(name="Unused", slug="unused")
    vocabulary = exported()["vocabulary"]
    assert vocabulary["pose_types"] == [{"slug": "sitting", "name": "Sitting"}]
    assert vocabulary["conditions"] == [{"slug": "knee-injury", "name": "Knee injury"}]


# Import


def test_round_trip_into_an_empty_library_reproduces_every_pose():
    load_janusirsasana_fixture()
    janu = Pose.objects.get(slug="janusirsasana")
    make_safety_note(janu, 9, "Sit higher.", substitute=Pose.objects.get(slug="dandasana"))
    # The fixture's avoid notes predate the rule that each needs a substitute or "skip it";
    # an import (rightly) checks new notes against it.
    SafetyNote.objects.filter(kind="avoid", substitute=None).update(no_substitute=True)
    # Vocabulary no pose uses does not travel; library_as_dicts() compares the terms used.
    before, counts = library_as_dicts(), row_counts(*EVERY_MODEL)
    data = exported()
    empty_the_library()

    result = import_poses(data)

    assert result.ok, result.errors
    assert library_as_dicts() == before
    assert row_counts(*EVERY_MODEL) == counts


def test_round_trip_renders_markdown_and_indexes_for_search(django_capture_on_commit_callbacks):
    small_library()
    data = exported()
    empty_the_library()
    with django_capture_on_commit_callbacks(execute=True):  # indexed once the import commits
        import_poses(data)
    janu = Pose.objects.get(slug="janusirsasana")
    assert "<em>seated</em>" in janu.introduction_html
    assert list(Pose.objects.search("janu sirsasana")) == [janu]


def test_reimporting_the_same_file_changes_nothing():
    load_janusirsasana_fixture()
    data = exported()
    updated_at = dict(Pose.objects.values_list("slug", "updated_at"))

    result = import_poses(data)

    assert result.summary() == "0 created, 0 updated, 8 unchanged."
    assert dict(Pose.objects.values_list("slug", "updated_at")) == updated_at


def test_a_second_import_of_a_file_just_imported_changes_nothing():
    small_library()
    data = exported()
    empty_the_library()
    import_poses(data)
    assert import_poses(data).summary() == "0 created, 0 updated, 4 unchanged."


def test_an_updated_pose_changes_only_that_pose():
    small_library()
    data = exported()
    pose_in(data, "dandasana")["summary"] = "Sit with a long spine."
    updated_at = dict(Pose.objects.values_list("slug", "updated_at"))

    result = import_poses(data)

    assert result.summary() == "0 created, 1 updated, 3 unchanged."
    assert Pose.objects.get(slug="dandasana").summary == "Sit with a long spine."
    after = dict(Pose.objects.values_list("slug", "updated_at"))
    assert {slug for slug in after if after[slug] != updated_at[slug]} == {"dandasana"}


def test_import_creates_a_pose_the_library_does_not_have():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0].update(slug="janusirsasana-b", sanskrit_name="Janusirsasana B")
    data["poses"][0].update(related=[], follow_ups=[])

    result = import_poses(data)

    assert result.created == ["janusirsasana-b"]
    assert Pose.objects.get(slug="janusirsasana-b").steps.count() == 3


def test_import_replaces_the_steps_in_the_files_order():
    janu = small_library()
    data = exported("janusirsasana")
    steps = data["poses"][0]["steps"]
    steps.reverse()
    steps.pop()

    import_poses(data)

    assert list(janu.steps.values_list("position", "title")) == [
        (1, "Fold forward"),
        (2, "Bend your right knee"),
    ]


def test_import_sets_the_preparatory_poses_to_the_files_list_in_order():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["preparatory"] = [
        {"pose": "paschimottanasana", "reason": "Rarely"},
        {"pose": "dandasana", "reason": "Sit tall"},
    ]
    data["poses"][0]["follow_ups"] = []

    import_poses(data)

    assert slugs(on_page("janusirsasana").preparatory_poses()) == [
        "paschimottanasana",
        "dandasana",
    ]
    assert on_page("janusirsasana").follow_up_poses() == []


def test_removing_a_related_pose_removes_it_from_both_poses():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["related"] = []

    import_poses(data)

    assert not RelatedPose.objects.filter(pose=janu).exists()
    assert not RelatedPose.objects.filter(related=janu).exists()


def test_a_related_pose_added_by_import_shows_on_both_poses():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["related"].append({"pose": "dandasana", "kind": "alternative"})

    import_poses(data)

    assert RelatedPose.objects.get(pose__slug="dandasana", related=janu).kind == "alternative"


def test_a_field_left_out_of_the_file_keeps_what_the_library_has():
    janu = small_library()
    data = exported("janusirsasana")
    for name in ("introduction", "steps", "related"):
        del data["poses"][0][name]
    data["poses"][0]["summary"] = "Changed."

    import_poses(data)

    janu.refresh_from_db()
    assert janu.introduction == "A *seated* forward bend."
    assert janu.steps.count() == 3
    assert RelatedPose.objects.filter(pose=janu).count() == 1


def test_a_published_pose_without_a_publish_time_keeps_the_one_it_has():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["published_at"] = None

    result = import_poses(data)

    assert result.unchanged == ["janusirsasana"]
    assert Pose.objects.get(pk=janu.pk).published_at == janu.published_at


def test_an_imported_change_is_kept_in_the_poses_history():
    janu = small_library()
    data = exported()
    pose_in(data, "janusirsasana")["summary"] = "Changed in the file."

    import_poses(data)

    (version,) = Version.objects.get_for_object(janu)
    assert version.revision.comment == "Imported from a file."
    assert version.field_dict["summary"] == "Changed in the file."
    steps = version.revision.version_set.filter(content_type__model="step")
    assert sorted(step.field_dict["title"] for step in steps) == [
        "Bend your right knee",
        "Fold forward",
        "Sit tall",
    ]


def test_an_unchanged_pose_gets_no_new_history():
    small_library()
    import_poses(exported())
    assert not Version.objects.exists()


def test_new_vocabulary_comes_from_the_files_vocabulary_section():
    small_library()
    data = exported("janusirsasana")
    data["vocabulary"]["styles"] = [{"slug": "yin-yoga", "name": "Yin yoga"}]
    data["poses"][0]["styles"] = ["yin-yoga"]

    result = import_poses(data)

    assert result.new_terms == ["yin-yoga"]
    assert list(Pose.objects.get(slug="janusirsasana").styles.values_list("name", flat=True)) == [
        "Yin yoga"
    ]


def test_an_import_with_errors_reports_every_one_with_pose_and_field():
    small_library()
    result = import_poses(file_with_errors())
    assert problem_places(result) == {
        ("janusirsasana", "steps[1].breath_cue"),
        ("janusirsasana", "hold_max_seconds"),
        ("janusirsasana", "preparatory[1].pose"),
        ("janusirsasana", "safety_notes[0].conditions"),
        ("newasana", "english_name"),
    }


def test_an_import_with_errors_writes_nothing():
    small_library()
    counts, before = row_counts(), library_as_dicts()
    data = file_with_errors()
    pose_in(data, "janusirsasana")["summary"] = "A change that must not be saved."

    import_poses(data)

    assert row_counts() == counts
    assert library_as_dicts() == before


def test_a_wrong_choice_is_explained_with_the_right_ones():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["steps"][1]["breath_cue"] = "breathe"
    (problem,) = import_poses(data).errors
    assert problem.message == "“breathe” is not one of inhale, exhale, hold."


def test_an_unknown_vocabulary_slug_is_named_in_the_error():
    small_library()
    data = exported("janusirsasana")
    data["vocabulary"]["conditions"] = []
    data["poses"][0]["safety_notes"][0]["conditions"] = ["knee-injury", "sore-toe"]
    (problem,) = import_poses(data).errors
    assert "“sore-toe”" in problem.message
    assert "knee-injury" not in problem.message


def test_wrong_json_types_are_errors():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0].update(hold_min_seconds="30", other_names="Janu Sirsasana", steps={})
    assert problem_places(import_poses(data)) == {
        ("janusirsasana", "hold_min_seconds"),
        ("janusirsasana", "other_names"),
        ("janusirsasana", "steps"),
    }


def test_an_unknown_field_is_an_error_not_silently_dropped():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["steps"][0]["breath_que"] = "inhale"
    assert problem_places(import_poses(data)) == {("janusirsasana", "steps[0].breath_que")}


def test_a_slug_twice_in_the_file_is_an_error():
    small_library()
    data = exported("janusirsasana")
    data["poses"].append(copy.deepcopy(data["poses"][0]))
    places = problem_places(import_poses(data))
    assert ("janusirsasana", "slug") in places


def test_a_link_to_itself_is_an_error():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["related"].append({"pose": "janusirsasana", "kind": "variation"})
    assert problem_places(import_poses(data)) == {("janusirsasana", "related[1].pose")}


def test_two_poses_of_the_file_that_disagree_about_a_link_are_an_error():
    small_library()
    data = exported("janusirsasana", "dandasana")
    pose_in(data, "dandasana")["follow_ups"] = []
    assert problem_places(import_poses(data)) == {("janusirsasana", "preparatory[0]")}


def test_markdown_longer_than_the_admin_allows_is_an_error():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["benefits"][0]["text"] = "x" * 10_001
    assert problem_places(import_poses(data)) == {("janusirsasana", "benefits[0].text")}


def test_a_file_that_is_not_json_is_reported():
    (problem,) = import_poses_from_text(b"{not json").errors
    assert problem.pose == "file"
    assert "not valid JSON" in problem.message


def test_a_file_of_another_format_is_reported():
    result = import_poses({"format": "something-else", "version": 1, "poses": []})
    assert problem_places(result) == {("file", "format")}


# The safety model: benefit kinds, "skip it", starting positions, reviews, counterposes


def test_export_marks_each_benefit_physical_or_traditional():
    small_library()
    assert pose_in(exported(), "janusirsasana")["benefits"] == [
        {"text": "Calms the mind.", "kind": "physical"},
        {"text": "Tones the kidneys.", "kind": "traditional"},
    ]


def test_export_carries_the_starting_position_review_and_skip_it():
    small_library()
    janu = pose_in(exported(), "janusirsasana")
    assert janu["starting_position"] == "dandasana"
    assert (janu["safety_reviewed_at"], janu["safety_reviewed_by"]) == ("2026-03-01", "Asha")
    assert [note["no_substitute"] for note in janu["safety_notes"]] == [True, False]


def test_round_trip_keeps_the_safety_model():
    small_library()
    before = library_as_dicts()
    data = exported()
    empty_the_library()

    assert import_poses(data).ok

    assert library_as_dicts() == before
    janu = Pose.objects.get(slug="janusirsasana")
    assert list(janu.benefits.values_list("kind", flat=True)) == ["physical", "traditional"]
    assert janu.starting_position.slug == "dandasana"
    assert janu.safety_reviewed_at == datetime.date(2026, 3, 1)
    assert janu.safety_notes.get(position=1).says_skip


def test_a_benefit_without_a_kind_is_an_error():
    small_library()
    data = exported("janusirsasana")
    del data["poses"][0]["benefits"][1]["kind"]
    assert problem_places(import_poses(data)) == {("janusirsasana", "benefits[1].kind")}


def test_a_plain_text_benefit_in_a_version_2_file_is_an_error():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["benefits"][0] = "Calms the mind."
    (problem,) = import_poses(data).errors
    assert (problem.field, problem.message) == ("benefits[0]", "Expected an object.")


def test_a_wrong_benefit_kind_is_explained_with_the_right_ones():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["benefits"][0]["kind"] = "proven"
    (problem,) = import_poses(data).errors
    assert problem.field == "benefits[0].kind"
    assert problem.message == "“proven” is not one of physical, traditional."


def test_an_imported_benefit_kind_is_stored():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["benefits"][0]["kind"] = "traditional"

    import_poses(data)

    assert list(janu.benefits.values_list("kind", flat=True)) == ["traditional", "traditional"]


def test_an_avoid_note_without_a_substitute_or_skip_it_is_an_error_naming_the_field():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["safety_notes"][0]["no_substitute"] = False
    (problem,) = import_poses(data).errors
    assert (problem.pose, problem.field) == ("janusirsasana", "safety_notes[0].substitute")
    assert "skip it" in problem.message


def test_an_avoid_note_with_a_substitute_new_in_the_file_is_accepted():
    small_library()
    data = exported("janusirsasana")
    data["poses"].append({"english_name": "Easy Pose", "sanskrit_name": "Sukhasana", "slug": "s"})
    data["poses"][0]["safety_notes"][0].update(substitute="s", no_substitute=False)

    assert import_poses(data).ok

    note = SafetyNote.objects.get(pose__slug="janusirsasana", position=1)
    assert (note.substitute.slug, note.no_substitute) == ("s", False)


def test_skip_it_must_be_true_or_false():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["safety_notes"][0]["no_substitute"] = "yes"
    assert problem_places(import_poses(data)) == {
        ("janusirsasana", "safety_notes[0].no_substitute")
    }


def test_an_old_avoid_note_restated_as_the_library_has_it_does_not_stop_an_import():
    janu = small_library()
    SafetyNote.objects.filter(pose=janu, kind="avoid").update(no_substitute=False)
    data = exported("janusirsasana")
    data["poses"][0]["summary"] = "Changed."

    assert import_poses(data).ok
    assert Pose.objects.get(pk=janu.pk).summary == "Changed."


def test_the_starting_position_is_set_from_the_file():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["starting_position"] = "paschimottanasana"

    import_poses(data)

    janu.refresh_from_db()
    assert janu.starting_position.slug == "paschimottanasana"


def test_a_null_starting_position_clears_it_and_a_left_out_one_keeps_it():
    janu = small_library()
    data = exported("janusirsasana")
    del data["poses"][0]["starting_position"]
    data["poses"][0]["summary"] = "Changed."
    import_poses(data)
    janu.refresh_from_db()
    assert janu.starting_position.slug == "dandasana"

    data["poses"][0]["starting_position"] = None
    import_poses(data)
    janu.refresh_from_db()
    assert janu.starting_position is None


def test_a_starting_position_new_in_the_file_is_linked():
    small_library()
    data = exported("janusirsasana")
    data["poses"].append({"english_name": "Easy Pose", "sanskrit_name": "Sukhasana", "slug": "s"})
    data["poses"][0]["starting_position"] = "s"

    assert import_poses(data).ok
    assert Pose.objects.get(slug="janusirsasana").starting_position.slug == "s"


def test_an_unknown_starting_position_is_an_error():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["starting_position"] = "no-such-asana"
    (problem,) = import_poses(data).errors
    assert (problem.field, problem.message) == (
        "starting_position",
        "No pose “no-such-asana”, in this file or in the library.",
    )


def test_a_pose_cannot_be_its_own_starting_position():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["starting_position"] = "janusirsasana"
    assert problem_places(import_poses(data)) == {("janusirsasana", "starting_position")}


def test_a_review_date_that_is_not_a_date_is_an_error():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["safety_reviewed_at"] = "2026-02-30"
    (problem,) = import_poses(data).errors
    assert (problem.field, problem.message) == (
        "safety_reviewed_at",
        "“2026-02-30” is not a date such as 2025-01-31.",
    )


def test_an_imported_review_is_stored():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0].update(safety_reviewed_at="2026-06-15", safety_reviewed_by="Ben")

    import_poses(data)

    janu.refresh_from_db()
    assert (janu.safety_reviewed_at, janu.safety_reviewed_by) == (datetime.date(2026, 6, 15), "Ben")


def test_counterposes_are_set_to_the_files_list_in_order():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["counterposes"] = [
        {"pose": "paschimottanasana"},
        {"pose": "dandasana", "reason": "Straightens the spine"},
    ]

    import_poses(data)

    assert slugs(on_page("janusirsasana").counterposes()) == ["paschimottanasana", "dandasana"]
    assert list(janu.counterpose_links.values_list("reason", flat=True)) == [
        "",
        "Straightens the spine",
    ]


def test_a_counterpose_goes_one_way_only():
    small_library()
    data = exported("dandasana")
    data["poses"][0]["counterposes"] = [{"pose": "paschimottanasana"}]

    import_poses(data)

    assert slugs(on_page("dandasana").counterposes()) == ["paschimottanasana"]
    assert on_page("paschimottanasana").counterposes() == []
    # Janusirsasana's own counterpose, Dandasana, is not Dandasana's to remove.
    assert slugs(on_page("janusirsasana").counterposes()) == ["dandasana"]


def test_two_poses_of_the_file_need_not_list_each_other_as_counterposes():
    small_library()
    data = exported("janusirsasana", "dandasana")
    assert pose_in(data, "dandasana")["counterposes"] == []
    assert import_poses(data).ok


def test_removing_a_counterpose_removes_only_that_one():
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["counterposes"] = []

    import_poses(data)

    assert not Counterpose.objects.filter(pose=janu).exists()
    assert Pose.objects.filter(slug="dandasana").exists()


def test_a_counterpose_must_exist_be_another_pose_and_be_listed_once():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["counterposes"] = [
        {"pose": "dandasana"},
        {"pose": "no-such-asana"},
        {"pose": "janusirsasana"},
        {"pose": "dandasana"},
    ]
    result = import_poses(data)
    assert problem_places(result) == {
        ("janusirsasana", "counterposes[1].pose"),
        ("janusirsasana", "counterposes[2].pose"),
        ("janusirsasana", "counterposes[3].pose"),
    }
    assert Counterpose.objects.count() == 1


def test_a_related_pose_of_kind_counterpose_is_an_error_in_a_version_2_file():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["related"][0]["kind"] = "counterpose"
    (problem,) = import_poses(data).errors
    assert problem.field == "related[0].kind"
    assert "“counterposes”" in problem.message


# Each list of links keeps its own order


def linked_both_ways():
    """Dandasana is followed by Janusirsasana, then Paschimottanasana; Paschimottanasana is
    prepared for by Janusirsasana, then Dandasana."""
    small_library()
    dandasana = Pose.objects.get(slug="dandasana")
    paschimottanasana = Pose.objects.get(slug="paschimottanasana")
    PoseLink.objects.create(
        preparatory=dandasana,
        follow_up=paschimottanasana,
        position_among_preparatory=2,
        position_among_follow_ups=2,
    )


def test_an_import_that_reorders_follow_ups_leaves_the_other_poses_preparatory_list_alone():
    linked_both_ways()
    data = exported("dandasana")
    data["poses"][0]["follow_ups"].reverse()

    import_poses(data)

    assert slugs(on_page("dandasana").follow_up_poses()) == ["paschimottanasana", "janusirsasana"]
    assert slugs(on_page("paschimottanasana").preparatory_poses()) == [
        "janusirsasana",
        "dandasana",
    ]


def test_an_import_that_reorders_preparatory_poses_leaves_the_other_poses_follow_ups_alone():
    linked_both_ways()
    data = exported("paschimottanasana")
    data["poses"][0]["preparatory"].reverse()

    import_poses(data)

    assert slugs(on_page("paschimottanasana").preparatory_poses()) == [
        "dandasana",
        "janusirsasana",
    ]
    assert slugs(on_page("dandasana").follow_up_poses()) == ["janusirsasana", "paschimottanasana"]


def test_both_orders_survive_a_round_trip():
    linked_both_ways()
    data = exported("dandasana")
    data["poses"][0]["follow_ups"].reverse()
    import_poses(data)
    before, data = library_as_dicts(), exported()

    assert import_poses(data).summary() == "0 created, 0 updated, 4 unchanged."
    empty_the_library()
    import_poses(data)

    assert library_as_dicts() == before


def test_a_follow_up_added_by_import_goes_last_among_the_other_poses_preparatory_poses():
    small_library()
    data = exported("paschimottanasana")
    data["poses"][0]["follow_ups"] = [{"pose": "janusirsasana"}]
    data["poses"][0]["related"] = []

    import_poses(data)

    assert slugs(on_page("janusirsasana").preparatory_poses()) == [
        "dandasana",
        "paschimottanasana",
    ]


# Files of version 1, written before the safety model


def in_version_1(slug):
    """A pose as version 1 exported it: no kinds, no "skip it", counterposes among related."""
    pose = pose_in(exported(slug), slug)
    for name in ("starting_position", "safety_reviewed_at", "safety_reviewed_by"):
        del pose[name]
    for note in pose["safety_notes"]:
        del note["no_substitute"]
    pose["benefits"] = [benefit["text"] for benefit in pose["benefits"]]
    for link in pose.pop("counterposes"):
        pose["related"].append({"pose": link["pose"], "kind": "counterpose"})
    return pose


def version_1_janusirsasana():
    return {"format": "studio-poses", "version": 1, "poses": [in_version_1("janusirsasana")]}


def test_a_version_1_file_restating_the_library_changes_nothing():
    small_library()
    before = library_as_dicts()

    result = import_poses(version_1_janusirsasana())

    assert result.unchanged == ["janusirsasana"]
    assert library_as_dicts() == before


def test_a_version_1_benefit_keeps_the_kind_the_library_gives_it_or_counts_as_traditional():
    janu = small_library()
    data = version_1_janusirsasana()
    data["poses"][0]["benefits"].append("Stretches the hamstrings.")

    result = import_poses(data)

    assert list(janu.benefits.values_list("kind", flat=True)) == [
        "physical",
        "traditional",
        "traditional",
    ]
    assert "benefits of unknown kind, marked as traditional claims" in result.summary()
    assert "until a teacher checks them: 1" in result.summary()


def test_a_version_1_avoid_note_without_a_substitute_says_skip_it():
    janu = small_library()
    data = version_1_janusirsasana()
    data["poses"][0]["safety_notes"].append({"kind": "avoid", "text": "Not with a fever."})

    result = import_poses(data)

    assert result.ok, result.errors
    assert janu.safety_notes.get(position=3).says_skip
    assert "avoid notes without a substitute, now “skip it”: 2" in result.summary()


def test_a_version_1_counterpose_becomes_a_counterpose_of_the_pose_listing_it():
    janu = small_library()
    data = version_1_janusirsasana()
    data["poses"][0]["related"][-1]["pose"] = "paschimottanasana"
    del data["poses"][0]["related"][0]  # variation and counterpose of the same pose, in v1

    result = import_poses(data)

    assert result.ok, result.errors
    assert slugs(on_page("janusirsasana").counterposes()) == ["paschimottanasana"]
    assert on_page("paschimottanasana").counterposes() == []
    assert not RelatedPose.objects.filter(pose=janu).exists()
    assert "counterposes, each kept on the pose that listed it" in result.summary()


def test_a_version_1_link_naming_the_starting_position_becomes_the_starting_position():
    small_library()
    Pose.objects.filter(slug="janusirsasana").update(starting_position=None)
    data = version_1_janusirsasana()
    data["poses"][0]["preparatory"][0]["reason"] = "The seated starting position"
    dandasana = in_version_1("dandasana")
    dandasana["follow_ups"][0]["reason"] = "The seated starting position"
    data["poses"].append(dandasana)

    result = import_poses(data)

    assert result.ok, result.errors
    janu = on_page("janusirsasana")
    assert janu.starting_position.slug == "dandasana"
    assert janu.preparatory_poses() == []
    assert on_page("dandasana").follow_up_poses() == []


def test_the_order_of_follow_ups_in_a_version_1_file_is_not_read():
    linked_both_ways()
    dandasana = in_version_1("dandasana")
    dandasana["follow_ups"].reverse()
    dandasana["summary"] = "Changed."

    assert import_poses({"format": "studio-poses", "version": 1, "poses": [dandasana]}).ok

    assert slugs(on_page("dandasana").follow_up_poses()) == ["janusirsasana", "paschimottanasana"]


def test_a_version_1_file_cannot_bring_a_version_2_benefit_kind_unchecked():
    small_library()
    data = version_1_janusirsasana()
    data["poses"][0]["benefits"][0] = {"text": "Calms the mind."}
    assert problem_places(import_poses(data)) == {("janusirsasana", "benefits[0].kind")}


def test_a_later_version_is_refused():
    result = import_poses({"format": "studio-poses", "version": 3, "poses": []})
    (problem,) = result.errors
    assert (problem.field, problem.message) == (
        "version",
        "Versions 1 and 2 can be read, not 3.",
    )


# Commands


def test_export_command_writes_every_pose():
    small_library()
    out = io.StringIO()
    call_command("export_poses", stdout=out)
    assert [pose["slug"] for pose in json.loads(out.getvalue())["poses"]] == [
        "dandasana",
        "draftasana",
        "janusirsasana",
        "paschimottanasana",
    ]


def test_export_command_writes_the_poses_named():
    small_library()
    out = io.StringIO()
    call_command("export_poses", "janusirsasana", stdout=out)
    assert [pose["slug"] for pose in json.loads(out.getvalue())["poses"]] == ["janusirsasana"]


def test_export_command_keeps_unicode_readable():
    make_pose(slug="janu", meaning="‘Janu’ means ‘knee’")
    out = io.StringIO()
    call_command("export_poses", stdout=out)
    assert "‘Janu’" in out.getvalue()


def test_export_command_names_unknown_slugs():
    small_library()
    with pytest.raises(CommandError, match="no-such-asana"):
        call_command("export_poses", "janusirsasana", "no-such-asana", stdout=io.StringIO())


def test_export_command_published_only_leaves_drafts_out():
    small_library()
    out = io.StringIO()
    call_command("export_poses", "--published-only", stdout=out)
    assert "draftasana" not in [pose["slug"] for pose in json.loads(out.getvalue())["poses"]]


def test_import_command_prints_the_summary(tmp_path):
    small_library()
    path = write_file(tmp_path, exported())
    out = io.StringIO()
    call_command("import_poses", str(path), stdout=out)
    assert out.getvalue().strip() == "0 created, 0 updated, 4 unchanged."


def test_import_command_with_errors_lists_them_and_writes_nothing(tmp_path):
    small_library()
    counts = row_counts()
    path = write_file(tmp_path, file_with_errors())
    with pytest.raises(CommandError) as error:
        call_command("import_poses", str(path), stdout=io.StringIO())
    assert "janusirsasana, steps[1].breath_cue: “breathe” is not one of" in str(error.value)
    assert "newasana, english_name: This field is required." in str(error.value)
    assert row_counts() == counts


def test_import_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_poses", str(tmp_path / "missing.json"))


# Open data: /poses/<slug>.json


def test_a_published_pose_is_open_data_in_the_exchange_shape(client):
    small_library()
    response = client.get("/poses/janusirsasana.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == export_poses(Pose.objects.filter(slug="janusirsasana"), public=True)


def test_open_data_may_be_read_from_any_site(client):
    small_library()
    response = client.get("/poses/janusirsasana.json")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_open_data_of_a_draft_is_not_found(client):
    small_library()
    assert client.get("/poses/draftasana.json").status_code == 404


def test_open_data_never_links_to_a_draft(client):
    janu = small_library()
    RelatedPose(pose=janu, related=Pose.objects.get(slug="draftasana")).save()
    related = client.get("/poses/janusirsasana.json").json()["poses"][0]["related"]
    assert [link["pose"] for link in related] == ["paschimottanasana"]


def test_open_data_says_which_benefits_are_traditional_claims(client):
    small_library()
    benefits = client.get("/poses/janusirsasana.json").json()["poses"][0]["benefits"]
    assert benefits == [
        {"text": "Calms the mind.", "kind": "physical"},
        {"text": "Tones the kidneys.", "kind": "traditional"},
    ]


def test_open_data_never_names_a_draft_as_starting_position_or_counterpose(client):
    janu = small_library()
    draft = Pose.objects.get(slug="draftasana")
    Pose.objects.filter(pk=janu.pk).update(starting_position=draft)
    Counterpose.objects.create(pose=janu, counterpose=draft)
    pose = client.get("/poses/janusirsasana.json").json()["poses"][0]
    assert pose["starting_position"] is None
    assert pose["counterposes"] == [{"pose": "dandasana", "reason": "Straightens the spine"}]


def test_open_data_is_read_only(client):
    small_library()
    assert client.post("/poses/janusirsasana.json").status_code == 405


# The admin


def test_the_pose_list_links_to_the_import_page(admin_client):
    assert IMPORT_URL in admin_client.get(CHANGELIST_URL).content.decode()


def test_import_page_shows_the_upload_form(admin_client):
    response = admin_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_uploading_a_valid_file_imports_it_and_shows_the_summary(admin_client):
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["summary"] = "Changed in the file."

    response = admin_client.post(IMPORT_URL, {"file": json_upload(data)}, follow=True)

    assert "0 created, 1 updated, 0 unchanged." in response.content.decode()
    assert Pose.objects.get(slug="janusirsasana").summary == "Changed in the file."


def test_the_history_of_an_import_from_the_admin_names_who_imported(admin_client):
    janu = small_library()
    data = exported("janusirsasana")
    data["poses"][0]["summary"] = "Changed in the file."

    admin_client.post(IMPORT_URL, {"file": json_upload(data)})

    (version,) = Version.objects.get_for_object(janu)
    assert version.revision.user.username == "admin"


def test_uploading_a_file_with_errors_shows_each_and_writes_nothing(admin_client):
    small_library()
    counts = row_counts()

    response = admin_client.post(IMPORT_URL, {"file": json_upload(file_with_errors())})

    page = response.content.decode()
    assert response.status_code == 200
    assert "steps[1].breath_cue" in page
    assert "“breathe” is not one of inhale, exhale, hold." in page
    assert "newasana" in page
    assert row_counts() == counts


def test_import_page_sends_visitors_to_the_login_page(client):
    client.force_login(make_user())
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_import_page_is_forbidden_to_staff_who_may_not_add_and_change_poses(client):
    client.force_login(make_staff())
    assert client.get(IMPORT_URL).status_code == 403


def test_staff_who_may_only_view_poses_may_export_them(client):
    make_pose()
    staff = make_staff()
    staff.user_permissions.add(Permission.objects.get(codename="view_pose"))
    client.force_login(staff)
    response = client.get(CHANGELIST_URL)
    assert "export_as_json" in response.content.decode()
    assert client.get(IMPORT_URL).status_code == 403


def test_export_action_downloads_the_selected_poses(admin_client):
    janu = small_library()
    dandasana = Pose.objects.get(slug="dandasana")

    response = admin_client.post(
        CHANGELIST_URL,
        {"action": "export_as_json", "_selected_action": [janu.pk, dandasana.pk]},
    )

    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert sorted(pose["slug"] for pose in data["poses"]) == ["dandasana", "janusirsasana"]


def test_a_file_of_more_poses_than_the_admin_imports_is_sent_to_the_command(
    admin_client, monkeypatch
):
    small_library()
    monkeypatch.setattr("exchange.admin.MAX_ADMIN_IMPORT_POSES", 2)
    counts = row_counts()
    response = admin_client.post(IMPORT_URL, {"file": json_upload(exported())})
    assert "manage.py import_poses" in response.content.decode()
    assert row_counts() == counts


def test_import_command_tells_its_progress(tmp_path):
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["summary"] = "Changed."
    stderr = io.StringIO()
    call_command("import_poses", write_file(tmp_path, data), stdout=io.StringIO(), stderr=stderr)
    assert "Written 1 of 1 changed poses." in stderr.getvalue()


# Hostile files: each a clear problem, never a server error (tests/test_exchange.py runs the
# admin's client with exceptions raised, so a 500 would fail the test).


def upload_text(client, text):
    file = SimpleUploadedFile("poses.json", text.encode("utf-8"), "application/json")
    response = client.post(IMPORT_URL, {"file": file})
    assert response.status_code == 200
    return response.content.decode()


def minimal_file(**pose):
    return {
        "format": "studio-poses",
        "version": 2,
        "poses": [
            {"english_name": "New Pose", "sanskrit_name": "Newasana", "slug": "newasana"} | pose
        ],
    }


def test_a_version_that_is_true_is_refused():
    (problem,) = import_poses({"format": "studio-poses", "version": True, "poses": []}).errors
    assert (problem.field, problem.message) == (
        "version",
        "Versions 1 and 2 can be read, not true.",
    )


def test_a_lone_surrogate_in_a_slug_is_a_clear_error(admin_client):
    text = json.dumps(minimal_file()).replace("newasana", "\\ud800")
    (problem,) = import_poses_from_text(text).errors
    assert "not valid Unicode" in problem.message
    assert "not valid Unicode" in upload_text(admin_client, text)
    assert not Pose.objects.exists()


@pytest.mark.parametrize("depth", [30, 100_000])
def test_deeply_nested_json_is_a_clear_error(admin_client, depth):
    text = "[" * depth + "]" * depth
    (problem,) = import_poses_from_text(text).errors
    assert "Nested" in problem.message
    assert "Nested" in upload_text(admin_client, text)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_publish_date_beyond_what_a_database_stores_is_a_clear_error(admin_client, moment):
    data = minimal_file(status="published", published_at=moment)
    (problem,) = import_poses(data).errors
    assert (problem.field, problem.message) == (
        "published_at",
        f"“{moment}” is not a date and time such as 2025-01-31T09:00:00Z.",
    )
    assert "is not a date and time" in upload_text(admin_client, json.dumps(data))
    assert not Pose.objects.exists()


def test_import_command_shows_terminal_escape_codes_from_the_file_as_text(tmp_path):
    data = minimal_file(level="\x1b[2J\x1b[31mbeginner")
    with pytest.raises(CommandError) as raised:
        call_command("import_poses", write_file(tmp_path, data), stderr=io.StringIO())
    message = str(raised.value)
    assert "\x1b" not in message
    assert "\\x1b[2J\\x1b[31mbeginner" in message


def test_names_are_composed_and_lose_zero_width_characters():
    decomposed = "Ja\u0304nu\u200bsi\u0301rs\u0323a\u0304sana"
    assert import_poses(minimal_file(sanskrit_name=decomposed, other_names=["Ja\u200dnu"])).ok
    pose = Pose.objects.get(slug="newasana")
    assert pose.sanskrit_name == "J\u0101nus\u00edr\u1e63\u0101sana"
    assert pose.other_names == "Janu"


@pytest.mark.parametrize("name", ["sanskrit_name", "english_name"])
def test_a_name_mixing_latin_and_cyrillic_letters_is_refused(name):
    look_alike = "J\u0430nusirsasana"  # a Cyrillic "а"
    (problem,) = import_poses(minimal_file(**{name: look_alike})).errors
    assert problem.field == name
    assert "mixes alphabets" in problem.message and "cyrillic small letter a" in problem.message


def test_a_name_with_a_word_in_devanagari_is_accepted():
    assert import_poses(minimal_file(english_name="Head to Knee Pose (जानुशीर्षासन)")).ok


# Who may import what: the same permissions as the admin's forms


def test_a_teacher_may_import_changes_to_a_poses_text_and_steps():
    small_library()
    data = exported("janusirsasana")
    data["poses"][0]["summary"] = "Changed by a teacher."
    data["poses"][0]["steps"].reverse()
    assert import_poses(data, user=make_teacher()).ok


def test_a_teachers_import_that_adds_or_removes_links_is_refused_naming_pose_and_list():
    small_library()
    counts = row_counts()
    data = exported("janusirsasana")
    data["poses"][0]["preparatory"] = [{"pose": "paschimottanasana", "reason": ""}]
    data["poses"][0]["related"] = []

    result = import_poses(data, user=make_teacher())

    assert {(problem.pose, problem.field) for problem in result.errors} >= {
        ("janusirsasana", "preparatory"),
        ("janusirsasana", "related"),
    }
    messages = " ".join(problem.message for problem in result.errors)
    assert "may not add preparatory poses (“paschimottanasana”)" in messages
    assert "may not delete preparatory poses (“dandasana”)" in messages
    assert row_counts() == counts


def test_a_teacher_may_restate_links_as_the_library_has_them():
    small_library()
    assert import_poses(exported(), user=make_teacher()).ok


def test_a_teachers_new_pose_with_a_counterpose_is_refused():
    small_library()
    data = minimal_file(counterposes=[{"pose": "dandasana"}])
    (problem,) = import_poses(data, user=make_teacher()).errors
    assert (problem.pose, problem.field) == ("newasana", "counterposes")


def test_a_teachers_upload_that_changes_links_shows_why(client):
    small_library()
    client.force_login(make_teacher())
    data = exported("janusirsasana")
    data["poses"][0]["counterposes"] = []
    page = client.post(IMPORT_URL, {"file": json_upload(data)}).content.decode()
    assert "may not delete counterposes" in page
    assert Counterpose.objects.filter(pose__slug="janusirsasana").exists()


# The app stands apart: without it in INSTALLED_APPS the site runs, with no import or export


def test_the_site_runs_without_the_exchange_app():
    script = """
import io

import django
from django.conf import settings
settings.INSTALLED_APPS.remove("exchange")
django.setup()
from django.contrib import admin
from django.core.management import call_command, get_commands
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from poses.models import Pose

call_command("check", stdout=io.StringIO())
assert resolve("/poses/janusirsasana/").url_name == "detail"
reverse("admin:poses_pose_changelist")
for name in ("admin:poses_pose_import", "exchange:pose_json"):
    try:
        reverse(name, args=["x"] if "json" in name else [])
    except NoReverseMatch:
        pass
    else:
        raise AssertionError(name)
try:
    resolve("/poses/janusirsasana.json")
except Resolver404:
    pass
else:
    raise AssertionError("open data still served")
assert "export_as_json" not in (admin.site.get_model_admin(Pose).actions or ())
assert not {"import_poses", "export_poses"} & set(get_commands())
print("ok")
"""
    finished = run_python("-c", script)
    assert finished.stdout.strip() == "ok", finished.stderr


def test_the_exchange_app_adds_its_page_and_action_to_the_pose_admin():
    model_admin = admin.site.get_model_admin(Pose)
    assert "export_as_json" in model_admin.actions
    assert reverse("admin:poses_pose_import") == IMPORT_URL
