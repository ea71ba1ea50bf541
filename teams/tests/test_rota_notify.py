"""A rota change reaches the carers it affects, and is written in the audit trail."""

from core.models import AuditEntry, PushMessage, PushSubscription
from core.push.services import push_news_expand
from teams.rota import services
from teams.tests.rota_helpers import open_visit, teammate


def _phone(user) -> PushSubscription:
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{user.pk}", p256dh="x" * 87, auth="y" * 22
    )


def _told(user) -> int:
    push_news_expand()  # what the push worker does moments after the change
    return PushMessage.objects.filter(subscription__user=user).count()


def test_asking_a_colleague_tells_that_colleague_only(personas):
    bea = teammate(personas)
    cal = teammate(personas, "Cal Colleague")
    for user in (personas.carer, bea, cal):
        _phone(user)
    visit = open_visit(personas)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    before = {u.pk: _told(u) for u in (personas.carer, bea, cal)}

    services.visit_offer(actor=personas.carer, visit_id=visit.pk, to_user_id=bea.pk)

    assert _told(bea) == before[bea.pk] + 1
    assert _told(cal) == before[cal.pk]
    assert _told(personas.carer) == before[personas.carer.pk]  # not told of her own change


def test_taking_an_offer_tells_the_carer_who_offered(personas):
    bea = teammate(personas)
    _phone(personas.carer)
    visit = open_visit(personas)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    told = _told(personas.carer)

    services.offer_accept(actor=bea, offer_id=offer.pk)

    assert _told(personas.carer) == told + 1
    message = PushMessage.objects.filter(subscription__user=personas.carer).latest("id")
    assert "Jean" not in str(message.payload)  # nothing about the person's care


def test_nobody_outside_the_team_is_told(personas):
    _phone(personas.family)
    visit = open_visit(personas)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    assert _told(personas.family) == 0


def test_rota_changes_are_in_the_persons_audit_trail(personas):
    visit = open_visit(personas)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ROTA_CHANGED).latest("id")
    assert entry.person_id == personas.person.pk
    assert entry.actor == personas.carer
    assert entry.target == f"visit:{visit.pk}"
