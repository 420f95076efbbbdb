import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from poses.models import Condition, Pose, SafetyNote
from poses.safety import personal_guidance
from poses.safety_profile import SESSION_KEY, conditions_for
from tests.factories import make_draft, make_pose, make_safety_note, make_sequence
from tests.pages import page_elements

pytestmark = pytest.mark.django_db

URL = "/safe-for-me/"
INCLUDE = "poses/includes/safe_for_me.html"


@pytest.fixture
def knee():
    return Condition.objects.create(name="Knee injury", slug="knee-injury")


@pytest.fixture
def asthma():
    return Condition.objects.create(name="Asthma", slug="asthma")


def note(pose, kind, *conditions, substitute=None, text=None):
    position = pose.safety_notes.count() + 1
    made = make_safety_note(pose, position, text, kind=kind, substitute=substitute)
    made.conditions.add(*conditions)
    return made


def choose(client, *conditions, next_url=None):
    data = {"conditions": [condition.slug for condition in conditions]}
    if next_url is not None:
        data["next"] = next_url
    return client.post(URL, data)


def request_of(client):
    """A request carrying the client's session, as the next page it opens would."""
    request = RequestFactory().get("/poses/some-pose/")
    request.session = SessionStore(session_key=client.session.session_key)
    request.user = AnonymousUser()
    return request


def render_include(client, pose):
    pose = Pose.objects.for_pose_page().get(pk=pose.pk)
    return render_to_string(INCLUDE, {"pose": pose}, request=request_of(client))


# Matching a pose's notes to the chosen conditions


def test_no_session_means_no_conditions():
    request = RequestFactory().get("/")
    assert conditions_for(request) == []


def test_every_kind_of_note_for_a_chosen_condition_matches(knee, asthma):
    pose = make_pose()
    note(pose, SafetyNote.Kind.CAUTION, knee, text="Go gently.")
    note(pose, SafetyNote.Kind.AVOID, knee, text="Not with a knee injury.")
    note(pose, SafetyNote.Kind.MODIFY, knee, asthma, text="Pad the knee.")
    note(pose, SafetyNote.Kind.AVOID, asthma, text="Not with asthma.")
    found = personal_guidance(pose, [knee]).precautions
    # Strictest first: avoid, modify, caution.
    assert [(p.kind, p.text_html) for p in found] == [
        ("avoid", "<p>Not with a knee injury.</p>"),
        ("modify", "<p>Pad the knee.</p>"),
        ("caution", "<p>Go gently.</p>"),
    ]
    assert found[1].conditions == (knee,)


def test_a_caution_alone_is_still_shown(knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.CAUTION, knee)
    guidance = personal_guidance(pose, [knee])
    assert guidance.verdict == "caution"
    assert guidance.unaddressed == []


def test_a_condition_nothing_speaks_of_is_unaddressed_not_safe(knee, asthma):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, asthma)
    guidance = personal_guidance(pose, [knee])
    assert guidance.precautions == []
    assert guidance.unaddressed == [knee]
    assert guidance.verdict is None


def test_the_substitute_comes_with_the_note(knee):
    pose, substitute = make_pose(), make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee, substitute=substitute)
    (precaution,) = personal_guidance(pose, [knee]).precautions
    assert precaution.substitute == substitute


def test_a_draft_substitute_is_not_offered(knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee, substitute=make_draft())
    (precaution,) = personal_guidance(pose, [knee]).precautions
    assert precaution.substitute is None


def test_matching_a_prefetched_pose_asks_nothing_more(knee, django_assert_num_queries):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee, substitute=make_pose())
    pose = Pose.objects.for_pose_page().get(pk=pose.pk)
    with django_assert_num_queries(0):
        (precaution,) = personal_guidance(pose, [knee]).precautions
        assert precaution.substitute is not None


def test_without_conditions_nothing_is_read(django_assert_num_queries):
    pose = make_pose()
    with django_assert_num_queries(0):
        assert not personal_guidance(pose, [])


# Choosing conditions


def test_the_page_lists_every_condition_with_a_checkbox(client, knee, asthma):
    response = client.get(URL)
    assert response.status_code == 200
    boxes = page_elements(response, "input", type="checkbox", name="conditions")
    assert sorted(box.attributes["value"] for box in boxes) == ["asthma", "knee-injury"]
    assert page_elements(response, "input", type="hidden", name="csrfmiddlewaretoken")


def test_choosing_conditions_keeps_them_in_the_session(client, knee, asthma):
    response = choose(client, knee, asthma)
    assert response.status_code == 302
    assert response["Location"] == URL
    assert sorted(client.session[SESSION_KEY]) == ["asthma", "knee-injury"]


def test_the_page_shows_what_was_chosen(client, knee):
    choose(client, knee)
    response = client.get(URL)
    assert "Pages now flag poses for: Knee injury." in response.content.decode()
    (box,) = page_elements(response, "input", value="knee-injury")
    assert "checked" in box.attributes


def test_choosing_goes_back_to_a_page_of_this_site(client, knee):
    response = choose(client, knee, next_url="/poses/janusirsasana/")
    assert response["Location"] == "/poses/janusirsasana/"


@pytest.mark.parametrize(
    "bad_next", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_elsewhere_is_ignored(client, knee, bad_next):
    response = choose(client, knee, next_url=bad_next)
    assert response["Location"] == URL
    assert client.session[SESSION_KEY] == ["knee-injury"]


def test_a_next_address_elsewhere_is_not_offered_as_a_link(client):
    response = client.get(URL, {"next": "https://evil.example/"})
    assert "evil.example" not in response.content.decode()


def test_an_unknown_condition_is_a_form_error(client, knee):
    response = client.post(URL, {"conditions": ["no-such-condition"]})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_choosing_nothing_forgets_the_conditions(client, knee):
    choose(client, knee)
    choose(client)
    assert SESSION_KEY not in client.session


def test_forget_clears_the_conditions(client, knee):
    choose(client, knee)
    response = client.post(URL, {"conditions": ["knee-injury"], "forget": "1"})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_choosing_needs_the_csrf_token(knee):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, {"conditions": ["knee-injury"]})
    assert response.status_code == 403


# Pages flag the poses for the student


def test_the_pose_include_flags_a_pose_to_avoid_with_its_substitute(client, knee):
    substitute = make_pose(sanskrit_name="Supta Padangusthasana", slug="supta-padangusthasana")
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee, substitute=substitute, text="Not with a bad knee.")
    choose(client, knee)
    html = render_include(client, pose)
    assert "Avoid this pose for you" in html
    assert "Not with a bad knee." in html
    assert 'Instead, try <a href="/poses/supta-padangusthasana/">' in html


def test_the_pose_include_flags_a_pose_to_modify(client, knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.MODIFY, knee, text="Pad the knee.")
    choose(client, knee)
    html = render_include(client, pose)
    assert "Modify this pose for you" in html
    assert "Modify — Knee injury" in html


def test_the_pose_include_never_reassures_when_nothing_concerns_the_student(client, knee, asthma):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, asthma)
    choose(client, knee)
    html = render_include(client, pose)
    assert "Nothing to avoid" not in html
    assert "No specific guidance for you here" in html
    assert "no specific guidance for Knee injury" in html
    assert "ask your teacher" in html


def test_the_pose_include_shows_a_caution_and_what_to_do(client, knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.CAUTION, knee, text="Keep a folded blanket under the knee.")
    choose(client, knee)
    html = render_include(client, pose)
    assert "Take care in this pose" in html
    assert "Keep a folded blanket under the knee." in html


def test_the_pose_include_tells_the_student_to_skip_when_there_is_no_substitute(client, knee):
    pose = make_pose()
    made = note(pose, SafetyNote.Kind.AVOID, knee)
    made.no_substitute = True
    made.save()
    choose(client, knee)
    assert "skip this one and rest" in render_include(client, pose)


def test_the_pose_include_invites_a_student_without_conditions(client):
    html = render_include(client, make_pose())
    assert "Choose yours once" in html
    assert 'href="/safe-for-me/?next=/poses/some-pose/"' in html


def test_the_pose_page_flags_a_pose_to_avoid_for_the_student(client, knee):
    substitute = make_pose(slug="supta-padangusthasana")
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee, substitute=substitute)
    choose(client, knee)
    html = client.get(pose.get_absolute_url()).content.decode()
    assert "Avoid this pose for you" in html
    assert 'Instead, try <a href="/poses/supta-padangusthasana/">' in html


def test_the_sequence_page_flags_poses_to_avoid_and_modify(client, knee):
    substitute = make_pose(slug="supta-padangusthasana")
    avoided, modified, fine = make_pose(), make_pose(), make_pose()
    note(avoided, SafetyNote.Kind.AVOID, knee, substitute=substitute)
    note(modified, SafetyNote.Kind.MODIFY, knee)
    sequence = make_sequence(avoided, modified, fine)
    choose(client, knee)
    response = client.get(sequence.get_absolute_url())
    items = page_elements(response, "li", class_="sequence-item")
    assert ["Avoid for you" in item.text for item in items] == [True, False, False]
    assert ["Modify for you" in item.text for item in items] == [False, True, False]
    assert ["ask your teacher" in item.text for item in items] == [False, False, True]
    assert page_elements(items[0], "a", href="/poses/supta-padangusthasana/")


def test_the_practise_view_flags_poses_too(client, knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee)
    sequence = make_sequence(pose)
    choose(client, knee)
    html = client.get(f"{sequence.get_absolute_url()}practise/").content.decode()
    assert "Avoid for you" in html


def test_another_session_is_unaffected(client, knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee)
    sequence = make_sequence(pose)
    choose(client, knee)
    assert "Avoid for you" in client.get(sequence.get_absolute_url()).content.decode()

    other_student = Client()
    assert "Avoid for you" not in other_student.get(sequence.get_absolute_url()).content.decode()
    assert "Avoid this pose for you" not in render_include(other_student, pose)


def test_a_page_cached_for_visitors_is_not_served_to_a_student_with_conditions(client, knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee)
    sequence = make_sequence(pose)
    assert "Avoid for you" not in client.get(sequence.get_absolute_url()).content.decode()
    choose(client, knee)
    assert "Avoid for you" in client.get(sequence.get_absolute_url()).content.decode()


def test_a_student_with_conditions_does_not_fill_the_visitors_cache(client, knee):
    pose = make_pose()
    note(pose, SafetyNote.Kind.AVOID, knee)
    sequence = make_sequence(pose)
    choose(client, knee)
    client.get(sequence.get_absolute_url())
    assert "Avoid for you" not in Client().get(sequence.get_absolute_url()).content.decode()


@pytest.mark.parametrize("url", ["/", "/poses/", "/sequences/"])
def test_safe_for_me_is_in_the_site_menu(client, url):
    (menu,) = page_elements(client.get(url), "nav", aria_label="Main")
    links = {link.text: link.attributes["href"] for link in page_elements(menu, "a")}
    assert links["Safe for me"] == "/safe-for-me/"
