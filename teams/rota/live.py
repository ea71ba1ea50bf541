"""Telling open rota pages what changed, through core.realtime.

Each fragment is rendered once per audience. The team hears the grid cell, the open-visits
list and the offer; the circle hears only "who's coming", which holds nothing but names,
faces and times. Every fragment replaces elements by id, so hearing it twice is harmless.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from core.access import Audience
from core.realtime import publish
from core.realtime.catch_up import Missed
from teams.models import Offer, Visit
from teams.rota import selectors
from teams.rota.clock import local_today

if TYPE_CHECKING:
    from families.models import Person


def _whos_coming_html(person: Person, coming: list[selectors.Coming] | None = None) -> str:
    coming = selectors.whos_coming(person) if coming is None else coming
    return render_to_string(
        "frontend/rota/_whos_coming.html", {"person": person, "coming": coming, "oob": True}
    )


def visit_changed(
    visit: Visit, *, kind: str, old_date: dt.date | None = None, circle: bool = True
) -> None:
    """Call inside the service's transaction; frames go out once it commits.

    ``circle=False`` for a change the circle must not hear of (a check-in the person has not
    agreed to share): then there is no circle fragment at all.
    """
    days = [visit.date] if old_date in (None, visit.date) else [old_date, visit.date]
    # Read once, rendered in each language (publish calls the renderer once per language).
    coming = selectors.whos_coming(visit.person) if circle else None

    def fragments() -> dict[Audience, str]:
        team_html = _visit_team_html(visit, days)
        if not circle:
            return {Audience.TEAM: team_html}
        return {Audience.TEAM: team_html, Audience.CIRCLE: _whos_coming_html(visit.person, coming)}

    publish(
        kind=kind,
        person_id=visit.person_id,
        team_id=visit.team_id,
        subject_id=visit.pk,
        fragments=fragments,
    )


def _visit_team_html(visit: Visit, days: list[dt.date]) -> str:
    today = local_today()
    return render_to_string(
        "frontend/rota/_visit_live.html",
        {
            "cells": [
                {
                    "person_id": visit.person_id,
                    "day": day,
                    "visits": selectors.grid_cell(person_id=visit.person_id, day=day),
                }
                for day in days
            ],
            "visit": visit,
            "still_open": visit.status == Visit.Status.OPEN and visit.date >= today,
        },
    )


def offer_changed(offer: Offer, *, kind: str) -> None:
    """Offers are the team's business only: no circle fragment at all."""
    publish(
        kind=kind,
        team_id=offer.visit.team_id,
        subject_id=offer.pk,
        fragments=lambda: {Audience.TEAM: _offer_html(offer)},
    )


def _offer_html(offer: Offer) -> str:
    return render_to_string("frontend/rota/_offer_live.html", {"offer": offer})


def team_rota_changed(team_id: int, *, person_id: int) -> None:
    """Many visits changed at once (a new pattern): ask open grids to reload themselves."""
    from families.models import Person

    person = Person.objects.get(pk=person_id)
    coming = selectors.whos_coming(person)
    publish(
        kind="rota.changed",
        person_id=person_id,
        team_id=team_id,
        fragments=lambda: {
            Audience.TEAM: render_to_string("frontend/rota/_stale.html", {}),
            Audience.CIRCLE: _whos_coming_html(person, coming),
        },
    )


# Catching up ------------------------------------------------------------------------------------


def _stale_html() -> str:
    return render_to_string("frontend/rota/_stale.html", {})


def rota_caught_up(missed: Missed) -> list[str]:
    """What a rota (or "who's coming") missed, as it stands now, each thing once.

    The circle only ever hears "who's coming", so it gets that, current. The team gets each
    visit's cell and each offer as they are now; a visit that moved day, or many that changed
    at once, also asks the grid to show the latest, since the cell it left is not known here.
    """
    from families.models import Person

    if missed.audience is Audience.CIRCLE:
        person = Person.objects.filter(pk=missed.person_id).first() if missed.person_id else None
        return [] if person is None else [_whos_coming_html(person)]
    frames, stale = [], False
    for subject_id, events in missed.subjects():
        if subject_id is None:  # no visit or offer to show as it is now
            stale = True
            continue
        kinds = {event.kind for event in events}
        thing = events[0].kind.partition(".")[0]
        if thing == "visit":
            visit = Visit.objects.filter(pk=subject_id).select_related("person").first()
            if visit is None:
                stale = True
                continue
            frames.append(_visit_team_html(visit, [visit.date]))
            stale = stale or "visit.changed" in kinds
        elif thing == "offer":
            offer = Offer.objects.filter(pk=subject_id).select_related("visit").first()
            if offer is None:
                stale = True
                continue
            frames.append(_offer_html(offer))
        else:
            stale = True
    if stale:
        frames.append(_stale_html())
    return frames
