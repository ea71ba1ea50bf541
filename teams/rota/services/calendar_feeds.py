"""Private calendar addresses for a carer's visits."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from core.models import User
from teams.models import (
    CalendarFeed,
)

# Calendar feeds --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, actor: User) -> str:
    """A new private calendar address for the actor; any older one stops working.

    Returns the token: only its hash is kept, so this is the one moment it can be shown.
    """
    if not (actor.is_authenticated and actor.is_active):
        raise Http404
    CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=actor, token_hash=_token_hash(token))
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> int:
    return CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_user(token: str) -> User | None:
    """Whose feed a token opens, if it is current. Read-only, so no transaction needed."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return feed.user if feed else None
