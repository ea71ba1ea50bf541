"""Telling the carers a rota change affects, on their phones and in the audit trail."""

from django.utils.translation import gettext as _

from core import links
from core.audience import Audience
from core.audit import audit_record
from core.models import AuditEntry, PushKind, User
from core.push.services import push_notify_later
from core.push.words import in_every_language
from teams.models import Offer, RotaChange, Visit


def affected_carers(change: RotaChange, visit: Visit | None, offer: Offer | None) -> set[int]:
    """Who a change concerns: those going before and after, and whoever was asked."""
    people = set()
    if visit is not None:
        people |= set(visit.carer_ids)
        before = change.before or {}
        people |= {
            pk for pk in (before.get("carer_id"), before.get("second_carer_id")) if pk is not None
        }
    if offer is not None:
        people |= {offer.from_user_id, offer.to_user_id or 0} - {0}
    return people


def rota_change_recorded(
    change: RotaChange, *, actor: User | None, visit: Visit | None, offer: Offer | None
) -> None:
    """Call inside the transaction that recorded the change."""
    person_id = visit.person_id if visit is not None else None
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ROTA_CHANGED,
        person_id=person_id,
        team_id=change.team_id,
        target=f"visit:{visit.pk}" if visit is not None else f"rota-change:{change.pk}",
        detail={"change": change.kind},
    )
    if visit is None:
        return
    told = affected_carers(change, visit, offer) - ({actor.pk} if actor else set())
    if not told:
        return

    def who() -> str:
        return actor.display_name if actor else _("Someone in the team")

    push_notify_later(
        person_id=visit.person_id,
        kind=PushKind.ROTA,
        audience=Audience.TEAM,
        # Names a colleague and what they did; nothing about the person's care.
        title=in_every_language(lambda: _("Rota change")),
        body=in_every_language(
            lambda: _("%(who)s %(what)s.") % {"who": who(), "what": change.get_kind_display()}
        ),
        url=links.page_for(links.VISIT, visit.pk),
        only_user_ids=told,
    )
