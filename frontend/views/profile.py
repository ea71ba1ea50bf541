from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.push.selectors import push_choices_offered, push_preferences_for, push_running_late_on
from core.requests import SignedInRequest
from core.services import user_update_profile
from frontend.forms import ProfileForm, add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                user_update_profile(user=user, **form.cleaned_data)
            except ValidationError as error:
                user.refresh_from_db()  # the page header must not show the rejected name
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "phone": user.phone,
                "language": user.language,
            }
        )
    preferences = push_preferences_for(user)
    context = {
        "form": form,
        "nav": "profile",
        "push_preferences": preferences,
        "push_running_late": push_running_late_on(user, preferences),
        "push_offered": push_choices_offered(user),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
    }
    return render(request, "frontend/profile.html", context)
