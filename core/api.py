"""The JSON API at /api/v1/: one NinjaAPI, each app's router mounted on it, one error body.

Every error, whoever raises it, answers with ``{"code", "message", "fields"}``:

- 401 ``not_signed_in``: no session;
- 403 ``csrf_failed``: a change sent without the CSRF token (session auth checks it);
- 404 ``not_found``: missing *or* not yours to see, byte for byte the same answer;
- 405 ``method_not_allowed``: the address exists but not with that method;
- 413 ``too_large``: a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB), or too many fields;
- 422 ``invalid``: input we cannot use, with ``fields`` saying which and why;
- 500 ``server_error``: our fault, logged, never a traceback.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from core.api_push import router as push_router
from core.dates import out_of_range_message
from families.api import router as people_router
from families.api_about_me import router as about_me_router
from families.api_notes import router as notes_router
from teams.api import router as teams_router
from teams.api_me import router as me_router

logger = logging.getLogger("django.request")


class KithAPI(NinjaAPI):
    def _get_urls(self) -> list:
        # Ninja answers a wrong method (and its own root page) outside the exception
        # handlers; wrap each view so those answers use the same body as everything else.
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _uniform_errors(self, pattern.callback)
        return urls


def _uniform_errors(
    api: NinjaAPI, view: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return api.on_exception(request, exc)
        if response.status_code == 405 and "Allow" in response:
            allowed = response["Allow"]
            response = error_response(
                request,
                405,
                "method_not_allowed",
                _("This address does not accept that kind of request."),
            )
            response["Allow"] = allowed
        return response

    return wrapped


class SignedInSession(SessionAuth):
    """Django's session sign-in, as ninja's django_auth checks it (the CSRF token included).

    The views are then handed the account itself rather than the middleware's lazy stand-in
    for it: every use of that goes through two proxies (sign-in's, then the second
    factor's), and a write uses its actor dozens of times.
    """

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        if super().authenticate(request, key) is None:
            return None
        # Loaded just now by is_authenticated, with the second factor's fields set on it.
        request.user = getattr(request, "_cached_user", request.user)
        return request.user


api = KithAPI(title="Kith API", version="1", urls_namespace="api", auth=SignedInSession())


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": str(message), "fields": fields or {}}
    return api.create_response(request, body, status=status)


# Pydantic speaks to programmers; these say the same to the person filling in the form.
_INPUT_MESSAGES = {
    "missing": lambda: _("Please fill this in."),
    "null_not_allowed": lambda: _("Please fill this in."),
    "extra_forbidden": lambda: _("This cannot be changed here."),
    "nul_character": lambda: _("This contains a hidden character. Please type it again."),
    "string_too_long": lambda: _("This is too long."),
    "string_too_short": lambda: _("This is too short."),
    "json_invalid": lambda: _("We could not read what was sent."),
    "surrogate_character": lambda: _("This contains a broken character. Please type it again."),
    "date_out_of_range": out_of_range_message,
    "less_than_equal": lambda: _("This number is too large."),
    "greater_than_equal": lambda: _("This number is too small."),
}


def _input_message(error_type: str) -> str:
    message = _INPUT_MESSAGES.get(error_type)
    if message is not None:
        return message()
    if error_type.endswith(("_type", "_parsing")):
        return _("This is not the kind of answer we expected.")
    return _("Please check this.")


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    whole_body: list[str] = []
    for error in exc.errors:
        # loc is (source, [body parameter name,] field, ...): ("body", "payload", "phone").
        parts = [str(part) for part in error.get("loc", ())[1:]]
        if parts and parts[0] == "payload":
            parts = parts[1:]
        message = _input_message(error.get("type", ""))
        if parts:
            fields.setdefault(".".join(parts), []).append(message)
        else:
            whole_body.append(message)
    summary = whole_body[0] if whole_body else _("Please check what you entered.")
    return error_response(request, 422, "invalid", summary, fields)


@api.exception_handler(DjangoValidationError)
def _refused_by_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            if name == "__all__":
                general.extend(messages)
            else:
                fields[name] = [str(m) for m in messages]
    else:
        general.extend(str(m) for m in exc.messages)
    summary = " ".join(general) if general else _("Please check what you entered.")
    return error_response(request, 422, "invalid", summary, fields)


def _not_found(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # Never say why: "not yours to see" must read exactly like "does not exist".
    return error_response(request, 404, "not_found", _("We could not find that."))


def _too_large(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # Django refuses to read a body past DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many
    # fields or files): that is the sender's doing, so it gets the one body, not a 500.
    return error_response(
        request, 413, "too_large", _("That is too much to send at once. Please send less.")
    )


def _unreadable(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # A multipart body cut short or without its boundary: bad input like any other.
    return error_response(request, 422, "invalid", _("We could not read what was sent."))


api.add_exception_handler(RequestDataTooBig, _too_large)
api.add_exception_handler(TooManyFieldsSent, _too_large)
api.add_exception_handler(TooManyFilesSent, _too_large)
api.add_exception_handler(MultiPartParserError, _unreadable)
api.add_exception_handler(Http404, _not_found)
api.add_exception_handler(PermissionDenied, _not_found)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return error_response(request, 401, "not_signed_in", _("Please sign in to continue."))
    if exc.status_code == 403:
        # The only 403 here: session auth refusing a change sent without the CSRF token.
        return error_response(
            request,
            403,
            "csrf_failed",
            _("For your safety this was refused. Please reload the page and try again."),
        )
    if exc.status_code == 400:
        # Ninja's answer to a body that is not JSON at all: it is bad input like any other.
        return error_response(request, 422, "invalid", _("We could not read what was sent."))
    if exc.status_code == 429:
        return error_response(
            request, 429, "too_many_requests", _("Too many tries. Please wait a moment.")
        )
    return error_response(request, exc.status_code, "error", _("Something went wrong."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Tell the usual listeners (the test client, error reporting) as Django itself would.
    got_request_exception.send(sender=None, request=request)
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return error_response(
        request, 500, "server_error", _("Something went wrong on our side. Please try again.")
    )


api.add_router("/me", me_router)
api.add_router("/people", people_router)
api.add_router("/people", notes_router)
api.add_router("/people", about_me_router)
api.add_router("/teams", teams_router)
api.add_router("/rota", "teams.api_rota.router")
api.add_router("/rota", "teams.api_visit_status.router")
api.add_router("/directory", "teams.api_directory.router")
api.add_router("/push", push_router)

# Last of all: any other address under /api/v1/ is a JSON 404, not the site's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def no_such_address(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404


api.add_router("", fallback)
