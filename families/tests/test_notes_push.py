"""A new note reaches the phones of those allowed to see it, unless they are watching live."""

import pytest

from core.models import PushMessage, PushSubscription
from core.realtime.presence import viewer_joined
from families import services
from families.models import Note


def _phone(user) -> None:
    PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{user.pk}", p256dh="x" * 87, auth="y" * 22
    )


def _told(user) -> int:
    return PushMessage.objects.filter(subscription__user=user).count()


@pytest.fixture
def write(personas, django_capture_on_commit_callbacks):
    """Write a note as the carer and let it commit: phones are told only once it has."""

    def _write(**extra):
        with django_capture_on_commit_callbacks(execute=True):
            return services.note_create(
                actor=personas.carer,
                person_id=personas.person.pk,
                body="We planted sweet peas.",
                **extra,
            )

    return _write


def test_a_shared_moment_reaches_the_family_but_not_its_writer(personas, write):
    _phone(personas.family)
    _phone(personas.carer)
    write(kind="moment", audience="circle")
    assert _told(personas.family) == 1
    assert _told(personas.carer) == 0


def test_a_handover_never_reaches_the_family(personas, write):
    _phone(personas.family)
    write(kind="handover")
    assert _told(personas.family) == 0


def test_someone_watching_the_timeline_is_not_also_pushed(personas, write):
    _phone(personas.family)
    viewer_joined(
        channel_name="sarahs-phone", user_id=personas.family.pk, person_id=personas.person.pk
    )
    write(kind="moment", audience="circle")
    assert _told(personas.family) == 0


def test_the_notification_says_nothing_private_by_default(personas, write):
    _phone(personas.family)
    write(kind="moment", audience="circle")
    payload = PushMessage.objects.get().payload
    assert "sweet peas" not in str(payload)
    assert "Jean" in payload["title"]


def test_nobody_is_told_before_the_note_is_saved(personas):
    _phone(personas.family)
    services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        audience="circle",
        body="We planted sweet peas.",
    )  # still inside the test's transaction: not committed
    assert _told(personas.family) == 0


def test_a_note_is_kept_even_when_phones_cannot_be_told(personas, write, monkeypatch, caplog):
    _phone(personas.family)

    def broken(**kwargs):
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr("families.services.notes.push_notify", broken)
    note = write(kind="moment", audience="circle")

    assert Note.objects.filter(pk=note.pk).exists()
    assert _told(personas.family) == 0
    assert "the outbox is unavailable" in caplog.text
