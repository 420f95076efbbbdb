"""What a search that found nothing offers instead: a pose whose name is spelled almost like
the query, or, when the query speaks of a health condition, the way to poses with guidance
for it. Never a pose that merely shares a few letters with the query ("back pain" is not
Bakasana, "asthma" is not Ashtanga Namaskara)."""

from difflib import SequenceMatcher

from poses.models import Condition, Pose
from poses.search import plain_words, search_key

# How alike (difflib's ratio, 0 to 1) a name, or a word of one, must be to the query to be
# offered: "chatarunga" and "chaturanga" are 0.8 alike, "headache" and "head" 0.67 …
SPELLING_CUTOFF = 0.75
# … unless they start alike for this many letters: a name run on ("purvottanaxyz").
SAME_START = 5


def suggested_conditions(browse):
    """The conditions the query names (Browse.conditions_named: "pregnancy", "knee pain"),
    or speaks of by a condition's address or the words of a claim to help it ("sciatica",
    "hypertension")."""
    conditions = list(browse.conditions_named)
    query = f" {' '.join(plain_words(browse.query))} "
    for condition in Condition.objects.exclude(pk__in=[c.pk for c in conditions]):
        phrases = [condition.slug, *condition.claim_words.splitlines()]
        words = [" ".join(plain_words(phrase)) for phrase in phrases]
        if any(f" {phrase} " in query for phrase in words if phrase):
            conditions.append(condition)
    return conditions


def suggested_poses(query, conditions=(), limit=3):
    """Published poses whose name is spelled almost like the query. None for a query about a
    condition: the way to poses with guidance for it is the answer, not a look-alike name."""
    if conditions:
        return []
    key = search_key(query)
    poses = Pose.objects.closest_to(query, limit=limit * 2)
    return [pose for pose in poses if spelled_alike(key, pose)][:limit]


def spelled_alike(key, pose):
    names = {pose.english_key, pose.sanskrit_key, *pose.search_names.split()}
    return any(
        key[:SAME_START] == name[:SAME_START]
        and len(name) >= SAME_START
        or SequenceMatcher(None, key, name).ratio() >= SPELLING_CUTOFF
        for name in names
    )
