"""What the rota costs on the server: the team's week grid, and expanding a year of patterns.

    python bench/rota_bench.py

It builds a throwaway SQLite database in a temporary folder (KITH_VAR_DIR; migrate,
collectstatic), a team of 12 carers supporting 40 people, and four weeks of rota with
realistic continuity around today (teams.rota.demo.build_demo_rota: about 170 visits a week).
Then:

(a) the team's week (people by days, 7 days) rendered through django.test.Client, signed in as
    one of the carers: p50/p95 over --runs runs (default 30) and the queries it needs, for this
    week and next (the count must be the same). The bare baseline, in the same run and through
    the same client and middleware: a page that renders the same 40 x 7 cells from a plain list,
    with no queries of its own (only the middleware's: session, user). The list of everyone
    the team supports (/people/) is shown too. Target: p50 at most 100 ms.
(b) expanding 52 weeks of patterns for 40 people, 3 visits a week each (Monday, Wednesday and
    Friday), with the real service (teams.rota.services.pattern_create with weeks_ahead=52: it
    checks, expands with dateutil's rrule, saves the visits, records the change and tells open
    pages), each run on 40 new people; wall time over --expand-runs runs (default 3). The bare
    baseline: dateutil's rrule expanding the same dates for 40 patterns, with no database.
    Target: at most 2 s.

It prints the figures and the ratio of each to its baseline; the exit status is 1 when a target
is missed or the grid's query count changes from one week to the next.

Options: --runs N, --expand-runs N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import percentile, query_count, start_throwaway_django, timed

if TYPE_CHECKING:  # Django is set up inside main(), on a throwaway database
    from django.http import HttpRequest, HttpResponse
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from core.models import User
    from families.models import Person
    from teams.models import Team
    from teams.rota.selectors import WeekGrid

CARERS = 12
PEOPLE = 40
WEEKS = 52
GRID_TARGET_MS = 100.0
EXPAND_TARGET_S = 2.0
PASSWORD = "bench-only-password"  # noqa: S105 (a throwaway database)


# The bare grid page: the same cells, from a plain list ------------------------------------------

BARE_GRID = """<!doctype html><html lang="en"><head><title>Bare grid</title></head><body><main>
<table><thead><tr><th>Person</th>{% for day in days %}<th>{{ day|date:"D j" }}</th>{% endfor %}
</tr></thead><tbody>{% for row in rows %}<tr><th scope="row"><a href="/people/{{ row.pk }}/">
{{ row.name }}</a> <span>{{ row.seen }} carers in 4 weeks</span></th>
{% for cell in row.cells %}<td>{% for visit in cell %}<a href="/rota/visits/{{ visit.pk }}/">
<span>{{ visit.start|time:"H:i" }}\u2013{{ visit.end|time:"H:i" }}</span> <span>{{ visit.carer }}
</span></a>{% endfor %}</td>{% endfor %}</tr>{% endfor %}</tbody></table></main></body></html>"""


def _bare_urlconf(rows: list[dict], days: list[dt.date]) -> str:
    """A URL module with the bare grid page in front of Kith's own, made in memory."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.template import Context, Engine
    from django.urls import include, path

    template = Engine.get_default().from_string(BARE_GRID)

    def bare_grid(request: HttpRequest) -> HttpResponse:
        return HttpResponse(template.render(Context({"rows": rows, "days": days})))

    module = types.ModuleType("rota_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]  # a module made at run time
        path("bench/bare-grid/", bare_grid),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def _plain_rows(grid: WeekGrid) -> list[dict]:
    """The grid's content as plain Python values, read once before timing."""
    return [
        {
            "pk": row.person.pk,
            "name": row.person.name,
            "seen": len(row.carers_seen),
            "cells": [
                [
                    {
                        "pk": v.pk,
                        "start": v.window_start,
                        "end": v.window_end,
                        "carer": v.carer.get_short_name() if v.carer else "Open",
                    }
                    for v in visits
                ]
                for _, visits in row.cells
            ],
        }
        for row in grid.rows
    ]


# Building the team ------------------------------------------------------------------------------


def _build_team(name: str, carers: list[User]) -> Team:
    from teams import services as team_services

    team = team_services.team_create(name=name, area="Bench", founder=carers[0])
    for carer in carers:
        team_services.membership_add(team=team, user=carer)
    return team


def _people(team: Team, actor: User, count: int, prefix: str) -> list[Person]:
    from families import services as family_services

    return [
        family_services.person_create(
            actor=actor,
            team_id=team.pk,
            full_name=f"{prefix} Person {n:02d}",
            preferred_name=f"{prefix} {n:02d}",
        )
        for n in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, choices=range(5, 1001), metavar="N")
    parser.add_argument("--expand-runs", type=int, default=3, choices=range(1, 21), metavar="N")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kith-rota-") as folder:
        start_throwaway_django(folder)
        logging.getLogger("axes").setLevel(logging.WARNING)  # each sign-in would be logged
        from dateutil.rrule import FR, MO, WE, WEEKLY, rrule
        from django.conf import settings
        from django.contrib.auth.hashers import make_password
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from core.models import User
        from teams.models import Visit
        from teams.rota import selectors, services
        from teams.rota.clock import local_today, week_start
        from teams.rota.demo import build_demo_rota

        print("Preparing a database: 12 carers, 40 people, four weeks of rota…", flush=True)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
        password = make_password(PASSWORD)
        carers = [
            User.objects.create(
                email=f"carer{n:02d}@bench.example",
                display_name=f"Carer {n:02d}",
                password=password,
            )
            for n in range(CARERS)
        ]
        team = _build_team("Bench Neighbourhood Team", carers)
        people = _people(team, carers[0], PEOPLE, "Grid")
        today = local_today()
        this_week = week_start(today)
        built = build_demo_rota(team, people, carers, today)
        in_week = Visit.objects.filter(
            team=team, date__gte=this_week, date__lt=this_week + dt.timedelta(days=7)
        ).count()
        print(
            f"{built.visits} visits over four weeks, {in_week} this week. "
            f"{options.runs} runs each, times in ms.\n",
            flush=True,
        )

        # (a) The team's week ------------------------------------------------------------------
        grid = selectors.team_week(team, start=this_week, today=today)
        days = grid.days
        settings.ROOT_URLCONF = _bare_urlconf(_plain_rows(grid), days)
        # Not setup_test_environment(): its instrumented template rendering would add the
        # test client's bookkeeping to every include and inflate the times.
        client = Client(HTTP_HOST="localhost")
        client.force_login(carers[0])

        def get(url: str, expect: str) -> Callable[[], object]:
            def view() -> Response:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return response

            body = view().content.decode()
            if expect not in body:
                raise SystemExit(f"{url} does not show {expect!r}")
            return view

        grid_url = f"/teams/{team.pk}/rota/"
        week_of = get(f"{grid_url}?week={this_week.isoformat()}", "Grid 39")
        next_week = this_week + dt.timedelta(days=7)
        week_after = get(f"{grid_url}?week={next_week.isoformat()}", "Grid 39")
        bare = get("/bench/bare-grid/", "Grid 39")
        # A carer's home is her Today; everyone the team supports is a page of its own.
        people_list = get(reverse("people_directory"), "Grid 39")

        rows = [
            ("bare: 40 x 7 cells, a list", bare),
            ("everyone the team supports", people_list),
            ("team's week, this week", week_of),
            ("team's week, next week", week_after),
        ]
        results = {}
        for label, view in rows:
            times = timed(view, options.runs)
            results[label] = (statistics.median(times), percentile(times, 0.95), query_count(view))
        base = results[rows[0][0]][0]
        print(f"{'(a) page':<30} {'p50':>7} {'p95':>7} {'queries':>8} {'x bare':>7}")
        for label, (p50, p95, count) in results.items():
            print(f"{label:<30} {p50:>7.2f} {p95:>7.2f} {count:>8} {p50 / base:>7.1f}")
        grid_p50 = results["team's week, this week"][0]
        grid_queries = {results[label][2] for label in results if label.startswith("team's")}
        same_queries = len(grid_queries) == 1
        print(
            f"target: p50 at most {GRID_TARGET_MS:.0f} ms: "
            f"{'met' if grid_p50 <= GRID_TARGET_MS else 'MISSED'} ({grid_p50:.1f} ms); "
            f"queries the same every week: {'yes' if same_queries else 'NO'}\n"
        )

        # (b) Expanding 52 weeks of patterns ---------------------------------------------------
        expand_team = _build_team("Bench Expansion Team", carers)
        starts_on = today + dt.timedelta(days=1)
        until = starts_on + dt.timedelta(weeks=WEEKS)

        def bare_expansion() -> int:
            return sum(
                len(
                    [
                        moment.date()
                        for moment in rrule(
                            WEEKLY,
                            byweekday=(MO, WE, FR),
                            dtstart=dt.datetime.combine(starts_on, dt.time()),
                            until=dt.datetime.combine(until, dt.time.max),
                        )
                    ]
                )
                for _ in range(PEOPLE)
            )

        bare_dates = bare_expansion()
        bare_times = [t / 1000 for t in timed(bare_expansion, max(5, options.expand_runs))]

        expand_times: list[float] = []
        made: list[int] = []
        queries: list[int] = []
        for run in range(options.expand_runs):
            new_people = _people(expand_team, carers[0], PEOPLE, f"Year{run}")
            before = Visit.objects.count()

            def expand(new_people: list[Person] = new_people) -> None:
                for n, person in enumerate(new_people):
                    services.pattern_create(
                        actor=carers[n % CARERS],
                        person_id=person.pk,
                        rule=services.weekly_rule([0, 2, 4]),
                        starts_on=starts_on,
                        window_label="morning",
                        window_start=dt.time(9),
                        window_end=dt.time(11),
                        minutes=45,
                        purpose="Breakfast, my tablets and a chat.",
                        carer_id=carers[n % CARERS].pk,
                        weeks_ahead=WEEKS,
                    )

            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                expand()
                expand_times.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
            made.append(Visit.objects.count() - before)

        if any(count != bare_dates for count in made):
            print(f"the service made {made} visits where rrule gives {bare_dates}")
            return 1
        expand_s = statistics.median(expand_times)
        bare_s = statistics.median(bare_times)
        print(
            f"{'(b) 52 weeks, 40 people':<30} {'median s':>9} {'max s':>7} {'visits':>7} "
            f"{'queries':>8} {'x bare':>7}"
        )
        print(
            f"{'bare: rrule dates, no database':<30} {bare_s:>9.3f} {max(bare_times):>7.3f} "
            f"{bare_dates:>7} {0:>8} {1:>7.1f}"
        )
        print(
            f"{'pattern_create x 40':<30} {expand_s:>9.3f} {max(expand_times):>7.3f} "
            f"{made[0]:>7} {statistics.median(queries):>8.0f} {expand_s / bare_s:>7.1f}"
        )
        print(
            f"target: at most {EXPAND_TARGET_S:.0f} s: "
            f"{'met' if max(expand_times) <= EXPAND_TARGET_S else 'MISSED'} "
            f"(slowest of {options.expand_runs} runs {max(expand_times):.2f} s)"
        )
        ok = grid_p50 <= GRID_TARGET_MS and same_queries and max(expand_times) <= EXPAND_TARGET_S
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
