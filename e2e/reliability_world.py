"""The neighbourhood the reliability test (e2e/test_reliability.py) runs in, built in the
servers' own database, with everyone already signed in.

Run in the servers' environment: ``python -m e2e.reliability_world`` prints, as one JSON line,
who is who and each person's session key. Sessions are written as a sign-in leaves them (the
user, the backend, the password's hash), so no sign-in form is posted two hundred times.

Four people (or ``--people N``: the restart benchmark's 500 pages are ten people's), supported
by one team of 40 carers (16 of whom write the burst). Around each:
30 family members who see what the circle usually sees, and 10 professionals who see visit
notes and concerns only. Each person's page is open for 10 carers, 30 family members and the
10 professionals: 200 pages.

The test's side is here too: ``build_in`` runs this module in the servers' environment, and
``Servers`` starts, kills and queries the two daphne processes the test runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

PEOPLE = 4
CARERS = 40
WRITERS = 16
CARERS_PER_PAGE = 10
FAMILY_PER_PERSON = 30
PROFESSIONALS_PER_PERSON = 10
PROFESSIONAL_KINDS = ["visit", "concern"]
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _signed_in(user: Any) -> str:
    """A session signed in as ``user``, as django.contrib.auth.login leaves one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


KINDS = [  # (kind, audience) of the notes written, taken in turn
    ("moment", "circle"),
    ("visit", "circle"),
    ("handover", "team"),
    ("concern", "team"),
    ("moment", "team"),
    ("visit", "team"),
    ("concern", "circle"),
    ("moment", "circle"),
]


def visible(page: dict[str, Any], note: dict[str, Any]) -> bool:
    """The rule, said again independently of families.access: who may see which note."""
    if note["person"] != page["person"]:
        return False
    if page["role"] == "team":
        return True
    kinds = set(page["kinds"])
    if note["audience"] == "circle" and note["kind"] in kinds:
        return True
    # A concern written for the team is shown to those the person named for concerns.
    return note["kind"] == "concern" and "concern" in kinds


def build(people_count: int = PEOPLE) -> dict[str, Any]:
    from django.db import transaction

    from core.models import User
    from families.models import CIRCLE_DEFAULT_KINDS, CircleMember, Person
    from teams.models import Membership, Team

    with transaction.atomic():
        team = Team.objects.create(name="Reliability neighbourhood team", area="Riverside")
        carers = []
        for n in range(CARERS):
            carer = User.objects.create_user(
                email=f"carer{n}@reliability.example", display_name=f"Carer {n}", password=None
            )
            Membership.objects.create(team=team, user=carer)
            carers.append(carer)
        people = [
            Person.objects.create(team=team, full_name=f"Person {n}", preferred_name=f"P{n}")
            for n in range(people_count)
        ]
        pages: list[dict[str, Any]] = []
        for number, person in enumerate(people):
            for c in range(CARERS_PER_PAGE):
                carer = carers[(number * CARERS_PER_PAGE + c) % CARERS]
                pages.append({"user": carer.pk, "person": person.pk, "role": "team", "kinds": []})
            for kind, count in (
                (CircleMember.Kind.FAMILY, FAMILY_PER_PERSON),
                (CircleMember.Kind.PROFESSIONAL, PROFESSIONALS_PER_PERSON),
            ):
                for m in range(count):
                    user = User.objects.create_user(
                        email=f"{kind}{m}.p{number}@reliability.example",
                        display_name=f"{kind.label} {m} of P{number}",
                        password=None,
                    )
                    professional = kind == CircleMember.Kind.PROFESSIONAL
                    CircleMember.objects.create(
                        person=person,
                        user=user,
                        name=user.display_name,
                        kind=kind,
                        relationship="district nurse" if professional else "family",
                        note_kinds=PROFESSIONAL_KINDS if professional else None,
                    )
                    shown = PROFESSIONAL_KINDS if professional else list(CIRCLE_DEFAULT_KINDS)
                    pages.append(
                        {"user": user.pk, "person": person.pk, "role": kind.value, "kinds": shown}
                    )
        sessions = {
            user.pk: _signed_in(user)
            for user in User.objects.filter(
                pk__in={page["user"] for page in pages} | {carer.pk for carer in carers[:WRITERS]}
            )
        }
    for page in pages:
        page["session"] = sessions[page["user"]]
    return {
        "people": [person.pk for person in people],
        "writers": [{"user": c.pk, "session": sessions[c.pk]} for c in carers[:WRITERS]],
        "pages": pages,
    }


# The test's side: the two servers, and building the world through them -------------------------


@dataclass
class Servers:
    urls: list[str]
    ports: list[int]
    processes: list[subprocess.Popen]
    env: dict[str, str]
    logs: Path
    database_url: str
    world: dict[str, Any]
    generation: list[int] = field(default_factory=lambda: [0, 0])

    def kill(self, index: int) -> None:
        self.processes[index].send_signal(signal.SIGKILL)
        self.processes[index].wait(timeout=10)
        self.generation[index] += 1

    def start(self, index: int) -> None:
        from e2e.conftest import start_daphne

        log = self.logs / f"daphne-{index}-{self.generation[index]}.log"
        self.processes[index] = start_daphne(self.ports[index], self.env, log)

    def sql(self, query: str, *args: Any) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=5) as connection:
            return connection.execute(query, args).fetchall()


def build_in(env: dict[str, str], people: int = PEOPLE) -> dict[str, Any]:
    """Build the world in the database the servers' environment names; who is who."""
    import pytest

    from e2e.conftest import BASE_DIR, _on_the_test_day

    result = subprocess.run(
        # Through e2e/clock.py, as the servers start: its sessions and days on their clock.
        [sys.executable, "-m", "e2e.clock", "-m", "e2e.reliability_world", str(people)],
        cwd=BASE_DIR,
        env=_on_the_test_day(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"building the world failed:\n{result.stderr}", pytrace=False)
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    print(json.dumps(build(*(int(arg) for arg in sys.argv[1:2]))))
