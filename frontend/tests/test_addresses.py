"""address() gives exactly what reverse() gives, for every route a note's card names, and
leaves to reverse() anything that is not a route of plain ids."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, path, register_converter, reverse, set_script_prefix
from django.urls.base import clear_script_prefix

from core.ids import ID_MAX
from frontend.addresses import address

CARD_ROUTES = [
    ("note_detail", 1),
    ("note_photo_view", 1),
    ("note_photo", 1),
    ("outcome_detail", 1),
    ("note_react", 1),
    ("note_reply", 1),
    ("api:reply_create", 2),
    ("user_photo", 1),
    ("person_photo", 1),
    ("circle_photo", 1),
]


@pytest.mark.parametrize(("name", "count"), CARD_ROUTES)
@pytest.mark.parametrize("number", [1, 7, 42, 1000, 987_654_321, ID_MAX])
def test_the_same_address_as_reverse(name, count, number):
    ids = (
        tuple(number + offset for offset in range(count)) if number < ID_MAX else (number,) * count
    )
    assert address(name, *ids) == reverse(name, args=ids)


def test_under_a_script_prefix_too():
    set_script_prefix("/kith/")
    try:
        assert address("note_detail", 5) == "/kith/notes/5/" == reverse("note_detail", args=[5])
    finally:
        clear_script_prefix()
    assert address("note_detail", 5) == reverse("note_detail", args=[5])


@pytest.mark.parametrize("odd", [0, -3, ID_MAX + 1])
def test_what_is_no_id_is_answered_as_reverse_answers_it(odd):
    try:
        expected: str | type[NoReverseMatch] = reverse("note_detail", args=[odd])
    except NoReverseMatch:
        expected = NoReverseMatch
    try:
        got: str | type[NoReverseMatch] = address("note_detail", odd)
    except NoReverseMatch:
        got = NoReverseMatch
    assert got == expected


def test_other_arguments_go_to_reverse():
    assert address("invitation", "a-token") == reverse("invitation", args=["a-token"])
    assert address("note_detail", "12") == reverse("note_detail", args=["12"])


class PaddedConverter:
    regex = "[0-9]{6}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):06d}"


register_converter(PaddedConverter, "padded")
urlpatterns = [
    path("padded/<padded:number>/", lambda request, number: HttpResponse(), name="padded")
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_route_that_rewrites_its_numbers_is_left_to_reverse():
    assert address("padded", 7) == "/padded/000007/" == reverse("padded", args=[7])


moved = [
    path("elsewhere/<id:note_id>/", lambda request, note_id: HttpResponse(), name="note_detail")
]


def test_routes_swapped_by_a_test_are_followed():
    import sys
    import types

    assert address("note_detail", 5) == "/notes/5/"

    module = types.ModuleType(f"{__name__}_moved")
    module.urlpatterns = moved  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        with override_settings(ROOT_URLCONF=module.__name__):
            assert address("note_detail", 5) == "/elsewhere/5/" == reverse("note_detail", args=[5])
    finally:
        del sys.modules[module.__name__]
    assert address("note_detail", 5) == "/notes/5/"
