import html
import io
import json
import re
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from poses.models import Benefit, Pose, PoseLink, SafetyNote, Step
from tests.factories import row_counts

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "janusirsasana.json"

# From the seed article, /work/shared/seed/000_fe5e2d80599ed1ec.txt.
SEED_STEP_TITLES = [
    "Start in Dandasana (Staff Pose)",
    "Bend Your Right Knee",
    "Square Your Torso Over the Left Leg",
    "Inhale and Lengthen Your Spine",
    "Exhale and Fold Forward",
    "Deepen the Pose Gently",
    "Hold and Breathe",
    "Release and Repeat on the Other Side",
]
SEED_STEP_PHRASES = [
    "sit on the edge of a folded blanket",
    "sole of your right foot against the inner left thigh",
    "both sit bones are evenly pressing down",
    "raise your arms overhead, lengthening your spine",
    "use a yoga strap around your foot",
    "moving your navel towards your knee",
    "breathing deeply and evenly",
    "repeat the pose on the other side, bending your left knee",
]
# Each benefit: a phrase of the seed's claim, kept in our own words, and its kind. The
# seed's claims about organs, diseases and healing are shown as what tradition says.
SEED_BENEFITS = [
    ("kidney disease and urinary infections", "traditional"),
    ("lift mild depression", "traditional"),
    ("stimulate the organs of the body", "traditional"),
    ("ease sciatica", "traditional"),
    ("the spine, the shoulders and the neck", "physical"),
    ("menstrual cycle", "traditional"),
    ("impotency", "traditional"),
    ("fat around the belly", "traditional"),
    ("flush toxins", "traditional"),
]
# Each precaution, reviewed: a phrase of its text, the conditions it concerns, its kind and
# what to practise instead ("skip" when there is nothing safe instead).
SEED_PRECAUTIONS = [
    ("With diarrhea", ["diarrh"], "Avoid", "supta-padangusthasana"),
    ("With asthma", ["asthma"], "Avoid", "supta-padangusthasana"),
    ("back or knee injury", ["back injur", "knee injur"], "Avoid", "supta-padangusthasana"),
    ("pregnancy", ["pregnan"], "Avoid", "baddha-konasana"),
    ("fractured bones", ["fractur"], "Avoid", "skip"),
    ("osteoporosis", ["osteoporosis"], "Avoid", "supta-padangusthasana"),
    ("uncomfortable", [], "Caution", None),
]


def load_fixture():
    call_command("loaddata", str(FIXTURE), verbosity=0)


def load_poses():
    out = io.StringIO()
    call_command("load_poses", str(FIXTURE), stdout=out)
    return out.getvalue()


def fixture_counts():
    """Rows the fixture file describes, many-to-many tables included."""
    counts = Counter()
    for record in json.loads(FIXTURE.read_text(encoding="utf-8")):
        counts[record["model"]] += 1
        model = apps.get_model(record["model"])
        for name, value in record["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                counts[field.remote_field.through._meta.label_lower] += len(value)
    return counts


def plain(text):
    """Page text as a reader sees it: tags dropped, entities decoded, typographic quotes and
    dashes made plain (the Markdown "smarty" extension curls them), spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for fancy, simple in {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"}.items():
        text = text.replace(fancy, simple)
    return " ".join(text.split())


def no_quotes(text):
    return re.sub(r"['‘’\"“”]", "", text)


def section(page_html, heading_id):
    match = re.search(rf'<h2 id="{heading_id}">.*?</section>', page_html, re.DOTALL)
    assert match, f"no section {heading_id!r} on the page"
    return match.group(0)


def items(section_html, css_class):
    """The <li class="css_class"> items of a section, in order."""
    parts = re.split(rf'<li class="{css_class}[^"]*">', section_html)[1:]
    return [part.split("</li>")[0] for part in parts]


# Loading


def test_the_fixture_loads_everything_it_describes():
    load_fixture()
    counts = row_counts()
    assert {label: counts[label] for label in fixture_counts()} == dict(fixture_counts())


def test_loading_the_fixture_twice_adds_nothing():
    load_fixture()
    once = row_counts()
    load_fixture()
    assert row_counts() == once


def test_load_poses_on_an_empty_library_loads_everything():
    output = load_poses()
    counts = row_counts()
    assert {label: counts[label] for label in fixture_counts()} == dict(fixture_counts())
    assert Pose.objects.filter(slug="janusirsasana").exists()
    assert f"Added {Pose.objects.count()} poses" in output


def test_load_poses_twice_changes_nothing():
    load_poses()
    once = row_counts()
    output = load_poses()
    assert row_counts() == once
    assert output.startswith("Added 0 poses")


def test_load_poses_after_loaddata_changes_nothing():
    load_fixture()
    once = row_counts()
    load_poses()
    assert row_counts() == once


def test_load_poses_keeps_a_teachers_edits():
    load_fixture()
    pose = Pose.objects.get(slug="janusirsasana")
    pose.english_name = "Head-to-Knee Forward Bend"
    pose.save()
    step = pose.steps.get(position=2)
    step.instruction = "Our own wording for this step."
    step.save()
    before = row_counts()

    load_poses()

    pose.refresh_from_db()
    step.refresh_from_db()
    assert pose.english_name == "Head-to-Knee Forward Bend"
    assert step.instruction == "Our own wording for this step."
    assert step.instruction_html == "<p>Our own wording for this step.</p>"
    assert row_counts() == before


def test_load_poses_does_not_bring_back_what_a_teacher_removed():
    load_fixture()
    Step.objects.get(pose__slug="janusirsasana", position=8).delete()
    PoseLink.objects.get(preparatory__slug="uttanasana", follow_up__slug="janusirsasana").delete()
    before = row_counts()
    load_poses()
    assert row_counts() == before


def test_load_poses_keeps_a_pose_whose_web_address_a_teacher_changed():
    load_fixture()
    pose = Pose.objects.get(slug="janusirsasana")
    pose.slug = "janu-sirsasana"
    pose.save()
    before = row_counts()

    load_poses()

    assert row_counts() == before
    assert Pose.objects.get(sanskrit_name="Janusirsasana").slug == "janu-sirsasana"


# What the loaded fixture holds: loaded once for the class, read by each test.


@pytest.fixture(scope="class")
def loaded_fixture(django_db_setup, django_db_blocker):
    """The fixture loaded once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_fixture()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("loaded_fixture")
class TestTheLoadedFixture:
    def test_janusirsasana_has_the_seeds_eight_steps_in_order(self):
        steps = Step.objects.filter(pose__slug="janusirsasana").order_by("position")
        assert [step.title.casefold() for step in steps] == [t.casefold() for t in SEED_STEP_TITLES]

    def test_janusirsasana_has_nine_benefits_and_seven_precautions(self):
        assert Benefit.objects.filter(pose__slug="janusirsasana").count() == 9
        assert SafetyNote.objects.filter(pose__slug="janusirsasana").count() == 7

    def test_loaded_markdown_is_rendered_to_html(self):
        pose = Pose.objects.get(slug="janusirsasana")
        assert "Krishnamacharya" in pose.introduction_html
        assert pose.introduction_html.startswith("<p>")
        step = pose.steps.get(position=1)
        assert 'href="/poses/dandasana/"' in step.instruction_html


# The Janusirsasana page shows the whole seed article.


def basics_rows(page_html):
    rows = re.findall(
        r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', section(page_html, "basics")
    )
    return {plain(label): plain(value) for label, value in rows}


@pytest.fixture(scope="class")
def janu_page(django_db_setup, django_db_blocker):
    """The fixture loaded and the page read once for the class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_fixture()
        response = Client().get("/poses/janusirsasana/")
        assert response.status_code == 200
        yield response.content.decode()
        transaction.set_rollback(True)


class TestTheJanusirsasanaPage:
    def test_page_shows_the_sanskrit_name_and_pronunciation(self, janu_page):
        assert basics_rows(janu_page)["Sanskrit"] == "Janusirsasana (JAH-new shear-SHAHS-anna)"

    def test_page_shows_the_meaning(self, janu_page):
        seed = "‘Janu‘ means ‘knee’, Sirsa is ‘head’, and ‘asana’ means ‘pose.’"
        assert no_quotes(basics_rows(janu_page)["Meaning"]) == no_quotes(seed)

    def test_page_shows_the_pose_types(self, janu_page):
        types = {name.casefold() for name in basics_rows(janu_page)["Pose type"].split(", ")}
        assert types == {"sitting", "forward bend", "side bend", "twist", "stretch"}  # in words

    def test_page_shows_the_level_and_style(self, janu_page):
        rows = basics_rows(janu_page)
        assert rows["Level"] == "Beginner"
        assert rows["Style of yoga"].casefold() == "ashtanga yoga"

    def test_page_shows_the_other_names(self, janu_page):
        other_names = basics_rows(janu_page)["Other names"].casefold()
        for name in ["Head-on-knee Pose", "Head-to-knee forward bend", "Seated head to knee pose"]:
            assert name.casefold() in other_names

    def test_page_shows_what_the_pose_stretches_and_strengthens(self, janu_page):
        rows = basics_rows(janu_page)
        assert rows["Stretches"].casefold() == "entire back body"
        strengthens = rows["Strengthens"].casefold()
        for area in ["leg", "arm", "back"]:
            assert area in strengthens

    def test_page_shows_the_duration(self, janu_page):
        assert basics_rows(janu_page)["Duration"] == "30 seconds to 3 minutes"

    def test_page_shows_the_introduction(self, janu_page):
        introduction = plain(section(janu_page, "introduction"))
        assert "Krishnamacharya" in introduction
        assert "father of modern yoga" in introduction
        assert "Ardha Paschimottanasana" in introduction
        assert "three main variations" in introduction

    def test_page_shows_the_eight_steps_in_order(self, janu_page):
        steps = items(section(janu_page, "steps"), "step")
        titles = [
            plain(re.search(r'<h3 class="step__title">(.*?)</h3>', s).group(1)) for s in steps
        ]
        assert [t.casefold() for t in titles] == [t.casefold() for t in SEED_STEP_TITLES]

    def test_each_step_shows_its_instruction(self, janu_page):
        steps = items(section(janu_page, "steps"), "step")
        assert len(steps) == len(SEED_STEP_PHRASES)
        for step, phrase in zip(steps, SEED_STEP_PHRASES, strict=True):
            assert phrase in plain(step)

    def test_steps_show_their_breath_cues(self, janu_page):
        steps = items(section(janu_page, "steps"), "step")
        assert '<span class="cue cue--inhale">Inhale</span>' in steps[3]
        assert '<span class="cue cue--exhale">Exhale</span>' in steps[4]

    def test_page_shows_every_benefit_of_the_seed_with_its_kind(self, janu_page):
        benefits = items(section(janu_page, "benefits"), "benefit")
        assert len(benefits) == len(SEED_BENEFITS)
        for benefit, (phrase, kind) in zip(benefits, SEED_BENEFITS, strict=True):
            assert phrase in plain(benefit)
            assert f'<li class="benefit benefit--{kind}">' in janu_page
            assert ("Traditional claim" in benefit) == (kind == "traditional"), phrase

    def test_page_states_traditional_claims_as_what_tradition_says(self, janu_page):
        benefits = items(section(janu_page, "benefits"), "benefit")
        for benefit, (phrase, kind) in zip(benefits, SEED_BENEFITS, strict=True):
            if kind == "traditional":
                assert "Traditionally said to" in plain(benefit), phrase

    def test_page_shows_when_to_practise(self, janu_page):
        when = plain(section(janu_page, "when"))
        assert "early in the morning" in when
        assert "in the evening" in when
        assert "3-5 hour gap" in when

    def test_page_shows_every_precaution_with_its_conditions(self, janu_page):
        precautions = items(section(janu_page, "precautions"), "precaution")
        assert len(precautions) == len(SEED_PRECAUTIONS)
        for precaution, seed in zip(precautions, SEED_PRECAUTIONS, strict=True):
            phrase, conditions, kind, instead = seed
            assert phrase in plain(precaution)
            concerns = re.search(r'<p class="precaution__concerns">(.*?)</p>', precaution)
            concerned = plain(concerns.group(1)).casefold() if concerns else ""
            for condition in conditions:
                assert condition in concerned, (phrase, concerned)
            assert f'<p class="precaution__kind">{kind}</p>' in precaution, phrase
            if instead == "skip":
                assert "skip this one and rest" in plain(precaution), phrase
            elif instead:
                assert f'Instead, try <a href="/poses/{instead}/">' in precaution, phrase

    def test_page_names_knee_injury_as_a_concern(self, janu_page):
        assert "Knee injury" in section(janu_page, "precautions")

    def test_page_shows_the_closing_remarks(self, janu_page):
        closing = plain(section(janu_page, "good-to-know"))
        assert "similar to a headstand" in closing
        assert "challenging asana" in closing

    def test_page_shows_the_disclaimer(self, janu_page):
        assert (
            "The content is purely informative and educational in nature and should not be "
            "construed as medical advice."
        ) in plain(janu_page)

    def test_page_shows_preparatory_and_follow_up_poses(self, janu_page):
        preparatory = section(janu_page, "preparatory")
        for slug in ["adho-mukha-svanasana", "uttanasana", "supta-padangusthasana"]:
            assert f'href="/poses/{slug}/"' in preparatory
        assert 'href="/poses/paschimottanasana/"' in section(janu_page, "follow-up")

    def test_dandasana_is_the_starting_position_not_a_preparatory_pose(self, janu_page):
        assert basics_rows(janu_page)["Starting position"] == "Dandasana (Staff Pose)"
        assert 'href="/poses/dandasana/"' not in section(janu_page, "preparatory")

    def test_page_shows_purvottanasana_as_its_counterpose(self, janu_page):
        assert 'href="/poses/purvottanasana/"' in section(janu_page, "counterposes")

    def test_page_says_when_its_safety_content_was_reviewed(self, janu_page):
        assert "reviewed by Studio editorial review on 1 December 2026" in plain(janu_page)

    def test_page_sections_come_in_reading_order(self, janu_page):
        order = ["basics", "introduction", "preparatory", "steps", "follow-up", "benefits", "when"]
        order += ["precautions", "good-to-know"]
        positions = [janu_page.index(f'<h2 id="{heading}">') for heading in order]
        assert positions == sorted(positions)
        assert janu_page.index('aria-label="Disclaimer"') > positions[-1]

    @pytest.mark.parametrize("slug", ["dandasana", "paschimottanasana"])
    def test_linked_poses_are_published_pages(self, janu_page, client, slug):
        assert f'href="/poses/{slug}/"' in janu_page
        assert client.get(f"/poses/{slug}/").status_code == 200

    def test_every_linked_pose_page_opens(self, janu_page, client):
        for href in set(re.findall(r'href="(/poses/[^"]+/)"', janu_page)):
            assert client.get(href).status_code == 200, href
