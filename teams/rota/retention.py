"""The rota's change history goes with the record it is about.

A RotaChange keeps, in ``before`` and ``after``, the days, times and carers of a person's visit.
When the person's record is deleted their visits go (cascade), but the changes would stay with
their links emptied: so the changes about the person go first, in the same transaction, and
anything left over from a record deleted before this rule is swept by ``apply_retention``.
Changes that say when a carer can work are about the carer, not a person, and stay.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from teams.models import RotaChange

# Kinds that are about a carer's own availability, never a person's visit.
CARER_KINDS = (RotaChange.Kind.AVAILABILITY_SET,)


def _about_person(person_id: int) -> Q:
    return (
        Q(visit__person_id=person_id)
        | Q(pattern__person_id=person_id)
        | Q(offer__visit__person_id=person_id)
    )


def _delete(changes: QuerySet[RotaChange]) -> int:
    """Undo records first: each one protects the change it undid."""
    ids = list(changes.values_list("pk", flat=True))
    if not ids:
        return 0
    undos, _by_kind = RotaChange.objects.filter(pk__in=ids, undoes__isnull=False).delete()
    rest, _by_kind = RotaChange.objects.filter(pk__in=ids).delete()
    return undos + rest


def rota_history_of_person(person_id: int) -> QuerySet[RotaChange]:
    """Every change about one person's visits, offers and repeating visits."""
    return RotaChange.objects.filter(_about_person(person_id))


def rota_history_of_person_delete(*, person_id: int) -> int:
    """Delete it; call in the transaction that deletes the person, before the person goes."""
    return _delete(rota_history_of_person(person_id))


def rota_history_orphans() -> QuerySet[RotaChange]:
    """Changes whose visit, offer and pattern are all gone: left from a deleted record."""
    gone = Q(visit__isnull=True, offer__isnull=True, pattern__isnull=True)
    carers_own = Q(kind__in=CARER_KINDS) | Q(undoes__kind__in=CARER_KINDS)
    return RotaChange.objects.filter(gone).exclude(carers_own)


def rota_history_orphans_delete() -> int:
    # An orphan's undo is an orphan too, so both go together.
    return _delete(rota_history_orphans())
