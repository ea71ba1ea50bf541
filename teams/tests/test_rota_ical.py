"""The calendar feed, read back with the icalendar library as a phone's calendar would."""

import datetime as dt
from types import SimpleNamespace

import icalendar
from hypothesis import given
from hypothesis import strategies as st

from teams.rota.ical import calendar_text

NOW = dt.datetime(2027, 1, 1, 8, 30, tzinfo=dt.UTC)


def _visit(pk: int = 7, *, day=dt.date(2027, 3, 22), purpose="Tea and a chat", label="morning"):
    # Only what the feed reads from a visit; no database needed for the format itself.
    return SimpleNamespace(
        pk=pk,
        date=day,
        window_label=label,
        window_start=dt.time(9),
        window_end=dt.time(11),
        exact_time=None,
        minutes=60,
        person=SimpleNamespace(name="Jean Smith"),
        purpose=purpose,
    )


def test_the_feed_parses_back_to_the_same_visits():
    body = calendar_text(
        [_visit(7), _visit(8, day=dt.date(2027, 4, 5), label="")], now=NOW, host="kith.example"
    )
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Kith//Rota//EN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "My visits"
    first, second = calendar.walk("VEVENT")
    assert first["UID"] == "visit-7@kith.example"
    assert first["SUMMARY"] == "Visit to Jean Smith (morning)"
    assert first["DESCRIPTION"] == "Tea and a chat"
    assert first.decoded("DTSTAMP") == NOW
    # In UTC: 9 o'clock GMT in March, 9 o'clock BST (8 UTC) in April.
    assert first.decoded("DTSTART") == dt.datetime(2027, 3, 22, 9, tzinfo=dt.UTC)
    assert first.decoded("DTEND") == dt.datetime(2027, 3, 22, 10, tzinfo=dt.UTC)
    assert second.decoded("DTSTART") == dt.datetime(2027, 4, 5, 8, tzinfo=dt.UTC)
    assert second["SUMMARY"] == "Visit to Jean Smith (09:00)"


def test_text_is_escaped_and_lines_end_in_crlf():
    body = calendar_text([_visit(purpose="Tea, toast; and\\jam\nthen a walk")], now=NOW, host="k")
    assert "DESCRIPTION:Tea\\, toast\\; and\\\\jam\\nthen a walk\r\n" in body
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")


def test_an_empty_feed_is_still_a_calendar():
    calendar = icalendar.Calendar.from_ical(calendar_text([], now=NOW, host="k"))
    assert calendar.walk("VEVENT") == []


@given(st.text(min_size=1, max_size=400).filter(lambda s: "\r" not in s and s.strip() == s))
def test_long_words_fold_within_75_octets_and_read_back_whole(text):
    body = calendar_text([_visit(purpose=text)], now=NOW, host="k")
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == text
