"""The request types views are handed once the middleware stack has run.

Django's ``HttpRequest`` knows nothing of what middleware adds, and its user may be anyone.
These say what a view can rely on, so the type checker holds views to it.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from core.models import User


class KithRequest(HttpRequest):
    """Any request Kith answers: RequestIdMiddleware and HtmxMiddleware have run."""

    request_id: str
    htmx: HtmxDetails


class SignedInRequest(KithRequest):
    """A request past login_required (or the API's session auth): its user is signed in."""

    user: User
