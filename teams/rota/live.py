"""Telling open rota pages what changed: what happened to which visit or offer, for whom.

The team hears the grid cell, the open-visits list and the offer; the circle hears only
"who's coming", which holds nothing but names, faces and times. The web layer draws the
fragments (frontend/live/rota.py), once per audience and language listening.
"""

from __future__ import annotations

import datetime as dt

from core.audience import Audience
from core.realtime import Happened, announce
from families.models import Person
from teams.models import Offer, Visit


def visit_changed(
    visit: Visit, *, kind: str, old_date: dt.date | None = None, circle: bool = True
) -> None:
    """Call inside the service's transaction; frames go out once it commits.

    ``circle=False`` for a change the circle must not hear of (a check-in the person has not
    agreed to share): then there is no circle fragment at all.
    """
    days = [visit.date] if old_date in (None, visit.date) else [old_date, visit.date]
    announce(
        Happened(
            kind=kind,
            audiences=(Audience.TEAM, Audience.CIRCLE) if circle else (Audience.TEAM,),
            person_id=visit.person_id,
            team_id=visit.team_id,
            subject_id=visit.pk,
            subject=visit,
            details={"days": days},
        )
    )


def offer_changed(offer: Offer, *, kind: str) -> None:
    """Offers are the team's business only: no circle fragment at all."""
    announce(
        Happened(
            kind=kind,
            audiences=(Audience.TEAM,),
            team_id=offer.visit.team_id,
            subject_id=offer.pk,
            subject=offer,
        )
    )


def team_rota_changed(team_id: int, *, person_id: int) -> None:
    """Many visits changed at once (a new pattern): ask open grids to reload themselves."""
    person = Person.objects.filter(pk=person_id).first()
    announce(
        Happened(
            kind="rota.changed",
            audiences=(Audience.TEAM, Audience.CIRCLE),
            person_id=person_id,
            team_id=team_id,
            subject=person,
        )
    )
