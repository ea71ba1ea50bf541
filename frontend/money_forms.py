"""The form a team member fills in for a person's funding, in pounds; the service gets pence."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import CircleMember
from teams.funding.models import Funding

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_TOO_LONG = {"max_digits": _("That number is too long. Check the figure.")}


def _money_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        max_digits=12,
        decimal_places=2,
        error_messages={
            **_TOO_LONG,
            "max_decimal_places": _("Give pounds and pence, like 21.50."),
            "invalid": _("Give an amount in pounds, like 21.50."),
        },
    )


class FundingForm(forms.Form):
    kind = forms.ChoiceField(label=_("How is the care paid for?"), choices=Funding.Kind.choices)
    weekly_hours = forms.DecimalField(
        label=_("Hours of care agreed each week"),
        max_digits=6,
        decimal_places=2,
        error_messages={**_TOO_LONG, "invalid": _("Give a number of hours, like 14 or 10.5.")},
    )
    hourly_rate = _money_field(_("Cost of an hour of care (£)"), _("For example: 21.50"))
    budget = _money_field(_("Budget (£)"), _("The money there is for each period."))
    budget_period = forms.ChoiceField(label=_("The budget is for"), choices=Funding.Period.choices)
    period_starts_on = forms.DateField(
        label=_("First day of the budget"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Later periods follow on from this day."),
    )
    ends_on = forms.DateField(
        label=_("Last day of the plan (if known)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example, when the plan is reviewed."),
    )
    seen_by_kinds = forms.MultipleChoiceField(
        label=_("Who in the circle sees the money and hours"),
        choices=CircleMember.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The team and the person always see it."),
    )
    agreed_by = forms.CharField(label=_("Who agreed to this"), max_length=150)
    agreed_how = forms.CharField(
        label=_("How they said so"),
        max_length=200,
        help_text=_("For example: at the review meeting, by phone."),
    )

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "weekly_hours": data["weekly_hours"],
            "hourly_rate_pence": int(data["hourly_rate"] * 100),
            "budget_pence": int(data["budget"] * 100),
            "budget_period": data["budget_period"],
            "period_starts_on": data["period_starts_on"],
            "ends_on": data["ends_on"],
            "seen_by_kinds": data["seen_by_kinds"],
            "agreed_by": data["agreed_by"],
            "agreed_how": data["agreed_how"],
        }

    @classmethod
    def initial_from(cls, funding: Funding | None) -> dict:
        if funding is None:
            return {"seen_by_kinds": ["family"]}
        return {
            "kind": funding.kind,
            "weekly_hours": funding.weekly_hours,
            "hourly_rate": Decimal(funding.hourly_rate_pence) / 100,
            "budget": Decimal(funding.budget_pence) / 100,
            "budget_period": funding.budget_period,
            "period_starts_on": funding.period_starts_on,
            "ends_on": funding.ends_on,
            "seen_by_kinds": funding.seen_by_kinds,
            "agreed_by": funding.agreed_by,
            "agreed_how": funding.agreed_how,
        }
