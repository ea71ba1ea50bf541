"""Shapes every part of the API shares: the error body, faces and names, the rules for input."""

import hashlib

from django.db.models.fields.files import FieldFile
from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from core.models import User


class ErrorOut(Schema):
    """The one body every error answers with, whatever went wrong."""

    code: str
    message: str
    fields: dict[str, list[str]]


# For the schema documentation: what any signed-in call may answer besides success.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class InputSchema(Schema):
    """Base for request bodies: unknown keys are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        # PostgreSQL cannot store NUL in text; refuse it here instead of failing on save.
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_character", "contains a NUL character")
        return value


class PartialUpdateSchema(InputSchema):
    """A body for PATCH: every field optional, and leaving a key out means "no change".

    An explicit null is refused: it is more likely a mistake than a wish to change nothing.
    Subclasses declare fields as ``str | None = None`` and read ``model_fields_set``.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _no_nulls(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("null_not_allowed", "null is not allowed here")
        return value


def photo_url(url_name: str, object_id: int, photo: FieldFile | None) -> str | None:
    """The access-checked address of a photo, or None when there is no photo.

    The query string changes whenever the photo does, so a phone that cached the old
    face for an hour shows the new one at once.
    """
    if not photo:
        return None
    version = hashlib.sha256(photo.name.encode()).hexdigest()[:12]
    return f"{reverse(url_name, args=[object_id])}?v={version}"


def user_photo_url(user: User) -> str | None:
    return photo_url("user_photo", user.pk, user.photo)


class UserBriefOut(Schema):
    """A face and a name: all anyone around a person needs to recognise someone."""

    id: int
    display_name: str
    photo_url: str | None


def user_brief(user: User) -> UserBriefOut:
    return UserBriefOut(id=user.pk, display_name=user.display_name, photo_url=user_photo_url(user))


class TeamBriefOut(Schema):
    id: int
    name: str
