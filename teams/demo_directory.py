"""The demo neighbourhood's directory: what Riverside and Hilltop know about their patch.

Made through the same services people use, after the people and their goals exist. Both
teams belong to one organisation; a few entries are shared between them. One micro-provider's
DBS check was last confirmed more than a year ago, so it shows as needing a check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from core.models import User
from families.models import Note, Outcome, Person
from teams.directory import services
from teams.models import DirectoryEntry, Organisation, Team

GROUP = DirectoryEntry.Kind.GROUP
ACTIVITY = DirectoryEntry.Kind.ACTIVITY
PLACE = DirectoryEntry.Kind.PLACE
PROVIDER = DirectoryEntry.Kind.MICRO_PROVIDER


@dataclass(frozen=True)
class DemoEntry:
    key: str
    team: str  # the carer who adds it, whose team it belongs to
    kind: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    # (kind, days ago) for a micro-provider's checks
    checks: tuple[tuple[str, int], ...] = ()


def _weekly(day: int, starts: tuple[int, int], ends: tuple[int, int]) -> dict[str, Any]:
    return {"weekday": day, "starts_at": dt.time(*starts), "ends_at": dt.time(*ends)}


ENTRIES: tuple[DemoEntry, ...] = (
    DemoEntry(
        "thursday-club",
        "angela",
        GROUP,
        "St Mary's Thursday club",
        {
            "what": "Tea, a sing-song and a quiz for older neighbours. Volunteers know many "
            "members with dementia and make everyone welcome.",
            "when_text": "Thursdays, 2 to 4 pm",
            **_weekly(3, (14, 0), (16, 0)),
            "where": "St Mary's church hall, Church Lane",
            "postcode": "LS6 2QF",
            "getting_there": "Bus 19 stops outside. The side door has a ramp.",
            "step_free": True,
            "hearing_loop": True,
            "cost": "£2, tea included",
            "contact": "Maureen, 0113 496 0100",
            "keywords": "singing, tea, quiz, dementia, club",
            "shared": True,
        },
    ),
    DemoEntry(
        "community-choir",
        "angela",
        GROUP,
        "Old Town community choir",
        {
            "what": "A friendly choir, no auditions, songs from the shows and old favourites.",
            "when_text": "Wednesdays, 7 to 8.30 pm",
            **_weekly(2, (19, 0), (20, 30)),
            "where": "Old Town library, upstairs room",
            "postcode": "LS6 1AB",
            "step_free": True,
            "hearing_loop": True,
            "cost": "£3 a week",
            "contact": "choir@oldtown.example",
            "keywords": "singing, choir, music",
            "shared": True,
        },
    ),
    DemoEntry(
        "garden",
        "angela",
        PLACE,
        "Riverside community garden",
        {
            "what": "Raised beds at wheelchair height, a greenhouse and a kettle. Drop in any time "
            "it is open.",
            "when_text": "Tuesdays and Saturdays, 10 am to 1 pm",
            "where": "Behind the health centre, Mill Road",
            "postcode": "LS6 3EZ",
            "step_free": True,
            "cost": "Free",
            "keywords": "gardening, garden, roses, outdoors",
        },
    ),
    DemoEntry(
        "dominoes",
        "angela",
        GROUP,
        "Caribbean elders' dominoes",
        {
            "what": "Dominoes, lunch with proper seasoning, and good company.",
            "when_text": "Wednesdays, 12 to 3 pm",
            **_weekly(2, (12, 0), (15, 0)),
            "where": "West Indian Centre, Chapel Street",
            "postcode": "LS7 3HB",
            "step_free": True,
            "cost": "£4 with lunch",
            "keywords": "dominoes, food, lunch",
        },
    ),
    DemoEntry(
        "bowls",
        "angela",
        GROUP,
        "Riverside bowls club",
        {
            "what": "Indoor bowls all year. Members help newcomers and those coming back to it.",
            "when_text": "Fridays, 6 to 9 pm",
            **_weekly(4, (18, 0), (21, 0)),
            "where": "Riverside leisure centre",
            "postcode": "LS6 4JN",
            "step_free": True,
            "cost": "£3.50 a session",
            "keywords": "bowls, bowling, sport",
        },
    ),
    DemoEntry(
        "deaf-club",
        "angela",
        GROUP,
        "Leeds Deaf club",
        {
            "what": "A social club run by Deaf people, in BSL.",
            "when_text": "Saturdays, 1 to 5 pm",
            **_weekly(5, (13, 0), (17, 0)),
            "where": "Centenary House",
            "postcode": "LS2 8AB",
            "step_free": True,
            "keywords": "deaf, bsl, friends",
            "shared": True,
        },
    ),
    DemoEntry(
        "talking-books",
        "angela",
        PLACE,
        "Old Town library: talking books",
        {
            "what": "Talking books and large print, a home delivery service, and a reading group.",
            "when_text": "Monday to Saturday, 9 am to 5 pm",
            "where": "Old Town library",
            "postcode": "LS6 1AB",
            "step_free": True,
            "hearing_loop": True,
            "cost": "Free",
            "keywords": "books, reading, talking books",
        },
    ),
    DemoEntry(
        "railway",
        "angela",
        GROUP,
        "Riverside model railway society",
        {
            "what": "Members build a layout together and swap parts. Visitors welcome.",
            "when_text": "Second Sunday of the month, 2 pm",
            "where": "The scout hut, Park Lane",
            "postcode": "LS6 4AA",
            "keywords": "railway, model railway, trains",
        },
    ),
    DemoEntry(
        "irish-music",
        "angela",
        ACTIVITY,
        "Irish music afternoon",
        {
            "what": "Live Irish music and a cup of tea, with seats near the door for anyone who "
            "tires easily.",
            "when_text": "Last Friday of the month, 2 pm",
            "where": "The Shamrock Club",
            "postcode": "LS6 2DD",
            "step_free": True,
            "keywords": "irish music, music",
        },
    ),
    DemoEntry(
        "new-testament",
        "angela",
        PLACE,
        "New Testament Church of God",
        {
            "what": "Sunday service with a welcome team who will meet you at the door.",
            "when_text": "Sundays, 11 am",
            **_weekly(6, (11, 0), (13, 0)),
            "where": "Chapeltown Road",
            "postcode": "LS7 4HZ",
            "step_free": True,
            "hearing_loop": True,
            "keywords": "church, worship",
        },
    ),
    DemoEntry(
        "hairdresser",
        "angela",
        PROVIDER,
        "Hair by Lorraine (home visits)",
        {
            "what": "Lorraine cuts and sets hair at home, and at the salon on Saturdays.",
            "when_text": "By appointment",
            "contact": "Lorraine, 07700 900310",
            "cost": "From £12",
            "keywords": "hairdresser, hair",
            "postcode": "LS6",
        },
        checks=(("dbs", 200), ("insurance", 90)),
    ),
    DemoEntry(
        "gardening-round",
        "angela",
        PROVIDER,
        "Dave's gardening round",
        {
            "what": "Dave looks after gardens for people who can no longer manage. He used "
            "services himself and set this up with the council's micro-enterprise help.",
            "when_text": "Weekly or fortnightly, mornings",
            "contact": "Dave, 07700 900320",
            "cost": "£15 an hour",
            "keywords": "gardening, garden, roses",
            "postcode": "LS6",
        },
        checks=(("dbs", 420), ("insurance", 60)),
    ),  # the DBS check is over a year old
    DemoEntry(
        "meals",
        "angela",
        PROVIDER,
        "Nadia's kitchen",
        {
            "what": "Home-cooked meals delivered hot, halal, soft diets on request.",
            "when_text": "Monday to Friday, delivered at lunchtime",
            "contact": "Nadia, 07700 900330",
            "cost": "£6 a meal",
            "keywords": "food, meals, lunch, halal",
            "postcode": "LS7",
        },
        checks=(("dbs", 150), ("insurance", 150), ("food_hygiene", 100)),
    ),
    DemoEntry(
        "memory-walk",
        "angela",
        ACTIVITY,
        "Wednesday walking group",
        {
            "what": "A gentle hour's walk along the river, at the pace of the slowest walker, then "
            "tea.",
            "when_text": "Wednesdays, 10.30 am",
            **_weekly(2, (10, 30), (11, 30)),
            "where": "Meets at the boathouse",
            "postcode": "LS6 4QP",
            "keywords": "walking, walk, outdoors, river",
        },
    ),
    DemoEntry(
        "hilltop-lunch",
        "omar",
        GROUP,
        "Hilltop lunch club",
        {
            "what": "A two-course lunch and a chat, transport on the community minibus.",
            "when_text": "Tuesdays, 12 to 2 pm",
            **_weekly(1, (12, 0), (14, 0)),
            "where": "Hilltop community centre",
            "postcode": "LS16 7RX",
            "step_free": True,
            "transport": "Community minibus: book the day before",
            "cost": "£5",
            "keywords": "lunch, food, company",
            "shared": True,
        },
    ),
    DemoEntry(
        "hilltop-sherry",
        "omar",
        GROUP,
        "Saturday social at the Crown",
        {
            "what": "A small sherry and a natter in the quiet back room.",
            "when_text": "Saturdays, 3 pm",
            "where": "The Crown, Hilltop Road",
            "postcode": "LS16 5AA",
            "keywords": "sherry, social, company",
        },
    ),
)

# (person, entry, interest, goal key or "", how many moments, over how many weeks)
CONNECTIONS: tuple[tuple[str, str, str, str, int, int], ...] = (
    ("jean", "thursday-club", "singing and company", "jean-club", 4, 6),
    ("jean", "garden", "her roses", "jean-garden", 2, 5),
    ("george", "new-testament", "church", "george-church", 3, 6),
    ("ryan", "bowls", "bowling", "", 3, 5),
    ("gwen", "community-choir", "choir", "", 2, 4),
    ("gwen", "talking-books", "talking books", "", 1, 3),
    ("arthur", "railway", "model railway", "", 1, 8),
    ("winston", "dominoes", "dominoes", "", 3, 4),
    ("siobhan", "deaf-club", "friends", "", 2, 3),
    ("edith", "hilltop-sherry", "a small sherry", "", 1, 2),
)

MOMENT_WORDS = {
    "thursday-club": "{name} went to the Thursday club and sang along to every song.",
    "garden": "{name} spent the morning at the community garden and brought back a cutting.",
    "new-testament": "{name} walked into church with his stick and stayed for coffee.",
    "bowls": "{name} bowled on Friday night and won his end.",
    "community-choir": "{name} was back at choir practice; the altos were glad to see her.",
    "talking-books": "{name} chose three new talking books at the library.",
    "railway": "{name} showed the society his new signal box.",
    "dominoes": "{name} played dominoes all afternoon and came home smiling.",
    "deaf-club": "{name} went to the Deaf club and caught up with her friends.",
    "hilltop-sherry": "{name} enjoyed her sherry at the Crown with the Saturday crowd.",
}


def build_demo_directory(
    *, today: dt.date, users: Mapping[str, User], people: Mapping[str, Person]
) -> None:
    """Every demo directory entry, the teams' organisation, and people's connections."""
    teams = {
        key: user.memberships.current().get().team
        for key, user in users.items()
        if key in {e.team for e in ENTRIES}
    }
    _one_organisation(list(teams.values()))
    entries = {}
    for demo in ENTRIES:
        actor = users[demo.team]
        entry = services.entry_create(
            actor=actor,
            team_id=teams[demo.team].pk,
            kind=demo.kind,
            name=demo.name,
            **demo.values,
        )
        for kind, days_ago in demo.checks:
            services.check_confirm(
                actor=actor,
                entry_id=entry.pk,
                kind=kind,
                last_confirmed=today - dt.timedelta(days=days_ago),
            )
        entries[demo.key] = entry
    goals = {
        (goal.person_id, goal.title): goal
        for goal in Outcome.objects.filter(person__in=people.values())
    }
    from families.demo_history import GOALS

    goal_titles = {goal.key: (goal.person, goal.title) for goal in GOALS}
    for person_key, entry_key, interest, goal_key, moments, weeks in CONNECTIONS:
        person = Person.objects.select_related("coordinator").get(pk=people[person_key].pk)
        goal = None
        if goal_key:
            who, title = goal_titles[goal_key]
            goal = goals[(people[who].pk, title)]
        coordinator = person.coordinator
        assert coordinator is not None, "every demo person has a coordinator"
        connection = services.connection_create(
            actor=coordinator,
            person_id=person.pk,
            entry_id=entries[entry_key].pk,
            interest=interest,
            outcome_id=goal.pk if goal else None,
        )
        for n in range(moments):
            note = services.moment_create(
                actor=coordinator,
                connection_id=connection.pk,
                body=MOMENT_WORDS[entry_key].format(name=person.name),
                # Written in English, whatever language the coordinator reads Kith in.
                language="en",
            )
            # Spread over the weeks, the newest a few days ago (the demo is dated back).
            days_ago = 3 + (n * weeks * 7) // max(moments, 1)
            written = timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(16, 30))
            )
            Note.objects.filter(pk=note.pk).update(created_at=written)


def _one_organisation(teams: list[Team]) -> None:
    # No service sets a team's organisation yet: an organisation is set up when Kith is.
    organisation = Organisation.objects.create(name="Riverside and Hilltop care co-operative")
    Team.objects.filter(pk__in=[t.pk for t in teams]).update(organisation=organisation)
