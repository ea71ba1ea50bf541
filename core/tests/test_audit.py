import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from core.models import AuditEntry
from core.tests.http import CheckedClient as Client
from core.tests.http import signed_in as _client
from families import services


def test_a_change_is_recorded_with_who_and_from_where(personas):
    client = _client(personas.carer, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="PhoneBrowser/1")
    client.post(
        reverse("person_edit", args=[personas.person.pk]),
        {"full_name": "Jean Margaret Person", "pronouns": "she/her"},
        expect=302,
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED_PROFILE)
    assert entry.actor == personas.carer
    assert entry.actor_name == "Angela Carer"
    assert entry.person_id == personas.person.pk
    assert entry.ip_address == "203.0.113.7"
    assert entry.device == "PhoneBrowser/1"
    assert "pronouns" in entry.detail["fields"]


def test_looking_at_a_record_is_recorded(personas):
    _client(personas.family).get(reverse("person", args=[personas.person.pk]))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEWED)
    assert (entry.actor, entry.person_id) == (personas.family, personas.person.pk)


def test_a_refused_look_is_not_recorded_against_the_person(personas):
    # Refused as if Jean did not exist, and nothing about her written down for it...
    _client(personas.outsider).get(reverse("person", args=[personas.person.pk]), expect=404)
    assert not AuditEntry.objects.filter(person_id=personas.person.pk).exists()
    assert not AuditEntry.objects.filter(actor=personas.outsider).exists()
    # ...while the same look by someone allowed is: the trail was listening all along.
    _client(personas.family).get(reverse("person", args=[personas.person.pk]))
    recorded = AuditEntry.objects.filter(person_id=personas.person.pk).values_list(
        "actor", "action"
    )
    assert list(recorded) == [(personas.family.pk, AuditEntry.Action.VIEWED)]


def test_signing_in_and_out_is_recorded(personas):
    client = Client()
    client.post(
        reverse("login"),
        {"username": "sarah@example.org", "password": "correct horse battery"},
        expect=302,
    )
    client.post(reverse("logout"), expect=302)
    actions = list(
        AuditEntry.objects.filter(actor=personas.family).values_list("action", flat=True)
    )
    assert sorted(actions) == ["signed_in", "signed_out"]


def test_circle_changes_and_invitations_are_recorded(personas):
    member = services.circle_member_add(
        actor=personas.carer,
        person_id=personas.person.pk,
        name="Tom",
        kind="family",
        relationship="grandson",
    )
    services.invitation_create_for_circle(
        actor=personas.carer, circle_member_id=member.pk, site_url="http://testserver"
    )
    services.circle_member_remove(actor=personas.carer, circle_member_id=member.pk)
    actions = list(
        AuditEntry.objects.filter(person_id=personas.person.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["circle_added", "invited", "circle_removed"]


@pytest.mark.parametrize("who", ["carer", "person_user"])
def test_the_team_and_the_person_read_the_trail(personas, who):
    _client(personas.family).get(reverse("person", args=[personas.person.pk]))
    page = _client(personas.all_users()[who]).get(reverse("audit_trail", args=[personas.person.pk]))
    assert page.status_code == 200
    assert "Sarah Daughter" in page.text
    assert "Looked at the record" in page.text


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_others_cannot_read_the_trail(personas, who):
    client = _client(personas.all_users()[who])
    client.get(reverse("audit_trail", args=[personas.person.pk]), expect=404)
    client.get(reverse("audit_trail_csv", args=[personas.person.pk]), expect=404)


def test_the_trail_filters_by_what_happened(personas):
    _client(personas.family).get(reverse("person", args=[personas.person.pk]))
    services.person_set_coordinator(
        actor=personas.carer, person_id=personas.person.pk, coordinator_id=None
    )
    page = _client(personas.carer).get(
        reverse("audit_trail", args=[personas.person.pk]), {"action": "changed_coordinator"}
    )
    assert "Changed the named coordinator" in page.text
    assert "Sarah Daughter" not in page.text


def test_the_export_is_a_safe_spreadsheet_and_is_itself_recorded(personas):
    personas.family.display_name = "=HYPERLINK(evil)"
    personas.family.save()
    _client(personas.family).get(reverse("person", args=[personas.person.pk]))
    response = _client(personas.carer).get(reverse("audit_trail_csv", args=[personas.person.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "'=HYPERLINK(evil)" in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).count() == 1


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_remove_audit_rows(personas):
    _client(personas.family).get(reverse("person", args=[personas.person.pk]))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(action="signed_in")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).count() == 1
