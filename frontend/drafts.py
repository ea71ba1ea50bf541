"""Words sent from a page without scripts after its session ended: kept, and given back.

The session ends after hours without use; the page is still open, and the browser sends the
form anyway. Without scripts there is no outbox, so the server keeps the words in the new
(signed-out) session, which signing in carries over, and the page gives them back to the one
who wrote them to send again. Signed with the writer's id when the form was made: someone
else signing in on the same phone never sees them.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import HttpRequest

SESSION_KEY = "kith-draft"
SALT = "kith.draft-writer"
# Long enough for a form left open all day, and the session ending under it.
MAX_AGE_SECONDS = 7 * 24 * 60 * 60
FIELDS = ("kind", "body", "wellbeing", "audience")


def writer_token(user: Any) -> str:
    """Rendered into write forms: who was signed in when the form was made."""
    if user is None or not user.is_authenticated:
        return ""
    return signing.dumps(user.pk, salt=SALT)


def keep(request: HttpRequest, *, page: str) -> bool:
    """Keep the posted words for whoever made the form. False if there are none to keep."""
    words = {name: request.POST.get(name, "") for name in FIELDS}
    if not words["body"].strip():
        return False
    try:
        writer = signing.loads(request.POST.get("writer", ""), salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    request.session[SESSION_KEY] = {"page": page, "writer": writer, **words}
    return True


def take(request: HttpRequest, *, page: str) -> dict[str, str] | None:
    """The words kept for this page and this person, once; anyone else's are dropped."""
    draft = request.session.get(SESSION_KEY)
    if not draft or draft.get("page") != page:
        return None
    del request.session[SESSION_KEY]
    if draft.get("writer") != request.user.pk:
        return None
    return {name: draft.get(name, "") for name in FIELDS}
