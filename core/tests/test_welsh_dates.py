"""Days, times in words and plurals read right in Welsh, not only in English."""

import datetime as dt

import pytest
from django.utils import translation

from core.dates import day_in_words
from teams.models import Visit
from teams.rota import selectors

WEDNESDAY = dt.date(2026, 12, 2)


def _visit(personas, day, start, end, carer=True):
    return Visit(
        team=personas.team,
        person=personas.person,
        date=day,
        window_start=dt.time(start),
        window_end=dt.time(end),
        minutes=60,
        carer=personas.carer if carer else None,
    )


def test_a_day_in_words_in_both_languages():
    with translation.override("en-gb"):
        assert day_in_words(dt.date(2026, 11, 24)) == "Tuesday 24 November"
    with translation.override("cy"):
        assert day_in_words(WEDNESDAY) == "dydd Mercher 2 Rhagfyr"
        assert day_in_words(dt.date(2027, 1, 3)) == "dydd Sul 3 Ionawr"


@pytest.mark.parametrize(
    ("days", "start", "end", "words"),
    [
        (1, 8, 10, "Mae Angela yn dod bore fory, rhwng 8 a 10."),
        (0, 9, 11, "Mae Angela yn dod y bore 'ma, rhwng 9 ac 11."),
        (0, 14, 16, "Mae Angela yn dod y prynhawn 'ma, rhwng 2 a 4."),
        (1, 18, 20, "Mae Angela yn dod nos fory, rhwng 6 ac 8."),
        (2, 9, 10, "Mae Angela yn dod fore dydd Gwener, rhwng 9 a 10."),
    ],
)
def test_whos_coming_in_welsh(personas, days, start, end, words):
    visit = _visit(personas, WEDNESDAY + dt.timedelta(days=days), start, end)
    with translation.override("cy"):
        assert selectors.coming_sentence(visit, WEDNESDAY) == words


def test_someone_from_the_team_in_welsh(personas):
    visit = _visit(personas, WEDNESDAY, 9, 11, carer=False)
    with translation.override("cy"):
        assert selectors.coming_sentence(visit, WEDNESDAY) == (
            "Mae rhywun o'r tîm yn dod y bore 'ma, rhwng 9 ac 11."
        )


def test_welsh_has_six_plural_forms_chosen_by_number():
    """zero, one, two, three, six, and every other number: n = 0, 1, 2, 3, 6, 7."""
    from django.utils.translation import trans_real

    # The merged catalogue is private to Django's translation machinery.
    catalog = trans_real.translation("cy")._catalog  # type: ignore[attr-defined]
    # Kith's own catalogue keeps its own formula beside Django's four-form one.
    sixth = ("%(who)s is coming %(when)s, %(times)s.", 5)
    assert any(c.get(sixth) for c in catalog._catalogs), "Kith's Welsh has six plural forms"
    plural = next(p for p in catalog._plurals if p(6) == 4)
    assert [plural(n) for n in (0, 1, 2, 3, 6, 7)] == [0, 1, 2, 3, 4, 5]
