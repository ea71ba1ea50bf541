"""Forms for the neighbourhood directory. They check the shape of answers; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.dates import DayField
from teams.models import DirectoryEntry, ProviderCheck

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAY_CHOICES = [("", _("Not every week, or it varies"))] + [
    (str(n), WEEKDAYS[n]) for n in range(7)
]


def _optional_int(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=DirectoryEntry.Kind.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    what = forms.CharField(
        label=_("What it is"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    when_text = forms.CharField(
        label=_("When, in words"),
        max_length=200,
        required=False,
        help_text=_("For example: Thursdays, 2 to 4 pm"),
    )
    weekday = forms.TypedChoiceField(
        label=_("Day it happens each week (for the calendar)"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    starts_at = forms.TimeField(label=_("Starts at"), required=False, widget=TIME)
    ends_at = forms.TimeField(label=_("Ends at"), required=False, widget=TIME)
    where = forms.CharField(label=_("Where"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    getting_there = forms.CharField(
        label=_("How to get there"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    step_free = forms.BooleanField(label=_("Step-free"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)
    transport = forms.CharField(
        label=_("Transport"),
        max_length=200,
        required=False,
        help_text=_("For example: bus 19 stops outside; community minibus on request"),
    )
    cost = forms.CharField(label=_("Cost"), max_length=120, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    keywords = forms.CharField(
        label=_("Interests it suits"),
        max_length=200,
        required=False,
        help_text=_("Words people might look for, with commas: singing, gardening"),
    )
    shared = forms.BooleanField(
        label=_("Share with our organisation's other teams"),
        required=False,
        help_text=_("They see this entry, never who goes."),
    )
    duplicate_ok = forms.BooleanField(
        label=_("Yes, this is a different one: add it anyway"), required=False
    )

    def entry_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("duplicate_ok", None)
        return values


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=DirectoryEntry.Kind.choices,
        widget=forms.RadioSelect,
        initial=DirectoryEntry.Kind.GROUP,
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    what = forms.CharField(
        label=_("What it is, and why it might suit them"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    when_text = forms.CharField(label=_("When, in words"), max_length=200, required=False)
    where = forms.CharField(label=_("Where"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)


class SearchForm(forms.Form):
    words = forms.CharField(label=_("Words to look for"), max_length=100, required=False)
    postcode_area = forms.CharField(
        label=_("Postcode area"),
        max_length=8,
        required=False,
        help_text=_("For example: LS6"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Everything")), *DirectoryEntry.Kind.choices],
        required=False,
    )


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which check"), choices=ProviderCheck.Kind.choices)
    last_confirmed = DayField(label=_("Confirmed on"), widget=DATE)


class ConnectionForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Group, activity or place"), coerce=int)
    interest = forms.CharField(
        label=_("Which interest it is for"),
        max_length=120,
        required=False,
        help_text=_("For example: singing"),
    )
    outcome = forms.TypedChoiceField(
        label=_("Which goal it helps with"), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        entries: list[tuple[int, str]],
        outcomes: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(str(pk), name) for pk, name in entries]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", _("None of them"))] + [  # type: ignore[attr-defined]
            (str(pk), title) for pk, title in outcomes
        ]


class MomentForm(forms.Form):
    body = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
