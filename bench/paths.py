"""The paths `make bench` asks for, drawn from the benchmark's database: one list a scenario.

Run by bench/run.py with the benchmark's environment: `python bench/paths.py DIRECTORY`
writes DIRECTORY/<scenario>.txt (one path a line, in a fixed pseudo-random order) and
prints how many paths each list holds, as JSON. The same database gives the same lists.
"""

import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.urls import reverse  # noqa: E402

from poses.models import BodyArea, Condition, Level, Pose, PoseType, Style  # noqa: E402
from poses.views import PoseListView  # noqa: E402
from sequences.models import Sequence  # noqa: E402

DISTINCT = int(os.environ.get("BENCH_DISTINCT", "2000"))
# Phrases students type that name no pose: kinds, body parts, intents.
PHRASES = (
    "beginner backbend",
    "hamstring stretch",
    "twists for beginners",
    "release lower back",
    "gentle hips",
    "strong core",
    "calm",
    "restorative",
    "sun salutation",
    "back pain",
    "tight shoulders",
    "standing balance",
    "seated forward bend",
)


def pose_paths(rng, poses):
    paths = [f"/poses/{pose.slug}/" for pose in poses]
    rng.shuffle(paths)
    return paths


def misspelt(rng, word):
    """One typo a student might make: a letter dropped, doubled, swapped or replaced."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "vowel"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeiou") + word[i + 1 :]


def search_paths(rng, poses, vocabulary):
    terms = [term.name.lower() for names in vocabulary.values() for term in names]
    levels = [label.lower() for label in Level.labels]
    queries = set(PHRASES) | set(terms) | set(levels)
    makers = (
        lambda pose: pose.sanskrit_name.lower(),
        lambda pose: pose.sanskrit_name.lower()[: rng.randint(4, 7)],
        lambda pose: misspelt(rng, pose.sanskrit_name.lower()),
        lambda pose: " ".join(pose.english_name.split()[:2]).lower(),
        lambda pose: misspelt(rng, pose.english_name.split()[0].lower()),
        lambda pose: rng.choice(pose.other_names_list() or [pose.sanskrit_name]).lower(),
        lambda pose: f"{rng.choice(levels)} {rng.choice(terms)}",
        lambda pose: f"{rng.choice(terms)} {rng.choice(terms)}",
    )
    # Bounded, in case a tiny library cannot give that many distinct queries.
    for _ in range(DISTINCT * 20):
        if len(queries) >= DISTINCT:
            break
        queries.add(rng.choice(makers)(rng.choice(poses)))
    paths = [f"/poses/?{urlencode({'q': query})}" for query in sorted(queries)]
    rng.shuffle(paths)
    return paths[:DISTINCT]


def filter_paths(rng, vocabulary):
    choices = {
        "level": Level.values,
        "type": [term.slug for term in vocabulary[PoseType]],
        "area": [term.slug for term in vocabulary[BodyArea]],
        "style": [term.slug for term in vocabulary[Style]],
        "safe_for": [term.slug for term in vocabulary[Condition]],
    }
    combinations = set()
    for _ in range(DISTINCT * 20):
        if len(combinations) >= DISTINCT:
            break
        # Each filter in about half the lists, so one, two and three at once are common.
        picked = tuple(
            (name, rng.choice(values))
            for name, values in choices.items()
            if values and rng.random() < 0.5
        )
        if picked:
            combinations.add(picked)
    paths = [f"/poses/?{urlencode(picked)}" for picked in sorted(combinations)]
    rng.shuffle(paths)
    return paths


def sequence_paths():
    paths = [reverse("sequences:list")]
    for sequence in Sequence.objects.published():
        paths += [
            reverse("sequences:detail", args=[sequence.slug]),
            reverse("sequences:practise", args=[sequence.slug]),
        ]
    return paths


def other_paths(rng, poses):
    """Everything else a visitor or a crawler reads: home, every list page, discovery, JSON."""
    pages = -(-len(poses) // PoseListView.paginate_by)
    paths = ["/", reverse("sitemap"), reverse("pose_feed"), reverse("robots_txt")]
    paths += [reverse("poses:list")] + [f"/poses/?page={n}" for n in range(2, pages + 1)]
    if apps.is_installed("exchange"):
        sample = rng.sample(poses, min(len(poses), DISTINCT // 4))
        paths += [reverse("exchange:pose_json", args=[pose.slug]) for pose in sample]
    rng.shuffle(paths)
    return paths


def main(directory):
    rng = random.Random(1)
    poses = list(Pose.objects.published().order_by("pk"))
    vocabulary = {
        model: list(model.objects.order_by("slug"))
        for model in (PoseType, BodyArea, Style, Condition)
    }
    lists = {
        "poses": pose_paths(rng, poses),
        "searches": search_paths(rng, poses, vocabulary),
        "filters": filter_paths(rng, vocabulary),
        "sequences": sequence_paths(),
        "other": other_paths(rng, poses),
        # One pose page from the middle of the library, asked for over and over.
        "repeated": [f"/poses/{poses[len(poses) // 2].slug}/"],
        "conditions": [term.slug for term in vocabulary[Condition]],
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, paths in lists.items():
        (directory / f"{name}.txt").write_text("".join(f"{path}\n" for path in paths))
    print(json.dumps({name: len(paths) for name, paths in lists.items()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
