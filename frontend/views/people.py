from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from families import selectors, services
from families.about_me import about_me_current
from families.access import Role, person_access_or_404
from frontend.family_news import family_news
from frontend.forms import CoordinatorForm, PersonProfileForm, add_service_errors
from frontend.forms.timeline import NoteForm
from frontend.speaking import spoken_to_the_person
from teams.funding.access import may_see_money
from teams.funding.selectors import funding_for
from teams.selectors import team_members


@login_required
def my_people(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "frontend/my_people.html",
        {"my_people": selectors.people_for_user(request.user), "nav": "people"},
    )


@login_required
def person_detail(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    context = {
        "access": access,
        "person": access.person,
        "whos_who": selectors.whos_who(access),
        "about_me": about_me_current(access),
        "shows_money": may_see_money(access, funding_for(access.person.pk)),
        "nav": "people",
    }
    if access.role is Role.CIRCLE:
        # The family and visiting professionals came for the news: it comes first.
        context["news"] = family_news(access)
        context["form"] = NoteForm(access=access)
    if access.is_team:
        context["coordinator_form"] = CoordinatorForm(
            initial={"coordinator": access.person.coordinator_id},
            members=team_members(access.person.team),
        )
    return render(request, "frontend/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    if not access.can_edit_profile:
        raise Http404
    person = access.person
    if request.method == "POST":
        form = PersonProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.person_update_profile(
                    actor=request.user,
                    person_id=person.pk,
                    photo=data.pop("photo"),
                    remove_photo=data.pop("remove_photo"),
                    **data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. Thank you."))
                return redirect("person", person_id=person.pk)
    else:
        form = PersonProfileForm(
            initial={name: getattr(person, name) for name in services.PROFILE_FIELDS}
        )
    if access.role is Role.SELF:
        spoken_to_the_person(form)
    return render(request, "frontend/person_edit.html", {"form": form, "person": person})


@login_required
@require_POST
def person_coordinator(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    if not access.is_team:
        raise Http404
    form = CoordinatorForm(request.POST, members=team_members(access.person.team))
    if form.is_valid():
        try:
            services.person_set_coordinator(
                actor=request.user,
                person_id=person_id,
                coordinator_id=form.cleaned_data["coordinator"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The named coordinator is updated."))
    else:
        messages.error(request, _("Please choose someone from the list."))
    return redirect("person", person_id=person_id)
