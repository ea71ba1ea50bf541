"""Logs: one JSON object a line in production (LOG_FORMAT=json), readable lines embedded.

Every line written while a request is answered carries its request id (nginx's X-Request-ID,
else a new one), whichever logger wrote it: Django's, a service's, a library's. Workers bind an
id per job. Logs say what happened to which row (ids, routes, statuses), never what anyone
wrote or who they are: no note text, no names, no email addresses. As a last guard, anything
shaped like an email address is blanked before a line is written.

Work a request leaves for a worker (push news, a record export) keeps the request's id on its
row, and the worker binds it again around that job: one id finds the request and every line
any worker wrote about what it caused.
"""

import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import structlog
from django.core.exceptions import ImproperlyConfigured
from structlog.typing import EventDict, WrappedLogger

if TYPE_CHECKING:  # settings import this module before Django is set up
    from django.http import HttpResponse

    from core.requests import KithRequest

FORMATS = ("json", "text")
# What nginx's $request_id looks like (32 hex digits), or any short, plain token a proxy sends.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

log = structlog.get_logger("kith")


def new_request_id() -> str:
    return secrets.token_hex(16)


def blank_emails(value: Any) -> Any:
    return _EMAIL.sub("[email]", value) if isinstance(value, str) else value


def _no_emails(logger: WrappedLogger, method: str, event: EventDict) -> EventDict:
    return {key: blank_emails(value) for key, value in event.items()}


def _no_paths(logger: WrappedLogger, method: str, event: EventDict) -> EventDict:
    """Django's own lines ("Not Found: /reset/<token>/") carry the path and the request: a
    path can hold a token, so the line keeps the reason and names the route instead."""
    request = event.pop("request", None)
    event.pop("message", None)  # the record's own copy of the event's words
    path = getattr(request, "path", None)
    if isinstance(path, str) and isinstance(event.get("event"), str):
        text = event["event"]
        for shown in (request.get_full_path(), path):
            text = text.replace(shown, "[path]")
        event["event"] = text
        match = getattr(request, "resolver_match", None)
        event["route"] = match.view_name if match is not None else "unmatched"
    return event


def _shared_processors() -> list[Callable]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(format: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter every handler uses: Django's and libraries' lines come through it too."""
    renderer: Callable = (
        structlog.processors.JSONRenderer()
        if format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared_processors(), structlog.stdlib.ExtraAdder(), _no_paths],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _no_emails,
            renderer,
        ],
    )


def logging_settings(*, format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING for this format; configures structlog on the way."""
    if format not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {format!r}")
    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"kith": {"()": formatter, "format": format}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kith"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


def current_request_id() -> str:
    """The id bound for this request or job, "" outside both: a row queued for a worker
    keeps it, so that the worker's lines about the row carry it too."""
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


@contextmanager
def job_context(job: str, *, request_id: str = "", **ids: int | str) -> Iterator[str]:
    """Around one job of a worker: its lines share an id, as a request's do.

    ``request_id``: that of the request that queued the job, kept on its row; a job nobody
    asked for (or a row from before ids were kept) gets a new one.
    """
    request_id = request_id or new_request_id()
    with structlog.contextvars.bound_contextvars(request_id=request_id, job=job, **ids):
        yield request_id


class RequestIdMiddleware:
    """Outermost: binds the request id for everything below, and logs one line per answer.

    The line names the route (the URL pattern's name), never the path, which can carry a
    token; and the user by id only.
    """

    def __init__(self, get_response: "Callable[[KithRequest], HttpResponse]") -> None:
        self.get_response = get_response

    def __call__(self, request: "KithRequest") -> "HttpResponse":
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _REQUEST_ID.match(sent) else new_request_id()
        request.request_id = request_id
        # Cleared as a request starts, not as it ends: Django logs a 4xx or 5xx answer
        # ("Not Found: ...") after the middleware has returned it, and that line needs the id.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        # Only a user already looked up: a probe's line must not cost a session read.
        user = getattr(request, "_cached_user", None)
        match = request.resolver_match
        log.info(
            "request",
            route=match.view_name if match is not None else "unmatched",
            method=request.method,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        return response
