"""Writes to the rota. The team runs it: any current member may do any of these, nobody approves.

Every service checks through core.access that the actor is a current member of the team the
visit belongs to (anything else is answered like something that does not exist), works in one
transaction, records a RotaChange the team can read and undo, and tells open pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, rrulestr
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import current_team_ids, person_access_or_404, team_access_or_404
from core.models import User
from teams.models import (
    AgreedHours,
    Availability,
    CalendarFeed,
    Membership,
    Offer,
    RotaChange,
    RotaSettings,
    Team,
    Visit,
    VisitPattern,
)
from teams.rota import live, notify
from teams.rota.clock import local_today, normalise_wall_time, wall_time_exists

if TYPE_CHECKING:
    from families.models import Person

# How far ahead patterns are expanded when they are made, and by the daily job.
WEEKS_AHEAD = 6
MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
# The fields of a visit a change may touch; snapshots of these make undo possible.
VISIT_FIELDS = (
    "date",
    "window_label",
    "window_start",
    "window_end",
    "exact_time",
    "carer_id",
    "second_carer_id",
    "status",
)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class AlreadyTaken(ValidationError):
    """Someone else got there first. ``taken_by`` says who, so the loser can be told."""

    def __init__(self, message: str, *, taken_by: User | None) -> None:
        super().__init__(message, code="taken")
        self.taken_by = taken_by


# Looking things up for a member ---------------------------------------------------------------


def _visit_for_member(actor: User, visit_id: int | str, *, lock: bool = False) -> Visit:
    """A visit of one of the actor's current teams, or 404 exactly like a missing one."""
    if not (actor is not None and actor.is_authenticated and actor.is_active):
        raise Http404
    try:
        pk = int(visit_id)
    except (TypeError, ValueError):
        raise Http404 from None
    visits = Visit.objects.filter(pk=pk, team_id__in=current_team_ids(actor))
    if lock:
        visits = visits.select_for_update()
    visit = visits.first()
    if visit is None:
        raise Http404
    return visit


def _offer_for_member(actor: User, offer_id: int | str) -> Offer:
    if not (actor is not None and actor.is_authenticated and actor.is_active):
        raise Http404
    try:
        pk = int(offer_id)
    except (TypeError, ValueError):
        raise Http404 from None
    offer = (
        Offer.objects.select_related("visit", "from_user", "accepted_by")
        .filter(pk=pk, visit__team_id__in=current_team_ids(actor))
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def _current_members(team_id: int, user_ids: Iterable[int]) -> dict[int, User]:
    ids = set(user_ids)
    members = (
        Membership.objects.current().filter(team_id=team_id, user_id__in=ids).select_related("user")
    )
    return {m.user_id: m.user for m in members}


# Snapshots for undo ---------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def snapshot(visit: Visit) -> dict[str, Any]:
    return {name: _json(getattr(visit, name)) for name in VISIT_FIELDS}


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "date":
        return dt.date.fromisoformat(value)
    if name in ("window_start", "window_end", "exact_time"):
        return dt.time.fromisoformat(value)
    return value


def _record(
    *,
    team_id: int,
    actor: User | None,
    kind: str,
    visit: Visit | None = None,
    offer: Offer | None = None,
    pattern: VisitPattern | None = None,
    availability_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    undoes: RotaChange | None = None,
) -> RotaChange:
    change = RotaChange.objects.create(
        team_id=team_id,
        actor=actor,
        kind=kind,
        visit=visit,
        offer=offer,
        pattern=pattern,
        availability_id=availability_id,
        before=before or {},
        after=after or {},
        undoes=undoes,
    )
    notify.rota_change_recorded(change, actor=actor, visit=visit, offer=offer)
    return change


def _announce(
    *,
    actor: User,
    kind: str,
    visit: Visit,
    before: dict | None = None,
    offer: Offer | None = None,
    live_kind: str = "visit.changed",
    **live_options: Any,
) -> RotaChange:
    """Write a visit's change in the team's activity and show it on the open pages."""
    change = _record(
        team_id=visit.team_id,
        actor=actor,
        kind=kind,
        visit=visit,
        offer=offer,
        before=before,
        after=snapshot(visit),
    )
    live.visit_changed(visit, kind=live_kind, **live_options)
    return change


# Checking what people asked for ----------------------------------------------------------------


def _check_window(
    *,
    day: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    exact_time: dt.time | None,
    minutes: int | None = None,
    check_clock: bool = True,
) -> None:
    errors: dict[str, list[str]] = {}
    if window_end <= window_start:
        errors["window_end"] = [_("The visit must end after it starts.")]
    if exact_time is not None and not (window_start <= exact_time <= window_end):
        errors["exact_time"] = [_("The exact time must be inside the agreed times.")]
    if minutes is not None and not (MIN_MINUTES <= minutes <= MAX_MINUTES):
        errors["minutes"] = [
            _("A visit lasts between %(least)s minutes and %(most)s hours.")
            % {"least": MIN_MINUTES, "most": MAX_MINUTES // 60}
        ]
    if check_clock:
        for name, value in (
            ("window_start", window_start),
            ("window_end", window_end),
            ("exact_time", exact_time),
        ):
            if value is not None and not wall_time_exists(day, value):
                errors.setdefault(name, []).append(
                    _(
                        "The clocks go forward that night, so %(time)s does not happen on "
                        "that day. Please choose another time."
                    )
                    % {"time": value.strftime("%H:%M")}
                )
    if errors:
        raise ValidationError(errors)


def _check_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError(
            {"purpose": [_("Please say what the visit is for, in the person's words.")]}
        )
    return purpose


def _carers_for(team_id: int, carer_ids: Sequence[int]) -> list[User]:
    ids = list(dict.fromkeys(carer_ids))
    if len(ids) > 2:
        raise ValidationError({"carers": [_("A visit has one or two carers.")]})
    members = _current_members(team_id, ids)
    if set(ids) - set(members):
        raise ValidationError({"carers": [_("Please choose people who are in the team.")]})
    return [members[pk] for pk in ids]


# Visits ----------------------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *,
    actor: User,
    person_id: int,
    date: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    minutes: int,
    purpose: str,
    window_label: str = "",
    exact_time: dt.time | None = None,
    carer_ids: Sequence[int] = (),
) -> Visit:
    """One visit agreed with the person. With no carer it is open for anyone to take."""
    access = person_access_or_404(actor, person_id)
    if not access.is_team:
        raise Http404
    person = access.person
    _check_window(
        day=date,
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
    )
    purpose = _check_purpose(purpose)
    carers = _carers_for(person.team_id, carer_ids)
    visit = Visit.objects.create(
        team_id=person.team_id,
        person=person,
        date=date,
        window_label=window_label.strip(),
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
        purpose=purpose,
        carer=carers[0] if carers else None,
        second_carer=carers[1] if len(carers) > 1 else None,
        status=Visit.Status.ASSIGNED if carers else Visit.Status.OPEN,
    )
    _announce(
        actor=actor, kind=RotaChange.Kind.VISIT_CREATED, visit=visit, live_kind="visit.created"
    )
    return visit


@transaction.atomic
def visit_skip(*, actor: User, visit_id: int) -> Visit:
    """Cancel one visit. A visit from a pattern stays cancelled when the pattern expands again."""
    visit = _visit_for_member(actor, visit_id, lock=True)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is already cancelled."))
    before = snapshot(visit)
    visit.status = Visit.Status.CANCELLED
    visit.updated_at = timezone.now()
    visit.save(update_fields=["status", "updated_at"])
    Offer.objects.filter(visit=visit, status=Offer.Status.OPEN).update(
        status=Offer.Status.WITHDRAWN, decided_at=timezone.now()
    )
    _announce(actor=actor, kind=RotaChange.Kind.VISIT_SKIPPED, visit=visit, before=before)
    return visit


@transaction.atomic
def visit_move(
    *,
    actor: User,
    visit_id: int,
    date: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    window_label: str | None = None,
    exact_time: dt.time | None = None,
) -> Visit:
    """Move one visit to another day or time. A pattern's visit keeps its place in the pattern."""
    visit = _visit_for_member(actor, visit_id, lock=True)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled, so it cannot be moved."))
    _check_window(day=date, window_start=window_start, window_end=window_end, exact_time=exact_time)
    before = snapshot(visit)
    visit.date = date
    visit.window_start = window_start
    visit.window_end = window_end
    visit.exact_time = exact_time
    if window_label is not None:
        visit.window_label = window_label.strip()
    visit.updated_at = timezone.now()
    visit.save()
    _announce(
        actor=actor,
        kind=RotaChange.Kind.VISIT_MOVED,
        visit=visit,
        before=before,
        old_date=_from_json("date", before["date"]),
    )
    return visit


@transaction.atomic
def visit_claim(*, actor: User, visit_id: int) -> Visit:
    """Take an open visit. Of two people claiming at once exactly one wins.

    The claim is a conditional UPDATE: the database lets only one "still open" row change, so
    the loser updates nothing and is told who got it.
    """
    visit = _visit_for_member(actor, visit_id)
    before = snapshot(visit)
    now = timezone.now()
    won = Visit.objects.filter(pk=visit.pk, status=Visit.Status.OPEN, carer__isnull=True).update(
        carer=actor, status=Visit.Status.ASSIGNED, updated_at=now
    )
    if not won:
        current = Visit.objects.select_related("carer").get(pk=visit.pk)
        if current.status == Visit.Status.CANCELLED:
            raise ValidationError(_("This visit has been cancelled, so there is nothing to take."))
        if current.carer_id == actor.pk:
            raise AlreadyTaken(_("You are already going to this visit."), taken_by=actor)
        name = current.carer.display_name if current.carer else _("someone else")
        raise AlreadyTaken(
            _("%(name)s has already taken this visit.") % {"name": name},
            taken_by=current.carer,
        )
    visit.refresh_from_db()
    _announce(actor=actor, kind=RotaChange.Kind.VISIT_CLAIMED, visit=visit, before=before)
    return visit


def shares_check_ins(person: Person) -> bool:
    """Whether the person has agreed that their circle sees "I'm with them now".

    It is the person's own choice, on their sharing page.
    """
    return person.share_check_ins


@transaction.atomic
def visit_check_in(*, actor: User, visit_id: int) -> Visit:
    """ "I'm with Jean now", from one of the carers going, on the day of the visit."""
    visit = _visit_for_member(actor, visit_id, lock=True)
    if actor.pk not in visit.carer_ids:
        raise ValidationError(_("Only someone going to this visit can say they are there."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled."))
    if visit.date != local_today():
        raise ValidationError(_("You can say you are there only on the day of the visit."))
    if visit.checked_in_at is not None:
        return visit  # pressed twice, or sent again from a phone that was offline
    visit.checked_in_at = timezone.now()
    visit.checked_in_by = actor
    visit.save(update_fields=["checked_in_at", "checked_in_by"])
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.VISIT_CHECKED_IN,
        visit=visit,
        after={"checked_in_at": visit.checked_in_at.isoformat()},
    )
    live.visit_changed(visit, kind="visit.checked_in", circle=shares_check_ins(visit.person))
    return visit


# Offers and swaps ------------------------------------------------------------------------------


@transaction.atomic
def visit_offer(
    *, actor: User, visit_id: int, to_user_id: int | None = None, note: str = ""
) -> Offer:
    """Offer your visit to the whole team, or ask one colleague to take it."""
    visit = _visit_for_member(actor, visit_id, lock=True)
    if actor.pk not in visit.carer_ids:
        raise ValidationError(_("Only someone going to this visit can offer it."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled."))
    if to_user_id is not None:
        if to_user_id == actor.pk or to_user_id in visit.carer_ids:
            raise ValidationError({"to_user": [_("Please choose someone not already going.")]})
        if not _current_members(visit.team_id, [to_user_id]):
            raise ValidationError({"to_user": [_("Please choose someone who is in the team.")]})
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                visit=visit, from_user=actor, to_user_id=to_user_id, note=note.strip()
            )
    except IntegrityError:
        raise ValidationError(_("This visit has already been offered.")) from None
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.OFFER_MADE,
        visit=visit,
        offer=offer,
        after={"offer_status": offer.status},
    )
    live.offer_changed(offer, kind="offer.made")
    return offer


@transaction.atomic
def offer_accept(*, actor: User, offer_id: int) -> Visit:
    """Take an offered visit. Done at once: there is no approval step."""
    offer = _offer_for_member(actor, offer_id)
    if offer.to_user_id is not None and offer.to_user_id != actor.pk:
        raise ValidationError(_("This visit was offered to someone else."))
    if offer.from_user_id == actor.pk:
        raise ValidationError(_("This is your own offer."))
    now = timezone.now()
    won = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(
        status=Offer.Status.ACCEPTED, accepted_by=actor, decided_at=now
    )
    if not won:
        offer.refresh_from_db()
        if offer.status == Offer.Status.WITHDRAWN:
            raise ValidationError(_("This offer was taken back, so nothing has changed."))
        name = offer.accepted_by.display_name if offer.accepted_by else _("someone else")
        raise AlreadyTaken(
            _("%(name)s has already taken this visit.") % {"name": name},
            taken_by=offer.accepted_by,
        )
    visit = Visit.objects.select_for_update().get(pk=offer.visit_id)
    if actor.pk in visit.carer_ids:
        raise ValidationError(_("You are already going to this visit."))
    before = snapshot(visit)
    # Swap the offering carer for the one accepting, in whichever place they had.
    if visit.carer_id == offer.from_user_id:
        visit.carer = actor
    elif visit.second_carer_id == offer.from_user_id:
        visit.second_carer = actor
    else:
        # The visit changed hands since it was offered: the offer no longer means anything.
        raise ValidationError(_("This visit has changed since it was offered. Nothing changed."))
    visit.status = Visit.Status.ASSIGNED
    visit.updated_at = now
    visit.save(update_fields=["carer", "second_carer", "status", "updated_at"])
    offer.refresh_from_db()
    _announce(
        actor=actor, kind=RotaChange.Kind.OFFER_ACCEPTED, visit=visit, before=before, offer=offer
    )
    live.offer_changed(offer, kind="offer.accepted")
    return visit


@transaction.atomic
def offer_withdraw(*, actor: User, offer_id: int) -> Offer:
    """Take back your own offer while nobody has accepted it."""
    offer = _offer_for_member(actor, offer_id)
    if offer.from_user_id != actor.pk:
        raise ValidationError(_("Only the person who made this offer can take it back."))
    won = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(
        status=Offer.Status.WITHDRAWN, decided_at=timezone.now()
    )
    offer.refresh_from_db()
    if not won:
        if offer.status == Offer.Status.ACCEPTED:
            name = offer.accepted_by.display_name if offer.accepted_by else _("someone else")
            raise AlreadyTaken(
                _("%(name)s has already taken this visit.") % {"name": name},
                taken_by=offer.accepted_by,
            )
        raise ValidationError(_("This offer was already taken back."))
    _record(
        team_id=offer.visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.OFFER_WITHDRAWN,
        visit=offer.visit,
        offer=offer,
        before={"offer_status": Offer.Status.OPEN},
        after={"offer_status": offer.status},
    )
    live.offer_changed(offer, kind="offer.withdrawn")
    return offer


# Patterns --------------------------------------------------------------------------------------


def weekly_rule(weekdays: Iterable[int]) -> str:
    """An RRULE for "every week on these days" (0 is Monday)."""
    days = sorted(set(weekdays))
    if not days or any(not 0 <= d <= 6 for d in days):
        raise ValidationError({"weekdays": [_("Please choose at least one day of the week.")]})
    return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in days)


def _parse_rule(rule: str, starts_on: dt.date) -> rrule:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    problem = ValidationError({"rule": [_("We could not understand how often this repeats.")]})
    if not text or "DTSTART" in text.upper() or "\n" in text:
        raise problem
    try:
        parsed = rrulestr(text, dtstart=dt.datetime.combine(starts_on, dt.time()))
    except (ValueError, TypeError):
        raise problem from None
    # Visits are by the day: anything more often than daily is not a rota pattern.
    # dateutil keeps a rule's frequency in _freq, with no public way to read it.
    if not isinstance(parsed, rrule) or parsed._freq not in (DAILY, WEEKLY, MONTHLY):  # type: ignore[attr-defined]
        raise problem
    return parsed


def occurrence_dates(pattern: VisitPattern, *, start: dt.date, until: dt.date) -> list[dt.date]:
    """The days a pattern falls on between two dates, both included, by dateutil's rrule.

    Recurrence runs on naive dates: wall-clock times are attached per day afterwards, so a
    clock change can never shift a visit to another hour or day.
    """
    first = max(start, pattern.starts_on)
    last = min(until, pattern.ends_on) if pattern.ends_on else until
    if last < first:
        return []
    parsed = _parse_rule(pattern.rule, pattern.starts_on)
    moments = parsed.between(
        dt.datetime.combine(first, dt.time()),
        dt.datetime.combine(last, dt.time.max),
        inc=True,
    )
    return sorted({moment.date() for moment in moments})


def _expand(pattern: VisitPattern, *, until: dt.date, start: dt.date | None = None) -> int:
    """Make the pattern's missing visits up to ``until``. Running it twice adds nothing."""
    start = start or local_today()
    days = occurrence_dates(pattern, start=start, until=until)
    if not days:
        return 0
    have = set(
        Visit.objects.filter(pattern=pattern, original_date__in=days).values_list(
            "original_date", flat=True
        )
    )
    status = Visit.Status.ASSIGNED if pattern.carer_id else Visit.Status.OPEN
    new = []
    for day in days:
        if day in have:
            continue
        # On the day the clocks go forward a skipped time moves on with the clocks.
        new.append(
            Visit(
                team_id=pattern.team_id,
                person_id=pattern.person_id,
                date=day,
                window_label=pattern.window_label,
                window_start=normalise_wall_time(day, pattern.window_start),
                window_end=normalise_wall_time(day, pattern.window_end),
                exact_time=(
                    normalise_wall_time(day, pattern.exact_time) if pattern.exact_time else None
                ),
                minutes=pattern.minutes,
                purpose=pattern.purpose,
                carer_id=pattern.carer_id,
                status=status,
                pattern=pattern,
                original_date=day,
            )
        )
    # A concurrent expansion may have made some of these: the unique constraint keeps one.
    Visit.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def pattern_create(
    *,
    actor: User,
    person_id: int,
    rule: str,
    starts_on: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    minutes: int,
    purpose: str,
    window_label: str = "",
    exact_time: dt.time | None = None,
    carer_id: int | None = None,
    ends_on: dt.date | None = None,
    weeks_ahead: int = WEEKS_AHEAD,
) -> VisitPattern:
    """Visits that repeat, made several weeks ahead straight away."""
    access = person_access_or_404(actor, person_id)
    if not access.is_team:
        raise Http404
    person = access.person
    # Every day the pattern falls on is checked as it is expanded; the times themselves
    # only need to make sense here.
    _check_window(
        day=starts_on,
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
        check_clock=False,
    )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The last day must be after the first day.")]})
    _parse_rule(rule, starts_on)
    purpose = _check_purpose(purpose)
    if carer_id is not None:
        _carers_for(person.team_id, [carer_id])
    pattern = VisitPattern.objects.create(
        team_id=person.team_id,
        person=person,
        rule=rule.strip(),
        window_label=window_label.strip(),
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
        purpose=purpose,
        carer_id=carer_id,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    # From its first day (never in the past), several weeks ahead.
    first = max(starts_on, local_today())
    _expand(pattern, until=first + dt.timedelta(weeks=weeks_ahead), start=first)
    _record(
        team_id=pattern.team_id,
        actor=actor,
        kind=RotaChange.Kind.PATTERN_CREATED,
        pattern=pattern,
        after={"pattern_id": pattern.pk},
    )
    live.team_rota_changed(pattern.team_id, person_id=pattern.person_id)
    return pattern


@transaction.atomic
def pattern_expand(*, actor: User, pattern_id: int, until: dt.date) -> int:
    """Make a pattern's visits up to ``until``; returns how many were new."""
    pattern = VisitPattern.objects.filter(
        pk=pattern_id, team_id__in=current_team_ids(actor)
    ).first()
    if pattern is None:
        raise Http404
    made = _expand(pattern, until=until)
    if made:
        live.team_rota_changed(pattern.team_id, person_id=pattern.person_id)
    return made


def patterns_expand_all(*, until: dt.date | None = None) -> int:
    """The daily job: keep every pattern expanded several weeks ahead. Not for users."""
    until = until or local_today() + dt.timedelta(weeks=WEEKS_AHEAD)
    made = 0
    for pattern in VisitPattern.objects.all().iterator():
        with transaction.atomic():
            made += _expand(pattern, until=until)
    return made


# Availability and team agreements --------------------------------------------------------------


@transaction.atomic
def availability_set(
    *,
    actor: User,
    team_id: int,
    kind: str,
    date: dt.date | None = None,
    weekday: int | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    reason: str = "",
) -> Availability:
    """A carer says when they can or cannot work, for one day or every week on a weekday."""
    team = team_access_or_404(actor, team_id)
    errors: dict[str, list[str]] = {}
    if kind not in Availability.Kind.values:
        errors["kind"] = [_("Please say whether you can or cannot work.")]
    if (date is None) == (weekday is None):
        errors["date"] = [_("Please choose one day, or a day of the week.")]
    elif weekday is not None and not 0 <= weekday <= 6:
        errors["weekday"] = [_("Please choose a day of the week.")]
    if (start_time is None) != (end_time is None):
        errors["end_time"] = [_("Please give both times, or neither for the whole day.")]
    elif start_time is not None and end_time is not None and end_time <= start_time:
        errors["end_time"] = [_("The end must be after the start.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The last day must be after the first day.")]
    if errors:
        raise ValidationError(errors)
    entry = Availability(
        team=team,
        user=actor,
        kind=kind,
        date=date,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        starts_on=starts_on if weekday is not None else None,
        ends_on=ends_on if weekday is not None else None,
        reason=reason.strip(),
    )
    entry.full_clean()
    entry.save()
    _record(
        team_id=team.pk,
        actor=actor,
        kind=RotaChange.Kind.AVAILABILITY_SET,
        availability_id=entry.pk,
        after={"availability_id": entry.pk},
    )
    return entry


@transaction.atomic
def continuity_goal_set(*, actor: User, team_id: int, goal: int) -> RotaSettings:
    team = team_access_or_404(actor, team_id)
    if not 1 <= goal <= 20:
        raise ValidationError({"goal": [_("Please choose a number between 1 and 20.")]})
    settings, _created = RotaSettings.objects.update_or_create(
        team=team, defaults={"continuity_goal": goal}
    )
    return settings


@transaction.atomic
def agreed_hours_set(*, actor: User, team_id: int, weekly_hours: Decimal) -> AgreedHours:
    """A carer records the hours a week they have agreed with the team (for themself)."""
    team = team_access_or_404(actor, team_id)
    if not Decimal(0) < weekly_hours <= Decimal(80):
        raise ValidationError({"weekly_hours": [_("Please give between 1 and 80 hours.")]})
    membership = Membership.objects.current().get(team=team, user=actor)
    hours, _created = AgreedHours.objects.update_or_create(
        membership=membership, defaults={"weekly_hours": weekly_hours}
    )
    return hours


def rota_settings_for(team: Team) -> RotaSettings:
    """The team's agreements, or the defaults when the team has not changed them."""
    return RotaSettings.objects.filter(team=team).first() or RotaSettings(team=team)


# Undo ------------------------------------------------------------------------------------------

UNDOABLE_VISIT_KINDS = {
    RotaChange.Kind.VISIT_CREATED,
    RotaChange.Kind.VISIT_CLAIMED,
    RotaChange.Kind.VISIT_SKIPPED,
    RotaChange.Kind.VISIT_MOVED,
    RotaChange.Kind.OFFER_ACCEPTED,
}

# Everything the activity page offers to undo.
UNDOABLE_KINDS = UNDOABLE_VISIT_KINDS | {
    RotaChange.Kind.OFFER_MADE,
    RotaChange.Kind.OFFER_WITHDRAWN,
    RotaChange.Kind.AVAILABILITY_SET,
    RotaChange.Kind.PATTERN_CREATED,
}


@transaction.atomic
def change_undo(*, actor: User, change_id: int) -> RotaChange:
    """Put back what a change did, if nothing has changed since. Recorded as a change itself."""
    change = (
        RotaChange.objects.select_for_update()
        .filter(pk=change_id, team_id__in=current_team_ids(actor))
        .first()
    )
    if change is None:
        raise Http404
    if RotaChange.objects.filter(undoes=change).exists():
        raise ValidationError(_("This has already been undone."))
    changed_since = ValidationError(
        _("This has changed again since, so it cannot be undone. Please change it by hand.")
    )
    if change.kind in UNDOABLE_VISIT_KINDS:
        undo = _undo_visit_change(actor, change, changed_since)
    elif change.kind == RotaChange.Kind.OFFER_MADE:
        undo = _undo_offer_made(actor, change, changed_since)
    elif change.kind == RotaChange.Kind.OFFER_WITHDRAWN:
        undo = _undo_offer_withdrawn(actor, change, changed_since)
    elif change.kind == RotaChange.Kind.AVAILABILITY_SET:
        if change.availability_id is None:  # nothing left to take back
            raise changed_since
        deleted, _rows = Availability.objects.filter(
            pk=change.availability_id, team_id=change.team_id
        ).delete()
        if not deleted:
            raise changed_since
        undo = _undo_record(actor, change)
    elif change.kind == RotaChange.Kind.PATTERN_CREATED:
        undo = _undo_pattern(actor, change, changed_since)
    else:
        raise ValidationError(_("This cannot be undone. To change it back, make the change again."))
    return undo


def _undo_record(actor: User, change: RotaChange, **fields: Any) -> RotaChange:
    try:
        with transaction.atomic():
            return _record(
                team_id=change.team_id,
                actor=actor,
                kind=RotaChange.Kind.UNDONE,
                undoes=change,
                visit=change.visit,
                offer=change.offer,
                pattern=change.pattern,
                **fields,
            )
    except IntegrityError:
        # Someone pressed undo on the same change at the same moment.
        raise ValidationError(_("This has already been undone.")) from None


def _undo_visit_change(
    actor: User, change: RotaChange, changed_since: ValidationError
) -> RotaChange:
    if change.visit_id is None:
        raise changed_since
    visit = Visit.objects.select_for_update().get(pk=change.visit_id)
    current = snapshot(visit)
    if any(current[name] != value for name, value in change.after.items()):
        raise changed_since
    if change.kind == RotaChange.Kind.VISIT_CREATED:
        restore = {"status": Visit.Status.CANCELLED}
    else:
        restore = change.before
    for name, value in restore.items():
        setattr(visit, name, _from_json(name, value))
    visit.updated_at = timezone.now()
    visit.save()
    undo = _undo_record(actor, change, before=current, after=snapshot(visit))
    live.visit_changed(visit, kind="visit.changed", old_date=_from_json("date", current["date"]))
    return undo


def _undo_offer_made(actor: User, change: RotaChange, changed_since: ValidationError) -> RotaChange:
    if change.offer_id is None:
        raise changed_since
    won = Offer.objects.filter(pk=change.offer_id, status=Offer.Status.OPEN).update(
        status=Offer.Status.WITHDRAWN, decided_at=timezone.now()
    )
    if not won:
        raise changed_since
    offer = Offer.objects.select_related("visit").get(pk=change.offer_id)
    live.offer_changed(offer, kind="offer.withdrawn")
    return _undo_record(
        actor, change, before={"offer_status": "open"}, after={"offer_status": offer.status}
    )


def _undo_offer_withdrawn(
    actor: User, change: RotaChange, changed_since: ValidationError
) -> RotaChange:
    if change.offer_id is None:
        raise changed_since
    try:
        with transaction.atomic():
            won = Offer.objects.filter(
                pk=change.offer_id,
                status=Offer.Status.WITHDRAWN,
                visit__carer_id__isnull=False,
                visit__status=Visit.Status.ASSIGNED,
            ).update(status=Offer.Status.OPEN, decided_at=None)
    except IntegrityError:
        # Another offer of the same visit is open now.
        raise changed_since from None
    if not won:
        raise changed_since
    offer = Offer.objects.select_related("visit").get(pk=change.offer_id)
    live.offer_changed(offer, kind="offer.made")
    return _undo_record(
        actor, change, before={"offer_status": "withdrawn"}, after={"offer_status": "open"}
    )


def _undo_pattern(actor: User, change: RotaChange, changed_since: ValidationError) -> RotaChange:
    """End the pattern and cancel its visits to come that nobody has changed since."""
    pattern = change.pattern
    if pattern is None:
        raise changed_since
    today = local_today()
    pattern.ends_on = today - dt.timedelta(days=1)
    pattern.save(update_fields=["ends_on"])
    untouched = Visit.objects.filter(
        pattern=pattern, date__gte=today, date=F("original_date")
    ).exclude(status=Visit.Status.CANCELLED)
    untouched = untouched.exclude(changes__kind__in=UNDOABLE_VISIT_KINDS)
    cancelled = untouched.update(status=Visit.Status.CANCELLED, updated_at=timezone.now())
    live.team_rota_changed(pattern.team_id, person_id=pattern.person_id)
    return _undo_record(actor, change, after={"cancelled_visits": cancelled})


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
