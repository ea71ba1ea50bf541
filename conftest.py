"""Shared fixtures: the personas every access test walks through."""

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine

from core.models import User
from core.tests.factories import (
    CircleMemberFactory,
    MembershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from e2e import clock
from families.models import CircleMember, Person
from teams.models import Team

IN_CI = os.environ.get("CI", "").lower() == "true"
TRAVEL = pytest.StashKey[time_machine.travel]()
NEAR_MIDNIGHT = pytest.StashKey[bool]()


# --- The day the tests run on --------------------------------------------------------------
# No test may depend on the day it runs. `--today` (or KITH_TEST_TODAY) moves the whole
# session's clock to another moment, ticking on from there, so a sweep across the week and both
# clock changes (.ci/day-sweep) finds any that do. The browser tests' servers follow it too
# (e2e/clock.py).


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        default=os.environ.get(clock.ENV, ""),
        metavar="MOMENT",
        help=(
            "run every test as if it were this moment, e.g. 2026-12-01, 2027-03-28T00:30 or "
            "2026-10-25T01:30+00:00 (wall-clock Europe/London unless an offset is given; "
            f"a date alone is 09:00). Default: ${clock.ENV}."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("--today")
    if not value and (moment := clock.clear_of_midnight(datetime.now(UTC))):
        # Decided once, here: pytest-xdist's workers read the moment from the environment set
        # below (the --today default), since they start after this and inherit it.
        value = config.option.today = moment.isoformat()
        config.stash[NEAR_MIDNIGHT] = True
    if not value:
        return
    from django.conf import settings

    if clock.LOCAL.key != settings.TIME_ZONE:
        raise pytest.UsageError(f"e2e/clock.py reads times in {clock.LOCAL.key}: update it")
    try:
        config.stash[TRAVEL] = clock.start_travel(value)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    # Processes the tests start (the browser tests' servers) move their clocks the same way.
    os.environ[clock.ENV] = value


def pytest_unconfigure(config: pytest.Config) -> None:
    if (traveller := config.stash.get(TRAVEL, None)) is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    if not config.getoption("--today"):
        return None
    from django.utils import timezone

    why = (
        "too near midnight to finish the day"
        if config.stash.get(NEAR_MIDNIGHT, False)
        else "--today"
    )
    return f"clock moved to {timezone.localtime():%A %d %B %Y %H:%M %Z} ({why})"


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _database_pools_closed_before_teardown(django_db_setup, django_db_blocker):
    """PostgreSQL's test databases can only be dropped once no pooled connection holds them."""
    yield
    from django.db import connections
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLConnection

    with django_db_blocker.unblock():
        for connection in connections.all():
            if not isinstance(connection, PostgreSQLConnection):
                continue
            if not connection.settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
                # No test of this run needed the database, so none was made (and the one
                # DATABASE_URL names may not exist): nothing to let go of.
                continue
            # Threads some tests start (workers, sockets) may still hold a connection of
            # their own; the database cannot be dropped while any does.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connection.close()
            connection.close_pool()


@pytest.fixture(autouse=True)
def _site_language_active():
    """Each test starts in the site's language. A request through the test client activates
    the reader's language on the test's own thread and nothing turns it back, so a Welsh
    page in one test would otherwise make the next test's command or service speak Welsh."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_channel_layer(request, settings):
    """Each test gets its own in-memory layer, so no message leaks between tests.

    Tests marked ``redis`` keep the configured layer: they are about Redis.
    """
    if request.node.get_closest_marker("redis") is None:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so a look at a record written down in one test
    (core.audit.record_read remembers it there) is never taken as written in the next.
    Nor is a note rendered for catching up in one test handed to a page in the next."""
    from django.core.cache import cache

    from frontend.live.notes import rendered_clear

    cache.clear()
    rendered_clear()


@dataclass
class Personas:
    team: Team
    other_team: Team
    person: Person  # supported by `team`; everyone below is defined relative to them
    neighbour: Person  # also supported by `team`, with a circle of their own
    carer: User
    other_carer: User  # a carer in another team
    family: User  # in the person's circle
    professional: User  # a district nurse in the person's circle
    person_user: User  # the person themself
    outsider: User  # signed in, connected to nobody
    family_place: CircleMember
    professional_place: CircleMember

    def all_users(self) -> dict[str, User]:
        return {
            "carer": self.carer,
            "other_carer": self.other_carer,
            "family": self.family,
            "professional": self.professional,
            "person_user": self.person_user,
            "outsider": self.outsider,
        }


@pytest.fixture
def within_one_read_period():
    """A test that counts the queries of a second look, all inside one AUDIT_READ_PERIOD.

    A look is written down once a period: a count that straddled a period's end (on the
    quarter hour) counted one write more, and went red only at those moments. The clock is
    moved to just after the next period starts, and runs on from there.
    """
    from datetime import timedelta

    from django.conf import settings

    from core.audit import read_period_start

    start = read_period_start(datetime.now(UTC)) + settings.AUDIT_READ_PERIOD
    with time_machine.travel(start + timedelta(seconds=1), tick=True):
        yield


@pytest.fixture
def personas(db) -> Personas:
    team = TeamFactory.create(name="Riverside neighbourhood team")
    other_team = TeamFactory.create(name="Hilltop neighbourhood team")
    carer = UserFactory.create(email="angela@example.org", display_name="Angela Carer")
    MembershipFactory.create(team=team, user=carer)
    other_carer = UserFactory.create(email="omar@example.org", display_name="Omar Othercarer")
    MembershipFactory.create(team=other_team, user=other_carer)
    person_user = UserFactory.create(email="jean@example.org", display_name="Jean Person")
    person = PersonFactory.create(
        team=team,
        full_name="Jean Margaret Person",
        preferred_name="Jean",
        user=person_user,
        coordinator=carer,
    )
    neighbour = PersonFactory.create(team=team, full_name="Neville Neighbour")
    family = UserFactory.create(email="sarah@example.org", display_name="Sarah Daughter")
    family_place = CircleMemberFactory.create(person=person, user=family, relationship="daughter")
    professional = UserFactory.create(email="nina@example.org", display_name="Nina Nurse")
    professional_place = CircleMemberFactory.create(
        person=person,
        user=professional,
        kind=CircleMember.Kind.PROFESSIONAL,
        relationship="district nurse",
    )
    CircleMemberFactory.create(person=neighbour, relationship="son")
    PersonFactory.create(team=other_team, full_name="Olive Otherteam")
    outsider = UserFactory.create(email="olly@example.org", display_name="Olly Outsider")
    return Personas(
        team=team,
        other_team=other_team,
        person=person,
        neighbour=neighbour,
        carer=carer,
        other_carer=other_carer,
        family=family,
        professional=professional,
        person_user=person_user,
        outsider=outsider,
        family_place=family_place,
        professional_place=professional_place,
    )


# --- Services: what CI checks before trusting a green run ----------------------------------
# CI runs the suite embedded and then on PostgreSQL and Redis. A service missing from that
# second pass must fail the run at once, never turn its tests into quiet skips.

CI_REDIS_URL = "redis://127.0.0.1:6379/0"
_redis_problems: dict[str, str] = {}  # url -> why it did not answer ("" when it did)


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def _database_problem() -> str:
    """Why the database DATABASE_URL names cannot be reached, or "" when it can."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return ""  # a file database: nothing to reach
    import psycopg

    try:
        with psycopg.connect(
            dbname=database["NAME"],
            user=database["USER"],
            password=database["PASSWORD"],
            host=database["HOST"],
            port=database["PORT"] or None,
            connect_timeout=5,
        ) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip() or type(exc).__name__
    return ""


def _redis_problem(url: str) -> str:
    """Why the Redis at url does not answer PING, or "" when it does."""
    if url not in _redis_problems:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            _redis_problems[url] = "" if client.ping() else "PING was not answered"
        except redis.RedisError as exc:
            _redis_problems[url] = str(exc) or type(exc).__name__
        finally:
            client.close()
    return _redis_problems[url]


def _redis_url_for_tests() -> str:
    from django.conf import settings

    return settings.REDIS_URL or (CI_REDIS_URL if IN_CI else "")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not IN_CI:
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and (problem := _database_problem()):
        problems.append(f"DATABASE_URL {_without_password(database_url)} cannot be used: {problem}")
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url and (problem := _redis_problem(redis_url)):
        problems.append(f"REDIS_URL {_without_password(redis_url)} does not answer PING: {problem}")
    if problems:
        pytest.exit("CI needs its services running.\n" + "\n".join(problems), returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    if not postgres_only:
        return
    items[:] = [item for item in items if not item.get_closest_marker("postgres")]
    config.hook.pytest_deselected(items=postgres_only)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        count = len(postgres_only)
        reporter.write_line(
            f"{count} test{'s' if count != 1 else ''} marked postgres deselected: "
            "they run in the PostgreSQL pass (DATABASE_URL=postgres://...)."
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("redis") is None:
        return
    url = _redis_url_for_tests()
    if not url:
        pytest.skip("needs Redis: set REDIS_URL to run it")
    if problem := _redis_problem(url):
        message = f"Redis at {_without_password(url)} does not answer: {problem}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture
def redis_url(request: pytest.FixtureRequest) -> str:
    """The Redis a test marked `redis` talks to (already checked to answer)."""
    if request.node.get_closest_marker("redis") is None:
        pytest.fail("a test using redis_url must be marked @pytest.mark.redis", pytrace=False)
    return _redis_url_for_tests()
