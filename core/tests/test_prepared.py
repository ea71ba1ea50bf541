"""A query compiled once answers exactly as the queryset it was written as, with any values."""

import pytest
from django.db.models import Exists, OuterRef, QuerySet

from core.models import AuditEntry, User
from core.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def _with_audit(*, user_id: int, actor_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(pk=user_id)
        .annotate(_acted=Exists(AuditEntry.objects.filter(actor_id=actor_id, actor=OuterRef("pk"))))
        .order_by("pk")[:1]
    )


PREPARED = PreparedQuery(_with_audit, {"user_id": 1, "actor_id": 1})


def test_it_answers_as_the_queryset_does_for_any_values(personas):
    AuditEntry.objects.create(actor=personas.carer, action=AuditEntry.Action.NOTE_CREATED)

    for user, actor in [(personas.carer, personas.carer), (personas.family, personas.carer)]:
        found = PREPARED.first(user_id=user.pk, actor_id=actor.pk)
        expected = _with_audit(user_id=user.pk, actor_id=actor.pk).get()

        assert found is not None
        row, annotations = found
        assert (row.pk, row.email, row.display_name) == (
            expected.pk,
            expected.email,
            expected.display_name,
        )
        assert annotations == {"_acted": expected._acted}  # type: ignore[attr-defined]
        assert row._acted is expected._acted  # type: ignore[attr-defined]
        assert row._state.adding is False and row._state.db == "default"


def test_nothing_found_is_none(personas):
    assert PREPARED.first(user_id=personas.carer.pk + 10_000, actor_id=personas.carer.pk) is None


def test_it_costs_one_query_and_is_compiled_once(personas, django_assert_num_queries):
    PREPARED.first(user_id=personas.carer.pk, actor_id=personas.carer.pk)
    built = []

    def build(**ids: int) -> QuerySet[User]:
        built.append(ids)
        return _with_audit(**ids)

    counted = PreparedQuery(build, {"user_id": 1, "actor_id": 1})

    with django_assert_num_queries(1):
        counted.first(user_id=personas.carer.pk, actor_id=personas.carer.pk)
    with django_assert_num_queries(1):
        counted.first(user_id=personas.family.pk, actor_id=personas.carer.pk)

    assert len(built) == 1


def test_a_value_not_where_it_was_said_to_be_is_refused(personas):
    wrong = PreparedQuery(_with_audit, {"user_id": 2, "actor_id": 1})

    with pytest.raises(ValueError, match="user_id"):
        wrong.first(user_id=personas.carer.pk, actor_id=personas.carer.pk)
