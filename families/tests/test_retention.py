"""apply_retention: old care records go, accounts go on request, the audit trail stays."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEntry, Event, EventStream, User
from families import services
from families.models import (
    AccountDeletionRequest,
    CircleMember,
    Note,
    Person,
    RecordExport,
    Reply,
)
from families.services import export as export_services
from families.services.retention import (
    FORMER_MEMBER_EMAIL,
    account_deletion_request,
    apply_retention,
)
from families.tests.notes_helpers import photo_upload


def _ended(person: Person, years_ago: float) -> None:
    person.support_ended_at = timezone.now() - dt.timedelta(days=round(years_ago * 365.25))
    person.save(update_fields=["support_ended_at"])


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_record(personas):
    """Jean's support ended nine years ago; her record has a note with a photo."""
    note = services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="visit",
        body="Jean enjoyed her lunch.",
        audience="circle",
        photos=[photo_upload()],
    )
    _ended(personas.person, 9)
    return note


def test_a_dry_run_says_what_would_go_and_changes_nothing(personas, old_record):
    photo = old_record.photos.get().image.name
    account_deletion_request(actor=personas.family)

    said = _run("--dry-run")

    assert "Dry run: nothing was changed." in said
    assert f"person {personas.person.pk}: would delete the care record" in said
    assert f"account {personas.family.pk}: would delete" in said
    assert "Jean" not in said  # ids only: no care data in the output
    assert Person.objects.filter(pk=personas.person.pk).exists()
    assert User.objects.filter(pk=personas.family.pk).exists()
    assert default_storage.exists(photo)


def test_a_record_kept_eight_years_after_support_ended_is_deleted_with_its_photos(
    personas, old_record, django_capture_on_commit_callbacks
):
    photo = old_record.photos.get().image.name
    trail_before = AuditEntry.objects.filter(person_id=personas.person.pk).count()
    assert trail_before > 0

    with django_capture_on_commit_callbacks(execute=True):
        said = _run()

    assert f"person {personas.person.pk}: deleted the care record" in said
    assert not Person.objects.filter(pk=personas.person.pk).exists()
    assert not Note.objects.filter(pk=old_record.pk).exists()
    assert not default_storage.exists(photo)
    # The trail outlives the record it describes.
    assert AuditEntry.objects.filter(person_id=personas.person.pk).count() == trail_before
    # Someone still supported, or whose support ended lately, is untouched.
    assert Person.objects.filter(pk=personas.neighbour.pk).exists()
    # Nothing open pages were told about them outlives the record either.
    assert not Event.objects.filter(person_id=personas.person.pk).exists()
    assert not EventStream.objects.filter(name__startswith=f"person-{personas.person.pk}-")


def test_support_that_ended_seven_years_ago_is_kept(personas):
    _ended(personas.person, 7)
    assert "nothing to do" in _run()
    assert Person.objects.filter(pk=personas.person.pk).exists()


def test_the_number_of_years_is_a_setting(personas, settings):
    _ended(personas.person, 3)
    settings.RETENTION_YEARS_AFTER_SUPPORT_ENDS = 2
    report = apply_retention(dry_run=False)
    assert report.people_deleted == 1
    assert not Person.objects.filter(pk=personas.person.pk).exists()


def test_a_circle_member_asks_to_go_and_their_posts_stay_without_their_name(personas):
    note = services.note_create(
        actor=personas.family,
        person_id=personas.person.pk,
        kind="family_update",
        body="Mum had a lovely birthday.",
    )
    reply = services.reply_create(actor=personas.family, note_id=note.pk, body="Thank you all")
    account_deletion_request(actor=personas.family)
    family_id = personas.family.pk

    report = apply_retention(dry_run=False)

    assert report.accounts_deleted == 1 and report.posts_anonymised == 2
    assert not User.objects.filter(pk=family_id).exists()
    assert not CircleMember.objects.filter(user_id=family_id).exists()
    stand_in = User.objects.get(email=FORMER_MEMBER_EMAIL)
    assert not stand_in.is_active and not stand_in.has_usable_password()
    assert Note.objects.get(pk=note.pk).author == stand_in
    assert Note.objects.get(pk=note.pk).body == "Mum had a lovely birthday."
    assert Reply.objects.get(pk=reply.pk).author == stand_in
    assert AccountDeletionRequest.objects.get().done_at is not None
    assert AccountDeletionRequest.objects.get().user is None
    # Asked for again later: nothing left to do.
    assert apply_retention(dry_run=False).accounts_deleted == 0


def test_a_team_member_leaves_the_team_before_their_account_can_go(personas):
    with pytest.raises(ValidationError):
        account_deletion_request(actor=personas.carer)


def test_old_copies_of_a_record_are_deleted(personas):
    export = export_services.record_export_request(
        actor=personas.person_user, person_id=personas.person.pk
    )
    export_services.record_exports_build_waiting()
    export.refresh_from_db()
    name = export.file.name
    assert name
    assert apply_retention(dry_run=False).exports_deleted == 0
    RecordExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=8)
    )

    report = apply_retention(dry_run=False)

    assert report.exports_deleted == 1
    assert not RecordExport.objects.exists()
    assert not default_storage.exists(name)


def test_live_updates_older_than_the_catch_up_window_are_forgotten(personas, settings):
    settings.CATCH_UP_WINDOW_HOURS = 48
    now = timezone.now()
    old, recent = (
        services.note_create(
            actor=personas.carer, person_id=personas.person.pk, kind="handover", body=body
        )
        for body in ("Two days and more ago", "This morning")
    )
    Event.objects.filter(subject_id=old.pk).update(created_at=now - dt.timedelta(hours=49))
    Event.objects.filter(subject_id=recent.pk).update(created_at=now - dt.timedelta(hours=47))

    report = apply_retention(dry_run=True, now=now)
    assert report.events_deleted == 1
    assert Event.objects.filter(subject_id=old.pk).exists()

    report = apply_retention(dry_run=False, now=now)

    assert report.events_deleted == 1
    assert "live updates: deleted 1 older than the catch-up window" in report.lines
    assert not Event.objects.filter(subject_id=old.pk).exists()
    assert Event.objects.filter(subject_id=recent.pk).exists()
    # The notes themselves are the record, kept by its own rule.
    assert Note.objects.filter(pk=old.pk).exists()
