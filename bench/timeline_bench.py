"""How long one page of a long timeline takes on the server, first, middle and last.

    python bench/timeline_bench.py

It builds a throwaway SQLite database in a temporary folder (migrate, collectstatic, the demo
neighbourhood),
gives Jean 5,000 notes (bulk_create: every kind and audience, some replies, reactions and goals),
then times, as Angela (her carer, who sees every note):
- families.timeline.timeline_page(access, limit=20) for the first page, a middle page (by
  cursor) and the last page;
- the whole timeline page through django.test.Client, for the same three pages, and the
  htmx request scrolling down makes for the middle and last ones ("htmx more");
- a bare baseline in the same run: list(Note.objects.filter(person=jean)
  .order_by("-created_at")[:20]).
It prints p50 (and p95) over --runs runs each (default 50), the queries each page needs (they
must be the same whatever the page) and the ratio of each p50 to the baseline's. The target from
the issue is p50 at most 50 ms; the exit status is 1 when the query counts differ.

Options: --runs N, --notes N (default 5000).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import percentile, query_count, start_throwaway_django, timed

TARGET_MS = 50.0
PAGE = 20


def make_notes(count: int) -> tuple[int, int]:
    """Give Jean `count` notes in all; answer (Jean's id, Angela's id)."""
    from django.utils import timezone

    from core.models import User
    from families.models import Note, NoteOutcome, Outcome, Person, Reaction, Reply

    jean = Person.objects.get(preferred_name="Jean")
    angela = User.objects.get(email="angela@kith.example")
    sarah = User.objects.get(email="sarah@kith.example")
    outcome = Outcome.objects.create(
        person=jean, title="Walk to the shop with Angela", created_by=angela
    )
    kinds = [
        (Note.Kind.VISIT, Note.Audience.CIRCLE),
        (Note.Kind.MOMENT, Note.Audience.CIRCLE),
        (Note.Kind.VISIT, Note.Audience.TEAM),
        (Note.Kind.HANDOVER, Note.Audience.TEAM),
        (Note.Kind.CONCERN, Note.Audience.TEAM),
        (Note.Kind.FAMILY_UPDATE, Note.Audience.CIRCLE),
    ]
    now = timezone.now()
    missing = max(0, count - Note.objects.filter(person=jean).count())
    notes = []
    for number in range(missing):
        kind, audience = kinds[number % len(kinds)]
        notes.append(
            Note(
                person=jean,
                author=sarah if kind == Note.Kind.FAMILY_UPDATE else angela,
                kind=kind,
                audience=audience,
                body=f"Note {number}: Jean had her tea in the garden and talked about Ken. " * 3,
                wellbeing=number % 5 + 1,
                # Three a day, going back about four and a half years.
                created_at=now - timedelta(hours=8 * (number + 1)),
            )
        )
    Note.objects.bulk_create(notes, batch_size=500)
    saved = list(Note.objects.filter(person=jean).order_by("-created_at", "-id"))
    # Concerns get handled: only the three newest still wait for the team.
    concerns = [n.pk for n in saved if n.kind == Note.Kind.CONCERN]
    Note.objects.filter(pk__in=concerns[3:]).update(
        handled_at=now, handled_by=angela, handled_note="Rang the GP; all sorted."
    )
    Reply.objects.bulk_create(
        Reply(note=n, author=sarah, body="Thank you for telling me.") for n in saved[::7]
    )
    # Some of the demo's own notes already have Sarah's heart: those stay as they are.
    Reaction.objects.bulk_create(
        (Reaction(note=n, user=sarah, kind=Reaction.Kind.HEART) for n in saved[::5]),
        ignore_conflicts=True,
    )
    NoteOutcome.objects.bulk_create(NoteOutcome(note=n, outcome=outcome) for n in saved[::11])
    return jean.pk, angela.pk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, choices=range(5, 1001), metavar="N")
    parser.add_argument("--notes", type=int, default=5000, choices=range(100, 50001), metavar="N")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kith-timeline-") as folder:
        start_throwaway_django(folder)
        from django.core.management import call_command
        from django.test import Client

        from core.models import User
        from families.access import person_access_or_404
        from families.models import Note
        from families.timeline import encode_cursor, timeline_page, visible_notes

        print("Preparing a database with the demo neighbourhood…", flush=True)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
        call_command("seed_demo", stdout=io.StringIO())
        person_id, angela_id = make_notes(options.notes)
        angela = User.objects.get(pk=angela_id)
        access = person_access_or_404(angela, person_id)
        ordered = list(visible_notes(access).order_by("-created_at", "-id"))
        total = len(ordered)
        cursors = {
            "first": None,
            "middle": encode_cursor(ordered[total // 2 - 1]),
            "last": encode_cursor(ordered[total - PAGE - 1]),
        }
        print(
            f"Jean has {Note.objects.filter(person_id=person_id).count():,} notes; Angela sees "
            f"{total:,} of them. {options.runs} runs each, times in ms.\n"
        )

        # Not setup_test_environment(): its instrumented template rendering would add the
        # test client's bookkeeping to every partial and inflate the times.
        client = Client(HTTP_HOST="localhost")
        client.force_login(angela)
        url = f"/people/{person_id}/timeline/"

        def bare() -> object:
            return list(Note.objects.filter(person_id=person_id).order_by("-created_at")[:PAGE])

        def page_of(cursor: str | None) -> Callable[[], object]:
            return lambda: timeline_page(access, cursor=cursor, limit=PAGE)

        def view_of(cursor: str | None, **headers: Any) -> Callable[[], object]:
            def view() -> object:
                response = client.get(url, {"cursor": cursor} if cursor else {}, **headers)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return response

            return view

        # Each page shows what it should before it is timed.
        for name, cursor in cursors.items():
            shown = timeline_page(access, cursor=cursor, limit=PAGE)
            start = {"first": 0, "middle": total // 2, "last": total - PAGE}[name]
            expected = [n.pk for n in ordered[start : start + PAGE]]
            ends = (shown.next_cursor is None) == (name == "last")
            if [n.pk for n in shown.notes] != expected or not ends:
                raise SystemExit(f"the {name} page does not show the notes it should")

        bare_times = timed(bare, options.runs)
        base = statistics.median(bare_times)
        print(f"{'what':<28} {'p50':>7} {'p95':>7} {'queries':>8} {'x bare':>7}")
        print(
            f"{'bare: 20 notes, no more':<28} {base:>7.2f} {percentile(bare_times, 0.95):>7.2f} "
            f"{query_count(bare):>8} {1:>7.1f}"
        )

        def more_of(cursor: str | None) -> Callable[[], object]:
            return view_of(cursor, HTTP_HX_REQUEST="true")

        counts: dict[str, list[int]] = {"timeline_page": [], "full view": [], "htmx more": []}
        worst = 0.0
        for label, make in (
            ("timeline_page", page_of),
            ("full view", view_of),
            ("htmx more", more_of),  # what scrolling down asks for
        ):
            for name, cursor in cursors.items():
                if label == "htmx more" and cursor is None:
                    continue
                run = make(cursor)
                times = timed(run, options.runs)
                # Counted after the first visit, which also records when Angela last looked.
                queries = query_count(run)
                counts[label].append(queries)
                p50 = statistics.median(times)
                worst = max(worst, p50)
                p95 = percentile(times, 0.95)
                print(
                    f"{label + ', ' + name + ' page':<28} {p50:>7.2f} {p95:>7.2f} "
                    f"{queries:>8} {p50 / base:>7.1f}"
                )
        print()
        same = all(len(set(found)) == 1 for found in counts.values())
        print(f"Queries the same on every page: {'yes' if same else 'NO'} {counts}")
        verdict = "met" if worst <= TARGET_MS else "missed"
        print(f"Slowest p50: {worst:.1f} ms (target: at most {TARGET_MS:.0f} ms, {verdict}).")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
