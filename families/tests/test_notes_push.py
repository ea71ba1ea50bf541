"""A new note reaches the phones of those allowed to see it, unless they are watching live."""

import pytest
from django.core.exceptions import ValidationError

from core.models import PushMessage, PushNews, PushSubscription
from core.push import services as push_services
from core.push.services import push_news_expand
from core.realtime.presence import viewer_joined
from families import services


def _phone(user) -> None:
    PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{user.pk}", p256dh="x" * 87, auth="y" * 22
    )


def _told(user) -> int:
    return PushMessage.objects.filter(subscription__user=user).count()


@pytest.fixture
def write(personas):
    """Write a note as the carer, then let the push worker work out whose phones hear."""

    def _write(**extra):
        note = services.note_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            body="We planted sweet peas.",
            **extra,
        )
        push_news_expand()
        return note

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


def test_the_request_leaves_working_out_whose_phones_to_the_worker(personas):
    _phone(personas.family)
    services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        audience="circle",
        body="We planted sweet peas.",
    )

    assert _told(personas.family) == 0
    assert PushNews.objects.count() == 1
    assert push_news_expand() == 1
    assert _told(personas.family) == 1
    assert PushNews.objects.count() == 0


def test_a_note_that_is_not_saved_tells_nobody(personas):
    _phone(personas.family)
    with pytest.raises(ValidationError):
        services.note_create(
            actor=personas.carer, person_id=personas.person.pk, kind="moment", body=""
        )

    assert PushNews.objects.count() == 0


def test_one_piece_of_news_that_fails_does_not_hold_up_the_rest(
    personas, write, monkeypatch, caplog
):
    _phone(personas.family)
    real = push_services.push_notify
    calls = []

    def first_one_breaks(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("the outbox is unavailable")
        return real(**kwargs)

    monkeypatch.setattr(push_services, "push_notify", first_one_breaks)
    for _ in range(2):
        services.note_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            kind="moment",
            audience="circle",
            body="We planted sweet peas.",
        )

    assert push_news_expand() == 1
    assert _told(personas.family) == 1
    assert PushNews.objects.count() == 0
    assert "the outbox is unavailable" in caplog.text
