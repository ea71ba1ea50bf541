"""A code from an app after the password: optional for team members, required by a team."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import second_factor
from core.models import AuditEntry
from frontend.tests import second_factor_helpers
from frontend.tests.second_factor_helpers import code_of
from teams import sign_in
from teams.models import TeamSignInPolicy

PASSWORD = "a-long-password-1"

clock = second_factor_helpers.clock  # the stopped clock codes are read by (a fixture)


@pytest.fixture
def carer(personas):
    personas.carer.set_password(PASSWORD)
    personas.carer.save()
    return personas.carer


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _wrong(device: TOTPDevice) -> str:
    return f"{(int(_code(device)) + 1) % 1_000_000:06d}"


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _password(client: Client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def _signed_in(client: Client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def test_without_an_app_the_password_is_enough(carer):
    client = Client()
    assert _password(client, carer).status_code == 302
    assert _signed_in(client)


def test_with_an_app_the_code_is_asked_for_after_the_password(carer):
    device = _device(carer)
    client = Client()

    response = _password(client, carer)

    assert response["Location"] == reverse("second_factor_code")
    # Not signed in yet: pages, the API and sockets still see a visitor.
    assert not _signed_in(client)
    assert client.get(reverse("home")).status_code == 302
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGNED_IN).exists()

    wrong = client.post(reverse("second_factor_code"), {"code": _wrong(device)})
    assert wrong.status_code == 422
    assert not _signed_in(client)
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code slowed the device; let the test go on
    device.throttling_failure_timestamp = None
    device.save()

    right = client.post(reverse("second_factor_code"), {"code": _code(device)})
    assert right.status_code == 302
    assert _signed_in(client)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGNED_IN)
    assert entry.actor == carer and entry.detail == {"second_factor": True}


def test_too_many_wrong_codes_start_the_sign_in_again(carer):
    device = _device(carer)
    client = Client()
    _password(client, carer)
    for _ in range(second_factor.MAX_ATTEMPTS):
        client.post(reverse("second_factor_code"), {"code": _wrong(device)})
    # Even the right code is no use now: the password is needed again.
    response = client.post(reverse("second_factor_code"), {"code": _code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not _signed_in(client)


def test_the_code_page_without_a_password_first_goes_back_to_sign_in():
    response = Client().get(reverse("second_factor_code"))
    assert response["Location"] == reverse("login")


def test_a_team_that_requires_it_has_members_set_it_up_at_sign_in(personas, carer):
    sign_in.team_require_second_factor(
        actor=personas.carer, team_id=personas.team.pk, required=True
    )
    client = Client()

    response = _password(client, carer)

    assert response["Location"] == reverse("second_factor_setup")
    assert not _signed_in(client)
    page = client.get(reverse("second_factor_setup")).content.decode()
    assert "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=carer, confirmed=False)
    confirmed = client.post(reverse("second_factor_setup"), {"code": _code(device)})
    assert confirmed.status_code == 200  # the page with the recovery codes, shown this once
    assert _signed_in(client)
    assert TOTPDevice.objects.get(user=carer).confirmed
    # And it cannot be turned off while the team requires it, even with the code.
    client.post(reverse("second_factor_off"), {"off-proof": _code(device)})
    assert TOTPDevice.objects.filter(user=carer, confirmed=True).exists()


def test_a_member_turns_codes_on_and_off_by_choice(carer, clock):
    client = Client()
    client.force_login(carer)
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=carer)
    client.post(reverse("second_factor_setup"), {"code": code_of(device)})
    assert second_factor.needs_second_factor(carer)

    clock.next_code()  # each code is accepted once: turning off needs the next one
    client.post(reverse("second_factor_off"), {"off-proof": code_of(device)})

    assert not TOTPDevice.objects.filter(user=carer).exists()
    assert not second_factor.needs_second_factor(carer)


def test_the_team_rule_page_is_for_the_team(personas):
    client = Client()
    client.force_login(personas.carer)
    url = reverse("team_sign_in_rule", args=[personas.team.pk])
    assert client.post(url, {"require_second_factor": "yes"}).status_code == 302
    assert TeamSignInPolicy.objects.get(team=personas.team).require_second_factor
    other = Client()
    other.force_login(personas.other_carer)
    assert other.post(url, {"require_second_factor": "no"}).status_code == 404
    assert TeamSignInPolicy.objects.get(team=personas.team).require_second_factor


def test_families_are_not_asked_for_a_code_when_the_team_requires_it(personas):
    sign_in.team_require_second_factor(
        actor=personas.carer, team_id=personas.team.pk, required=True
    )
    assert second_factor.needs_second_factor(personas.carer)
    assert not second_factor.needs_second_factor(personas.family)
    assert not second_factor.needs_second_factor(personas.person_user)
