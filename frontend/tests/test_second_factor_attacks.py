"""Someone who has only the password gets no further than "one more step".

Every step of a pending sign-in (the code page, the setup page, the recovery-code page, the
API) must refuse to sign them in, show them a new secret or touch the owner's app; wrong codes
count like wrong passwords, so starting again brings no fresh guesses. Recovery codes work once,
are kept only as keyed hashes and are shown only in the answer that made them.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import recovery_codes, second_factor
from core.models import AuditEntry, RecoveryCode
from frontend.tests import second_factor_helpers
from frontend.tests.second_factor_helpers import (
    PASSWORD,
    code_of,
    device_for,
    give_password,
    recovery_codes_in,
    signed_in,
    unthrottle,
    wrong_code,
)
from teams import sign_in

CODE = "/accounts/code/"
SETUP = "/accounts/code/setup/"
RECOVERY = "/accounts/code/recovery/"
RECOVERY_CODES = "/accounts/code/recovery-codes/"
OFF = "/accounts/code/off/"

clock = second_factor_helpers.clock  # the stopped clock codes are read by (a fixture)


@pytest.fixture
def owner(personas):
    """Angela: a carer who signs in with a password and a code from her phone."""
    personas.carer.set_password(PASSWORD)
    personas.carer.save()
    return personas.carer


@pytest.fixture
def owner_app(owner):
    return device_for(owner)


def _apps(user) -> list[tuple]:
    return list(TOTPDevice.objects.filter(user=user).values_list("pk", "key", "confirmed"))


def _signed_in_with_app(user, clock) -> tuple[Client, TOTPDevice, list[str]]:
    """A member who sets up an app by choice and is shown their recovery codes."""
    client = Client()
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown = client.post(SETUP, {"code": code_of(device)})
    assert shown.status_code == 200
    return client, device, recovery_codes_in(shown)


def _sign_ins() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.SIGNED_IN).order_by("pk"))


# Only the password ---------------------------------------------------------------------------


def test_with_only_the_password_the_setup_page_shows_no_new_secret(owner, owner_app, clock):
    client = Client()
    give_password(client, owner)

    page = client.get(SETUP)

    assert page.status_code == 302
    assert page["Location"] == reverse("second_factor_code")
    assert "otpauth" not in page.content.decode()
    assert _apps(owner) == [(owner_app.pk, owner_app.key, True)]
    assert not signed_in(client)


def test_with_only_the_password_no_other_app_can_be_confirmed(owner, owner_app, clock):
    client = Client()
    give_password(client, owner)
    # As if the setup page had shown its secret: the code from that app must still not do.
    planted = TOTPDevice.objects.create(user=owner, name="theirs", confirmed=False)

    client.post(SETUP, {"code": code_of(planted)})

    assert not signed_in(client)
    assert not _sign_ins()
    assert TOTPDevice.objects.get(pk=owner_app.pk).confirmed
    assert not TOTPDevice.objects.get(pk=planted.pk).confirmed


def test_an_abandoned_sign_in_leaves_the_owners_app_as_it_was(owner, owner_app, clock):
    before = _apps(owner)
    intruder = Client()
    give_password(intruder, owner)
    for url in (CODE, SETUP, RECOVERY, RECOVERY_CODES):
        intruder.get(url)
    intruder.post(SETUP, {"code": "123456"})
    # They walk away. Angela's app is as it was, and she signs in with it as ever.
    assert _apps(owner) == before
    unthrottle(owner_app)
    angela = Client()
    give_password(angela, owner)
    assert angela.post(CODE, {"code": code_of(owner_app)}).status_code == 302
    assert signed_in(angela)


def test_no_step_of_a_pending_sign_in_lets_them_in(owner, owner_app, clock):
    client = Client()
    give_password(client, owner)
    steps = [
        ("get", CODE, {}),
        ("post", CODE, {"code": wrong_code(owner_app)}),
        ("get", SETUP, {}),
        ("post", SETUP, {"code": "123456", "proof": "123456"}),
        ("get", RECOVERY, {}),
        ("post", RECOVERY, {"code": "aaaaa-bbbbb"}),
        ("get", RECOVERY_CODES, {}),
        ("post", RECOVERY_CODES, {"proof": "123456"}),
        ("post", OFF, {"off-proof": "123456"}),
    ]
    for method, url, data in steps:
        unthrottle(owner_app)
        response = getattr(client, method)(url, data)
        assert response.status_code != 500, url
        assert not signed_in(client), url
        assert client.get("/api/v1/people").status_code == 401, url
    assert _apps(owner) == [(owner_app.pk, owner_app.key, True)]
    assert not _sign_ins()


def test_codes_turned_off_mid_sign_in_start_it_again_rather_than_going_round(owner, owner_app):
    client = Client()
    give_password(client, owner)
    TOTPDevice.objects.filter(user=owner).delete()  # turned off on another phone meanwhile

    for url in (CODE, SETUP):
        assert client.get(url)["Location"] == reverse("login"), url
    assert not signed_in(client)
    assert not TOTPDevice.objects.filter(user=owner).exists()


# Guessing codes -------------------------------------------------------------------------------


def test_wrong_codes_pause_the_account_however_often_the_sign_in_starts_again(
    owner, owner_app, clock, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client = Client()
        give_password(client, owner)
        client.post(CODE, {"code": wrong_code(owner_app)})
        unthrottle(owner_app)

    client = Client()
    paused = give_password(client, owner)

    assert paused.status_code == 429
    assert "Please wait a few minutes" in paused.text
    assert not signed_in(client)


def test_a_sign_in_started_before_the_pause_cannot_go_on_guessing(
    owner, owner_app, clock, settings
):
    waiting = Client()
    give_password(waiting, owner)
    guesser = Client()
    give_password(guesser, owner)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = guesser.post(CODE, {"code": wrong_code(owner_app)})
        unthrottle(owner_app)
    assert last.status_code == 429

    right = waiting.post(CODE, {"code": code_of(owner_app)})

    assert right.status_code == 429
    assert not signed_in(waiting)
    # That attempt is over: the password is asked for again (and is paused).
    assert waiting.get(CODE)["Location"] == reverse("login")


def test_wrong_recovery_codes_count_as_guesses_too(owner, owner_app, clock, settings):
    client = Client()
    give_password(client, owner)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = client.post(RECOVERY, {"code": "aaaaa-bbbbb"})
    assert last.status_code == 429
    assert give_password(Client(), owner).status_code == 429


def test_the_right_code_clears_the_count_of_wrong_ones(owner, owner_app, clock, settings):
    client = Client()
    give_password(client, owner)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(CODE, {"code": wrong_code(owner_app)})
        unthrottle(owner_app)
    client.post(CODE, {"code": code_of(owner_app)})
    assert signed_in(client)
    assert second_factor.guesses_allowed(client.get(CODE).wsgi_request, owner)


# A signed-in session must prove the factor -----------------------------------------------------


def test_a_signed_in_session_replaces_the_app_only_with_the_current_code(owner, owner_app, clock):
    client = Client()
    client.force_login(owner)
    client.get(SETUP)
    new_app = TOTPDevice.objects.get(user=owner, confirmed=False)

    without = client.post(SETUP, {"code": code_of(new_app)})
    clock.next_code()
    wrong = client.post(SETUP, {"code": code_of(new_app), "proof": wrong_code(owner_app)})

    assert without.status_code == wrong.status_code == 422
    assert TOTPDevice.objects.get(user=owner, confirmed=True).pk == owner_app.pk

    clock.next_code()
    unthrottle(owner_app)
    right = client.post(SETUP, {"code": code_of(new_app), "proof": code_of(owner_app)})

    assert right.status_code == 302
    assert TOTPDevice.objects.get(user=owner, confirmed=True).pk == new_app.pk


def test_a_signed_in_session_turns_codes_off_only_with_the_current_code(owner, owner_app, clock):
    client = Client()
    client.force_login(owner)

    client.post(OFF)
    client.post(OFF, {"off-proof": wrong_code(owner_app)})
    assert TOTPDevice.objects.filter(pk=owner_app.pk, confirmed=True).exists()

    unthrottle(owner_app)
    client.post(OFF, {"off-proof": code_of(owner_app)})
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not second_factor.needs_second_factor(owner)


# Recovery codes --------------------------------------------------------------------------------


def test_recovery_codes_are_shown_once_and_kept_only_as_keyed_hashes(owner, clock):
    client, _device, codes = _signed_in_with_app(owner, clock)

    assert len(codes) == len(set(codes)) == recovery_codes.COUNT
    stored = list(RecoveryCode.objects.filter(user=owner).values_list("code_hash", flat=True))
    assert len(stored) == recovery_codes.COUNT
    for code in codes:
        plain = code.replace("-", "")
        assert not any(plain in value or code in value for value in stored)
    # Nowhere to be seen again: not on the pages, not in any session.
    for url in (SETUP, RECOVERY_CODES):
        page = client.get(url).content.decode()
        assert not any(code in page for code in codes), url
    for session in Session.objects.all():
        assert not any(code in str(session.get_decoded()) for code in codes)


def test_someone_who_lost_their_phone_signs_in_with_a_recovery_code_and_sets_up_a_new_one(
    owner, clock
):
    _client, old_app, codes = _signed_in_with_app(owner, clock)
    last = AuditEntry.objects.order_by("pk").last()
    assert last is not None
    before = last.pk  # only the sign-in below matters

    client = Client()
    assert give_password(client, owner)["Location"] == reverse("second_factor_code")
    assert RECOVERY in client.get(CODE).content.decode()
    # Read off paper and typed in capitals, with a space instead of the dash.
    signed = client.post(RECOVERY, {"code": codes[0].upper().replace("-", " ")})

    assert signed.status_code == 302
    assert signed["Location"] == reverse("second_factor_setup")
    assert signed_in(client)
    [entry] = [entry for entry in _sign_ins() if entry.pk > before]
    assert entry.actor == owner
    assert entry.detail == {"second_factor": True, "recovery_code": True}

    # The new phone: another recovery code stands in for the lost app.
    client.get(SETUP)
    new_app = TOTPDevice.objects.get(user=owner, confirmed=False)
    replaced = client.post(SETUP, {"proof": codes[1], "code": code_of(new_app)})

    assert replaced.status_code == 302
    assert TOTPDevice.objects.get(user=owner, confirmed=True).pk == new_app.pk
    assert not TOTPDevice.objects.filter(pk=old_app.pk).exists()
    assert recovery_codes.left(owner) == recovery_codes.COUNT - 2


def test_a_recovery_code_works_once(owner, clock):
    _client, _app, codes = _signed_in_with_app(owner, clock)
    first = Client()
    give_password(first, owner)
    assert first.post(RECOVERY, {"code": codes[0]}).status_code == 302

    replay = Client()
    give_password(replay, owner)
    refused = replay.post(RECOVERY, {"code": codes[0]})

    assert refused.status_code == 422
    assert "has been used already" in refused.text
    assert not signed_in(replay)
    assert not recovery_codes.use(user=owner, code=codes[0])


def test_a_recovery_code_is_only_its_owners(owner, personas, clock):
    _client, _app, codes = _signed_in_with_app(owner, clock)
    other = personas.other_carer
    other.set_password(PASSWORD)
    other.save()
    device_for(other)
    client = Client()
    give_password(client, other)
    assert client.post(RECOVERY, {"code": codes[0]}).status_code == 422
    assert not signed_in(client)


def test_new_recovery_codes_need_the_current_code_and_replace_the_old_ones(owner, clock):
    client, device, old = _signed_in_with_app(owner, clock)

    clock.next_code()
    refused = client.post(RECOVERY_CODES, {"proof": wrong_code(device)})
    assert refused.status_code == 422
    assert recovery_codes_in(refused) == []

    unthrottle(device)
    made = client.post(RECOVERY_CODES, {"proof": code_of(device)})
    new = recovery_codes_in(made)

    assert made.status_code == 200
    assert len(new) == recovery_codes.COUNT
    assert not set(new) & set(old)
    assert not recovery_codes.use(user=owner, code=old[0])
    assert recovery_codes.use(user=owner, code=new[0])


def test_codes_turned_off_take_the_recovery_codes_with_them(owner, clock):
    client, device, codes = _signed_in_with_app(owner, clock)
    client.post(OFF, {"off-proof": codes[0]})
    assert not RecoveryCode.objects.filter(user=owner).exists()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


# The team's rule -------------------------------------------------------------------------------


def test_a_team_that_requires_codes_gets_recovery_codes_at_the_first_set_up(personas, owner, clock):
    sign_in.team_require_second_factor(actor=owner, team_id=personas.team.pk, required=True)
    client = Client()
    assert give_password(client, owner)["Location"] == reverse("second_factor_setup")
    assert "otpauth://totp/" in client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=owner, confirmed=False)

    shown = client.post(SETUP, {"code": code_of(device)})

    assert shown.status_code == 200
    assert len(recovery_codes_in(shown)) == recovery_codes.COUNT
    assert f'href="{reverse("home")}"' in shown.content.decode()
    assert signed_in(client)
    assert [entry.detail for entry in _sign_ins()] == [{"second_factor": True}]
    # From now on the password alone meets the code page, never the setup page.
    later = Client()
    assert give_password(later, owner)["Location"] == reverse("second_factor_code")
    assert later.get(SETUP)["Location"] == reverse("second_factor_code")
