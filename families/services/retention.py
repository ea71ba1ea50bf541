"""Keeping records no longer than needed, applied by `manage.py apply_retention`.

The rule (settings, read from the environment by core.env):
- a person's care record is deleted RETENTION_YEARS_AFTER_SUPPORT_ENDS years (default 8)
  after their support ended: their page, circle, notes and photos, goals, visits, copies;
- a circle member who asked for their account to go is deleted; what they wrote stays on the
  person's timeline without their name ("a former member of the circle");
- a finished copy of a record is deleted RETENTION_EXPORT_DAYS days (default 7) after it
  was made;
- the rota's change history about a person's visits (days, times, who was going) goes with
  their record; any left from a record deleted earlier is swept;
- the log of what open pages were told (core.models.Event: what happened to which note or
  visit, never its words) is deleted once older than CATCH_UP_WINDOW_HOURS (default 48); a
  person's events go with their record.

The audit trail is kept: its rows are append-only (PostgreSQL refuses changes) and point at
what they describe without a database constraint, so deleting the record leaves them intact.
Reports name rows by id only, never by name, so no care data lands in logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import EventStream, User
from core.realtime.catch_up import events_prune
from families.models import (
    AccountDeletionRequest,
    CircleMember,
    Note,
    NotePhoto,
    Outcome,
    Person,
    RecordExport,
    Reply,
)
from teams.models import Membership
from teams.rota.retention import (
    rota_history_of_person,
    rota_history_of_person_delete,
    rota_history_orphans,
    rota_history_orphans_delete,
)

# The one account that stands in for everyone who asked to be forgotten.
FORMER_MEMBER_EMAIL = "former-member@kith.invalid"


@dataclass
class RetentionReport:
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    people_deleted: int = 0
    accounts_deleted: int = 0
    posts_anonymised: int = 0
    exports_deleted: int = 0
    events_deleted: int = 0
    rota_changes_deleted: int = 0

    def say(self, line: str) -> None:
        self.lines.append(line)


# Asking ---------------------------------------------------------------------------------------


def account_deletion_request(*, actor: User) -> AccountDeletionRequest:
    """Someone asks for their own account to go. Team members leave their team first."""
    if Membership.objects.current().filter(user_id=actor.pk).exists():
        raise ValidationError(
            _("Please leave your team first: the rota still needs to know who visited."),
            code="team_member",
        )
    found = AccountDeletionRequest.objects.filter(user=actor, done_at__isnull=True).first()
    return found or AccountDeletionRequest.objects.create(user=actor)


# Applying -------------------------------------------------------------------------------------


def _delete_files(names: Sequence[str | None]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def _record_files(person: Person) -> list[str]:
    names = [person.photo.name]
    names += CircleMember.objects.filter(person=person).values_list("photo", flat=True)
    names += NotePhoto.objects.filter(note__person=person).values_list("image", flat=True)
    names += RecordExport.objects.filter(person=person).values_list("file", flat=True)
    return [n for n in names if n]


def _expired_people(now: dt.datetime) -> list[Person]:
    years = settings.RETENTION_YEARS_AFTER_SUPPORT_ENDS
    # Leap days aside, a year is 365.25 days; a day late is better than a day early.
    cutoff = now - dt.timedelta(days=round(years * 365.25) + 1)
    return list(Person.objects.filter(support_ended_at__lt=cutoff).order_by("pk"))


def _former_member() -> User:
    user = User.objects.filter(email=FORMER_MEMBER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            FORMER_MEMBER_EMAIL, None, display_name=_("A former member of the circle")
        )
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def _anonymise_posts(user: User, stand_in: User) -> int:
    """Move what they wrote to the stand-in account; the words stay for the person's sake."""
    moved = Note.objects.filter(author=user).update(author=stand_in)
    moved += Reply.objects.filter(author=user).update(author=stand_in)
    Note.objects.filter(deleted_by=user).update(deleted_by=stand_in)
    Note.objects.filter(handled_by=user).update(handled_by=stand_in)
    Outcome.objects.filter(created_by=user).update(created_by=stand_in)
    return moved


def _posts_of(user: User) -> int:
    return Note.objects.filter(author=user).count() + Reply.objects.filter(author=user).count()


def apply_retention(*, dry_run: bool, now: dt.datetime | None = None) -> RetentionReport:
    """Apply the rule once. With ``dry_run`` nothing changes: the report says what would."""
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    verb = _("would delete") if dry_run else _("deleted")

    for person in _expired_people(now):
        assert person.support_ended_at is not None  # _expired_people's support has ended
        files = _record_files(person)
        report.say(
            _("person %(id)s: %(verb)s the care record (support ended %(day)s, %(files)s files)")
            % {
                "id": person.pk,
                "verb": verb,
                "day": person.support_ended_at.date().isoformat(),
                "files": len(files),
            }
        )
        report.people_deleted += 1
        report.rota_changes_deleted += rota_history_of_person(person.pk).count()
        if not dry_run:
            with transaction.atomic():
                # The rota's history of their visits first: deleting the visits would only
                # empty its links and leave the days, times and carers behind.
                rota_history_of_person_delete(person_id=person.pk)
                # Their events go with them (cascade); their streams' counters too.
                EventStream.objects.filter(name__startswith=f"person-{person.pk}-").delete()
                person.delete()
                # Files go only once the rows are gone for good.
                transaction.on_commit(partial(_delete_files, files))

    for request in AccountDeletionRequest.objects.filter(
        done_at__isnull=True, user__isnull=False
    ).select_related("user"):
        user = request.user
        assert user is not None  # the query takes requests that still have an account
        if Membership.objects.current().filter(user_id=user.pk).exists():
            report.say(_("account %(id)s: kept for now, still in a team") % {"id": user.pk})
            continue
        posts = _posts_of(user)
        report.say(
            _("account %(id)s: %(verb)s, %(posts)s notes and replies left without a name")
            % {"id": user.pk, "verb": verb, "posts": posts}
        )
        report.accounts_deleted += 1
        report.posts_anonymised += posts
        if not dry_run:
            with transaction.atomic():
                _anonymise_posts(user, _former_member())
                photo = user.photo.name
                # Done first: the request then no longer points at anyone.
                AccountDeletionRequest.objects.filter(pk=request.pk).update(done_at=now)
                user.delete()
                transaction.on_commit(partial(_delete_files, [photo]))

    export_cutoff = now - dt.timedelta(days=settings.RETENTION_EXPORT_DAYS)
    old_exports = RecordExport.objects.filter(
        Q(finished_at__lt=export_cutoff) | Q(finished_at__isnull=True, created_at__lt=export_cutoff)
    )
    for export in old_exports:
        report.say(_("copy %(id)s: %(verb)s") % {"id": export.pk, "verb": verb})
        report.exports_deleted += 1
        if not dry_run:
            name = export.file.name
            export.delete()
            _delete_files([name])
    orphans = rota_history_orphans().count()
    if orphans:
        report.say(
            ngettext(
                "rota history: %(verb)s %(count)s change left from deleted records",
                "rota history: %(verb)s %(count)s changes left from deleted records",
                orphans,
            )
            % {"verb": verb, "count": orphans}
        )
        report.rota_changes_deleted += orphans
        if not dry_run:
            with transaction.atomic():
                rota_history_orphans_delete()
    report.events_deleted = events_prune(now=now, dry_run=dry_run)
    if report.events_deleted:
        report.say(
            _("live updates: %(verb)s %(count)s older than the catch-up window")
            % {"verb": verb, "count": report.events_deleted}
        )
    if not report.lines:
        report.say(_("nothing to do"))
    return report
