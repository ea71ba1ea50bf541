"""Money and hours: a person's funding against what the rota delivers and plans."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from core.text import spreadsheet_safe
from families.access import PersonAccess, Role, person_access_or_404
from frontend.forms import add_service_errors
from frontend.money_chart import budget_svg
from frontend.money_forms import FundingForm
from frontend.money_words import early_in_words, hours, pounds
from teams.funding.access import may_change_money, may_see_money
from teams.funding.models import Funding
from teams.funding.selectors import MoneyPicture, funding_for, money_picture, visit_costs
from teams.funding.services import funding_save


def _access_or_404(request: SignedInRequest, person_id: int) -> tuple[PersonAccess, Funding | None]:
    access = person_access_or_404(request.user, person_id)
    funding = funding_for(access.person.pk)
    if not may_see_money(access, funding):
        raise Http404
    return access, funding


@login_required
def money_page(request: SignedInRequest, person_id: int) -> HttpResponse:
    access, funding = _access_or_404(request, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    context: dict = {
        "access": access,
        "person": access.person,
        "is_self": access.role is Role.SELF,
        "funding": funding,
        "can_change": may_change_money(access),
        "nav": "people",
    }
    if funding is not None:
        picture = money_picture(funding=funding, today=timezone.localdate())
        context.update(
            picture=picture,
            chart=budget_svg(picture, title=_("The budget for this period, day by day")),
            words=_words(picture),
        )
    return render(request, "frontend/money/page.html", context)


def _words(picture: MoneyPicture) -> dict[str, str]:
    """Every amount on the page, already in words: the template only places them."""
    return {
        "week_delivered": hours(picture.week.delivered_minutes),
        "week_planned": hours(picture.week.planned_minutes),
        "week_agreed": hours(picture.week.agreed_minutes),
        "week_spent": pounds(picture.week.delivered_pence),
        "month_delivered": hours(picture.month.delivered_minutes),
        "month_planned": hours(picture.month.planned_minutes),
        "month_agreed": hours(picture.month.agreed_minutes),
        "month_spent": pounds(picture.month.delivered_pence),
        "month_planned_money": pounds(picture.month.planned_pence),
        "period_spent": pounds(picture.period.delivered_pence),
        "period_planned": pounds(picture.period.planned_pence),
        "period_recorded": hours(picture.period.recorded_minutes),
        "period_delivered": hours(picture.period.delivered_minutes),
        "budget": pounds(picture.budget_pence),
        "left": pounds(max(0, picture.left_pence)),
        "rate": pounds(picture.funding.hourly_rate_pence),
        "weekly_hours": hours(int(picture.funding.weekly_hours * 60)),
        "early": early_in_words(picture.days_early),
    }


@login_required
@require_http_methods(["GET", "POST"])
def money_edit(request: SignedInRequest, person_id: int) -> HttpResponse:
    access, funding = _access_or_404(request, person_id)
    if not may_change_money(access):
        raise Http404
    if request.method == "POST":
        form = FundingForm(request.POST)
        if form.is_valid():
            try:
                funding_save(person=access.person, by=request.user, **form.service_values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. Thank you."))
                return redirect("money", person_id=access.person.pk)
    else:
        form = FundingForm(initial=FundingForm.initial_from(funding))
    return render(
        request,
        "frontend/money/edit.html",
        {"form": form, "person": access.person, "funding": funding, "nav": "people"},
    )


@login_required
def money_csv(request: SignedInRequest, person_id: int) -> HttpResponse:
    """The team's list of this period's visits with their hours and cost, for a spreadsheet."""
    access, funding = _access_or_404(request, person_id)
    if not may_change_money(access):
        raise Http404
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    today = timezone.localdate()
    costs = []  # no plan written down yet: the columns, and nothing under them
    if funding is not None:
        picture = money_picture(funding=funding, today=today)
        today = picture.period.starts_on
        costs = visit_costs(
            funding=funding,
            starts_on=picture.period.starts_on,
            ends_on=picture.period.ends_on,
            today=picture.today,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"money-and-hours-{access.person.pk}-{today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([_("Day"), _("Minutes of care"), _("Times from"), _("Cost (£)"), _("Happened")])
    for cost in costs:
        writer.writerow(
            [
                cost.date.isoformat(),
                cost.minutes,
                spreadsheet_safe(_("check-in and done") if cost.recorded else _("the plan")),
                f"{cost.pence // 100}.{cost.pence % 100:02d}",
                _("yes") if cost.happened else _("planned"),
            ]
        )
    return response
