"""The rota's fragments for open pages: the grid, open visits, offers and "who's coming".

Each fragment replaces elements by id, so hearing it twice is harmless. What a fragment
shows is read once per announcement and drawn once per language listening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.template.loader import render_to_string

from core.audience import Audience
from core.realtime import Happened
from core.realtime.catch_up import Missed
from families.models import Person
from teams.models import Offer, Visit
from teams.rota import selectors
from teams.rota.clock import local_today

Fragments = dict[Audience, str]


def _whos_coming_html(person: Person, coming: list | None = None) -> str:
    coming = selectors.whos_coming(person) if coming is None else coming
    return render_to_string(
        "frontend/rota/_whos_coming.html", {"person": person, "coming": coming, "oob": True}
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


def _offer_html(offer: Offer) -> str:
    return render_to_string("frontend/rota/_offer_live.html", {"offer": offer})


def _stale_html() -> str:
    return render_to_string("frontend/rota/_stale.html", {})


def visit_frames(happened: Happened) -> Callable[[], Fragments]:
    visit: Visit = happened.subject
    days: list[dt.date] = list(happened.details.get("days") or [visit.date])
    circle = Audience.CIRCLE in happened.audiences
    # Read once, drawn in each language.
    coming = selectors.whos_coming(visit.person) if circle else None

    def draw() -> Fragments:
        team_html = _visit_team_html(visit, days)
        if not circle:
            return {Audience.TEAM: team_html}
        return {Audience.TEAM: team_html, Audience.CIRCLE: _whos_coming_html(visit.person, coming)}

    return draw


def offer_frames(happened: Happened) -> Callable[[], Fragments]:
    offer: Offer = happened.subject
    return lambda: {Audience.TEAM: _offer_html(offer)}


def rota_frames(happened: Happened) -> Callable[[], Fragments]:
    person: Person | None = happened.subject
    coming = selectors.whos_coming(person) if person is not None else []

    def draw() -> Fragments:
        drawn = {Audience.TEAM: _stale_html()}
        if person is not None:
            drawn[Audience.CIRCLE] = _whos_coming_html(person, coming)
        return drawn

    return draw


def rota_caught_up(missed: Missed) -> list[str]:
    """What a rota (or "who's coming") missed, as it stands now, each thing once.

    The circle only ever hears "who's coming", so it gets that, current. The team gets each
    visit's cell and each offer as they are now; a visit that moved day, or many that changed
    at once, also asks the grid to show the latest, since the cell it left is not known here.
    """
    if missed.audience is Audience.CIRCLE:
        if missed.person_id is None:
            return []
        person = Person.objects.filter(pk=missed.person_id).first()
        return [] if person is None else [_whos_coming_html(person)]
    frames, stale = [], False
    for subject_id, events in missed.subjects():
        if subject_id is None:
            # Not about one visit or offer: the grid is asked to show the latest.
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
