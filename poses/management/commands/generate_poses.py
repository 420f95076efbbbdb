import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from poses import fulltext
from poses.models import (
    Benefit,
    BodyArea,
    BreathCue,
    Condition,
    Level,
    Pose,
    PoseLink,
    PoseType,
    RelatedPose,
    SafetyNote,
    SearchKey,
    Side,
    Step,
    Style,
)
from poses.search import pose_search_fields, pose_typo_keys
from studio.cache import library_changed
from studio.markdown import render_markdown
from studio.statistics import refresh_statistics

SYLLABLES = [
    "a", "ba", "bha", "cha", "da", "dha", "ga", "ha", "ja", "ka", "kha", "la", "ma", "na", "pa",
    "pha", "ra", "sa", "sha", "ta", "tha", "va", "ya", "ri", "ku", "mu", "ni", "pu", "su", "tri",
    "vi", "shi", "go", "ko", "lo", "mo", "no", "po", "ro", "so", "to", "vo", "yo",
]  # fmt: skip
WORDS = "Bent Bound Crescent Extended Half Lifted Open Reclining Revolved Seated Side Standing"
SHAPES = "Arch Bow Bridge Crow Fish Gate Hero Lizard Lotus Moon Plank Star Tree Twist Wheel"
VOCABULARY = {
    PoseType: "Sitting Standing Forward-Bend Side-Bend Twist Backbend Inversion Balance Stretch",
    Style: "Ashtanga-yoga Hatha-yoga Iyengar-yoga Vinyasa-yoga Yin-yoga",
    BodyArea: "Back Hamstrings Hips Shoulders Legs Arms Core Chest Neck Ankles Spine Groins",
    Condition: "Knee-injury Back-injury Pregnancy Osteoporosis Asthma High-blood-pressure",
}
# Each pose's tags: how many of each, picked before the pose is made so its search words
# can name them.
TAGS = (
    (Pose.pose_types, PoseType, 2),
    (Pose.styles, Style, 1),
    (Pose.stretches, BodyArea, 2),
    (Pose.strengthens, BodyArea, 1),
)
INSTRUCTION = (
    "Keep the **{part}** long and soft. Press evenly through both feet and let the breath "
    "move freely; if it catches, come back a little. Stay for {n} breaths.\n\n"
    "- Use a block or a folded blanket if the floor feels far away.\n"
    "- Release slowly, the way you came in."
)


class Command(BaseCommand):
    help = (
        "Add N realistic generated poses (8 steps, 3 safety notes, 3 benefits, 4 links, "
        "other names each) for benchmarks and scale tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        rng = random.Random(seed)
        with transaction.atomic():
            vocabulary = {
                model: ensure_vocabulary(model, names) for model, names in VOCABULARY.items()
            }
            poses = create_poses(rng, count, vocabulary)
            library_changed()  # bulk inserts send no signals
        fulltext.compact()
        refresh_statistics()
        self.stdout.write(f"Generated {len(poses)} poses.")


def ensure_vocabulary(model, names):
    for name in names.split():
        model.objects.get_or_create(slug=slugify(name), defaults={"name": name.replace("-", " ")})
    return list(model.objects.all())


def sanskrit_name(number):
    syllables = []
    while True:
        number, digit = divmod(number, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
        if number == 0:
            break
    return ("".join(syllables) + "asana").capitalize()


NEARBY = 50


def create_poses(rng, count, vocabulary):
    start = Pose.objects.count() + 1000
    now = timezone.now() - timedelta(days=1)
    markdown_cache = {}

    def html(text):
        if text not in markdown_cache:
            markdown_cache[text] = render_markdown(text)
        return markdown_cache[text]

    poses, steps_by_pose, tags_by_pose, benefits_by_pose = [], [], [], []
    for number in range(start, start + count):
        name = sanskrit_name(number)
        english = f"{rng.choice(WORDS.split())} {rng.choice(SHAPES.split())} Pose {number}"
        other_names = [f"{name[:4]} {name[4:]}", f"{english} variation", name.replace("a", "aa", 1)]
        mood = rng.choice(["gentle", "strong", "calm", "steady"])
        area = rng.choice(VOCABULARY[BodyArea].split()).lower()
        summary = f"A {mood} pose for the {area}."
        steps = [
            (
                f"Step {i} of {name}",
                INSTRUCTION.format(part=rng.choice(["spine", "neck", "legs"]), n=i + 2),
            )
            for i in range(1, 9)
        ]
        steps_by_pose.append(steps)
        introduction = f"{name} is a generated pose. It {summary[2:].lower()}"
        low = rng.choice([15, 30, 45, 60])
        level = rng.choice(Level.values)
        tags = {
            relation: rng.sample(vocabulary[model], per_pose) for relation, model, per_pose in TAGS
        }
        tags_by_pose.append(tags)
        benefits = [
            f"Benefit {position}: it may ease stiffness in the {part}."
            for position, part in enumerate(
                (rng.choice(["back", "hips", "shoulders"]) for _ in range(3)), start=1
            )
        ]
        poses.append(
            Pose(
                english_name=english,
                sanskrit_name=name,
                slug=slugify(name),
                pronunciation="-".join(name.lower()[i : i + 3] for i in range(0, len(name), 3)),
                meaning=f"‘{name[:4]}’ means a made-up word, ‘asana’ means ‘pose’.",
                other_names="\n".join(other_names),
                level=level,
                hold_min_seconds=low,
                hold_max_seconds=low * rng.choice([2, 3, 4]),
                summary=summary,
                introduction=introduction,
                introduction_html=html(introduction),
                practice_time="Early morning, on an empty stomach.",
                practice_time_html=html("Early morning, on an empty stomach."),
                status=Pose.Status.PUBLISHED,
                published_at=now,
                **pose_search_fields(
                    english,
                    name,
                    other_names,
                    summary,
                    [text for step in steps for text in step],
                    benefits=benefits,
                    tags={
                        "pose_types": [term.name for term in tags[Pose.pose_types]],
                        "styles": [term.name for term in tags[Pose.styles]],
                        "stretches": [term.name for term in tags[Pose.stretches]],
                        "strengthens": [term.name for term in tags[Pose.strengthens]],
                        "level": Level(level).label,
                    },
                ),
            )
        )
        benefits_by_pose.append(benefits)
    poses = Pose.objects.bulk_create(poses, batch_size=500)

    children = {Step: [], Benefit: [], SafetyNote: [], SearchKey: [], PoseLink: [], RelatedPose: []}
    for pose, steps, benefits in zip(poses, steps_by_pose, benefits_by_pose, strict=True):
        for position, (title, instruction) in enumerate(steps, start=1):
            children[Step].append(
                Step(
                    pose=pose,
                    position=position,
                    title=title,
                    instruction=instruction,
                    instruction_html=html(instruction),
                    breath_cue=rng.choice(["", *BreathCue.values]),
                    side=Side.RIGHT if position in (3, 4) else "",
                )
            )
        for position, text in enumerate(benefits, start=1):
            children[Benefit].append(
                Benefit(pose=pose, position=position, text=text, text_html=html(text))
            )
            kind = rng.choice(SafetyNote.Kind.values)
            note = f"{kind.capitalize()} this pose with the condition named here."
            children[SafetyNote].append(
                SafetyNote(pose=pose, position=position, kind=kind, text=note, text_html=html(note))
            )
        names = [pose.english_name, pose.sanskrit_name, *pose.other_names_list()]
        children[SearchKey] += [SearchKey(pose=pose, key=key) for key in pose_typo_keys(names)]
    for index, pose in enumerate(poses):
        # Three of the NEARBY poses before this one prepare for it; one more is related. Near,
        # as a teacher links a pose to its neighbours: a pose has as many links in a library
        # of 1,000 as in one of 10,000, so its page shows the same (make bench compares them).
        nearby = max(0, index - NEARBY)
        earlier = {poses[rng.randrange(nearby, index)] for _ in range(3)} if index else set()
        children[PoseLink] += [
            PoseLink(
                preparatory=other,
                follow_up=pose,
                position_among_preparatory=n,
                position_among_follow_ups=index,
                reason="Warms up the same muscles",
            )
            for n, other in enumerate(earlier, start=1)
        ]
        if index:
            other = poses[rng.randrange(nearby, index)]
            children[RelatedPose] += [
                RelatedPose(pose=pose, related=other, kind=RelatedPose.Kind.VARIATION),
                RelatedPose(pose=other, related=pose, kind=RelatedPose.Kind.VARIATION),
            ]
    for model, rows in children.items():
        model.objects.bulk_create(rows, batch_size=1000)

    notes = SafetyNote.objects.filter(pose__in=poses)
    SafetyNote.conditions.through.objects.bulk_create(
        [
            SafetyNote.conditions.through(
                safetynote_id=note_id, condition=rng.choice(vocabulary[Condition])
            )
            for note_id in notes.values_list("pk", flat=True)
        ],
        batch_size=1000,
    )
    for relation, model, _ in TAGS:
        through = relation.through
        target = f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            [
                through(pose_id=pose.pk, **{target: term.pk})
                for pose, tags in zip(poses, tags_by_pose, strict=True)
                for term in tags[relation]
            ],
            batch_size=1000,
        )
    return poses
