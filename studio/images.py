"""Uploaded images: accepted only when Pillow decodes them as a photo format we serve.

Every accepted image is decoded and encoded again, so what is stored holds pixels and
nothing else: no EXIF (GPS position, camera serial), no comments, no bytes appended by a
polyglot. Stored names are random; the uploader's file name is never used.
"""

import io
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000, beyond any camera a studio uses
# An animation decodes every frame at the size of its canvas: the pixel budget is for all
# of them together, and a breathing loop needs a few dozen frames, not thousands.
MAX_FRAMES = 250
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Markup in an image file means it was made to be read as something else too.
MARKUP_SIGNS = (b"<script", b"<html", b"<svg", b"<body", b"<iframe", b"<?php", b"<!doctype")

KEPT_INFO = ("transparency", "duration", "loop", "background")

NOT_AN_IMAGE = "Upload a photo in JPEG, PNG, WebP or GIF format. This file is not one."


def clean_image(upload) -> SimpleUploadedFile:
    """Return a re-encoded copy of an uploaded image, or raise ValidationError."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; images can be at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        )
    upload.seek(0)
    data = upload.read()
    if any(sign in data.lower() for sign in MARKUP_SIGNS):
        raise ValidationError(NOT_AN_IMAGE)
    image = open_image(data)
    output = io.BytesIO()
    options = {"format": image.format}
    if image.format == "GIF" and getattr(image, "n_frames", 1) > 1:
        options["save_all"] = True
    else:
        # Photos from phones are often stored sideways with an EXIF turn; apply it before
        # the EXIF goes.
        image = ImageOps.exif_transpose(image)
    # Keep only what drawing the pixels needs; Pillow would otherwise write EXIF and text
    # chunks from the original back out.
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    if options["format"] == "JPEG":
        options["quality"] = 90
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    image.save(output, **options)
    return SimpleUploadedFile(
        f"{uuid.uuid4().hex}.{EXTENSIONS[options['format']]}",
        output.getvalue(),
        content_type=Image.MIME[options["format"]],
    )


def open_image(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns below its own hard limit; we refuse from MAX_PIXELS anyway.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in EXTENSIONS:
                raise ValidationError(NOT_AN_IMAGE)
            check_size(image)
            image.load()  # decodes every pixel: truncated and corrupt files fail here
            check_frames(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ValidationError("This image is too large to open safely.") from error
        except (UnidentifiedImageError, OSError, EOFError, SyntaxError, ValueError) as error:
            raise ValidationError(NOT_AN_IMAGE) from error
    return image


def check_size(image: Image.Image) -> None:
    """Refuse, from the headers alone, an image whose frames hold too many pixels."""
    if image.width * image.height > MAX_PIXELS:
        raise ValidationError(
            f"This image is {image.width} × {image.height} pixels; images can have "
            f"at most {MAX_PIXELS // 1_000_000} million pixels."
        )
    # Counting frames reads their headers, not their pixels (a 9 MB GIF of 400,000 frames
    # takes about 2 s); a tiny file can declare a huge canvas for each of many frames.
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise ValidationError(
            f"This animation has {frames} frames; an animation can have at most {MAX_FRAMES}."
        )
    if frames * image.width * image.height > MAX_PIXELS:
        raise ValidationError(too_many_frame_pixels(frames, image.width, image.height))


def check_frames(image: Image.Image) -> None:
    """Decode each further frame, refusing before one could take the animation over budget.

    A GIF frame may be larger than the canvas its header declares, and grows it.
    """
    frames = getattr(image, "n_frames", 1)
    for frame in range(1, frames):
        image.seek(frame)
        if frames * image.width * image.height > MAX_PIXELS:
            raise ValidationError(too_many_frame_pixels(frames, image.width, image.height))
        image.load()
    image.seek(0)


def too_many_frame_pixels(frames: int, width: int, height: int) -> str:
    return (
        f"This animation has {frames} frames of {width} × {height} pixels; an animation "
        f"can have at most {MAX_PIXELS // 1_000_000} million pixels in all its frames."
    )


def random_image_name(instance, filename):
    """Store under a random name; the uploaded name could say anything."""
    extension = filename.rsplit(".", 1)[-1].lower()
    if extension not in EXTENSIONS.values():
        extension = "bin"
    return f"poses/{uuid.uuid4().hex}.{extension}"


class CleanImageField(forms.ImageField):
    """A form field that accepts only what `clean_image` accepts, and keeps the clean copy."""

    def to_python(self, data):
        upload = super().to_python(data)
        return clean_image(upload) if upload is not None else None
