import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import clean_photo


def _upload(image: Image.Image, fmt: str = "JPEG", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return SimpleUploadedFile(f"x.{fmt.lower()}", buffer.getvalue())


def test_it_strips_metadata_such_as_location():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    cleaned = clean_photo(_upload(Image.new("RGB", (50, 50)), exif=exif.tobytes()))
    with Image.open(io.BytesIO(cleaned.read())) as result:
        assert not result.getexif()
        assert "exif" not in result.info


def test_it_turns_photos_upright_and_shrinks_them(settings):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees
    cleaned = clean_photo(_upload(Image.new("RGB", (4000, 2000)), exif=exif.tobytes()))
    with Image.open(io.BytesIO(cleaned.read())) as result:
        assert result.size == (800, 1600)


def test_it_keeps_transparency_as_png():
    cleaned = clean_photo(_upload(Image.new("RGBA", (20, 20)), fmt="PNG"))
    assert cleaned.name is not None and cleaned.name.endswith(".png")


def test_it_refuses_what_is_not_an_image():
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo"))
    assert error.value.code == "not_an_image"


def test_it_refuses_a_decompression_bomb():
    bomb = _upload(Image.new("1", (10_000, 10_000)), fmt="PNG")
    assert bomb.size is not None and bomb.size < 100_000  # tiny on disk, huge in memory
    with pytest.raises(ValidationError) as error:
        clean_photo(bomb)
    assert error.value.code == "not_an_image"


def test_it_refuses_a_file_over_the_limit(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        clean_photo(_upload(Image.effect_noise((200, 200), 50).convert("RGB")))
    assert error.value.code == "too_large"


@pytest.mark.parametrize("fmt", ["GIF", "TIFF", "BMP", "ICO", "PCX", "PPM", "TGA"])
def test_it_refuses_formats_that_are_not_photos(fmt):
    """Only JPEG, PNG and WebP reach a decoder: each other format is one more to attack."""
    with pytest.raises(ValidationError) as refused:
        clean_photo(_upload(Image.new("RGB", (20, 20), "teal"), fmt=fmt))
    assert "JPEG, PNG or WebP" in refused.value.messages[0]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_takes_the_formats_phones_make(fmt):
    assert clean_photo(_upload(Image.new("RGB", (20, 20), "teal"), fmt=fmt)).size > 0
