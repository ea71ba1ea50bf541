"""The tests' own clock: a session started near midnight runs on the next day's clock."""

from datetime import UTC, datetime

import pytest

from e2e import clock


@pytest.mark.parametrize(
    ("now", "moved_to"),
    [
        # Winter: London is on UTC.
        ("2026-12-02T23:58:53+00:00", "2026-12-03T00:05+00:00"),
        ("2026-12-02T22:30:00+00:00", "2026-12-03T00:05+00:00"),
        ("2026-12-02T22:29:59+00:00", None),
        ("2026-12-03T00:00:00+00:00", None),
        ("2026-12-03T05:45:00+00:00", None),
        # Summer: 23:00 UTC is already midnight in London, and 21:45 UTC is 22:45 there.
        ("2026-07-01T21:45:00+00:00", "2026-07-02T00:05+01:00"),
        ("2026-07-01T23:00:00+00:00", None),
        # The evening before the clocks go back (02:00 BST becomes 01:00 GMT that night).
        ("2026-10-24T22:00:00+00:00", "2026-10-25T00:05+01:00"),
    ],
)
def test_a_session_too_near_midnight_runs_from_just_after_it(now, moved_to):
    moment = clock.clear_of_midnight(datetime.fromisoformat(now))
    if moved_to is None:
        assert moment is None
    else:
        assert moment == datetime.fromisoformat(moved_to)
        assert moment.astimezone(clock.LOCAL).strftime("%H:%M") == "00:05"


def test_the_moment_it_moves_to_reads_back_as_the_same_moment():
    moment = clock.clear_of_midnight(datetime(2026, 12, 2, 23, 59, tzinfo=UTC))
    assert moment is not None
    assert clock.parse_today(moment.isoformat()) == moment
