"""A pose's figure: a small 2D body model that the site draws as inline SVG and as a PNG.

The model is plain JSON, so the admin, import and export carry it as they carry any field:

    {
      "description": "Standing with the feet wide, …",   # one line, for screen readers
      "near": "right",                                    # the side nearer the viewer
      "floor": 142,                                       # the mat's height; null for none
      "joints": {"head": [100, 20], "neck": [100, 32], …},  # every name in JOINTS
      "props": [{"kind": "block", "x": 120, "y": 126, "width": 12, "height": 16}, …]
    }

Coordinates are in a frame WIDTH across and HEIGHT down, y growing downwards as on screen.
The far side is drawn lighter, so left and right read apart.
"""

import hashlib
import json
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.html import escape

WIDTH, HEIGHT = 200, 150
SIDES = ("left", "right")
LIMB_PARTS = ("shoulder", "elbow", "wrist", "hand", "hip", "knee", "ankle", "toe")
JOINTS = ("head", "neck", "chest") + tuple(
    f"{side}_{part}" for side in SIDES for part in LIMB_PARTS
)
ARM = ("shoulder", "elbow", "wrist", "hand")
LEG = ("hip", "knee", "ankle", "toe")
# Each prop's keys besides "kind": rectangles by their top-left corner, a wall by its x, a
# strap by the points it runs through.
PROPS = {
    "block": ("x", "y", "width", "height"),
    "blanket": ("x", "y", "width", "height"),
    "bolster": ("x", "y", "width", "height"),
    "wall": ("x",),
    "strap": ("points",),
}
FIGURE_KEYS = ("description", "near", "floor", "joints", "props")
MAX_DESCRIPTION_LENGTH = 200
MAX_PROPS = 8
MAX_STRAP_POINTS = 8

HEAD_RADIUS = 8
STROKES = {"torso": 12, "arm": 5.5, "leg": 7, "neck": 6}


def validate_figure(value) -> None:
    """Refuse a figure the site cannot draw, saying what is wrong and where."""
    if not isinstance(value, dict):
        raise ValidationError("A figure is a JSON object with “joints”.", code="figure_not_object")
    unknown = sorted(set(value) - set(FIGURE_KEYS))
    if unknown:
        raise ValidationError(
            "Unknown figure key %(keys)s. A figure has %(known)s.",
            code="figure_unknown_key",
            params={"keys": quoted(unknown), "known": quoted(FIGURE_KEYS)},
        )
    description = value.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationError(
            "The description is one line of text, at most %(limit)s characters.",
            code="figure_description",
            params={"limit": MAX_DESCRIPTION_LENGTH},
        )
    if value.get("near", "right") not in SIDES:
        raise ValidationError("“near” is “left” or “right”.", code="figure_near")
    floor = value.get("floor")
    if floor is not None:
        check_coordinate("the floor", floor, HEIGHT)
    validate_joints(value.get("joints"))
    validate_props(value.get("props", []))


def validate_joints(joints):
    if not isinstance(joints, dict):
        raise ValidationError(
            "“joints” is an object of joint names and [x, y] points.", code="figure_joints"
        )
    unknown = sorted(set(joints) - set(JOINTS))
    if unknown:
        raise ValidationError(
            "Unknown joint %(names)s. The joints are %(known)s.",
            code="figure_unknown_joint",
            params={"names": quoted(unknown), "known": ", ".join(JOINTS)},
        )
    missing = [name for name in JOINTS if name not in joints]
    if missing:
        raise ValidationError(
            "Missing joint %(names)s: a figure places every joint.",
            code="figure_missing_joint",
            params={"names": quoted(missing)},
        )
    for name in JOINTS:
        check_point(f"Joint “{name}”", joints[name])


def validate_props(props):
    if not isinstance(props, list) or len(props) > MAX_PROPS:
        raise ValidationError(
            "“props” is a list of at most %(limit)s props.",
            code="figure_props",
            params={"limit": MAX_PROPS},
        )
    for number, prop in enumerate(props, start=1):
        kind = prop.get("kind") if isinstance(prop, dict) else None
        if kind not in PROPS:
            raise ValidationError(
                "Prop %(number)s: unknown kind %(kind)s. The props are %(known)s.",
                code="figure_unknown_prop",
                params={"number": number, "kind": quoted([str(kind)]), "known": quoted(PROPS)},
            )
        expected = {"kind", *PROPS[kind]}
        if set(prop) != expected:
            raise ValidationError(
                "Prop %(number)s (%(kind)s) has %(keys)s.",
                code="figure_prop_keys",
                params={"number": number, "kind": kind, "keys": quoted(sorted(expected))},
            )
        label = f"Prop {number} ({kind})"
        if kind == "strap":
            points = prop["points"]
            if not isinstance(points, list) or not 2 <= len(points) <= MAX_STRAP_POINTS:
                raise ValidationError(
                    "%(label)s runs through 2 to %(limit)s points.",
                    code="figure_strap_points",
                    params={"label": label, "limit": MAX_STRAP_POINTS},
                )
            for point in points:
                check_point(label, point)
        elif kind == "wall":
            check_coordinate(label, prop["x"], WIDTH)
        else:
            check_coordinate(label, prop["x"], WIDTH)
            check_coordinate(label, prop["y"], HEIGHT)
            check_coordinate(label, prop["x"] + prop["width"], WIDTH)
            check_coordinate(label, prop["y"] + prop["height"], HEIGHT)
            if prop["width"] <= 0 or prop["height"] <= 0:
                raise ValidationError(
                    "%(label)s needs a width and a height above 0.",
                    code="figure_prop_size",
                    params={"label": label},
                )


def check_point(label, point):
    if not (isinstance(point, list) and len(point) == 2 and all(map(is_number, point))):
        raise ValidationError(
            "%(label)s is not a point: write it as [x, y].",
            code="figure_not_point",
            params={"label": label},
        )
    x, y = point
    if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
        raise ValidationError(
            "%(label)s is at (%(x)s, %(y)s), outside the frame: x runs from 0 to %(width)s, "
            "y from 0 to %(height)s.",
            code="figure_out_of_range",
            params={"label": label, "x": x, "y": y, "width": WIDTH, "height": HEIGHT},
        )


def check_coordinate(label, value, limit):
    if not is_number(value) or not 0 <= value <= limit:
        raise ValidationError(
            "%(label)s is outside the frame (0 to %(limit)s).",
            code="figure_out_of_range",
            params={"label": label, "limit": limit},
        )


def is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def quoted(names):
    return ", ".join(f"“{name}”" for name in names)


# Drawing. Both renderers read the same shapes, so the page and the shared PNG agree.


def mirrored(figure):
    """The figure seen from the other side: left and right swap, and so does the picture."""
    swap = {"left": "right", "right": "left"}
    joints = {}
    for name, (x, y) in figure["joints"].items():
        side, _, part = name.partition("_")
        joints[f"{swap[side]}_{part}" if part else name] = [WIDTH - x, y]
    props = []
    for prop in figure.get("props", []):
        prop = dict(prop)
        if prop["kind"] == "strap":
            prop["points"] = [[WIDTH - x, y] for x, y in prop["points"]]
        elif prop["kind"] == "wall":
            prop["x"] = WIDTH - prop["x"]
        else:
            prop["x"] = WIDTH - prop["x"] - prop["width"]
        props.append(prop)
    return {
        **figure,
        "near": swap[figure.get("near", "right")],
        "joints": joints,
        "props": props,
    }


def view_box(figure):
    """The part of the frame the figure fills, at 4:3 with a margin: a seated or lying
    figure is drawn as large as a standing one would be, up to twice the frame's scale."""
    joints = figure["joints"]
    xs = [x for x, _ in joints.values()]
    ys = [y for _, y in joints.values()]
    head_x, head_y = joints["head"]
    xs += [head_x - HEAD_RADIUS, head_x + HEAD_RADIUS]
    ys += [head_y - HEAD_RADIUS, head_y + HEAD_RADIUS]
    for prop in figure.get("props", []):
        if prop["kind"] == "strap":
            xs += [x for x, _ in prop["points"]]
            ys += [y for _, y in prop["points"]]
        elif prop["kind"] == "wall":
            xs.append(prop["x"])
        else:
            xs += [prop["x"], prop["x"] + prop["width"]]
            ys += [prop["y"], prop["y"] + prop["height"]]
    floor = figure.get("floor")
    if floor is not None:
        ys.append(floor)
    margin = 10
    left, right = min(xs) - margin, max(xs) + margin
    top, bottom = min(ys) - margin, max(ys) + margin
    width = max(right - left, (bottom - top) * 4 / 3, WIDTH * 0.6)
    height = width * 3 / 4
    x = (left + right - width) / 2
    # The mat stays near the bottom edge; a figure without one is centred.
    y = bottom - height if floor is not None else (top + bottom - height) / 2
    return [round(x, 1), round(y, 1), round(width, 1), round(height, 1)]


def shapes(figure, box=None):
    """What to draw, back to front: (kind, points) in frame coordinates."""
    box = box or [0, 0, WIDTH, HEIGHT]
    joints = figure["joints"]
    near = figure.get("near", "right")
    far = "left" if near == "right" else "right"
    pelvis = midpoint(joints["left_hip"], joints["right_hip"])

    def limb(side, parts):
        start = joints["neck"] if parts is ARM else pelvis
        return [start, *(joints[f"{side}_{part}"] for part in parts)]

    props = figure.get("props", [])
    drawn = []
    for prop in props:
        if prop["kind"] == "wall":
            bottom = figure.get("floor") or box[1] + box[3]
            drawn.append(("wall", [[prop["x"], box[1]], [prop["x"], bottom]]))
    if figure.get("floor") is not None:
        floor = figure["floor"]
        drawn.append(("floor", [[box[0] + 3, floor], [box[0] + box[2] - 3, floor]]))
    for prop in props:
        if prop["kind"] in ("blanket", "bolster", "block"):
            drawn.append((prop["kind"], rectangle(prop)))
    drawn += [
        ("far_leg", limb(far, LEG)),
        ("far_arm", limb(far, ARM)),
        ("torso", [pelvis, joints["chest"], joints["neck"]]),
        ("neck", [joints["neck"], joints["head"]]),
        ("near_leg", limb(near, LEG)),
        ("near_arm", limb(near, ARM)),
        ("head", [joints["head"]]),
    ]
    drawn += [("strap", prop["points"]) for prop in props if prop["kind"] == "strap"]
    return drawn


def rectangle(prop):
    x, y, width, height = prop["x"], prop["y"], prop["width"], prop["height"]
    return [[x, y], [x + width, y + height]]


def midpoint(a, b):
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]


def curve_control(points):
    """The control point of a quadratic curve from the first to the last point that passes
    through the middle one: the spine bends through the chest."""
    start, middle, end = points
    return [2 * middle[0] - (start[0] + end[0]) / 2, 2 * middle[1] - (start[1] + end[1]) / 2]


# SVG: one path per tone, integers where they suffice, so a card's figure stays near 1 KB.

SVG_SIZES = {"strip": 96, "card": 128, "step": 144, "page": 360, "large": 480}


def figure_svg(figure, title, size="card", description=None):
    """The figure as an inline <svg>, drawn in currentColor, named by its <title>."""
    width = SVG_SIZES[size]
    height = round(width * 3 / 4)
    description = description if description is not None else figure.get("description", "")
    box = view_box(figure)
    parts = [
        f'<svg class="figure figure--{size}" viewBox="{" ".join(map(n, box))}" width="{width}" '
        f'height="{height}" role="img" fill="none" stroke="currentColor" '
        f'stroke-linecap="round" stroke-linejoin="round">',
        f"<title>{escape(title)}</title>",
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    groups = {}
    for kind, points in shapes(figure, box):
        groups.setdefault(kind, []).append(points)
    for kind, items in groups.items():
        parts.append(svg_shape(kind, items))
    parts.append("</svg>")
    return "".join(parts)


def svg_shape(kind, items):
    if kind == "head":
        ((x, y),) = items[0]
        return f'<circle cx="{n(x)}" cy="{n(y)}" r="{HEAD_RADIUS}" fill="currentColor"/>'
    if kind in ("block", "blanket", "bolster"):
        return "".join(
            f'<rect class="figure__{kind}" x="{n(a[0])}" y="{n(a[1])}" width="{n(b[0] - a[0])}" '
            f'height="{n(b[1] - a[1])}" rx="{1.5 if kind == "block" else 4}" '
            f'fill="currentColor" fill-opacity=".15" stroke-width="1.5" opacity=".7"/>'
            for a, b in items
        )
    style = {
        "wall": 'stroke-width="3" opacity=".35"',
        "floor": 'stroke-width="2" opacity=".35"',
        "far_leg": f'stroke-width="{STROKES["leg"]}" opacity=".4"',
        "far_arm": f'stroke-width="{STROKES["arm"]}" opacity=".4"',
        "torso": f'stroke-width="{STROKES["torso"]}"',
        "neck": f'stroke-width="{STROKES["neck"]}"',
        "near_leg": f'stroke-width="{STROKES["leg"]}"',
        "near_arm": f'stroke-width="{STROKES["arm"]}"',
        "strap": 'stroke-width="1.5" stroke-dasharray="3 2"',
    }[kind]
    if kind == "torso":
        d = "".join(
            f"M{p(start)}Q{p(curve_control(points))} {p(end)}"
            for points in items
            for start, end in [(points[0], points[-1])]
        )
    else:
        d = "".join("M" + "L".join(p(point) for point in points) for points in items)
    return f'<path class="figure__{kind.replace("_", "-")}" {style} d="{d}"/>'


def p(point):
    return f"{n(point[0])} {n(point[1])}"


def n(number):
    """A coordinate as short as it can be written: 12, 12.5."""
    number = round(number, 1)
    return str(int(number)) if number == int(number) else str(number)


# PNG: the same shapes drawn with Pillow, for link previews (og:image) and JSON-LD.

PNG_SIZE = (1200, 630)
PNG_COLOURS = {
    "background": (250, 248, 244),
    "ink": (36, 48, 43),
    "far": (163, 176, 170),
    "line": (201, 190, 170),
    "prop": (214, 226, 220),
    "accent": (47, 93, 80),
}


def figure_png(figure, title, subtitle=""):
    """A 1200×630 PNG: the figure on the left, the pose's names on the right."""
    from PIL import Image, ImageDraw, ImageFont

    supersample = 2
    width, height = PNG_SIZE[0] * supersample, PNG_SIZE[1] * supersample
    image = Image.new("RGB", (width, height), PNG_COLOURS["background"])
    draw = ImageDraw.Draw(image)
    box = view_box(figure)
    # The figure fills 720 × 540 pixels on the left; the names go on the right.
    scale = 720 / box[2] * supersample
    left, top = 10 * supersample, 45 * supersample

    def at(point):
        return (left + (point[0] - box[0]) * scale, top + (point[1] - box[1]) * scale)

    def stroke(points, width, colour):
        points = [at(point) for point in points]
        radius = width * scale / 2
        draw.line(points, fill=colour, width=round(width * scale))
        for x, y in points:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)

    ink, far = PNG_COLOURS["ink"], PNG_COLOURS["far"]
    for kind, points in shapes(figure, box):
        if kind in ("wall", "floor"):
            draw.line(
                [at(point) for point in points], fill=PNG_COLOURS["line"], width=round(2 * scale)
            )
        elif kind in ("block", "blanket", "bolster"):
            draw.rounded_rectangle(
                [at(points[0]), at(points[1])],
                radius=2 * scale,
                fill=PNG_COLOURS["prop"],
                outline=PNG_COLOURS["far"],
                width=round(1.5 * scale),
            )
        elif kind == "torso":
            stroke(quadratic(*points[:1], curve_control(points), points[-1]), STROKES[kind], ink)
        elif kind == "head":
            x, y = at(points[0])
            radius = HEAD_RADIUS * scale
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=ink)
        elif kind == "strap":
            draw.line(
                [at(point) for point in points], fill=PNG_COLOURS["accent"], width=round(scale * 2)
            )
        else:
            side, _, limb = kind.partition("_")
            colour = far if side == "far" else ink
            stroke(points, STROKES.get(limb or side, STROKES["arm"]), colour)

    text_left = 760 * supersample
    font = ImageFont.load_default(size=52 * supersample)
    small = ImageFont.load_default(size=34 * supersample)
    y = height // 2 - 80 * supersample
    for line in wrap(title, font, draw, width - text_left - 30 * supersample):
        draw.text((text_left, y), line, font=font, fill=ink)
        y += 62 * supersample
    for line in wrap(subtitle, small, draw, width - text_left - 30 * supersample):
        draw.text((text_left, y + 10 * supersample), line, font=small, fill=PNG_COLOURS["accent"])
        y += 44 * supersample
    image = image.resize(PNG_SIZE, Image.Resampling.LANCZOS)
    output = BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


def quadratic(start, control, end, steps=12):
    return [
        [
            (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t**2 * end[0],
            (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t**2 * end[1],
        ]
        for t in (i / steps for i in range(steps + 1))
    ]


def wrap(text, font, draw, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def figure_version(figure, *names):
    """A short hash of what the PNG shows, so its address changes when the figure does."""
    text = json.dumps([figure, *names], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def figure_png_path(pose):
    """The PNG's address, versioned by what it shows, so caches never keep an old one."""
    from django.urls import reverse

    version = figure_version(pose.figure, pose.sanskrit_name, pose.english_name)
    return f"{reverse('poses:figure_png', kwargs={'slug': pose.slug})}?v={version}"
