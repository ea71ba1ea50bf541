"""A new note reaches the phones of those allowed to see it, unless they are watching live."""

from core.models import PushMessage, PushSubscription
from core.realtime.presence import viewer_joined
from families import services


def _phone(user) -> None:
    PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{user.pk}", p256dh="x" * 87, auth="y" * 22
    )


def _told(user) -> int:
    return PushMessage.objects.filter(subscription__user=user).count()


def _note(personas, **extra):
    return services.note_create(
        actor=personas.carer, person_id=personas.person.pk, body="We planted sweet peas.", **extra
    )


def test_a_shared_moment_reaches_the_family_but_not_its_writer(personas):
    _phone(personas.family)
    _phone(personas.carer)
    _note(personas, kind="moment", audience="circle")
    assert _told(personas.family) == 1
    assert _told(personas.carer) == 0


def test_a_handover_never_reaches_the_family(personas):
    _phone(personas.family)
    _note(personas, kind="handover")
    assert _told(personas.family) == 0


def test_someone_watching_the_timeline_is_not_also_pushed(personas):
    _phone(personas.family)
    viewer_joined(
        channel_name="sarahs-phone", user_id=personas.family.pk, person_id=personas.person.pk
    )
    _note(personas, kind="moment", audience="circle")
    assert _told(personas.family) == 0


def test_the_notification_says_nothing_private_by_default(personas):
    _phone(personas.family)
    _note(personas, kind="moment", audience="circle")
    payload = PushMessage.objects.get().payload
    assert "sweet peas" not in str(payload)
    assert "Jean" in payload["title"]
