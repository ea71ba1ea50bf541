"""Reads for Web Push: a person's own choices and devices. Nobody sees anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet

from core.audience import around_someone, in_a_team, is_first_family_contact
from core.models import PushPreferences, PushSubscription, User


def push_preferences_for(user: User) -> PushPreferences:
    """Someone's saved choices, or the defaults (unsaved) when they have never chosen."""
    found = PushPreferences.objects.filter(user=user).first()
    return found if found is not None else PushPreferences(user=user)


def push_devices_for(user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")


def push_choices_offered(user: User) -> frozenset[str]:
    """The notification choices (PushPreferences fields) this person can ever receive.

    Concerns and rota changes go to the team only (their news is for the team audience, see
    families.services.notes._push_note and teams.rota.notify), so nobody else is asked about
    them: a daughter ticking "Concerns" would wait for something that never comes.
    """
    offered = {"notes", "family_updates"}
    if in_a_team(user):
        offered |= {"concerns", "rota"}
    # "A carer is running late" is for those around a person (teams.rota.lateness): the
    # team sees it on the rota.
    if around_someone(user):
        offered.add("running_late")
    return frozenset(offered)


def push_running_late_on(user: User, preferences: PushPreferences) -> bool:
    """What the "running late" choice shows: as chosen, or its default for this person."""
    if preferences.running_late is not None:
        return preferences.running_late
    return is_first_family_contact(user)
