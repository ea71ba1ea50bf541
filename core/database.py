"""Database habits of the server processes."""

import sqlite3
from collections.abc import Mapping

from django.conf import settings

_held: list[sqlite3.Connection] = []


def hold_sqlite_open(database: Mapping | None = None) -> None:
    """Keep one idle connection to the embedded SQLite database for the life of the process.

    Under ASGI every request opens and closes a connection of its own. When the last
    connection to a SQLite database closes, SQLite checkpoints the write-ahead log into the
    database, syncs it to disk and deletes the log: one idle connection held open spares
    every request that work, and the log is checkpointed as it fills instead.
    """
    database = database or settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or _held:
        return
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return
    connection = sqlite3.connect(name, check_same_thread=False)
    # Reading the schema opens the file and joins the log; "SELECT 1" alone would not.
    connection.execute("PRAGMA schema_version").fetchall()
    _held.append(connection)
