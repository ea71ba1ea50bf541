from typing import TYPE_CHECKING

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from teams.models import Team

OWN_RECORD_SECONDS = 300


def navigation(request: HttpRequest) -> dict:
    """The team a carer's navigation points to; asked for only when a page shows it."""

    def my_team() -> "Team | None":
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        membership = user.memberships.current().select_related("team").first()
        return membership.team if membership else None

    def own_page_url() -> str:
        # Only asked for on pages of someone outside any team (the menu's "My page"). Kept in
        # the cache a while: which record is one's own hardly ever changes, and every page of
        # a daughter or a nurse would otherwise ask again.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        key = f"kith:own-record:{user.pk}"
        own = cache.get(key)
        if own is None:
            from families.models import Person

            found = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
            own = found or 0
            cache.set(key, own, OWN_RECORD_SECONDS)
        return reverse("person", args=[own]) if own else ""

    def writer() -> str:
        from frontend.drafts import writer_token

        return writer_token(getattr(request, "user", None))

    # Write forms carry who made them, so words sent after the session ended are kept for
    # that person only (frontend/drafts.py).
    return {
        "my_team": SimpleLazyObject(my_team),
        "own_page_url": SimpleLazyObject(own_page_url),
        "writer_token": SimpleLazyObject(writer),
    }
