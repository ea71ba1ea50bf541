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


def _database_options(tmp_path, **env: str) -> subprocess.CompletedProcess:
    return _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['OPTIONS'].get('pool', {}).get('max_size'), d['CONN_MAX_AGE'])",
        KITH_VAR_DIR=str(tmp_path),
        # Never connected to: the settings alone are read.
        DATABASE_URL="postgres://kith@127.0.0.1:1/kith",
        **env,
    )


def test_postgresql_connections_come_from_a_pool(tmp_path):
    result = _database_options(tmp_path, DATABASE_POOL_SIZE="20")
    assert result.stdout.strip().splitlines()[-1].split() == ["20", "0"]


def test_the_pool_holds_a_connection_for_every_thread_that_uses_the_database(tmp_path):
    # 8 request threads, 4 for sockets, 2 for catching up, 1 Channels keeps.
    assert _database_options(tmp_path).stdout.strip().splitlines()[-1].split() == ["15", "0"]
    fewer = _database_options(tmp_path, REQUEST_THREADS="2")
    assert fewer.stdout.strip().splitlines()[-1].split() == ["9", "0"]


def test_a_pool_smaller_than_the_threads_that_share_it_is_refused(tmp_path):
    result = _database_options(tmp_path, DATABASE_POOL_SIZE="10")
    assert result.returncode != 0
    assert "DATABASE_POOL_SIZE=10 is fewer than the 15 threads" in result.stderr
    assert _database_options(tmp_path, DATABASE_POOL_SIZE="8", REQUEST_THREADS="1").returncode == 0


def test_the_pool_can_be_turned_off_for_persistent_connections(tmp_path):
    result = _database_options(tmp_path, DATABASE_POOL="false", DATABASE_CONN_MAX_AGE="60")
    assert result.stdout.strip().splitlines()[-1].split() == ["None", "60"]


def test_a_pool_and_persistent_connections_together_are_refused(tmp_path):
    result = _database_options(tmp_path, DATABASE_CONN_MAX_AGE="60")
    assert result.returncode != 0
    assert "DATABASE_POOL=false" in result.stderr


def test_the_old_name_for_push_concurrency_is_refused_not_ignored(tmp_path):
    result = _manage("check", KITH_VAR_DIR=str(tmp_path), PUSH_SEND_THREADS="16")
    assert result.returncode != 0
    assert "PUSH_SEND_CONCURRENCY" in result.stderr


def _proxy_header(tmp_path, **env: str) -> str:
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)",
        KITH_VAR_DIR=str(tmp_path),
        **PRODUCTION,
        **env,
    )
    return result.stdout.strip().splitlines()[-1]


def test_x_forwarded_proto_is_believed_only_behind_a_proxy(tmp_path):
    # Served directly, anyone could claim HTTPS with the header and dodge the redirect.
    assert _proxy_header(tmp_path) == "None"
    assert _proxy_header(tmp_path, BEHIND_PROXY="true") == "('HTTP_X_FORWARDED_PROTO', 'https')"
