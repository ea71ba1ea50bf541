"""Shapes every part of the API shares: the error body, faces and names, the rules for input."""

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Annotated

from django.db.models.fields.files import FieldFile
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from core import links
from core.dates import day_in_range
from core.ids import Id
from core.models import User
from core.text import has_surrogates

__all__ = ["Day", "Id"]


class ErrorOut(Schema):
    """The one body every error answers with, whatever went wrong."""

    code: str
    message: str
    fields: dict[str, list[str]]


# For the schema documentation: what any signed-in call may answer besides success.
ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
}


def _bounded_day(day: dt.date) -> dt.date:
    if not day_in_range(day):
        raise PydanticCustomError("date_out_of_range", "the day is out of range")
    return day


# Every date the API takes, in a body or a query: core.dates says which days are usable.
Day = Annotated[dt.date, AfterValidator(_bounded_day)]


def _texts(value: object) -> Iterator[str]:
    """Every string in a value, however deep in lists and objects it sits."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


class InputSchema(Schema):
    """Base for request bodies: unknown keys are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        for text in _texts(value):
            # PostgreSQL cannot store NUL in text; refuse it here instead of failing on save.
            if "\x00" in text:
                raise PydanticCustomError("nul_character", "contains a NUL character")
            # JSON may spell half of a character ("\ud800"); no database can encode it.
            if has_surrogates(text):
                raise PydanticCustomError("surrogate_character", "contains a lone surrogate")
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


def photo_url(page: str, object_id: int, photo: FieldFile | None) -> str | None:
    """The access-checked address of a photo, or None when there is no photo.

    The query string changes whenever the photo does, so a phone that cached the old
    face for an hour shows the new one at once.
    """
    if photo is None or not photo.name:  # a FieldFile with no file is false, and has no name
        return None
    version = hashlib.sha256(photo.name.encode()).hexdigest()[:12]
    return f"{links.page_for(page, object_id)}?v={version}"


def user_photo_url(user: User) -> str | None:
    return photo_url(links.USER_PHOTO, user.pk, user.photo)


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
