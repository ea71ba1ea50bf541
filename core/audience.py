"""Who an item about a person is for, and asking the access layer who that is.

Core's plumbing (the sockets' groups, the event log, push) needs to name an audience and, for
push, to know every account in one. The answer is the access layer's (families.access), which
core may not import: the access layer registers its answers here when the apps load
(families.apps), and core asks through the functions below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from core.models import User


class Audience(StrEnum):
    """Who an item about a person is for. A team-only item never reaches the circle."""

    TEAM = "team"
    CIRCLE = "circle"


@dataclass(frozen=True)
class AccessAnswers:
    """What core asks the access layer, as plain functions."""

    # Every active account that may receive a person's items for an audience (and topic).
    audience_users: Callable[..., QuerySet[User]]
    # Whether an account is a current member of any team.
    in_a_team: Callable[[Any], bool]
    # The account of a person's first contact in the family, if any.
    first_family_contact_id: Callable[[int], int | None]
    # Whether an account is the first contact in the family of anyone at all.
    is_first_family_contact: Callable[[Any], bool]
    # Whether an account is around someone outside its own teams (family, friend, the person).
    around_someone: Callable[[Any], bool]


_answers: AccessAnswers | None = None


def register(answers: AccessAnswers) -> None:
    global _answers
    _answers = answers


def _registered() -> AccessAnswers:
    if _answers is None:
        raise RuntimeError("no access layer registered (families.apps registers it)")
    return _answers


def audience_users(person_id: int, audience: Audience, *, topic: str = "") -> QuerySet[User]:
    """Every active account that may receive this person's items for ``audience``."""
    return _registered().audience_users(person_id, audience, topic=topic)


def in_a_team(user: Any) -> bool:
    """Whether this account is a current member of a team."""
    return bool(_registered().in_a_team(user))


def first_family_contact_id(person_id: int) -> int | None:
    return _registered().first_family_contact_id(person_id)


def is_first_family_contact(user: Any) -> bool:
    return bool(_registered().is_first_family_contact(user))


def around_someone(user: Any) -> bool:
    """Whether the account sees someone outside its own teams: news "for those around a
    person" (a carer running late) is offered to them, not to the team."""
    return bool(_registered().around_someone(user))
