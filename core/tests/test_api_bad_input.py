"""Bad input, whatever the route: every id, date and text the API takes, read from its schema.

Each test walks the OpenAPI schema, so a route or field added later is covered without being
named here. The promise: a huge id is "not found", a day out of bounds or half a character is
422 naming the field, a body too big is 413, and none of them is ever a 500.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.api import api
from core.dates import EARLIEST, LATEST
from core.ids import ID_MAX

EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HUGE_IDS = st.one_of(
    st.just(ID_MAX + 1), st.just(2**64), st.integers(min_value=ID_MAX + 1, max_value=10**40)
)
BAD_DAYS = st.one_of(
    st.sampled_from([dt.date(9999, 12, 31), dt.date(1, 1, 1)]),
    st.dates(max_value=EARLIEST - dt.timedelta(days=1)),
    st.dates(min_value=LATEST + dt.timedelta(days=1)),
)
# Half of a UTF-16 pair, alone or among ordinary words.
SURROGATES = st.builds(
    lambda before, half, after: before + half + after,
    st.text(max_size=5),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=5),
)

SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (path, method.upper(), operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _kinds(node: dict) -> set[str]:
    """The plain kinds a property may take: "string", "integer", "date", "array:integer"…"""
    node = _resolve(node)
    if "anyOf" in node:
        return set().union(*(_kinds(option) for option in node["anyOf"]))
    kind = node.get("type", "")
    if kind == "string" and node.get("format") == "date":
        return {"date"}
    if kind == "array":
        return {f"array:{k}" for k in _kinds(node.get("items", {}))}
    if kind == "object":
        return {"object"}
    return {kind}


def _body_fields(node: dict, prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    node = _resolve(node)
    for name, prop in node.get("properties", {}).items():
        kinds = _kinds(prop)
        if "object" in kinds:
            yield from _body_fields(prop, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", kinds


def _json_body(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _fields(kinds: set[str]) -> list[tuple[str, str, str]]:
    """(path, method, field) for every body field of one of these kinds, in every route."""
    found = []
    for path, method, operation in OPERATIONS:
        body = _json_body(operation)
        if body is None:
            continue
        for field, field_kinds in _body_fields(body):
            if field_kinds & kinds:
                found.append((path, method, field))
    return found


def _query_parameters(kinds: set[str]) -> list[tuple[str, str, str]]:
    found = []
    for path, method, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and _kinds(parameter["schema"]) & kinds:
                found.append((path, method, parameter["name"]))
    return found


def _is_id(field: str) -> bool:
    return bool(re.search(r"(^|_)ids?$|^outcome$", field.rsplit(".", 1)[-1]))


def _url(path: str, personas, **overrides: int) -> str:
    known = {"person_id": personas.person.pk, "team_id": personas.team.pk, **overrides}
    return re.sub(r"\{(\w+)\}", lambda m: str(known.get(m.group(1), 1)), path)


def _nested(field: str, value: object) -> object:
    body: object = value
    for part in reversed(field.split(".")):
        body = {part: body}
    return body


@pytest.fixture
def carer(personas) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(personas.carer)
    return client


def _send(client: Client, method: str, url: str, body: object | None = None):
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def _names(fields: dict, field: str) -> bool:
    # A list's item is named with its place: "outcome_ids.0".
    return any(name == field or name.startswith(f"{field}.") for name in fields)


def _assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    return body


# Ids -----------------------------------------------------------------------------------------

PATH_IDS = [
    (path, method, name)
    for path, method, _operation in OPERATIONS
    for name in re.findall(r"\{(\w+_id)\}", path)
]
BODY_IDS = [(p, m, f) for p, m, f in _fields({"integer", "array:integer"}) if _is_id(f)]
QUERY_IDS = [(p, m, f) for p, m, f in _query_parameters({"integer"}) if _is_id(f)]


def test_the_schema_walk_finds_what_it_should():
    # A schema walk that found nothing would pass whatever the code did.
    assert len(PATH_IDS) >= 30
    assert {"person_id", "carer_ids", "outcome_ids", "to_user_id"} <= {f for *_, f in BODY_IDS}
    assert {f for *_, f in QUERY_IDS} == {"outcome"}
    assert len(TEXT_FIELDS) >= 20
    assert {"start"} <= {f for *_, f in QUERY_DAYS}
    assert {"date", "starts_on", "ends_on"} <= {f for *_, f in BODY_DAYS}


@pytest.mark.parametrize(("path", "method", "name"), PATH_IDS)
@EXAMPLES
@given(huge=HUGE_IDS)
def test_an_id_past_64_bits_in_any_address_is_not_found(carer, personas, path, method, name, huge):
    response = _send(carer, method, _url(path, personas, **{name: huge}), body={})
    assert _assert_error_shape(response, 404)["code"] == "not_found"


@pytest.mark.parametrize(("path", "method", "field"), BODY_IDS)
@EXAMPLES
@given(huge=HUGE_IDS)
def test_an_id_past_64_bits_in_any_body_names_its_field(carer, personas, path, method, field, huge):
    value = [huge] if field.endswith("_ids") else huge
    response = _send(carer, method, _url(path, personas), _nested(field, value))
    assert _names(_assert_error_shape(response, 422)["fields"], field)


@pytest.mark.parametrize(("path", "method", "field"), QUERY_IDS)
@EXAMPLES
@given(huge=HUGE_IDS)
def test_an_id_past_64_bits_in_any_query_names_its_field(
    carer, personas, path, method, field, huge
):
    response = _send(carer, method, f"{_url(path, personas)}?{field}={huge}")
    assert field in _assert_error_shape(response, 422)["fields"]


# Days ----------------------------------------------------------------------------------------

QUERY_DAYS = _query_parameters({"date"})
BODY_DAYS = _fields({"date"})


@pytest.mark.parametrize(("path", "method", "field"), QUERY_DAYS)
@EXAMPLES
@given(day=BAD_DAYS)
def test_a_day_out_of_bounds_in_any_query_names_its_field(
    carer, personas, path, method, field, day
):
    response = _send(carer, method, f"{_url(path, personas)}?{field}={day.isoformat()}")
    assert field in _assert_error_shape(response, 422)["fields"]


@pytest.mark.parametrize(("path", "method", "field"), BODY_DAYS)
@EXAMPLES
@given(day=BAD_DAYS)
def test_a_day_out_of_bounds_in_any_body_names_its_field(carer, personas, path, method, field, day):
    response = _send(carer, method, _url(path, personas), _nested(field, day.isoformat()))
    body = _assert_error_shape(response, 422)
    assert body["fields"][field] == [
        f"Please choose a day between {EARLIEST.year} and {LATEST.year}."
    ]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2999-12-31", "1900-01-01"])
def test_the_rota_answers_every_day_it_accepts(carer, personas, day):
    for url in (
        f"/api/v1/rota/mine?start={day}&days=62",
        f"/api/v1/rota/teams/{personas.team.pk}/visits?start={day}",
    ):
        assert carer.get(url).status_code in (200, 422)


# Text ----------------------------------------------------------------------------------------

TEXT_FIELDS = _fields({"string", "array:string"})


@pytest.mark.parametrize(("path", "method", "field"), TEXT_FIELDS)
@EXAMPLES
@given(text=SURROGATES)
def test_half_a_character_in_any_text_names_its_field(carer, personas, path, method, field, text):
    response = _send(carer, method, _url(path, personas), _nested(field, text))
    assert _names(_assert_error_shape(response, 422)["fields"], field)
    assert b"\\ud8" not in response.content.lower()


def test_half_a_character_is_refused_with_words_that_say_so(carer, personas):
    response = _send(
        carer,
        "POST",
        f"/api/v1/people/{personas.person.pk}/notes",
        {"kind": "moment", "body": "Lovely walk \ud83d", "audience": "circle"},
    )
    assert _assert_error_shape(response, 422)["fields"] == {
        "body": ["This contains a broken character. Please type it again."]
    }


# Bodies --------------------------------------------------------------------------------------


def test_a_body_past_the_limit_answers_413_in_the_error_shape(carer, personas, settings):
    body = {"kind": "moment", "body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = _send(carer, "POST", f"/api/v1/people/{personas.person.pk}/notes", body)
    assert _assert_error_shape(response, 413) == {
        "code": "too_large",
        "message": "That is too much to send at once. Please send less.",
        "fields": {},
    }


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",  # no boundary at all
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\x00x",
    ],
)
def test_a_broken_multipart_body_answers_in_the_error_shape(carer, personas, content_type):
    response = carer.generic(
        "POST",
        f"/api/v1/people/{personas.person.pk}/notes/with-photos",
        b'--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmoment',
        content_type=content_type,
    )
    assert _assert_error_shape(response, 422)["code"] == "invalid"


def test_too_many_fields_answers_413_in_the_error_shape(carer, personas, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = "&".join(f"f{n}=1" for n in range(20))
    response = carer.generic(
        "POST",
        f"/api/v1/people/{personas.person.pk}/notes/with-photos",
        fields,
        content_type="application/x-www-form-urlencoded",
    )
    assert _assert_error_shape(response, 413)["code"] == "too_large"
