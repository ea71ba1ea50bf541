"""The demo's money and hours: Jean pays for waking nights herself; George has a direct payment.

Dated from the day the demo is built, and the same for a given day. Jean's family is the one
from the field's story: nights at £21 an hour from savings, so the page warns that the money
for these four weeks will run out before they end.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from core.models import User
from families.models import Person
from teams.funding.models import Funding
from teams.funding.services import funding_save
from teams.models import Visit
from teams.rota.clock import week_start

NIGHT_MINUTES = 10 * 60


def build_demo_funding(
    *, people: dict[str, Person], users: dict[str, User], today: dt.date
) -> None:
    jean, george = people.get("jean"), people.get("george")
    if jean is not None:
        _jean_pays_for_waking_nights(jean, users, today)
    if george is not None:
        funding_save(
            person=george,
            by=users["priya"],
            kind=Funding.Kind.DIRECT_PAYMENT,
            weekly_hours=Decimal("10"),
            hourly_rate_pence=1950,
            budget_pence=1_014_000,  # 10 hours a week at £19.50, for a year
            budget_period=Funding.Period.YEAR,
            period_starts_on=_last_sixth_of_april(today),
            ends_on=None,
            seen_by_kinds=["family"],
            agreed_by="George",
            agreed_how="at his yearly review, with his social worker",
        )


def _jean_pays_for_waking_nights(jean: Person, users: dict[str, User], today: dt.date) -> None:
    """Every night of the rota's four weeks, by the two carers Jean already knows best (a
    new face at night would be the worst kind); the nights gone by checked in and done."""
    first = week_start(today) - dt.timedelta(weeks=2)
    night_carers = _who_knows_her_best(jean)
    nights = []
    for offset in range(28):
        day = first + dt.timedelta(days=offset)
        carer = night_carers[offset % len(night_carers)]
        night = Visit(
            team=jean.team,
            person=jean,
            date=day,
            window_label="night",
            window_start=dt.time(21, 30),
            window_end=dt.time(22, 0),
            minutes=NIGHT_MINUTES,
            purpose="Waking night: help to the toilet, a drink, settling back to sleep.",
            carer=carer,
            status=Visit.Status.ASSIGNED,
        )
        if day < today:
            # Real times, a little different each night: in at about half past nine, out
            # at about half past seven.
            arrived = dt.datetime.combine(day, dt.time(21, 30 + offset * 7 % 20))
            left = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time(7, 20 + offset * 11 % 30)
            )
            night.checked_in_at = timezone.make_aware(arrived)
            night.checked_in_by = carer
            night.done_at = timezone.make_aware(left)
            night.done_by = carer
        nights.append(night)
    Visit.objects.bulk_create(nights)
    funding_save(
        person=jean,
        by=users["angela"],
        kind=Funding.Kind.SELF_FUNDED,
        weekly_hours=Decimal("77"),  # seven waking nights and her morning visits
        hourly_rate_pence=2100,
        budget_pence=600_000,  # what Jean and her husband set aside for four weeks
        budget_period=Funding.Period.FOUR_WEEKS,
        period_starts_on=first,
        ends_on=None,
        seen_by_kinds=["family"],
        agreed_by="Jean",
        agreed_how="at her review after hospital, with Sarah",
    )


def _who_knows_her_best(jean: Person) -> list[User]:
    """The two carers with the most of Jean's visits (by id when tied: the same every run)."""
    counts = (
        Visit.objects.filter(person=jean, carer__isnull=False)
        .values("carer")
        .annotate(visits=Count("id"))
        .order_by("-visits", "carer")
    )
    ids = [row["carer"] for row in counts[:2]]
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _last_sixth_of_april(today: dt.date) -> dt.date:
    """The start of the council's year for direct payments: the latest 6 April."""
    this_year = dt.date(today.year, 4, 6)
    return this_year if today >= this_year else dt.date(today.year - 1, 4, 6)
