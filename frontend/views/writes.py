"""The shape every form view shares: what was posted, the service's answer on the form, the
message that says it is done, and words kept when the session ended mid-form."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from core.requests import KithRequest
from frontend import drafts
from frontend.forms import add_service_errors

T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a POST, even an empty one (so it is checked, not ignored)."""
    return request.POST if request.method == "POST" else None


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What the service gave back for a write it accepted."""

    value: T


def form_write(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[dict[str, Any]], T],
    *,
    said: str | None = None,
) -> Saved[T] | None:
    """A valid form goes to the service (``write(cleaned_data)``); what the service refuses
    lands on the form, beside the field it is about. Saved: ``said`` is shown as the page's
    message and the caller redirects; None: the caller shows the form again (status 422)."""
    if not form.is_valid():
        return None
    try:
        value = write(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    if said:
        messages.success(request, said)
    return Saved(value)


def login_required_keeping_words(page: str) -> Callable[..., Any]:
    """login_required for a write form: words sent without scripts after the session ended
    are kept (frontend/drafts.py) and given back on ``page`` once the writer signs in again.

    A page's script hears 401 instead (core.middleware) and keeps them in its outbox.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        signed_in_view = login_required(view)

        @functools.wraps(view)
        def wrapped(request: KithRequest, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated or request.method != "POST" or request.htmx:
                return signed_in_view(request, **kwargs)
            back = reverse(page, kwargs=kwargs)
            if drafts.keep(request, page=back):
                messages.info(
                    request,
                    _(
                        "You were signed out, so it was not sent yet. "
                        "Please sign in again: your words are kept for you."
                    ),
                )
            return redirect_to_login(back)

        return wrapped

    return decorate
