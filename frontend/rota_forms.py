"""Forms for the rota pages. They check the shape of answers; teams.rota.services decides."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.dates import DayField
from families.models import Person
from teams.models import Availability, Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAY_CHOICES = [(str(n), WEEKDAYS[n]) for n in range(7)]


def _members(members: Iterable[Membership]) -> list[tuple[str, str]]:
    return [(str(m.user_id), m.user.display_name) for m in members]


class VisitForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Who is the visit for?"), coerce=int)
    date = DayField(label=_("Day (or first day)"), widget=DATE)
    window_label = forms.CharField(
        label=_("Time of day, in the person's words"),
        max_length=60,
        required=False,
        help_text=_("For example: morning, after lunch."),
    )
    window_start = forms.TimeField(label=_("From"), widget=TIME)
    window_end = forms.TimeField(label=_("Until"), widget=TIME)
    exact_time = forms.TimeField(
        label=_("Exact time, if agreed"),
        required=False,
        widget=TIME,
        help_text=_("Leave empty if any time between these is fine."),
    )
    minutes = forms.IntegerField(label=_("About how long, in minutes"), min_value=5, initial=60)
    purpose = forms.CharField(
        label=_("What the visit is for, in the person's words"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    carer = forms.TypedChoiceField(
        label=_("Who is going?"), coerce=int, empty_value=None, required=False
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Repeat every week on"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a single visit."),
    )
    ends_on = DayField(
        label=_("Last day of the repeat"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to keep repeating."),
    )

    def __init__(
        self, *args: Any, people: Iterable[Person], members: Iterable[Membership], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            (str(p.pk), p.name) for p in people
        ]
        cast(forms.ChoiceField, self.fields["carer"]).choices = [
            ("", _("Nobody yet: open to the team")),
            *_members(members),
        ]


class MoveForm(forms.Form):
    date = DayField(label=_("New day"), widget=DATE)
    window_start = forms.TimeField(label=_("From"), widget=TIME)
    window_end = forms.TimeField(label=_("Until"), widget=TIME)
    exact_time = forms.TimeField(label=_("Exact time, if agreed"), required=False, widget=TIME)


class OfferForm(forms.Form):
    to_user = forms.TypedChoiceField(
        label=_("Who would you like to take it?"), coerce=int, empty_value=None, required=False
    )
    note = forms.CharField(label=_("A message (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, members: Iterable[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_user"]).choices = [
            ("", _("Anyone in the team")),
            *_members(members),
        ]


class AvailabilityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Can you work?"), choices=Availability.Kind.choices, widget=forms.RadioSelect
    )
    date = DayField(
        label=_("On one day"), required=False, widget=DATE, help_text=_("Or choose a weekday.")
    )
    weekday = forms.TypedChoiceField(
        label=_("Or every week on"),
        choices=[("", _("Not every week")), *WEEKDAY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start_time = forms.TimeField(
        label=_("From"), required=False, widget=TIME, help_text=_("Empty for the whole day.")
    )
    end_time = forms.TimeField(label=_("Until"), required=False, widget=TIME)
    reason = forms.CharField(
        label=_("Reason (only the team sees it)"), max_length=200, required=False
    )


class GoalForm(forms.Form):
    goal = forms.IntegerField(
        label=_("Most different carers a person should see in four weeks"),
        min_value=1,
        max_value=20,
        help_text=_("People who see more are highlighted on the rota."),
    )


class HoursForm(forms.Form):
    weekly_hours = forms.DecimalField(
        label=_("Hours a week you have agreed to work"),
        min_value=1,
        max_value=80,
        max_digits=4,
        decimal_places=1,
        help_text=_("The rota warns when a visit would take you over."),
    )
