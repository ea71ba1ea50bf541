"""Photos in, safe photos out: resized, turned upright, with every byte of metadata dropped."""

import io
import warnings
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# A small image that claims billions of pixels is an attack, not a photo.
MAX_PIXELS = 40_000_000
# What phones and cameras make. Pillow would open dozens more (GIF, TIFF, BMP, ICO, PCX…),
# each a decoder of its own for an attacker to aim at; none of them is a photo of a visit.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")


def clean_photo(upload: UploadedFile) -> ContentFile:
    """A JPEG (PNG where transparency matters) ready to save; ValidationError if unusable."""
    if upload.size is not None and upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("This photo is too large. Please choose one under %(mb)s MB.")
            % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a mildly oversized image; treat that as refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image: Image.Image = Image.open(upload, formats=PHOTO_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError(
            _("This file is not a photo we can use. Please choose a JPEG, PNG or WebP picture."),
            code="not_an_image",
        ) from None

    image = ImageOps.exif_transpose(image)
    image.thumbnail((settings.PHOTO_MAX_SIDE, settings.PHOTO_MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    out = io.BytesIO()
    # A fresh image carries pixels only: no EXIF, GPS, XMP or comments survive.
    if has_alpha:
        clean = Image.new("RGBA", image.size)
        clean.paste(image.convert("RGBA"))
        clean.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        clean = Image.new("RGB", image.size)
        clean.paste(image.convert("RGB"))
        clean.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{uuid4().hex}.{extension}")


def replace_photo(
    instance: Model, field_name: str, cleaned: ContentFile | None, *, remove: bool
) -> None:
    """Swap the photo on ``instance`` (unsaved), deleting the old file once the change commits."""
    from django.db import transaction

    field = getattr(instance, field_name)
    old_name = field.name or ""
    if cleaned is not None:
        field.save(cleaned.name, cleaned, save=False)
    elif remove:
        setattr(instance, field_name, "")
    new_name = getattr(instance, field_name).name or ""
    if old_name and old_name != new_name:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(old_name))
