"""The shared timeline and its notes: thin views over families services and reads.

One template (frontend/timeline/timeline.html) serves the full page, the htmx swaps and the
fragments the services send over the socket.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.audit import ReadChannel, record_read
from core.ids import parse_id
from core.requests import SignedInRequest
from families import services
from families.access import (
    PersonAccess,
    Role,
    note_photo_access_or_404,
    person_access_or_404,
)
from families.models import Note
from families.services.notes import EDIT_WINDOW, TEAM_ONLY_KINDS
from families.timeline import (
    last_looked_and_mark_seen,
    latest_event_id,
    note_access_or_404,
    open_concerns,
    timeline_page,
    with_everything_shown,
)
from frontend import drafts
from frontend.forms.timeline import HandledForm, NoteEditForm, NoteForm
from frontend.live.notes import note_fragment
from frontend.speaking import spoken_to_the_person
from frontend.views.photos import _serve
from frontend.views.writes import form_write, login_required_keeping_words

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEMPLATE = "frontend/timeline/timeline.html"


# The timeline ----------------------------------------------------------------------------------


def _filters(request: HttpRequest, access: PersonAccess) -> tuple[str, int | None]:
    kind = request.GET.get("kind", "")
    if kind not in Note.Kind.values:
        kind = ""
    return kind, parse_id(request.GET.get("outcome"))


def _more_url(request: HttpRequest, kind: str, outcome_id: int | None) -> str:
    query = QueryDict(mutable=True)
    if kind:
        query["kind"] = kind
    if outcome_id is not None:
        query["outcome"] = str(outcome_id)
    query["cursor"] = ""
    return f"{request.path}?{query.urlencode()}"


def _kinds_to_filter(access: PersonAccess) -> list[tuple[str, StrOrPromise]]:
    """The circle is not even offered a filter for kinds of note only the team sees."""
    if access.is_team:
        return list(Note.Kind.choices)
    return [(value, label) for value, label in Note.Kind.choices if value not in TEAM_ONLY_KINDS]


def _timeline_context(
    request: SignedInRequest, access: PersonAccess, form: NoteForm | None = None
) -> dict[str, Any]:
    kind, outcome_id = _filters(request, access)
    cursor = request.GET.get("cursor") or None
    try:
        page = timeline_page(access, kind=kind or None, outcome_id=outcome_id, cursor=cursor)
    except ValueError:
        raise Http404 from None
    return {
        "access": access,
        "person": access.person,
        "viewer_id": request.user.pk,
        "page": page,
        "cursor": cursor,
        "kind": kind,
        "outcome_id": outcome_id,
        "more_url": _more_url(request, kind, outcome_id),
        "form": form or NoteForm(access=access),
        # Reply and reaction forms without scripts carry this key; the page script gives each
        # form a key of its own. Either way, a form sent twice is one write.
        "form_key": uuid.uuid4(),
        "nav": "people",
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def timeline(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    kept = drafts.take(request, page=request.path)
    form = None
    if kept:
        form = NoteForm(initial=_given_back(kept), access=access)
        messages.info(request, _("Here are the words you wrote. Please share them again."))
    context = _timeline_context(request, access, form=form)
    if request.htmx and context["cursor"]:
        return render(request, f"{TEMPLATE}#page", context)
    last_looked = last_looked_and_mark_seen(user_id=request.user.pk, access=access)
    notes = context["page"].notes
    if last_looked is not None and not context["cursor"]:
        # The line goes above the first note the viewer has already seen, if newer ones exist.
        for index, note in enumerate(notes):
            if note.created_at <= last_looked:
                context["marker_before"] = note.pk if index else None
                break
    context.update(
        kinds=_kinds_to_filter(access),
        outcomes=list(access.person.outcomes.all()),
        open_concerns=open_concerns(access),
        last_event_id=latest_event_id(access),
    )
    return render(request, TEMPLATE, context)


@login_required_keeping_words("timeline")
@require_POST
def note_create(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    form = NoteForm(request.POST, request.FILES, access=access)
    saved = form_write(
        request,
        form,
        lambda data: services.note_create(
            actor=request.user,
            person_id=access.person.pk,
            kind=data["kind"],
            body=data["body"],
            wellbeing=data["wellbeing"],
            audience=data.get("audience") or None,
            photos=data["photos"],
            outcome_ids=data.get("outcomes", []),
            client_key=data["client_key"],
            # The words are in the language of the page they were written on.
            language=translation.get_language(),
        ),
        said=None if request.htmx else _("Your note is shared. Thank you."),
    )
    if not request.htmx:
        if saved is not None:
            return redirect("timeline", person_id=access.person.pk)
        context = _timeline_context(request, access, form=form)
        context.update(kinds=_kinds_to_filter(access), outcomes=list(access.person.outcomes.all()))
        context["last_event_id"] = latest_event_id(access)
        return render(request, TEMPLATE, context, status=422)
    context = {"person": access.person, "form": form if saved is None else NoteForm(access=access)}
    response = render(request, f"{TEMPLATE}#note_form", context)
    if saved is not None:
        # Said beside the form, wherever it was: a page that does not show the timeline (the
        # family's page about the person) links to where the note now is.
        timeline = reverse("timeline", args=[access.person.pk])
        shown_here = urlsplit(request.htmx.current_url_abs_path or "").path == timeline
        link = None if shown_here else f"{timeline}#note-{saved.value.pk}"
        said = {"person": access.person, "shared": True, "oob": True, "news_link": link}
        response.content += render(request, f"{TEMPLATE}#note_shared", said).content
        # The socket brings the note too; the page keeps whichever arrives first.
        response.content += _note_fragment(saved.value, created=True).encode()
    return response


def _given_back(kept: dict[str, str]) -> dict[str, Any]:
    """Words kept while signed out, back in the form (a fresh key: it was never saved)."""
    return {name: value for name, value in kept.items() if value}


def _note_fragment(note: Note, *, created: bool = False, **extra: Any) -> str:
    """A note the access layer let this user see (or wrote), as the timeline shows it.

    A note just written keeps the fragment its sockets were sent: the writer gets those bytes.
    """
    if not extra and hasattr(note, "live_fragments"):
        return note_fragment(note, created=created)
    shown = with_everything_shown(Note.objects.filter(pk=note.pk)).get()
    return note_fragment(shown, created=created, **extra)


# One note --------------------------------------------------------------------------------------


def _note_page(
    request: SignedInRequest,
    note_id: int,
    *,
    status: int = 200,
    reply: dict[str, str] | None = None,
    **forms_given: forms.Form,
) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    access = found.access
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    note = with_everything_shown(Note.objects.filter(pk=found.note.pk)).get()
    is_author = note.author_id == request.user.pk
    can_edit = is_author and timezone.now() - note.created_at <= EDIT_WINDOW
    edit_form = forms_given.get("edit_form")
    if edit_form is None and can_edit:
        edit_form = NoteEditForm(initial={"body": note.body, "wellbeing": note.wellbeing})
    if edit_form is not None and access.role is Role.SELF:
        spoken_to_the_person(edit_form)
    context = {
        "note": note,
        "person": access.person,
        "access": access,
        "viewer_id": request.user.pk,
        "is_author": is_author,
        "edit_form": edit_form,
        "handled_form": forms_given.get("handled_form")
        or (HandledForm() if access.is_team and note.is_open_concern else None),
        "versions": list(note.versions.all()) if access.is_team else [],
        "form_key": uuid.uuid4(),
        # A reply that could not be saved comes back in its box, with its key and the reason.
        "reply": reply or {},
        "nav": "people",
    }
    return render(request, "frontend/timeline/note.html", context, status=status)


@login_required
@require_GET
def note_detail(request: SignedInRequest, note_id: int) -> HttpResponse:
    kept = drafts.take(request, page=request.path)
    if kept:
        messages.info(request, _("Here are the words you wrote. Please send them again."))
    return _note_page(request, note_id, reply={"body": kept["body"]} if kept else None)


@login_required
@require_POST
def note_edit(request: SignedInRequest, note_id: int) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    form = NoteEditForm(request.POST)
    if form_write(
        request,
        form,
        lambda data: services.note_edit(actor=request.user, note_id=found.note.pk, **data),
        said=_("Your note is changed."),
    ):
        return redirect("timeline", person_id=found.note.person_id)
    return _note_page(request, note_id, status=422, edit_form=form)


@login_required
@require_POST
def note_delete(request: SignedInRequest, note_id: int) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    try:
        services.note_delete(actor=request.user, note_id=found.note.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("note_detail", note_id=found.note.pk)
    messages.success(request, _("The note is deleted. Nobody can see it now."))
    return redirect("timeline", person_id=found.note.person_id)


@login_required_keeping_words("note_detail")
@require_POST
def note_reply(request: SignedInRequest, note_id: int) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    body = request.POST.get("body", "")
    try:
        services.reply_create(
            actor=request.user,
            note_id=found.note.pk,
            body=body,
            client_key=request.POST.get("client_key") or None,
            language=translation.get_language(),
        )
    except ValidationError as error:
        problem = " ".join(error.messages)
        if request.htmx:
            html = _note_fragment(found.note, reply_error=problem, reply_body=body)
            return HttpResponse(html)
        # Without scripts too, the words stay in the box, never lost to a redirect.
        reply = {"body": body, "error": problem}
        return _note_page(request, found.note.pk, status=422, reply=reply)
    if request.htmx:
        return HttpResponse(_note_fragment(found.note))
    return redirect(f"{reverse('note_detail', args=[found.note.pk])}#replies")


def _said(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


@login_required
@require_POST
def note_react(request: SignedInRequest, note_id: int) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    active = _said(request.POST.get("active", ""))
    try:
        if active is None:
            raise ValidationError(_("Please say whether to give the reaction or take it back."))
        services.reaction_set(
            actor=request.user,
            note_id=found.note.pk,
            kind=request.POST.get("kind", ""),
            active=active,
            client_key=request.POST.get("client_key") or None,
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
    if request.htmx:
        return HttpResponse(_note_fragment(found.note))
    return redirect("note_detail", note_id=found.note.pk)


@login_required
@require_POST
def concern_handled(request: SignedInRequest, note_id: int) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    form = HandledForm(request.POST)
    if form_write(
        request,
        form,
        lambda data: services.concern_mark_handled(
            actor=request.user, note_id=found.note.pk, handled_note=data["handled_note"]
        ),
        said=_("Thank you. The concern is marked as handled."),
    ):
        return redirect("timeline", person_id=found.note.person_id)
    return _note_page(request, note_id, status=422, handled_form=form)


@require_GET
@login_required
def note_photo(request: SignedInRequest, photo_id: int) -> FileResponse:
    shown = note_photo_access_or_404(request.user, photo_id)
    photo, found = shown.photo, shown.found
    record_read(reader=request.user, access=found.access, channel=ReadChannel.PAGE)
    return _serve(photo.image)


@require_GET
@login_required
def note_photo_view(request: SignedInRequest, photo_id: int) -> HttpResponse:
    """A photo inside Kith with a way back: the installed app has no browser Back button."""
    shown = note_photo_access_or_404(request.user, photo_id)
    photo, found = shown.photo, shown.found
    note = found.note
    context = {"photo": photo, "note": note, "person": found.access.person, "nav": "people"}
    return render(request, "frontend/timeline/photo.html", context)


# The person's sharing choice -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def note_sharing(request: SignedInRequest, person_id: int) -> HttpResponse:
    """Who sees what, for the whole circle and each member: frontend/views/sharing.py."""
    from frontend.views.sharing import circle_sharing

    return circle_sharing(request, person_id)
