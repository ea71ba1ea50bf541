"""Subject access: the person's whole record as a ZIP, made in the background."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.http import Http404

from core.models import AuditEntry
from families import services
from families.models import RecordExport
from families.services import export as export_services
from families.tests.notes_helpers import photo_upload


@pytest.fixture
def record(personas):
    """Jean's record with something in every part of it."""
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )
    shared = services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        body="Jean sang all of Jerusalem.",
        audience="circle",
        photos=[photo_upload("choir.jpg")],
        outcome_ids=[goal.pk],
    )
    services.reply_create(actor=personas.family, note_id=shared.pk, body="She loves that hymn")
    concern = services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="concern",
        body="Jean seemed unsteady on the stairs.",
    )
    return {"goal": goal, "shared": shared, "concern": concern}


def _zip(export: RecordExport) -> zipfile.ZipFile:
    export.file.open("rb")
    return zipfile.ZipFile(io.BytesIO(export.file.read()))


def test_the_person_asks_and_the_worker_makes_the_whole_record(personas, record):
    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    assert export.status == RecordExport.Status.QUEUED

    out = io.StringIO()
    call_command("export_worker", "--once", stdout=out)

    assert "made 1" in out.getvalue()
    export.refresh_from_db()
    assert export.status == RecordExport.Status.READY
    archive = _zip(export)
    names = set(archive.namelist())
    assert {"record.json", "record.html"} <= names
    data = json.loads(archive.read("record.json"))
    assert data["person"]["full_name"] == "Jean Margaret Person"
    assert {m["relationship"] for m in data["circle"]} == {"daughter", "district nurse"}
    bodies = {n["body"] for n in data["notes"]}
    # The whole record: team-only notes too, since it is the person's own.
    assert bodies == {"Jean sang all of Jerusalem.", "Jean seemed unsteady on the stairs."}
    shared = next(n for n in data["notes"] if n["id"] == record["shared"].pk)
    assert [r["body"] for r in shared["replies"]] == ["She loves that hymn"]
    assert shared["outcome_ids"] == [record["goal"].pk]
    assert shared["photos"] and shared["photos"][0] in names
    assert archive.read(shared["photos"][0])[:2] == b"\xff\xd8"  # a real JPEG
    assert [o["title"] for o in data["outcomes"]] == ["Go back to the choir"]
    assert any(e["action"] == "exported" for e in data["audit_trail"])
    assert all("ip_address" not in e for e in data["audit_trail"])
    assert isinstance(data["visits"], list)
    html = archive.read("record.html").decode()
    assert "Jean sang all of Jerusalem." in html
    assert "She loves that hymn" in html


def test_asking_is_audited_and_asking_twice_gives_the_same_copy(personas):
    first = export_services.record_export_request(
        actor=personas.carer, person_id=personas.person.pk
    )
    again = export_services.record_export_request(
        actor=personas.carer, person_id=personas.person.pk
    )
    assert first.pk == again.pk
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert (entry.actor, entry.person_id, entry.detail) == (
        personas.carer,
        personas.person.pk,
        {"step": "requested"},
    )


@pytest.mark.parametrize(
    "who", ["family", "professional", "other_carer", "outsider", "not_coordinator"]
)
def test_only_the_person_and_their_coordinator_may_ask(personas, who):
    if who == "not_coordinator":
        personas.person.coordinator = None
        personas.person.save()
        actor = personas.carer
    else:
        actor = personas.all_users()[who]
    with pytest.raises(Http404):
        export_services.record_export_request(actor=actor, person_id=personas.person.pk)
    assert not RecordExport.objects.exists()


def test_a_claimed_copy_is_not_claimed_again(personas):
    export_services.record_export_request(actor=personas.person_user, person_id=personas.person.pk)
    first = export_services.record_export_claim()
    assert first is not None and first.status == RecordExport.Status.BUILDING
    assert export_services.record_export_claim() is None


def test_a_copy_whose_worker_stopped_is_taken_over(personas):
    from django.utils import timezone

    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    export_services.record_export_claim()
    RecordExport.objects.filter(pk=export.pk).update(
        claimed_at=timezone.now() - export_services.CLAIM_LEASE * 2
    )
    taken = export_services.record_export_claim()
    assert taken is not None and taken.pk == export.pk


def test_a_failure_is_kept_on_the_row_and_the_worker_carries_on(personas, monkeypatch):
    export_services.record_export_request(actor=personas.person_user, person_id=personas.person.pk)
    personas.neighbour.coordinator = personas.carer
    personas.neighbour.save()
    export_services.record_export_request(actor=personas.carer, person_id=personas.neighbour.pk)

    def broken(person, reader):
        if person.pk == personas.person.pk:
            raise RuntimeError("disk full")
        return b"PK\x05\x06" + b"\x00" * 18

    monkeypatch.setattr(export_services, "build_zip", broken)
    assert export_services.record_exports_build_waiting() == 2
    states = dict(RecordExport.objects.values_list("person_id", "status"))
    assert states == {personas.person.pk: "failed", personas.neighbour.pk: "ready"}


def test_a_download_is_for_the_person_and_coordinator_and_is_audited(personas):
    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    export_services.record_exports_build_waiting()

    found = export_services.record_export_for_download(actor=personas.carer, export_id=export.pk)
    assert found.pk == export.pk
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORTED, detail={"step": "downloaded"}, actor=personas.carer
    ).exists()
    for who in ("family", "professional", "other_carer", "outsider"):
        with pytest.raises(Http404):
            export_services.record_export_for_download(
                actor=personas.all_users()[who], export_id=export.pk
            )


def test_the_persons_visits_are_in_the_copy(personas):
    from teams.tests.rota_helpers import open_visit

    visit = open_visit(personas)
    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    export_services.record_exports_build_waiting()
    export.refresh_from_db()

    data = json.loads(_zip(export).read("record.json"))
    assert [v["id"] for v in data["visits"]] == [visit.pk]
    assert data["visits"][0]["purpose"] == "A cup of tea and a chat"
    assert visit.date.isoformat() in _zip(export).read("record.html").decode()
