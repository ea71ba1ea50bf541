from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from families import services
from families.models import Invitation
from families.services import InvitationState, InvitationUnusable
from frontend.forms import NewAccountForm, add_service_errors

# Links that do not work answer "gone" or "not found", so nothing caches them as good pages.
STATUS = {
    InvitationState.VALID: 200,
    InvitationState.UNKNOWN: 404,
    InvitationState.USED: 410,
    InvitationState.EXPIRED: 410,
    InvitationState.REVOKED: 410,
}


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    state, invitation = services.invitation_lookup(token=token)
    form = None
    if (
        state is InvitationState.VALID
        and invitation is not None
        and not request.user.is_authenticated
    ):
        form = NewAccountForm(initial={"display_name": invitation.name, "email": invitation.email})
    if request.method == "POST" and state is InvitationState.VALID and invitation is not None:
        try:
            if request.user.is_authenticated:
                services.invitation_accept(token=token, user=request.user)
                return _welcome(request, invitation)
            form = NewAccountForm(request.POST)
            if form.is_valid():
                try:
                    user = services.invitation_accept_with_new_account(
                        token=token, **form.cleaned_data
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    return _welcome(request, invitation)
        except InvitationUnusable as unusable:
            state = unusable.state
    return render(
        request,
        "frontend/invitation.html",
        {"state": state.value, "invitation": invitation, "form": form, "token": token},
        status=STATUS[state],
    )


def _welcome(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if invitation.kind == Invitation.Kind.TEAM:
        messages.success(request, _("Welcome to %(team)s.") % {"team": invitation.team.name})
        return redirect("team", team_id=invitation.team_id)
    assert invitation.circle_member is not None  # a circle invitation names its place
    person = invitation.circle_member.person
    messages.success(
        request, _("Welcome. You are now in %(name)s's circle.") % {"name": person.name}
    )
    return redirect("person", person_id=person.pk)
