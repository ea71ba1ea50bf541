"""Reads for the rota, already scoped to what the viewer may see, with constant query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.dates import weekday_in_words
from core.models import User
from core.realtime.catch_up import resume_from
from families.access import Audience, current_team_ids, visit_access
from families.models import Person
from teams.models import (
    AgreedHours,
    Availability,
    Offer,
    RotaChange,
    RotaSettings,
    Team,
    Visit,
)
from teams.rota import continuity, visit_words
from teams.rota.clock import UTC, aware, local_today, rota_zone, visit_start_time

# My week ---------------------------------------------------------------------------------------


def my_week(user: User, *, start: dt.date, days: int = 7) -> list[Visit]:
    """A carer's visits for a week, in the teams they are in now, soonest first."""
    return list(
        Visit.objects.filter(
            Q(carer=user) | Q(second_carer=user),
            team_id__in=current_team_ids(user),
            date__gte=start,
            date__lt=start + dt.timedelta(days=days),
        )
        .exclude(status=Visit.Status.CANCELLED)
        # person__about_me: "what matters to them" beside each visit, without a query each.
        .select_related("person__about_me", "carer", "second_carer")
        .order_by("date", "window_start", "pk")
    )


# The team's week -------------------------------------------------------------------------------


@dataclass
class GridRow:
    person: Person
    cells: list[tuple[dt.date, list[Visit]]]
    carers_seen: list[User]
    above_goal: bool


@dataclass
class DayList:
    """One day of the week as a phone shows it: each person's visits that day, soonest first.

    Every person has a place, with or without visits, so a live update has somewhere to land.
    """

    day: dt.date
    places: list[tuple[Person, list[Visit]]]

    @property
    def has_visits(self) -> bool:
        return any(visits for _person, visits in self.places)


@dataclass
class WeekGrid:
    team: Team
    days: list[dt.date]
    rows: list[GridRow]
    goal: int
    open_count: int = 0
    people_above_goal: list[Person] = field(default_factory=list)

    def day_lists(self) -> list[DayList]:
        """The same week, day by day (for a phone); nothing more is asked of the database."""
        lists = []
        for index, day in enumerate(self.days):
            places = [(row.person, row.cells[index][1]) for row in self.rows]
            # People with visits that day first, by when their first visit starts.
            places.sort(
                key=lambda place: (
                    not place[1],
                    place[1][0].window_start if place[1] else dt.time(),
                )
            )
            lists.append(DayList(day=day, places=places))
        return lists


def continuity_goal(team: Team) -> int:
    goal = RotaSettings.objects.filter(team=team).values_list("continuity_goal", flat=True).first()
    return goal if goal is not None else RotaSettings._meta.get_field("continuity_goal").default


def team_week(team: Team, *, start: dt.date, today: dt.date | None = None) -> WeekGrid:
    """People by days for one week. Five queries however big the team is."""
    today = today or local_today()
    days = [start + dt.timedelta(days=n) for n in range(7)]
    people = list(
        Person.objects.filter(team=team, support_ended_at__isnull=True).order_by(
            "preferred_name", "full_name", "pk"
        )
    )
    visits = (
        Visit.objects.filter(team=team, date__gte=days[0], date__lte=days[-1])
        .exclude(status=Visit.Status.CANCELLED)
        .select_related("carer", "second_carer")
        .order_by("date", "window_start", "pk")
    )
    by_cell: dict[tuple[int, dt.date], list[Visit]] = {}
    open_count = 0
    for visit in visits:
        by_cell.setdefault((visit.person_id, visit.date), []).append(visit)
        open_count += visit.status == Visit.Status.OPEN
    seen = continuity.carers_seen([p.pk for p in people], today=today)
    goal = continuity_goal(team)
    rows = []
    for person in people:
        carers = seen.get(person.pk, [])
        rows.append(
            GridRow(
                person=person,
                cells=[(day, by_cell.get((person.pk, day), [])) for day in days],
                carers_seen=carers,
                above_goal=len(carers) > goal,
            )
        )
    return WeekGrid(
        team=team,
        days=days,
        rows=rows,
        goal=goal,
        open_count=open_count,
        people_above_goal=[r.person for r in rows if r.above_goal],
    )


def grid_cell(*, person_id: int, day: dt.date) -> list[Visit]:
    """One cell of the grid, for a live update."""
    return list(
        Visit.objects.filter(person_id=person_id, date=day)
        .exclude(status=Visit.Status.CANCELLED)
        .select_related("carer", "second_carer")
        .order_by("window_start", "pk")
    )


# Open visits and offers ------------------------------------------------------------------------


def open_visits(team: Team, *, today: dt.date, days: int = 14) -> list[Visit]:
    return open_visits_in_teams([team.pk], today=today, days=days)


def open_visits_in_teams(
    team_ids: Iterable[int] | QuerySet, *, today: dt.date, days: int
) -> list[Visit]:
    """Visits nobody has taken yet in these teams, from today for ``days`` days."""
    return list(
        Visit.objects.filter(
            team_id__in=team_ids,
            status=Visit.Status.OPEN,
            date__gte=today,
            date__lt=today + dt.timedelta(days=days),
        )
        .select_related("person", "cant_make_it_by")
        # A visit its carer could not make comes first: it is urgent (teams.rota.lateness).
        .order_by("-urgent", "date", "window_start", "pk")
    )


def open_offers(team: Team, *, today: dt.date) -> list[Offer]:
    return list(
        Offer.objects.filter(visit__team=team, status=Offer.Status.OPEN, visit__date__gte=today)
        .select_related("visit__person", "from_user", "to_user")
        .order_by("visit__date", "visit__window_start")
    )


def visit_for_member(user: User, visit_id: int) -> Visit | None:
    """One visit for its page, through the access layer, with what the page shows."""
    return visit_access(
        user,
        visit_id,
        queryset=Visit.objects.select_related(
            "person", "carer", "second_carer", "team"
        ).prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.filter(status=Offer.Status.OPEN).select_related(
                    "from_user", "to_user"
                ),
                to_attr="open_offers",
            )
        ),
    )


# Availability and agreed hours ------------------------------------------------------------------


def availability_entries(team: Team) -> list[Availability]:
    """Who said they can or cannot work when, for the team's page."""
    return list(
        Availability.objects.filter(team=team)
        .select_related("user")
        .order_by("user__display_name", "date", "weekday")
    )


def agreed_hours(team: Team, user: User) -> Decimal | None:
    """The hours a week this carer agreed with this team, if they said."""
    return (
        AgreedHours.objects.filter(
            membership__team=team, membership__user=user, membership__left_at__isnull=True
        )
        .values_list("weekly_hours", flat=True)
        .first()
    )


def has_calendar_feed(user: User) -> bool:
    return user.calendar_feeds.filter(revoked_at__isnull=True).exists()


def last_team_event_id(team_id: int) -> int:
    """Where a team page's socket resumes after a reconnect: nothing missed, repeats harmless."""
    return resume_from(team_id=team_id, audience=Audience.TEAM)


# Rota activity ---------------------------------------------------------------------------------

# Changes to one visit that undo puts back from the snapshots kept.
UNDOABLE_VISIT_KINDS = frozenset(
    {
        RotaChange.Kind.VISIT_CREATED,
        RotaChange.Kind.VISIT_CLAIMED,
        RotaChange.Kind.VISIT_SKIPPED,
        RotaChange.Kind.VISIT_MOVED,
        RotaChange.Kind.OFFER_ACCEPTED,
    }
)
# Straight after a change, its page offers to undo it for this long (the activity page for ever).
UNDO_OFFER_MINUTES = 10


def undo_offer(user: User, visit: Visit, *, now: dt.datetime | None = None) -> RotaChange | None:
    """The change this user just made to this visit, while it can still be undone at a tap.

    Only the visit's latest change, made by them in the last few minutes and not undone: an
    older one, or one someone has changed since, is for the activity page.
    """
    now = now or timezone.now()
    latest = (
        RotaChange.objects.filter(visit_id=visit.pk, team_id__in=current_team_ids(user))
        .select_related("undone_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None or latest.actor_id != user.pk or latest.kind not in UNDOABLE_VISIT_KINDS:
        return None
    if latest.created_at < now - dt.timedelta(minutes=UNDO_OFFER_MINUTES):
        return None
    # An undo is the visit's latest change itself, so this is belt and braces.
    return None if hasattr(latest, "undone_by") else latest


def rota_activity(team: Team, *, limit: int = 50) -> QuerySet[RotaChange]:
    return (
        RotaChange.objects.filter(team=team)
        .select_related(
            "actor",
            "visit__person",
            "offer__to_user",
            "pattern__person",
            "undoes",
            "undone_by",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


# Who's coming ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coming:
    visit: Visit
    carers: list[User]
    # As the family reads it: "Angela is with Jean now."
    sentence: str
    # The same, said to the person: "Angela is with you now."
    to_you: str


def _with_now(name: str, person_name: str) -> str:
    return _("%(name)s is with %(person)s now.") % {"name": name, "person": person_name}


_lazy_with_now = lazy(_with_now, str)


def whos_coming(person: Person, *, now: dt.datetime | None = None, limit: int = 3) -> list[Coming]:
    """The next visits to a person, in plain words. Family-safe: names, faces and times only."""
    now = (now or timezone.now()).astimezone(UTC)
    today = now.astimezone(rota_zone()).date()
    # "I'm with her now" reaches the family only if the person agreed to share it.
    shares = person.share_check_ins
    visits = (
        Visit.objects.filter(person=person, date__gte=today, date__lte=today + dt.timedelta(days=7))
        .exclude(status=Visit.Status.CANCELLED)
        .select_related(
            "carer", "second_carer", "checked_in_by", "late_by", "cant_make_it_by", "done_by"
        )
        .order_by("date", "window_start", "pk")
    )
    visited: list[Coming] = []
    coming: list[Coming] = []
    for visit in visits:
        if visit.done_at is not None:
            # Done today: "Angela visited this morning, 8.05 to 9.50", above what is coming.
            if visit.date == today:
                carer = visit.done_by or visit.checked_in_by
                visited.append(
                    Coming(
                        visit=visit,
                        carers=[carer] if carer else [],
                        sentence=_lazy_visited(visit, shares),
                        to_you=_lazy_visited_you(visit, shares),
                    )
                )
            continue
        # Compared in UTC: same-zone datetimes compare by wall clock, wrong in the repeated hour.
        if visit.date == today and aware(visit.date, visit.window_end).astimezone(UTC) <= now:
            continue
        if len(coming) == limit:
            # Only today's visits can still be done ones worth saying: the rest can wait.
            if visit.date != today:
                break
            continue
        carers = [u for u in (visit.carer, visit.second_carer) if u is not None]
        # Said in whichever language it is shown in: read once, shown in each (lazy).
        if visit.checked_in_at is not None and visit.checked_in_by and shares:
            sentence = _lazy_with_now(visit.checked_in_by.get_short_name(), person.name)
            to_you = _lazy_with_you_now([visit.checked_in_by])
        else:
            sentence = _lazy_status(visit, person.name, today)
            to_you = _lazy_status_to_you(visit, carers, today)
        coming.append(Coming(visit=visit, carers=carers, sentence=sentence, to_you=to_you))
    return visited + coming


def _status_lazily(visit: Visit, person_name: str, today: dt.date) -> str:
    """Running late, being covered, or simply coming (teams.rota.visit_words)."""
    going = visit.carer_ids
    if visit.status == Visit.Status.OPEN and visit.urgent:
        return visit_words.covering_sentence(visit, today)
    if visit.late_minutes and visit.date == today and visit.late_by_id in going:
        return visit_words.late_sentence(visit, person_name)
    return coming_sentence(visit, today)


def _status_to_you(visit: Visit, carers: list[User], today: dt.date) -> str:
    if visit.status == Visit.Status.OPEN and visit.urgent:
        return visit_words.covering_sentence(visit, today)
    if visit.late_minutes and visit.date == today and visit.late_by_id in visit.carer_ids:
        return visit_words.late_to_you(visit)
    return visit_words.coming_to_you(visit, carers, today)


_lazy_status = lazy(_status_lazily, str)
_lazy_status_to_you = lazy(_status_to_you, str)
_lazy_with_you_now = lazy(visit_words.with_you_now, str)
_lazy_visited = lazy(
    lambda visit, shares: visit_words.visited_sentence(visit, with_times=shares), str
)
_lazy_visited_you = lazy(
    lambda visit, shares: visit_words.visited_you(visit, with_times=shares), str
)


def _part_of_day(at: dt.time) -> str:
    if at < dt.time(12):
        return "morning"
    if at < dt.time(17):
        return "afternoon"
    return "evening"


def _when(visit: Visit, today: dt.date) -> str:
    """ "this morning", "tomorrow afternoon", "on Thursday evening"."""
    part = _part_of_day(visit_start_time(visit))
    if visit.date == today:
        return {
            "morning": _("this morning"),
            "afternoon": _("this afternoon"),
            "evening": _("this evening"),
        }[part]
    if visit.date == today + dt.timedelta(days=1):
        return {
            "morning": _("tomorrow morning"),
            "afternoon": _("tomorrow afternoon"),
            "evening": _("tomorrow evening"),
        }[part]
    weekday = weekday_in_words(visit.date)
    return {
        "morning": _("on %(day)s morning"),
        "afternoon": _("on %(day)s afternoon"),
        "evening": _("on %(day)s evening"),
    }[part] % {"day": weekday}


# 1, 8 and 11 o'clock: "un", "wyth", "un ar ddeg".
_VOWEL_HOURS = {1, 8, 11}


def _clock(at: dt.time) -> str:
    """12-hour times as people say them: 9, 9.30, 2.15."""
    hour = at.hour % 12 or 12
    return f"{hour}" if at.minute == 0 else f"{hour}.{at.minute:02d}"


def _times(visit: Visit) -> str:
    """ "between 9 and 11", or "at 9.30" when an exact time was agreed."""
    if visit.exact_time:
        return _("at %(time)s") % {"time": _clock(visit.exact_time)}
    start, end = _clock(visit.window_start), _clock(visit.window_end)
    if visit.window_end.hour % 12 in _VOWEL_HOURS:
        # Welsh says "and" as "ac" before a vowel: "rhwng 9 ac 11", "rhwng 6 ac 8".
        return pgettext(
            "the end hour begins with a vowel sound: one, eight, eleven",
            "between %(start)s and %(end)s",
        ) % {"start": start, "end": end}
    return _("between %(start)s and %(end)s") % {"start": start, "end": end}


def window_words(visit: Visit, today: dt.date) -> str:
    """ "this morning, between 8 and 10": the agreed window as people say it."""
    return _("%(when)s, %(times)s") % {"when": _when(visit, today), "times": _times(visit)}


def _coming_lazily(visit: Visit, today: dt.date) -> str:
    return coming_sentence(visit, today)


_lazy_coming = lazy(_coming_lazily, str)


def coming_sentence(visit: Visit, today: dt.date) -> str:
    """ "Angela is coming tomorrow morning, between 9 and 11." """
    when = _when(visit, today)
    names = [u.get_short_name() for u in (visit.carer, visit.second_carer) if u is not None]
    times = _times(visit)
    if not names:
        return _("Someone from the team is coming %(when)s, %(times)s.") % {
            "when": when,
            "times": times,
        }
    who = (
        names[0]
        if len(names) == 1
        else _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    )
    return ngettext(
        "%(who)s is coming %(when)s, %(times)s.",
        "%(who)s are coming %(when)s, %(times)s.",
        len(names),
    ) % {"who": who, "when": when, "times": times}
