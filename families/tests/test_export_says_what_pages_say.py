"""The copy of the record and the trail's spreadsheet say what the reader's pages say, no more.

Both are built from the projections the pages and the API use (circle_member_view,
trail_entry_view), so these tests compare them field by field, persona by persona.
"""

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from families.access import person_access_or_404
from families.models import RecordExport
from families.selectors import circle_member_view
from families.services import export as export_services

CARER_ADDRESS = "203.0.113.77"
CARER_DEVICE = "AngelasPhone/9.1 (very particular)"
# The API's fields for a member of the circle, apart from its photo address.
API_MEMBER_FIELDS = {"id", "name", "kind", "kind_label", "relationship", "has_account"}
CONTACT_FIELDS = {"phone", "email"}


def _client(user, **meta) -> Client:
    client = Client(**meta)
    client.force_login(user)
    return client


def _api_circle(user, person_id: int) -> list[dict]:
    body = _client(user).get(f"/api/v1/people/{person_id}/circle").json()
    return body["family_and_friends"] + body["professionals"]


def _copy_for(user, person_id: int) -> tuple[dict, str, bytes]:
    """Ask for a copy as this user, have the worker make it, and download it as them."""
    export = export_services.record_export_request(actor=user, person_id=person_id)
    export_services.record_exports_build_waiting()
    response = _client(user).get(reverse("record_export_download", args=[export.pk]))
    assert response.status_code == 200
    raw = response.getvalue()  # the whole streamed file
    archive = zipfile.ZipFile(io.BytesIO(raw))
    record = json.loads(archive.read("record.json"))
    return record, archive.read("record.html").decode(), raw


@pytest.fixture
def looked_at_by_a_carer(personas):
    """A carer's look at Jean's record, from her own phone."""
    _client(personas.carer, REMOTE_ADDR=CARER_ADDRESS, HTTP_USER_AGENT=CARER_DEVICE).get(
        reverse("person", args=[personas.person.pk])
    )
    assert AuditEntry.objects.filter(ip_address=CARER_ADDRESS, device=CARER_DEVICE).exists()


@pytest.mark.parametrize("who", ["person_user", "carer"])
def test_the_copy_tells_of_the_circle_what_the_api_tells_that_reader(personas, who):
    reader = personas.all_users()[who]
    shown = {m["id"]: m for m in _api_circle(reader, personas.person.pk)}

    record, html, raw = _copy_for(reader, personas.person.pk)

    copied = {m["id"]: m for m in record["circle"]}
    assert copied.keys() == shown.keys()
    for member_id, member in shown.items():
        for field in API_MEMBER_FIELDS | CONTACT_FIELDS:
            assert copied[member_id][field] == member[field], (who, field)
    if who == "person_user":
        # Jean's pages and API never show her circle's phone numbers and emails.
        assert all(m["phone"] is None and m["email"] is None for m in record["circle"])
        assert b"07700 900123" not in raw
        assert "07700 900123" not in html
        assert "sarah@example.org" not in html and "nina@example.org" not in html
    else:
        assert {m["phone"] for m in record["circle"]} == {"07700 900123"}
        assert "07700 900123" in html


def test_someone_in_the_circle_is_told_no_contact_details_and_gets_no_copy(personas):
    access = person_access_or_404(personas.family, personas.person.pk)
    shown = {m["id"]: m for m in _api_circle(personas.family, personas.person.pk)}
    for member in personas.person.circle.filter(removed_at__isnull=True):
        projected = circle_member_view(member, access)
        assert projected["phone"] is None and projected["email"] is None
        for field in API_MEMBER_FIELDS | CONTACT_FIELDS:
            assert projected[field] == shown[member.pk][field]
    page = _client(personas.family).get(reverse("person", args=[personas.person.pk])).text
    assert "07700 900123" not in page
    assert _client(personas.family).get(
        reverse("record_export", args=[personas.person.pk])
    ).status_code == (404)


def test_the_person_cannot_download_the_copy_made_for_the_team(personas):
    """The coordinator's copy holds contact details the person's pages do not show them."""
    teams_copy = export_services.record_export_request(
        actor=personas.carer, person_id=personas.person.pk
    )
    export_services.record_exports_build_waiting()
    teams_copy.refresh_from_db()
    assert teams_copy.status == RecordExport.Status.READY
    jean = _client(personas.person_user)

    response = jean.get(reverse("record_export_download", args=[teams_copy.pk]))
    missing = jean.get(reverse("record_export_download", args=[999999]))

    assert response.status_code == 404
    assert response.content == missing.content
    listing = jean.get(reverse("record_export", args=[personas.person.pk])).text
    assert reverse("record_export_download", args=[teams_copy.pk]) not in listing
    # The team may have a copy made for the person: it holds less than their own pages.
    jeans_copy = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    export_services.record_exports_build_waiting()
    carer = _client(personas.carer)
    assert carer.get(reverse("record_export_download", args=[jeans_copy.pk])).status_code == 200


@pytest.mark.parametrize("who", ["person_user", "carer"])
def test_the_spreadsheet_has_the_pages_columns_and_no_address_or_device(
    personas, looked_at_by_a_carer, who
):
    reader = _client(personas.all_users()[who])
    page = reader.get(reverse("audit_trail", args=[personas.person.pk]))
    response = reader.get(reverse("audit_trail_csv", args=[personas.person.pk]))

    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["When", "Who", "What", "Details"]
    assert CARER_ADDRESS not in text and CARER_DEVICE not in text
    assert CARER_ADDRESS not in page.text and CARER_DEVICE not in page.text
    # Row for row what the page lists, after the line that records this download itself.
    listed = [
        (line["who"], line["action_label"], line["details"]) for line in page.context["lines"]
    ]
    assert rows[1][2] == "Exported the record"
    assert [tuple(row[1:]) for row in rows[2:]] == listed


@pytest.mark.parametrize("who", ["person_user", "carer"])
def test_the_copy_has_the_trail_the_page_shows_and_no_address_or_device(
    personas, looked_at_by_a_carer, who
):
    reader = personas.all_users()[who]
    record, _html, raw = _copy_for(reader, personas.person.pk)

    page = _client(reader).get(reverse("audit_trail", args=[personas.person.pk]))
    keys = {"created_at", "actor_name", "action", "action_label", "detail"}
    assert all(set(entry) == keys for entry in record["audit_trail"])
    shown_on_page = {(line["actor_name"], line["action_label"]) for line in page.context["lines"]}
    assert {(e["actor_name"], e["action_label"]) for e in record["audit_trail"]} <= shown_on_page
    assert CARER_ADDRESS.encode() not in raw and CARER_DEVICE.encode() not in raw


def test_the_spreadsheet_stays_plain_text_in_every_column(personas):
    personas.family.display_name = "@SUM(1+1)"
    personas.family.save()
    services_detail = {"=cmd|' /C calc'!A0": "x"}
    from core.audit import audit_record

    audit_record(
        actor=personas.family,
        action=AuditEntry.Action.CIRCLE_ADDED,
        person_id=personas.person.pk,
        detail=services_detail,
    )
    text = (
        _client(personas.carer)
        .get(reverse("audit_trail_csv", args=[personas.person.pk]))
        .content.decode()
    )
    row = next(r for r in csv.reader(io.StringIO(text)) if r[1].endswith("SUM(1+1)"))
    assert row[1] == "'@SUM(1+1)"
    assert row[3] == "'=cmd|' /C calc'!A0: x"


def test_the_trail_says_its_details_in_words(personas):
    from core.audit import audit_record

    audit_record(
        actor=personas.carer,
        action=AuditEntry.Action.CHANGED_PROFILE,
        person_id=personas.person.pk,
        detail={"fields": ["about_me", "what_matters"]},
    )
    _client(personas.family).get(f"/api/v1/people/{personas.person.pk}")
    page = _client(personas.person_user).get(reverse("audit_trail", args=[personas.person.pk]))

    assert "what changed: about me, what matters" in page.text
    assert "how: through an app" in page.text
