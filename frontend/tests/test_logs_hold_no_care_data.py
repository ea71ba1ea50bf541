"""A day's work on the demo, with every log line captured as production writes them: none of
them names anyone, gives an email address or repeats what was written."""

import io
import json
import logging
import re
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from core.logs import formatter
from core.models import User
from core.push.delivery import deliver_due
from families.models import CircleMember, Note, Person, Reply
from families.services.export import record_exports_build_waiting

DEMO_PASSWORD = "kith-demo-1"


@pytest.fixture
def every_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # everything any logger has to say, not only warnings
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _care_words() -> set[str]:
    """Everything the demo holds that would tell a reader who someone is or what happened."""
    words: set[str] = set()
    for user in User.objects.all():
        words |= {user.email, user.display_name}
    for person in Person.objects.all():
        words |= {person.full_name, person.preferred_name}
    words |= set(CircleMember.objects.values_list("name", flat=True))
    words |= set(Note.objects.values_list("body", flat=True))
    words |= set(Reply.objects.values_list("body", flat=True))
    return {word for word in words if word and len(word) >= 3}


def test_a_days_work_leaves_no_names_emails_or_notes_in_the_logs(db, every_line):
    call_command("seed_demo", stdout=io.StringIO())
    angela = Client()
    # A mistyped password first: sign-in protection logs the attempt.
    response = angela.post(
        "/accounts/login/", {"username": "angela@kith.example", "password": "wrong"}
    )
    assert response.status_code == 200
    response = angela.post(
        "/accounts/login/", {"username": "angela@kith.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    jean = next(p for p in angela.get("/api/v1/people").json() if p["name"] == "Jean")
    assert angela.get(f"/people/{jean['id']}/").status_code == 200

    moment = f"Jean told us about her wedding day in Whitby ({uuid.uuid4().hex[:6]})"
    response = angela.post(
        f"/api/v1/people/{jean['id']}/notes",
        {"kind": "moment", "body": moment, "audience": "circle", "client_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    note_id = response.json()["id"]
    reply = f"She showed me the photographs too ({uuid.uuid4().hex[:6]})"
    assert angela.post(f"/notes/{note_id}/reply/", {"body": reply}).status_code == 302
    # Too long a reply is refused with a message: the refusal is not logged with its words.
    angela.post(f"/notes/{note_id}/reply/", {"body": moment * 100})

    assert angela.post(f"/people/{jean['id']}/copy/").status_code == 302
    assert record_exports_build_waiting() == 1
    deliver_due()
    assert angela.get("/people/999999/").status_code == 404

    text = every_line.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    routes = {line.get("route") for line in lines if line["event"] == "request"}
    assert {"login", "api:people_list", "note_reply", "record_export"} <= routes
    # Whole words only: "Den" is someone's name, and also the start of "Deleted".
    found = sorted(
        word
        for word in _care_words() | {moment, reply}
        if re.search(rf"\b{re.escape(word)}\b", text, flags=re.IGNORECASE)
    )
    assert not found, f"the logs hold care data: {found}"
