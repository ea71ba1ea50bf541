"""The timeline's forms: a note, its edit, a concern handled, a goal.

They check the shape of what people type; the notes and outcomes services decide what it means.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families.access import PersonAccess, Role
from families.models import NOTE_MAX_CHARS, WELLBEING_FACES, Note, Outcome
from families.services.notes import CIRCLE_KINDS, TEAM_KINDS
from frontend.speaking import spoken_to_the_person


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


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """One of the form's choice fields, typed as one, to set its choices."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


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
        choice_field(self, "kind").choices = kind_choices
        choice_field(self, "wellbeing").choices = _wellbeing_choices()
        if access.is_team:
            shared = access.person.notes_shared_with_circle_by_default
            self.fields["audience"].initial = Note.Audience.CIRCLE if shared else Note.Audience.TEAM
        else:
            # The circle writes for the circle; there is nothing to choose.
            del self.fields["audience"]
        outcomes = [(o.pk, o.title) for o in access.person.outcomes.all()]
        if outcomes:
            choice_field(self, "outcomes").choices = outcomes
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
        choice_field(self, "wellbeing").choices = _wellbeing_choices()


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
