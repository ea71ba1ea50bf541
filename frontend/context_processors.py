from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from teams.models import Team


def navigation(request: HttpRequest) -> dict:
    """The team a carer's navigation points to; asked for only when a page shows it."""

    def my_team() -> "Team | None":
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        membership = user.memberships.current().select_related("team").first()
        return membership.team if membership else None

    def writer() -> str:
        from frontend.drafts import writer_token

        return writer_token(getattr(request, "user", None))

    # Write forms carry who made them, so words sent after the session ended are kept for
    # that person only (frontend/drafts.py).
    return {"my_team": SimpleLazyObject(my_team), "writer_token": SimpleLazyObject(writer)}
