"""Reads for Web Push: a person's own choices and devices. Nobody sees anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import PushPreferences, PushSubscription, User


def push_preferences_for(user: User) -> PushPreferences:
    """Someone's saved choices, or the defaults (unsaved) when they have never chosen."""
    found = PushPreferences.objects.filter(user=user).first()
    return found if found is not None else PushPreferences(user=user)


def push_devices_for(user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
