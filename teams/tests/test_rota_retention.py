"""The rota's change history goes with the person's record: by retention and on deletion."""

import datetime as dt

from django.utils import timezone

from families.services.retention import apply_retention
from teams.models import Availability, RotaChange
from teams.rota import services
from teams.rota.retention import rota_history_of_person_delete
from teams.tests.rota_helpers import open_visit, teammate


def _ended_long_ago(person) -> None:
    person.support_ended_at = timezone.now() - dt.timedelta(days=round(9 * 365.25))
    person.save(update_fields=["support_ended_at"])


def _history_of_jean(personas) -> list[RotaChange]:
    """Jean's visit added, taken, moved, offered, swapped and an undo; Neville's visit too."""
    bea = teammate(personas)
    visit = open_visit(personas)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    services.offer_accept(actor=bea, offer_id=offer.pk)
    moved = open_visit(personas, window_label="after lunch")
    services.visit_move(
        actor=personas.carer,
        visit_id=moved.pk,
        date=moved.date + dt.timedelta(days=1),
        window_start=dt.time(13),
        window_end=dt.time(14),
    )
    move = RotaChange.objects.get(visit=moved, kind=RotaChange.Kind.VISIT_MOVED)
    services.change_undo(actor=personas.carer, change_id=move.pk)
    return list(RotaChange.objects.filter(visit__person=personas.person))


def test_deleting_a_record_by_retention_deletes_the_rota_history_about_it(personas):
    jean = _history_of_jean(personas)
    assert len(jean) >= 7
    neville = open_visit(personas, person=personas.neighbour)
    services.availability_set(
        actor=personas.carer, team_id=personas.team.pk, kind=Availability.Kind.CANNOT, weekday=2
    )
    _ended_long_ago(personas.person)

    report = apply_retention(dry_run=False)

    assert report.people_deleted == 1
    assert report.rota_changes_deleted == len(jean)
    assert not RotaChange.objects.filter(pk__in=[c.pk for c in jean]).exists()
    # Nothing of Jean's visits stays in what is left: no change with emptied links.
    assert not RotaChange.objects.filter(visit__isnull=True, pattern__isnull=True).exclude(
        kind=RotaChange.Kind.AVAILABILITY_SET
    )
    # Neville's history and Angela's own availability stay.
    assert RotaChange.objects.filter(visit=neville).exists()
    assert RotaChange.objects.filter(kind=RotaChange.Kind.AVAILABILITY_SET).exists()


def test_a_dry_run_counts_the_history_and_keeps_it(personas):
    jean = _history_of_jean(personas)
    _ended_long_ago(personas.person)

    report = apply_retention(dry_run=True)

    assert report.rota_changes_deleted == len(jean)
    assert RotaChange.objects.filter(pk__in=[c.pk for c in jean]).count() == len(jean)


def test_history_left_from_a_record_deleted_earlier_is_swept(personas):
    """Before this rule, deleting a person left their changes with emptied links."""
    jean = _history_of_jean(personas)
    personas.person.delete()
    left = RotaChange.objects.filter(pk__in=[c.pk for c in jean])
    assert left.count() == len(jean)
    assert left.filter(after__has_key="date").exists()  # days and times, still there

    report = apply_retention(dry_run=False)

    assert not left.exists()
    assert report.rota_changes_deleted == len(jean)
    assert any("rota history" in line for line in report.lines)
    assert "Jean" not in " ".join(report.lines)


def test_a_repeating_visit_and_its_undo_go_with_the_person(personas):
    pattern = services.pattern_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        rule="FREQ=WEEKLY;BYDAY=MO",
        starts_on=timezone.localdate() + dt.timedelta(days=1),
        window_start=dt.time(9),
        window_end=dt.time(10),
        minutes=30,
        purpose="Breakfast",
    )
    made = RotaChange.objects.get(pattern=pattern)
    services.change_undo(actor=personas.carer, change_id=made.pk)

    assert rota_history_of_person_delete(person_id=personas.person.pk) == 2
    assert not RotaChange.objects.filter(pattern=pattern).exists()
