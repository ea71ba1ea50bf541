"""Subject access: a copy of one person's whole record, for the person or their coordinator.

Asking queues a row; `manage.py export_worker` claims queued rows with a conditional UPDATE
(so two workers never build the same one), builds the ZIP and keeps it in private storage.
Asking, and each download, is recorded in the audit trail.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TypeGuard

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from core.audit import audit_record
from core.logs import current_request_id, job_context
from core.models import AuditEntry, User
from families.access import (
    PersonAccess,
    Role,
    person_access_or_404,
    person_row_access,
)
from families.models import RecordExport
from families.record_export import build_zip

logger = logging.getLogger(__name__)

# A worker that stopped halfway loses its claim after this long and the row is built again.
CLAIM_LEASE = timedelta(minutes=10)
PENDING = (RecordExport.Status.QUEUED, RecordExport.Status.BUILDING)


def may_export(access: PersonAccess | None, user: User) -> TypeGuard[PersonAccess]:
    """The person themself, or the team member named as their coordinator; nobody else."""
    if access is None:
        return False
    if access.role is Role.SELF:
        return True
    return access.is_team and access.person.coordinator_id == user.pk


def made_for(export: RecordExport) -> Role:
    """Whose view a copy holds: the person's own when they asked, else the team's."""
    if export.requested_by_id is not None and export.requested_by_id == export.person.user_id:
        return Role.SELF
    return Role.TEAM


def may_download(access: PersonAccess | None, user: User, export: RecordExport) -> bool:
    """Someone who may ask for copies, and whose pages show all that this copy holds.

    A copy the coordinator asked for holds the circle's contact details, which the person's
    pages do not show them; a copy the person asked for holds nothing the team cannot see.
    """
    if not may_export(access, user):
        return False
    return made_for(export) is Role.SELF or access.is_team


def _access_to_export(actor: User, person_id: int) -> PersonAccess:
    access = person_access_or_404(actor, person_id)
    if not may_export(access, actor):
        raise Http404
    return access


def record_exports_for(*, actor: User, person_id: int) -> list[RecordExport]:
    """The copies this reader may have, newest first, for those who may ask."""
    access = _access_to_export(actor, person_id)
    exports = RecordExport.objects.filter(person=access.person).select_related(
        "requested_by", "person"
    )
    return [export for export in exports if may_download(access, actor, export)]


@transaction.atomic
def record_export_request(*, actor: User, person_id: int) -> RecordExport:
    """Queue a copy. Asking again while one is being made gives back that one."""
    access = _access_to_export(actor, person_id)
    pending = RecordExport.objects.filter(person=access.person, status__in=PENDING).first()
    if pending is not None:
        return pending
    export = RecordExport.objects.create(
        person=access.person, requested_by=actor, request_id=current_request_id()
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.EXPORTED,
        person_id=access.person.pk,
        target=f"export:{export.pk}",
        detail={"step": "requested"},
    )
    return export


def record_export_for_download(*, actor: User, export_id: int | str) -> RecordExport:
    """A finished copy, for the person or their coordinator; the download is audited."""
    ready = RecordExport.objects.filter(status=RecordExport.Status.READY)
    found = person_row_access(actor, ready, export_id)
    if found is None or not found[0].file or not may_download(found[1], actor, found[0]):
        raise Http404
    export = found[0]
    audit_record(
        actor=actor,
        action=AuditEntry.Action.EXPORTED,
        person_id=export.person_id,
        target=f"export:{export.pk}",
        detail={"step": "downloaded"},
    )
    return export


# The worker's side ----------------------------------------------------------------------------


def record_export_claim() -> RecordExport | None:
    """Claim the oldest queued copy (or one whose builder stopped), or None if none wait."""
    stale = timezone.now() - CLAIM_LEASE
    waiting = Q(status=RecordExport.Status.QUEUED) | Q(
        status=RecordExport.Status.BUILDING, claimed_at__lt=stale
    )
    for candidate in RecordExport.objects.filter(waiting).order_by("created_at", "pk")[:5]:
        token = secrets.token_hex(16)
        # Conditional: only one worker's UPDATE matches the row as it was seen.
        claimed = RecordExport.objects.filter(
            waiting, pk=candidate.pk, status=candidate.status, claim=candidate.claim
        ).update(status=RecordExport.Status.BUILDING, claim=token, claimed_at=timezone.now())
        if claimed:
            return RecordExport.objects.get(pk=candidate.pk)
    return None


def record_export_build(export: RecordExport) -> RecordExport:
    """Make the ZIP for a claimed row and keep it; a failure is kept on the row, not raised."""
    try:
        data = build_zip(export.person, PersonAccess(person=export.person, role=made_for(export)))
    except Exception as error:  # one bad record must not stop the worker
        logger.exception("record export %s failed", export.pk)
        RecordExport.objects.filter(pk=export.pk, claim=export.claim).update(
            status=RecordExport.Status.FAILED,
            error=type(error).__name__,
            finished_at=timezone.now(),
        )
        export.refresh_from_db()
        return export
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    # A random name: the file is never served by path, but it need not be guessable either.
    export.file.save(f"record-{stamp}-{secrets.token_hex(8)}.zip", ContentFile(data), save=False)
    RecordExport.objects.filter(pk=export.pk, claim=export.claim).update(
        status=RecordExport.Status.READY,
        file=export.file.name,
        size=len(data),
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def record_exports_build_waiting(*, limit: int | None = None) -> int:
    """Build what is queued now; how many were built (or failed)."""
    done = 0
    while limit is None or done < limit:
        export = record_export_claim()
        if export is None:
            break
        # Its lines carry the id of the request that asked for it.
        with job_context("export", request_id=export.request_id, export_id=export.pk):
            record_export_build(export)
        done += 1
    return done
