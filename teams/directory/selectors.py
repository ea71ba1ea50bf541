"""Reads of the neighbourhood directory, already scoped by teams.directory.access.

Lists are fetched in a fixed number of queries however many entries there are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from families.access import PersonAccess
from families.models import Note, Person
from families.timeline import visible_notes
from teams.directory.access import (
    EntryAccess,
    entries_for_person,
    shared_in_organisation,
)
from teams.models import Connection, ConnectionMoment, DirectoryEntry, EntryChange, Team

# A check confirmed longer ago than this is shown as needing a check.
CHECK_GOOD_FOR = relativedelta(months=12)
# "No community contact" looks back this far.
QUIET_DAYS = 28
WEEKS_COUNTED = 12
# Words too common to say two things match.
_STOPWORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "back",
        "being",
        "both",
        "from",
        "have",
        "into",
        "like",
        "more",
        "most",
        "much",
        "near",
        "other",
        "over",
        "some",
        "that",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "time",
        "very",
        "want",
        "week",
        "what",
        "when",
        "where",
        "which",
        "with",
        "would",
        "your",
        "group",
        "club",
        "people",
        "place",
        "going",
        "enjoy",
        "love",
        "like",
        "used",
        "still",
    ]
)
_WORD = re.compile(r"[^\W\d_]{4,}")


def words_of(text: str) -> set[str]:
    """The words of some text that are worth matching on (four letters or more, not common)."""
    found = {w.casefold() for w in _WORD.findall(text)}
    stems = {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in found}
    return stems - _STOPWORDS


def name_key(name: str) -> str:
    """A name as compared for duplicates: case, punctuation, spacing and a leading 'the' ignored."""
    plain = re.sub(r"[\W_]+", " ", name.casefold()).strip()
    return plain.removeprefix("the ").replace(" ", "")


def entry_duplicates(
    *, team_id: int, name: str, exclude_id: int | None = None
) -> list[DirectoryEntry]:
    """Entries in the team's directory whose names look like this one."""
    wanted = name_key(name)
    if not wanted:
        return []
    entries = DirectoryEntry.objects.filter(team_id=team_id).exclude(pk=exclude_id or 0)
    return [e for e in entries.only("pk", "name") if name_key(e.name) == wanted]


def checks_due(entry: DirectoryEntry, *, today: dt.date | None = None) -> list[str]:
    """The kinds of check last confirmed more than 12 months ago (uses prefetched checks)."""
    if entry.kind != DirectoryEntry.Kind.MICRO_PROVIDER:
        return []
    today = today or timezone.localdate()
    return [c.kind for c in entry.checks.all() if c.last_confirmed + CHECK_GOOD_FOR < today]


def needs_a_check(entry: DirectoryEntry, *, today: dt.date | None = None) -> bool:
    """A micro-provider needs a check when one has lapsed, or none was ever written down."""
    if entry.kind != DirectoryEntry.Kind.MICRO_PROVIDER:
        return False
    return not entry.checks.all() or bool(checks_due(entry, today=today))


def _postcode_filter(area: str) -> Q:
    area = " ".join(area.upper().split())
    if not area:
        return Q()
    if not re.fullmatch(r"[A-Z0-9 ]{1,8}", area):
        return Q(pk__in=[])
    if area.isalpha():
        # A postcode area ("LS"): every district in it, never "L" matching "LS".
        return Q(postcode__regex=rf"^{area}[0-9]")
    if " " in area:
        return Q(postcode__startswith=area)
    # A district ("LS6"): exactly it, never LS60.
    return Q(postcode=area) | Q(postcode__startswith=area + " ")


def _words_filter(query: str) -> Q:
    condition = Q()
    for word in query.split()[:8]:
        condition &= (
            Q(name__icontains=word)
            | Q(what__icontains=word)
            | Q(keywords__icontains=word)
            | Q(where__icontains=word)
            | Q(when_text__icontains=word)
        )
    return condition


@dataclass
class DirectoryPage:
    entries: list[DirectoryEntry]
    suggestions: list[DirectoryEntry]


def directory_for_team(
    *, team: Team, words: str = "", postcode_area: str = "", kind: str = ""
) -> DirectoryPage:
    """A team's directory: its own entries, those shared by its organisation's other teams,
    and the suggestions waiting for a team member. Each entry carries ``connected`` (the
    team's own people linked to it) and ``needs_check``."""
    found = DirectoryEntry.objects.filter(Q(team=team) | shared_in_organisation([team.pk])).filter(
        _words_filter(words), _postcode_filter(postcode_area)
    )
    if kind in DirectoryEntry.Kind.values:
        found = found.filter(kind=kind)
    found = (
        found.select_related("team", "suggested_by", "suggested_for")
        .prefetch_related("checks")
        .annotate(connected=Count("connections", filter=Q(connections__person__team=team)))
        .order_by("name", "pk")
    )
    today = timezone.localdate()
    entries: list[DirectoryEntry] = []
    suggestions: list[DirectoryEntry] = []
    for entry in found:
        entry.needs_check = needs_a_check(entry, today=today)  # type: ignore[attr-defined]
        (entries if entry.is_confirmed else suggestions).append(entry)
    return DirectoryPage(entries=entries, suggestions=suggestions)


def entry_history(access: EntryAccess) -> list[EntryChange]:
    if not access.is_team:
        return []
    return list(access.entry.changes.select_related("actor")[:50])


def entry_people(access: EntryAccess) -> list[Connection]:
    """Who is connected to an entry: only the viewer's own teams' people, never another team's."""
    if not access.sees_people:
        return []
    return list(
        access.entry.connections.filter(person__team_id__in=access.viewer_team_ids)
        .select_related("person", "outcome")
        .order_by("person__preferred_name", "person__full_name")
    )


@dataclass
class ConnectionView:
    connection: Connection
    last_4_weeks: int = 0
    last_12_weeks: int = 0
    last_moment: dt.datetime | None = None


def _moment_counts(
    access: PersonAccess, connections: list[Connection], *, today: dt.date | None = None
) -> list[ConnectionView]:
    today = today or timezone.localdate()
    views = {c.pk: ConnectionView(connection=c) for c in connections}
    since = today - dt.timedelta(weeks=WEEKS_COUNTED)
    recent = today - dt.timedelta(days=QUIET_DAYS)
    moments = (
        visible_notes(access)
        .filter(connection_moment__connection_id__in=list(views), created_at__date__gt=since)
        .values_list("connection_moment__connection_id", "created_at")
    )
    for connection_id, created_at in moments:
        view = views[connection_id]
        view.last_12_weeks += 1
        if timezone.localdate(created_at) > recent:
            view.last_4_weeks += 1
        if view.last_moment is None or created_at > view.last_moment:
            view.last_moment = created_at
    return list(views.values())


def person_connections(
    access: PersonAccess, *, today: dt.date | None = None
) -> list[ConnectionView]:
    """The person's connections, with how often a moment about each was written (as this
    viewer may see those notes), in two queries."""
    connections = list(
        Connection.objects.filter(
            person=access.person, entry__status=DirectoryEntry.Status.CONFIRMED
        ).select_related("entry", "outcome")
    )
    return _moment_counts(access, connections, today=today)


def outcome_connections(access: PersonAccess, outcome_id: int) -> list[ConnectionView]:
    connections = list(
        Connection.objects.filter(
            person=access.person,
            outcome_id=outcome_id,
            entry__status=DirectoryEntry.Status.CONFIRMED,
        ).select_related("entry")
    )
    return _moment_counts(access, connections)


@dataclass
class Suggestion:
    entry: DirectoryEntry
    # Why, in the words they match: [("interest", "singing"), ("goal", "Go back to the choir")...]
    interests: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    near: str = ""

    @property
    def score(self) -> int:
        return 2 * len(self.interests) + 2 * len(self.goals) + (1 if self.near else 0)


def _outward(postcode: str) -> str:
    return postcode.split(" ")[0] if postcode else ""


def person_suggestions(access: PersonAccess, *, limit: int = 3) -> list[Suggestion]:
    """Entries that may suit the person, each with why: words they share with what matters
    to the person, their goals and interests, and being near places they already go."""
    if not access.is_team:
        return []
    person: Person = access.person
    # The person's own words: every section of their About Me.
    about_me = person.about_me
    own_words = words_of(" ".join(about_me.texts().values()) if about_me is not None else "")
    connections = list(Connection.objects.filter(person=person).select_related("entry"))
    own_words |= words_of(" ".join(c.interest for c in connections))
    goals = {o.title: words_of(o.title) for o in person.outcomes.exclude(status="achieved")}
    places = {_outward(c.entry.postcode) for c in connections} - {""}
    taken = {c.entry_id for c in connections}
    found = []
    for entry in DirectoryEntry.objects.filter(entries_for_person(access)).exclude(pk__in=taken):
        entry_words = words_of(f"{entry.name} {entry.what} {entry.keywords}")
        suggestion = Suggestion(
            entry=entry,
            interests=sorted(own_words & entry_words),
            goals=[title for title, words in goals.items() if words & entry_words],
        )
        if not suggestion.interests and not suggestion.goals:
            continue
        if _outward(entry.postcode) in places:
            suggestion.near = _outward(entry.postcode)
        found.append(suggestion)
    found.sort(key=lambda s: (-s.score, s.entry.name.casefold()))
    return found[:limit]


def quiet_people(*, team: Team, today: dt.date | None = None) -> list[Person]:
    """People the team supports with no moment about a community connection in four weeks."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=QUIET_DAYS)
    recent = ConnectionMoment.objects.filter(
        note__created_at__date__gt=since, note__deleted_at__isnull=True
    ).values("note__person_id")
    return list(
        Person.objects.filter(team=team, support_ended_at__isnull=True)
        .exclude(pk__in=recent)
        .annotate(connection_count=Count("connections"))
        .order_by("preferred_name", "full_name")
    )


def regular_activities(*, team: Team) -> QuerySet[DirectoryEntry]:
    """Confirmed entries with a weekly day and start time, for the calendar feed."""
    return (
        DirectoryEntry.objects.filter(Q(team=team) | shared_in_organisation([team.pk]))
        .filter(
            status=DirectoryEntry.Status.CONFIRMED, weekday__isnull=False, starts_at__isnull=False
        )
        .order_by("weekday", "starts_at", "name")
    )


def entries_linkable(access: PersonAccess) -> QuerySet[DirectoryEntry]:
    """What the team may link to the person: confirmed, theirs or shared with them."""
    return DirectoryEntry.objects.filter(entries_for_person(access)).exclude(
        pk__in=Connection.objects.filter(person=access.person).values("entry_id")
    )


def note_connections(notes: list[Note]) -> dict[int, Connection]:
    """Which connection each note was about, for notes already fetched."""
    rows = ConnectionMoment.objects.filter(note__in=notes).select_related("connection__entry")
    found: dict[int, Connection] = defaultdict()
    for row in rows:
        found[row.note_id] = row.connection
    return found
