"""About Me: the person's story in their own words, its editing page and its history.

Thin views over families.about_me (reads) and families.services.about_me (writes). The
person writes it themself, or the team writes it with them; both are a real POST.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from families.about_me import about_me_history
from families.about_me_models import SECTIONS, WRITTEN_WITH_MAX_CHARS
from families.access import PersonAccess, Role, person_access_or_404
from families.models import CircleMember
from families.services.about_me import about_me_write
from frontend.forms import add_service_errors


class AboutMeForm(forms.Form):
    """One box per section. Lengths are the service's to check: it names the section."""

    important_members = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    written_with = forms.CharField(
        max_length=WRITTEN_WITH_MAX_CHARS,
        required=False,
        error_messages={
            "max_length": gettext_lazy("Please keep this under %(limit_value)s characters.")
        },
    )

    def __init__(self, *args: object, access: PersonAccess, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        own = access.role is Role.SELF
        for section in SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.about_you if own else section.about_them,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 2 if section.key == "called" else 4}),
            )
        members = CircleMember.objects.filter(person=access.person, removed_at__isnull=True)
        chosen = self.fields.pop("important_members")
        assert isinstance(chosen, forms.TypedMultipleChoiceField)
        chosen.label = (
            _("Who in your circle is important to you?")
            if own
            else _("Who in the circle is important to them?")
        )
        chosen.choices = [(m.pk, f"{m.name} ({m.relationship})") for m in members]
        # Straight after the words about important people, as the page reads.
        ordered = list(self.fields.items())
        at = [key for key, _field in ordered].index("important_people") + 1
        self.fields = dict([*ordered[:at], ("important_members", chosen), *ordered[at:]])
        # Who helped comes last, once the words are written.
        self.fields["written_with"] = self.fields.pop("written_with")
        self.fields["written_with"].label = (
            _("Did anyone help you write this?") if own else _("Who did you write this with?")
        )
        self.fields["written_with"].help_text = (
            _("For example: my daughter Sarah.")
            if own
            else _("For example: with their daughter, at a visit.")
        )

    def sections(self) -> dict[str, str]:
        return {section.key: self.cleaned_data[section.key] for section in SECTIONS}


def _who_may_write(request: SignedInRequest, person_id: int) -> PersonAccess:
    access = person_access_or_404(request.user, person_id)
    if not access.can_edit_profile:
        raise Http404
    return access


@login_required
@require_http_methods(["GET", "POST"])
def about_me_edit(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = _who_may_write(request, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    person = access.person
    current = person.about_me
    if request.method == "POST":
        form = AboutMeForm(request.POST, access=access)
        if form.is_valid():
            try:
                about_me_write(
                    actor=request.user,
                    person_id=person.pk,
                    sections=form.sections(),
                    important_member_ids=form.cleaned_data["important_members"],
                    written_with=form.cleaned_data["written_with"],
                    language=translation.get_language(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. The earlier version is kept."))
                return redirect("person", person_id=person.pk)
    else:
        initial: dict[str, object] = dict(current.texts()) if current else {}
        if current is not None:
            initial["important_members"] = list(
                current.important_members.values_list("pk", flat=True)
            )
        form = AboutMeForm(initial=initial, access=access)
    return render(
        request,
        "frontend/about_me/edit.html",
        {"form": form, "person": person, "access": access, "nav": "people"},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def about_me_versions(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    versions = about_me_history(access)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    return render(
        request,
        "frontend/about_me/history.html",
        {"person": access.person, "access": access, "versions": versions, "nav": "people"},
    )
