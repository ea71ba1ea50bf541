from django import template
from django.urls import reverse

from core.models import User
from families.models import CircleMember, Person

register = template.Library()

_PHOTO_ROUTES = {Person: "person_photo", User: "user_photo", CircleMember: "circle_photo"}


@register.filter
def photo_url(obj) -> str:
    """The access-checked address of someone's photo, or "" when they have none."""
    if obj is None or not getattr(obj, "photo", None):
        return ""
    route = _PHOTO_ROUTES.get(type(obj))
    if route is None:
        return ""
    # The file name changes with every new photo, so it doubles as a cache buster.
    return f"{reverse(route, args=[obj.pk])}?v={obj.photo.name.rsplit('/', 1)[-1][:8]}"


@register.filter
def trail_details(detail: dict) -> str:
    """An audit entry's details in words, the same on the trail page and in the copy."""
    from core.audit import trail_details_text

    return trail_details_text(detail or {})


@register.simple_tag(takes_context=True)
def given_by_viewer(context: template.Context, reactors: str) -> bool:
    """Whether the viewer is among a reaction's givers ("|3|7|"). Pages rendered for one
    viewer say so without scripts; shared fragments (no viewer) leave it to the page script."""
    viewer_id = context.get("viewer_id")
    return bool(viewer_id) and f"|{viewer_id}|" in (reactors or "")
