"""Small builders shared by the notes tests: photos good and bad, and notes in bulk."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo_upload(name: str = "garden.jpg", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.jpg", b"this is a shopping list", content_type="image/jpeg")


def too_large_file() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "huge.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg"
    )


def decompression_bomb() -> SimpleUploadedFile:
    """A small file that claims 48 million pixels once opened."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
