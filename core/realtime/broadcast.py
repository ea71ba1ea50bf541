"""Telling open pages what changed, after the change is committed and never before."""

from collections.abc import Mapping

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.access import Audience
from core.models import Event
from core.realtime.groups import (
    person_group,
    person_topic_group,
    session_group,
    team_group,
    user_group,
)

MESSAGE = "event.message"


def cursor_html(event_id: int) -> str:
    """Rides along with every frame so a reconnecting page knows where it got to."""
    return f'<span id="kith-cursor" hidden data-event-id="{event_id}" hx-swap-oob="true"></span>'


def publish(
    *,
    kind: str,
    fragments: Mapping[Audience, str],
    person_id: int | None = None,
    team_id: int | None = None,
    topic: str = "",
) -> list[Event]:
    """Record one event per audience and send each fragment to its group once committed.

    Call inside the service's transaction. Render each fragment once per audience: the same
    bytes go to every viewer in that audience, however many there are. Each open page listens
    to exactly one audience (the team's or the circle's), so nobody hears an event twice.

    ``topic`` (a note's kind) sends the circle's fragment only to those in the circle the
    person shows that kind to; without it, the whole circle hears it.
    """
    if person_id is None and team_id is None:
        raise ValueError("an event belongs to a person, a team or both")
    if team_id is not None and person_id is None and set(fragments) != {Audience.TEAM}:
        raise ValueError("team-wide events are for the team only")
    if Audience.CIRCLE in fragments and Audience.TEAM not in fragments:
        # Shared with the circle and the same for everyone: the team hears it in its own group.
        fragments = {**fragments, Audience.TEAM: fragments[Audience.CIRCLE]}
    events = Event.objects.bulk_create(
        Event(
            person_id=person_id,
            team_id=team_id,
            audience=audience.value,
            kind=kind,
            topic=topic,
            html=html,
        )
        for audience, html in fragments.items()
    )
    transaction.on_commit(lambda: _send(events, person_id=person_id, team_id=team_id))
    return events


def _person_group_for(person_id: int, event: Event) -> str:
    audience = Audience(event.audience)
    if audience is Audience.CIRCLE and event.topic:
        return person_topic_group(person_id, event.topic)
    return person_group(person_id, audience)


def _send(events: list[Event], *, person_id: int | None, team_id: int | None) -> None:
    layer = get_channel_layer()
    send = async_to_sync(layer.group_send)
    for event in events:
        audience = Audience(event.audience)
        message = {"type": MESSAGE, "id": event.pk, "html": event.html + cursor_html(event.pk)}
        if person_id is not None:
            send(_person_group_for(person_id, event), message)
        if team_id is not None and audience is Audience.TEAM:
            send(team_group(team_id), message)


def access_changed(*, user_id: int) -> None:
    """Ask this user's open sockets to re-check what they may see. Call from services."""
    transaction.on_commit(
        lambda: async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": "access.changed"}
        )
    )


def session_ended(*, session_key: str) -> None:
    """Close every socket opened under this session, e.g. when its owner signs out."""
    async_to_sync(get_channel_layer().group_send)(
        session_group(session_key), {"type": "session.ended"}
    )


def session_changed(*, user_id: int) -> None:
    """Ask this user's open sockets whether their session is still accepted, and close if not.

    Call when something that ends sessions has happened to the user: a new password, the
    account deactivated, the second factor removed. Sockets whose session still stands (the
    one the password was changed in, say) stay open. Whatever is missed, each socket checks
    again within a minute by itself.
    """
    transaction.on_commit(
        lambda: async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": "session.changed"}
        )
    )
