from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.requests import SignedInRequest
from families import services
from families.access import circle_member_access_or_404, person_access_or_404
from families.models import CircleMember, Person
from frontend.forms import CircleMemberForm, add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def circle_add(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    if not access.can_manage_circle:
        raise Http404
    if request.method == "POST":
        form = CircleMemberForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                member = services.circle_member_add(
                    actor=request.user, person_id=person_id, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.POST.get("invite"):
                    issued = services.invitation_create_for_circle(
                        actor=request.user,
                        circle_member_id=member.pk,
                        site_url=request.build_absolute_uri("/"),
                    )
                    return _show_link(request, issued, access.person)
                messages.success(
                    request, _("%(name)s is now in the circle.") % {"name": member.name}
                )
                return redirect("person", person_id=person_id)
    else:
        form = CircleMemberForm()
    return render(request, "frontend/circle_add.html", {"form": form, "person": access.person})


@login_required
@require_POST
def circle_invite(request: SignedInRequest, circle_member_id: int) -> HttpResponse:
    issued = services.invitation_create_for_circle(
        actor=request.user,
        circle_member_id=circle_member_id,
        site_url=request.build_absolute_uri("/"),
    )
    assert issued.invitation.circle_member is not None  # a circle invitation names its place
    return _show_link(request, issued, issued.invitation.circle_member.person)


@login_required
@require_http_methods(["GET", "POST"])
def circle_remove(request: SignedInRequest, circle_member_id: int) -> HttpResponse:
    """Ask first: taking someone out of a circle ends everything they see at once."""
    member: CircleMember | None
    if request.method == "POST":
        member = services.circle_member_remove(
            actor=request.user, circle_member_id=circle_member_id
        )
        messages.success(request, _("%(name)s is no longer in the circle.") % {"name": member.name})
        return redirect("person", person_id=member.person_id)
    found = circle_member_access_or_404(request.user, circle_member_id)
    member, access = found.member, found.access
    if not access.can_manage_circle:
        raise Http404
    return render(
        request, "frontend/circle_remove.html", {"member": member, "person": access.person}
    )


def _show_link(
    request: HttpRequest, issued: services.IssuedInvitation, person: Person
) -> HttpResponse:
    return render(
        request,
        "frontend/invitation_link.html",
        {"issued": issued, "back_url": reverse("person", args=[person.pk])},
    )
