from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.requests import SignedInRequest
from families import services as family_services
from families.access import team_access_or_404
from frontend.forms import PersonAddForm, RoleLabelForm, TeamInviteForm, add_service_errors
from teams import selectors, services
from teams.models import Team


def _team_page(request: SignedInRequest, team: Team, **forms: Form) -> HttpResponse:
    members = list(selectors.team_members(team))
    mine = next((m for m in members if m.user_id == request.user.pk), None)
    context = {
        "team": team,
        "nav": "team",
        "members": members,
        "people": selectors.team_people(team),
        "invite_form": forms.get("invite_form") or TeamInviteForm(),
        "person_form": forms.get("person_form") or PersonAddForm(),
        "role_form": forms.get("role_form")
        or RoleLabelForm(initial={"role_label": mine.role_label if mine else ""}),
    }
    return render(request, "frontend/team.html", context)


@login_required
def team_detail(request: SignedInRequest, team_id: int) -> HttpResponse:
    return _team_page(request, team_access_or_404(request.user, team_id))


@login_required
@require_POST
def team_invite(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    form = TeamInviteForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, invite_form=form)
    issued = family_services.invitation_create_for_team(
        actor=request.user,
        team_id=team.pk,
        site_url=request.build_absolute_uri("/"),
        **form.cleaned_data,
    )
    return render(
        request,
        "frontend/invitation_link.html",
        {"issued": issued, "back_url": reverse("team", args=[team.pk])},
    )


@login_required
@require_POST
def person_add(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    form = PersonAddForm(request.POST)
    if form.is_valid():
        try:
            person = family_services.person_create(
                actor=request.user, team_id=team.pk, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Added %(name)s. Tell us about them in their own words.") % {"name": person.name},
            )
            return redirect("person_edit", person_id=person.pk)
    return _team_page(request, team, person_form=form)


@login_required
@require_POST
def role_label_edit(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    form = RoleLabelForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, role_form=form)
    membership = team.memberships.current().get(user=request.user)
    services.membership_set_role_label(
        membership=membership, role_label=form.cleaned_data["role_label"]
    )
    messages.success(request, _("Your team role is updated."))
    return redirect("team", team_id=team.pk)
