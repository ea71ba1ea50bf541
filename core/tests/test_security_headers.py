from django.test import Client
from django.urls import reverse


def test_pages_carry_a_strict_content_security_policy(db):
    policy = Client().get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_cannot_be_framed_or_sniffed(db):
    response = Client().get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_repeated_wrong_passwords_pause_signing_in(personas, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "angela@example.org", "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": "angela@example.org", "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "Please wait a few minutes" in locked.text
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_paused_by_someone_elses_guessing(personas, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "angela@example.org", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "sarah@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_the_csrf_token_is_required_for_page_forms(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.carer)
    response = client.post(reverse("team_invite", args=[personas.team.pk]), {"name": "X"})
    assert response.status_code == 403
