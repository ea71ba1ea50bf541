"""Optional error reports to Sentry, switched on by SENTRY_DSN.

A report says where the code failed and for which route, never what anyone wrote or who they
are: no request bodies, cookies, headers, query strings or paths (a path can hold a token), no
local variables, no breadcrumbs' words; the user by id only. Scrubbed here, before sending, so a
misconfigured server side cannot leak what was never sent.
"""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Event, Hint

from core.logs import blank_emails

# Request fields a report keeps: enough to know which kind of request failed.
_KEPT_REQUEST_FIELDS = ("method",)


def scrub(event: Event, hint: Hint | None = None) -> Event:
    """The report as sent: stripped of anything that could be care data or a secret."""
    request = event.get("request")
    if request:
        event["request"] = {key: request[key] for key in _KEPT_REQUEST_FIELDS if key in request}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    for exception in event.get("exception", {}).get("values", []):
        # The type and the stack say where; the words (a database error's DETAIL, a
        # validation message) can quote what someone wrote.
        exception["value"] = ""
        for frame in exception.get("stacktrace", {}).get("frames", []):
            frame.pop("vars", None)
    event.pop("message", None)
    if "logentry" in event:
        # The logging call's template, without the values put into it.
        event["logentry"] = {"message": blank_emails(event["logentry"].get("message"))}
    return event


def start(*, dsn: str, environment: str, **options: Any) -> None:
    """Called from settings when SENTRY_DSN is set; `options` are for tests (a transport)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(transaction_style="url")],
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        traces_sample_rate=0.0,
        before_send=scrub,
        **options,
    )
