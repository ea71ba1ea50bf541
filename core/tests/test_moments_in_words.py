"""When a note, reply or handover was written, in words people read without decoding them:
"Wednesday 2 December, 7am", not "2 Dec, 07:00"; in Welsh "Dydd Mercher 2 Rhagfyr, 7 y bore"."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from core.dates import moment_in_words

TODAY = dt.date(2026, 12, 2)
UTC = dt.UTC


@pytest.mark.parametrize(
    ("moment", "english", "welsh"),
    [
        (
            dt.datetime(2026, 12, 2, 7, 0, tzinfo=UTC),
            "Wednesday 2 December, 7am",
            "Dydd Mercher 2 Rhagfyr, 7 y bore",
        ),
        (
            dt.datetime(2026, 12, 1, 14, 30, tzinfo=UTC),
            "Tuesday 1 December, 2.30pm",
            "Dydd Mawrth 1 Rhagfyr, 2.30 y prynhawn",
        ),
        (
            dt.datetime(2026, 11, 30, 19, 5, tzinfo=UTC),
            "Monday 30 November, 7.05pm",
            "Dydd Llun 30 Tachwedd, 7.05 yr hwyr",
        ),
        (
            dt.datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
            "Wednesday 2 December, 12pm",
            "Dydd Mercher 2 Rhagfyr, 12 y prynhawn",
        ),
        (
            dt.datetime(2026, 12, 2, 0, 0, tzinfo=UTC),
            "Wednesday 2 December, 12am",
            "Dydd Mercher 2 Rhagfyr, 12 y bore",
        ),
        # British Summer Time: 07:00 UTC is 8 in the morning in London.
        (
            dt.datetime(2026, 6, 17, 7, 0, tzinfo=UTC),
            "Wednesday 17 June, 8am",
            "Dydd Mercher 17 Mehefin, 8 y bore",
        ),
        # Another year says the year, not the weekday.
        (
            dt.datetime(2025, 12, 24, 18, 0, tzinfo=UTC),
            "24 December 2025, 6pm",
            "24 Rhagfyr 2025, 6 yr hwyr",
        ),
    ],
)
def test_a_moment_in_words_in_both_languages(moment, english, welsh):
    with translation.override("en-gb"):
        assert moment_in_words(moment, today=TODAY) == english
    with translation.override("cy"):
        assert moment_in_words(moment, today=TODAY) == welsh


def test_the_template_filter_says_the_same_and_nothing_for_no_moment(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False)
    template = Template("{% load kith %}[{{ at|written_when }}][{{ missing|written_when }}]")
    at = dt.datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    with translation.override("en-gb"):
        assert template.render(Context({"at": at})) == "[Wednesday 2 December, 7am][]"
