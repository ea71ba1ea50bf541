"""The server keeps the embedded database's write-ahead log between requests."""

import sqlite3

import pytest

from core import database


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch):
    path = tmp_path / "kith.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE note (body TEXT)")
    setup.close()
    monkeypatch.setattr(database, "_held", [])
    yield path
    for held in database._held:
        held.close()


def _write_and_close(path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("INSERT INTO note VALUES ('Jean enjoyed the garden')")
    connection.close()


def test_without_a_held_connection_each_close_folds_the_log_away(sqlite_file):
    _write_and_close(sqlite_file)

    assert not sqlite_file.with_name("kith.sqlite3-wal").exists()


def test_a_held_connection_keeps_the_log_between_requests(sqlite_file):
    database.hold_sqlite_open({"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_file})

    _write_and_close(sqlite_file)

    assert sqlite_file.with_name("kith.sqlite3-wal").exists()


def test_only_sqlite_files_are_held(monkeypatch):
    monkeypatch.setattr(database, "_held", [])

    database.hold_sqlite_open({"ENGINE": "django.db.backends.postgresql", "NAME": "kith"})
    database.hold_sqlite_open({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})

    assert database._held == []
