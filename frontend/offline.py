"""Which pages a device keeps for reading without a signal.

A carer keeps the pages they need for the coming week: Today, "My week" and the list of
everyone the team supports, then the people they will visit in the next 7 days (soonest
first), then the rest of the people they may see, up to a cap. Anyone else (a daughter, a
professional, the person themself) keeps the pages of the people they are connected to.
Everything here is cleared on sign-out (Clear-Site-Data).

The list is asked for on every page load, so it costs the same few queries however many
visits and people there are.
"""

import datetime as dt

from django.urls import reverse

from core.models import User
from families.access import current_team_ids
from families.models import Person
from families.selectors import people_for_user
from teams.rota import selectors as rota_selectors
from teams.rota.clock import local_today

# A phone keeps a week of work, not the whole neighbourhood.
MAX_PEOPLE = 25
DAYS_AHEAD = 7


def pages_to_save(user: User, *, today: dt.date | None = None) -> list[str]:
    urls = [reverse("home")]
    people = people_for_user(user).all
    if current_team_ids(user).exists():
        # Home is a carer's Today; the list of everyone the team supports is its own page.
        urls += [reverse("rota_my_week"), reverse("people_directory")]
        people = _visited_first(user, people, today=today or local_today())
    for person in people[:MAX_PEOPLE]:
        urls += [reverse("person", args=[person.pk]), reverse("timeline", args=[person.pk])]
    return urls


def _visited_first(user: User, people: list[Person], *, today: dt.date) -> list[Person]:
    """The people this carer will see in the next days, in visit order, then everyone else.

    Only people the access layer already lists are kept: a visit never widens what is saved.
    """
    visits = rota_selectors.my_week(user, start=today, days=DAYS_AHEAD)
    visiting = list(dict.fromkeys(visit.person_id for visit in visits))
    by_pk = {person.pk: person for person in people}
    first = [by_pk[pk] for pk in visiting if pk in by_pk]
    soon = set(visiting)
    return first + [person for person in people if person.pk not in soon]
