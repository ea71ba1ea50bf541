"""A visit as it happens: "running late", "I can't make it", and marking it done.

Only a carer going to the visit may say these, on its day, before it has ended. Each one is
written in the rota's activity (RotaChange) and the person's record log (through
teams.rota.notify), changes the family's "Who's coming" on every open page at once
(teams.rota.live, rendered per audience and language), and leaves news for the push worker
(never sent on the request path). "I can't make it" puts the visit back to the team, marked
urgent; whoever takes it first gets it through the rota's own claim (a conditional UPDATE),
and the family is told who is coming instead (``urgent_visit_taken``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import links
from core.models import PushKind, User
from core.push.services import push_notify_later
from core.push.words import in_every_language
from families.access import Audience
from teams.models import Offer, RotaChange, Visit
from teams.rota import live, visit_words
from teams.rota.clock import UTC, aware, local_today
from teams.rota.selectors import window_words
from teams.rota.services import _record, _visit_for_member, snapshot

# The choices a carer running late is offered, in minutes.
LATE_CHOICES = (10, 20, 30)


def _has_ended(visit: Visit, now: dt.datetime) -> bool:
    if visit.done_at is not None:
        return True
    end = aware(visit.date, visit.window_end).astimezone(UTC)
    return end <= now.astimezone(UTC)


def _going_visit(actor: User, visit_id: int, *, now: dt.datetime) -> Visit:
    """The actor's own visit, still to happen or under way; locked for the change.

    A visit of another team (or none) is a 404 like a missing one; anything else that does
    not fit is a ValidationError saying what is wrong, and nothing changes.
    """
    visit = _visit_for_member(actor, visit_id, lock=True)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled, so there is nothing to change."))
    if actor.pk not in visit.carer_ids:
        if visit.cant_make_it_by_id == actor.pk:
            raise ValidationError(
                _("You have already said you can't make it. The team has been asked to cover it.")
            )
        raise ValidationError(_("This is not your visit. Only someone going to it can say this."))
    if _has_ended(visit, now):
        raise ValidationError(_("This visit has ended, so there is nothing to change."))
    return visit


def _tell_the_circle(
    visit: Visit, *, actor: User, title: Callable[[], str], body: Callable[[], str]
) -> None:
    """News for the push worker: those around the person who asked for it (by default their
    first contact in the family). Written in this transaction; sent moments later, each in
    its reader's language."""
    push_notify_later(
        person_id=visit.person_id,
        kind=PushKind.RUNNING_LATE,
        audience=Audience.CIRCLE,
        title=in_every_language(title),
        body=in_every_language(body),
        url=links.page_for(links.WHOS_COMING, visit.person_id),
        exclude_user_ids={actor.pk},
    )


@transaction.atomic
def visit_running_late(
    *, actor: User, visit_id: int, minutes: int | None, now: dt.datetime | None = None
) -> Visit:
    """ "Running late: about 20 minutes", from a carer going, on the day, before they arrive."""
    now = now or timezone.now()
    visit = _going_visit(actor, visit_id, now=now)
    if minutes not in LATE_CHOICES:
        raise ValidationError(
            {"minutes": [_("Please choose about 10, 20 or 30 minutes.")]}, code="minutes"
        )
    if visit.date != local_today():
        raise ValidationError(_("You can say you are running late only on the day of the visit."))
    if visit.checked_in_at is not None:
        raise ValidationError(_("You have already said you are there, so you are not late."))
    before = {"late_minutes": visit.late_minutes}
    visit.late_minutes = minutes
    visit.late_at = now
    visit.late_by = actor
    visit.updated_at = now
    visit.save(update_fields=["late_minutes", "late_at", "late_by", "updated_at"])
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.VISIT_LATE,
        visit=visit,
        before=before,
        after={"late_minutes": minutes, "late_at": now.isoformat()},
    )
    live.visit_changed(visit, kind="visit.late")
    person = visit.person
    _tell_the_circle(
        visit,
        actor=actor,
        title=lambda: _("%(name)s is running late") % {"name": actor.get_short_name()},
        body=lambda: visit_words.late_sentence(visit, person.name),
    )
    return visit


@transaction.atomic
def visit_cant_make_it(*, actor: User, visit_id: int, now: dt.datetime | None = None) -> Visit:
    """ "I can't make it": the visit goes back to the team at once, marked urgent.

    The team hears it on every open rota page and on their phones; the family is told it is
    being covered, and who is coming instead once someone takes it.
    """
    now = now or timezone.now()
    visit = _going_visit(actor, visit_id, now=now)
    before = snapshot(visit)
    if visit.carer_id == actor.pk:
        # A second carer still going becomes the one going; with nobody left, it is open.
        visit.carer, visit.second_carer = visit.second_carer, None
    else:
        visit.second_carer = None
    visit.status = Visit.Status.ASSIGNED if visit.carer_id else Visit.Status.OPEN
    visit.urgent = True
    visit.cant_make_it_at = now
    visit.cant_make_it_by = actor
    visit.late_minutes = visit.late_at = visit.late_by = None
    visit.updated_at = now
    visit.save()
    # An offer of it is no longer anyone's to accept: the team is asked afresh.
    offers = list(Offer.objects.filter(visit=visit, status=Offer.Status.OPEN))
    Offer.objects.filter(pk__in=[o.pk for o in offers]).update(
        status=Offer.Status.WITHDRAWN, decided_at=now
    )
    # The visit's streams (its person's, then the team's) before the offers' (the team's
    # alone): every write takes streams in name order, or two of them can deadlock.
    live.visit_changed(visit, kind="visit.cant_make_it")
    for offer in offers:
        offer.status, offer.decided_at, offer.visit = Offer.Status.WITHDRAWN, now, visit
        live.offer_changed(offer, kind="offer.withdrawn")
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.VISIT_CANT_MAKE_IT,
        visit=visit,
        before=before,
        after=snapshot(visit),
    )
    person = visit.person
    today = local_today()
    push_notify_later(
        person_id=visit.person_id,
        kind=PushKind.ROTA,
        audience=Audience.TEAM,
        # A colleague's name and a time: nothing about the person's care.
        title=in_every_language(lambda: _("Urgent: a visit needs someone")),
        body=in_every_language(
            lambda: (
                _("%(name)s can't make it to %(person)s %(window)s. Can you go?")
                % {
                    "name": actor.get_short_name(),
                    "person": person.name,
                    "window": window_words(visit, today),
                }
            )
        ),
        url=links.page_for(links.VISIT, visit.pk),
        exclude_user_ids={actor.pk},
    )
    _tell_the_circle(
        visit,
        actor=actor,
        title=lambda: _("%(person)s's visit is being covered") % {"person": person.name},
        body=lambda: visit_words.covering_sentence(visit, today),
    )
    return visit


def urgent_visit_taken(*, visit: Visit, actor: User) -> None:
    """Called by the rota's claim, inside its transaction, once someone took an open visit.

    For a visit its carer could not make, the family hears who is coming instead.
    """
    if not visit.urgent:
        return
    person = visit.person
    _tell_the_circle(
        visit,
        actor=actor,
        title=lambda: _("%(name)s is coming instead") % {"name": actor.get_short_name()},
        body=lambda: visit_words.instead_sentence(visit, person.name, local_today()),
    )


@transaction.atomic
def visit_mark_done(*, actor: User, visit_id: int, now: dt.datetime | None = None) -> Visit:
    """A carer who said they were there marks the visit done; the family sees when it was."""
    now = now or timezone.now()
    visit = _visit_for_member(actor, visit_id, lock=True)
    if actor.pk not in visit.carer_ids:
        raise ValidationError(_("This is not your visit. Only someone going to it can say this."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled, so there is nothing to change."))
    if visit.checked_in_at is None:
        raise ValidationError(_("Please say you are there first, then mark the visit done."))
    if visit.done_at is not None:
        return visit  # pressed twice, or sent again from a phone that was offline
    visit.done_at = now
    visit.done_by = actor
    visit.updated_at = now
    visit.save(update_fields=["done_at", "done_by", "updated_at"])
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.VISIT_DONE,
        visit=visit,
        after={"done_at": now.isoformat()},
    )
    live.visit_changed(visit, kind="visit.done")
    return visit
