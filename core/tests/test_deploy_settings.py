"""Production settings pass Django's own deployment checks, and refuse unsafe values."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "ALLOWED_HOSTS")}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kith.example.org",
    "SECURE_COOKIES": "true",
    "KITH_MANIFEST_STATIC": "true",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", KITH_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_host_locked(tmp_path):
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0)",
        KITH_VAR_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
    ]


def test_a_wildcard_host_is_refused(tmp_path):
    result = _manage("check", KITH_VAR_DIR=str(tmp_path), ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "never '*'" in result.stderr


def test_a_nonsense_boolean_is_refused(tmp_path):
    result = _manage("check", KITH_VAR_DIR=str(tmp_path), SECURE_COOKIES="perhaps")
    assert result.returncode != 0
    assert "SECURE_COOKIES must be true or false" in result.stderr
