"""The few iCalendar lines we write ourselves: escaping, folding, line ends."""

from hypothesis import given
from hypothesis import strategies as st

from teams.rota.ical import escape_text, fold


def test_text_is_escaped():
    assert escape_text("Tea, toast; and\\jam\nthen a walk") == (
        "Tea\\, toast\\; and\\\\jam\\nthen a walk"
    )
    assert escape_text("a\r\nb\rc") == "a\\nb\\nc"


def test_short_lines_are_left_alone():
    assert fold("SUMMARY:Visit") == "SUMMARY:Visit"


@given(st.text(min_size=0, max_size=400).filter(lambda s: "\r" not in s and "\n" not in s))
def test_folded_lines_are_at_most_75_octets_and_unfold_to_the_original(text):
    line = "DESCRIPTION:" + text
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line
