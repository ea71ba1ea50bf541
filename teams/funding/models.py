"""A person's care plan funding, as agreed with them (loaded through teams.models)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The circle kinds who see the money page unless the person says otherwise: family, yes;
# friends and visiting professionals, not unless the person chooses.
DEFAULT_SEEN_BY = ["family"]


def default_seen_by() -> list[str]:
    return list(DEFAULT_SEEN_BY)


class Funding(models.Model):
    """How a person's care is paid for: the hours agreed, the rate and the budget."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Arranged by the council")
        DIRECT_PAYMENT = "direct_payment", _("Direct payment or personal budget")
        SERVICE_FUND = "service_fund", _("Individual service fund")
        SELF_FUNDED = "self_funded", _("Paid for by the person or family")
        NHS = "nhs", _("NHS continuing healthcare")
        MIXED = "mixed", _("A mix of these")

    class Period(models.TextChoices):
        WEEK = "week", _("Each week")
        FOUR_WEEKS = "four_weeks", _("Every four weeks")
        YEAR = "year", _("Each year")

    person = models.OneToOneField(
        "families.Person", on_delete=models.CASCADE, related_name="funding"
    )
    kind = models.CharField(_("how it is paid for"), max_length=20, choices=Kind.choices)
    weekly_hours = models.DecimalField(_("hours agreed each week"), max_digits=5, decimal_places=2)
    # Whole pence, so sums are exact; money shown is worked out per visit, to the penny.
    hourly_rate_pence = models.PositiveIntegerField(_("cost of an hour"))
    budget_pence = models.PositiveBigIntegerField(_("budget"))
    budget_period = models.CharField(_("budget for"), max_length=12, choices=Period.choices)
    # The first day of the first budget period: later periods follow on from it.
    period_starts_on = models.DateField(_("first day of the budget"))
    # When the plan ends or is reviewed, if that is known: the last period stops there.
    ends_on = models.DateField(_("last day of the plan"), null=True, blank=True)
    # Which kinds of circle member see the money page (CircleMember.Kind values).
    seen_by_kinds = models.JSONField(_("who in the circle sees it"), default=default_seen_by)
    agreed_by = models.CharField(_("who agreed"), max_length=150)
    agreed_how = models.CharField(_("how they said so"), max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_hours__gte=0, weekly_hours__lte=168),
                name="funding_weekly_hours_in_a_week",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("period_starts_on")),
                name="funding_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"funding for person {self.person_id}"
