"""The shared timeline, notes and outcomes: thin views over families services and reads.

One template (frontend/timeline/timeline.html) serves the full page, the htmx swaps and the
fragments the services send over the socket.
"""

from __future__ import annotations

import functools
import uuid
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.access import PersonAccess, Role, person_access_or_404
from core.audit import ReadChannel, record_read
from core.ids import parse_id
from core.requests import KithRequest, SignedInRequest
from families import services
from families.models import NOTE_MAX_CHARS, WELLBEING_FACES, Note, Outcome
from families.outcome_progress import progress_by_week, progress_svg
from families.services.notes import CIRCLE_KINDS, EDIT_WINDOW, TEAM_KINDS, TEAM_ONLY_KINDS
from families.timeline import (
    last_looked_and_mark_seen,
    latest_event_id,
    note_access_or_404,
    open_concerns,
    timeline_page,
    visible_notes,
    with_everything_shown,
)
from frontend import drafts
from frontend.speaking import spoken_to_the_person
from frontend.views.photos import _serve

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEMPLATE = "frontend/timeline/timeline.html"


# Forms -----------------------------------------------------------------------------------------


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to four photos from one picker; the service checks each is a usable picture."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


def _wellbeing_choices() -> list[tuple[str, str]]:
    return [("", _("Not said"))] + [
        (str(value), f"{WELLBEING_FACES[value]} {label}") for value, label in Note.Wellbeing.choices
    ]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What kind of note?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Please choose what kind of note this is."),
            "invalid_choice": gettext_lazy("Please choose what kind of note this is."),
        },
    )
    body = forms.CharField(
        label=gettext_lazy("Your note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": NOTE_MAX_CHARS}),
        help_text=gettext_lazy("What happened, what mattered, how they were. Links work."),
    )
    wellbeing = forms.TypedChoiceField(
        label=gettext_lazy("How did they seem?"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Who sees it?"),
        required=False,
        choices=Note.Audience.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Concerns and handovers are always for the team only."),
    )
    outcomes = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Progress towards a goal"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultiplePhotoField(
        label=gettext_lazy("Photos"),
        required=False,
        help_text=gettext_lazy("Up to 4 photos. JPEG, PNG or WebP, under 10 MB each."),
    )
    # Made here for pages without scripts; the page script gives each form a new one.
    client_key = forms.UUIDField(
        widget=forms.HiddenInput(attrs={"data-fresh-key": ""}), required=False
    )

    def __init__(self, *args: Any, access: PersonAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = TEAM_KINDS if access.is_team else CIRCLE_KINDS
        kind_choices = [(v, label) for v, label in Note.Kind.choices if v in kinds]
        cast(forms.ChoiceField, self.fields["kind"]).choices = kind_choices
        cast(forms.ChoiceField, self.fields["wellbeing"]).choices = _wellbeing_choices()
        if access.is_team:
            shared = access.person.notes_shared_with_circle_by_default
            self.fields["audience"].initial = Note.Audience.CIRCLE if shared else Note.Audience.TEAM
        else:
            # The circle writes for the circle; there is nothing to choose.
            del self.fields["audience"]
        outcomes = [(o.pk, o.title) for o in access.person.outcomes.all()]
        if outcomes:
            cast(forms.ChoiceField, self.fields["outcomes"]).choices = outcomes
        else:
            del self.fields["outcomes"]
        if access.role is Role.SELF:
            spoken_to_the_person(self)
        if not self.is_bound:
            if self.initial.get("kind") not in kinds:
                self.initial["kind"] = kind_choices[0][0]
            # A fresh key per form: pressing "Share" twice saves the note once.
            self.initial["client_key"] = uuid.uuid4()


class NoteEditForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": NOTE_MAX_CHARS}),
    )
    wellbeing = forms.TypedChoiceField(
        label=gettext_lazy("How did they seem?"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["wellbeing"]).choices = _wellbeing_choices()


class HandledForm(forms.Form):
    handled_note = forms.CharField(
        label=gettext_lazy("What was done?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class OutcomeForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("The goal, in their own words"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=gettext_lazy('For example: "walk to the shop with Angela".'),
    )
    who_helps = forms.CharField(
        label=gettext_lazy("Who helps"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("How is it going?"),
        choices=Outcome.Status.choices,
        initial=Outcome.Status.WORKING_ON,
        widget=forms.RadioSelect,
    )


def spoken_to_self(form: forms.Form, access: PersonAccess) -> forms.Form:
    return spoken_to_the_person(form) if access.role is Role.SELF else form


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a POST, even an empty one (so it is checked, not ignored)."""
    return request.POST if request.method == "POST" else None


def _service_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


def login_required_keeping_words(page: str) -> Any:
    """login_required for a write form: words sent without scripts after the session ended
    are kept (frontend/drafts.py) and given back on ``page`` once the writer signs in again.

    A page's script hears 401 instead (core.middleware) and keeps them in its outbox.
    """

    def decorate(view: Any) -> Any:
        signed_in_view = login_required(view)

        @functools.wraps(view)
        def wrapped(request: KithRequest, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated or request.method != "POST" or request.htmx:
                return signed_in_view(request, **kwargs)
            back = reverse(page, kwargs=kwargs)
            if drafts.keep(request, page=back):
                messages.info(
                    request,
                    _(
                        "You were signed out, so it was not sent yet. "
                        "Please sign in again: your words are kept for you."
                    ),
                )
            return redirect_to_login(back)

        return wrapped

    return decorate


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
    note = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            note = services.note_create(
                actor=request.user,
                person_id=access.person.pk,
                kind=data["kind"],
                body=data["body"],
                wellbeing=data["wellbeing"],
                audience=data.get("audience") or None,
                photos=data["photos"],
                outcome_ids=data.get("outcomes", []),
                client_key=data["client_key"],
            )
        except ValidationError as error:
            _service_errors(form, error)
    if not request.htmx:
        if note is not None:
            messages.success(request, _("Your note is shared. Thank you."))
            return redirect("timeline", person_id=access.person.pk)
        context = _timeline_context(request, access, form=form)
        context.update(kinds=_kinds_to_filter(access), outcomes=list(access.person.outcomes.all()))
        context["last_event_id"] = latest_event_id(access)
        return render(request, TEMPLATE, context, status=422)
    context = {"person": access.person, "form": form if note is None else NoteForm(access=access)}
    response = render(request, f"{TEMPLATE}#note_form", context)
    if note is not None:
        # The socket brings the note too; the page keeps whichever arrives first.
        response.content += _note_fragment(note.pk, created=True).encode()
    return response


def _given_back(kept: dict[str, str]) -> dict[str, Any]:
    """Words kept while signed out, back in the form (a fresh key: it was never saved)."""
    return {name: value for name, value in kept.items() if value}


def _note_fragment(note_id: int, *, created: bool = False, **extra: Any) -> str:
    from django.template.loader import render_to_string

    note = with_everything_shown(Note.objects.filter(pk=note_id)).get()
    partial = "note_created" if created else "note_changed"
    return render_to_string(f"{TEMPLATE}#{partial}", {"note": note, **extra})


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
    if form.is_valid():
        try:
            services.note_edit(actor=request.user, note_id=found.note.pk, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Your note is changed."))
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
        )
    except ValidationError as error:
        problem = " ".join(error.messages)
        if request.htmx:
            html = _note_fragment(found.note.pk, reply_error=problem, reply_body=body)
            return HttpResponse(html)
        # Without scripts too, the words stay in the box, never lost to a redirect.
        reply = {"body": body, "error": problem}
        return _note_page(request, found.note.pk, status=422, reply=reply)
    if request.htmx:
        return HttpResponse(_note_fragment(found.note.pk))
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
        return HttpResponse(_note_fragment(found.note.pk))
    return redirect("note_detail", note_id=found.note.pk)


@login_required
@require_POST
def concern_handled(request: SignedInRequest, note_id: int) -> HttpResponse:
    found = note_access_or_404(request.user, note_id)
    form = HandledForm(request.POST)
    if form.is_valid():
        try:
            services.concern_mark_handled(
                actor=request.user,
                note_id=found.note.pk,
                handled_note=form.cleaned_data["handled_note"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Thank you. The concern is marked as handled."))
            return redirect("timeline", person_id=found.note.person_id)
    return _note_page(request, note_id, status=422, handled_form=form)


@require_GET
@login_required
def note_photo(request: SignedInRequest, photo_id: int) -> FileResponse:
    from families.models import NotePhoto

    photo = NotePhoto.objects.filter(pk=photo_id).only("note_id", "image").first()
    if photo is None:
        raise Http404
    found = note_access_or_404(request.user, photo.note_id)
    record_read(reader=request.user, access=found.access, channel=ReadChannel.PAGE)
    return _serve(photo.image)


@require_GET
@login_required
def note_photo_view(request: SignedInRequest, photo_id: int) -> HttpResponse:
    """A photo inside Kith with a way back: the installed app has no browser Back button."""
    from families.models import NotePhoto

    photo = NotePhoto.objects.filter(pk=photo_id).only("note_id").first()
    if photo is None:
        raise Http404
    found = note_access_or_404(request.user, photo.note_id)
    note = found.note
    context = {"photo": photo, "note": note, "person": found.access.person, "nav": "people"}
    return render(request, "frontend/timeline/photo.html", context)


# Outcomes --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def outcome_list(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    form = None
    if access.can_edit_profile:
        form = spoken_to_self(OutcomeForm(_posted(request)), access)
        if request.method == "POST" and form.is_valid():
            try:
                services.outcome_create(
                    actor=request.user, person_id=access.person.pk, **form.cleaned_data
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("The goal is added."))
                return redirect("outcome_list", person_id=access.person.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "frontend/timeline/outcomes.html",
        {
            "person": access.person,
            "access": access,
            "outcomes": list(access.person.outcomes.all()),
            "form": form,
            "nav": "people",
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_detail(request: SignedInRequest, outcome_id: int) -> HttpResponse:
    outcome = Outcome.objects.filter(pk=outcome_id).first()
    if outcome is None:
        raise Http404
    access = person_access_or_404(request.user, outcome.person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    form = None
    if access.can_edit_profile:
        initial = {"title": outcome.title, "who_helps": outcome.who_helps, "status": outcome.status}
        form = spoken_to_self(OutcomeForm(_posted(request), initial=initial), access)
        if request.method == "POST" and form.is_valid():
            try:
                services.outcome_update(
                    actor=request.user, outcome_id=outcome.pk, **form.cleaned_data
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("Saved. Thank you."))
                return redirect("outcome_detail", outcome_id=outcome.pk)
    elif request.method == "POST":
        raise Http404
    notes = list(
        with_everything_shown(visible_notes(access).filter(outcomes=outcome)).order_by(
            "-created_at", "-id"
        )[:50]
    )
    weeks = progress_by_week(access, outcome)
    return render(
        request,
        "frontend/timeline/outcome.html",
        {
            "outcome": outcome,
            "person": access.person,
            "access": access,
            "viewer_id": request.user.pk,
            "notes": notes,
            "form_key": uuid.uuid4(),
            "weeks": weeks,
            "chart": progress_svg(weeks, title=_("Notes marking progress, week by week")),
            "form": form,
            "nav": "people",
        },
        status=422 if form is not None and form.errors else 200,
    )


# The person's sharing choice -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def note_sharing(request: SignedInRequest, person_id: int) -> HttpResponse:
    """Who sees what, for the whole circle and each member: frontend/views/sharing.py."""
    from frontend.views.sharing import circle_sharing

    return circle_sharing(request, person_id)
