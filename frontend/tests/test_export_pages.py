"""Asking for a copy of the whole record, and downloading it: the person and coordinator only."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from families.models import RecordExport
from families.services import export as export_services

EVERYONE = ("carer", "other_carer", "family", "professional", "person_user", "outsider")
MAY_EXPORT = {"carer", "person_user"}  # Jean, and Angela, her named coordinator


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ready(personas) -> RecordExport:
    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    export_services.record_exports_build_waiting()
    export.refresh_from_db()
    return export


def test_the_person_asks_for_a_copy_from_their_page(personas):
    client = _client(personas.person_user)
    page = client.get(reverse("person", args=[personas.person.pk])).content.decode()
    url = reverse("record_export", args=[personas.person.pk])
    assert url in page

    response = client.post(url)

    assert response.status_code == 302
    assert RecordExport.objects.get().requested_by == personas.person_user
    assert "Waiting to be made" in client.get(url).content.decode()


@pytest.mark.parametrize("who", EVERYONE)
def test_the_download_is_an_attachment_for_those_two_alone(personas, ready, who):
    response = _client(personas.all_users()[who]).get(
        reverse("record_export_download", args=[ready.pk])
    )
    if who in MAY_EXPORT:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith('attachment; filename="kith-record-')
        assert "Jean" not in response["Content-Disposition"]
        archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
        assert "record.json" in archive.namelist()
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.EXPORTED,
            actor=personas.all_users()[who],
            detail={"step": "downloaded"},
        ).exists()
    else:
        assert response.status_code == 404
        missing = _client(personas.all_users()[who]).get(
            reverse("record_export_download", args=[999999])
        )
        assert missing.status_code == 404
        assert missing.content == response.content


def test_a_copy_not_made_yet_cannot_be_downloaded(personas):
    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    response = _client(personas.person_user).get(
        reverse("record_export_download", args=[export.pk])
    )
    assert response.status_code == 404


def test_signed_out_people_are_sent_to_sign_in(personas, ready):
    response = Client().get(reverse("record_export_download", args=[ready.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_nobody_else_may_ask(personas, who):
    response = _client(personas.all_users()[who]).post(
        reverse("record_export", args=[personas.person.pk])
    )
    assert response.status_code == 404
    assert not RecordExport.objects.exists()


def test_someone_in_a_circle_asks_for_their_account_to_be_deleted(personas):
    from families.models import AccountDeletionRequest

    client = _client(personas.family)
    assert "Yes, delete my account" in client.get(reverse("account_delete")).content.decode()

    response = client.post(reverse("account_delete"))

    assert response.status_code == 200
    assert "You have asked for your account to be deleted." in response.content.decode()
    assert AccountDeletionRequest.objects.get().user == personas.family


def test_a_carer_is_asked_to_leave_their_team_first(personas):
    from families.models import AccountDeletionRequest

    response = _client(personas.carer).post(reverse("account_delete"))
    assert response.status_code == 422
    assert "Please leave your team first" in response.content.decode()
    assert not AccountDeletionRequest.objects.exists()
