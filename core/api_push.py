"""/api/v1/push: this device's notifications, and one's own choices about them.

Everything here is about the signed-in account only: there is no way to name someone else.
"""

from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from core.models import PushPreferences, PushSubscription
from core.push.selectors import push_devices_for, push_preferences_for
from core.push.services import (
    push_preferences_update,
    push_subscribe,
    push_unsubscribe,
)
from core.requests import SignedInRequest
from core.schemas import ERRORS, InputSchema

router = Router(tags=["push"])


class KeysIn(InputSchema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class SubscriptionIn(InputSchema):
    """What the browser's PushSubscription.toJSON() gives, as it gives it."""

    endpoint: str = Field(max_length=2000)
    keys: KeysIn
    expirationTime: int | None = None  # the browser's own spelling


class UnsubscribeIn(InputSchema):
    endpoint: str = Field(max_length=2000)


class DeviceOut(Schema):
    id: int
    endpoint: str
    device: str
    created_at: datetime
    last_success_at: datetime | None


class PreferencesIn(InputSchema):
    concerns: bool
    notes: bool
    rota: bool
    family_updates: bool
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    include_content: bool
    # Left out (or null): kept as it was.
    running_late: bool | None = None


class PreferencesOut(Schema):
    concerns: bool
    notes: bool
    rota: bool
    family_updates: bool
    quiet_hours_start: time | None
    quiet_hours_end: time | None
    include_content: bool
    # Null until chosen: then on only for the person's first contact in the family.
    running_late: bool | None


class PublicKeyOut(Schema):
    public_key: str


def _device(subscription: PushSubscription) -> DeviceOut:
    return DeviceOut(
        id=subscription.pk,
        endpoint=subscription.endpoint,
        device=subscription.user_agent,
        created_at=subscription.created_at,
        last_success_at=subscription.last_success_at,
    )


def _preferences(preferences: PushPreferences) -> PreferencesOut:
    return PreferencesOut(
        concerns=preferences.concerns,
        notes=preferences.notes,
        rota=preferences.rota,
        family_updates=preferences.family_updates,
        quiet_hours_start=preferences.quiet_hours_start,
        quiet_hours_end=preferences.quiet_hours_end,
        include_content=preferences.include_content,
        running_late=preferences.running_late,
    )


@router.get(
    "/public-key",
    response={200: PublicKeyOut, **ERRORS},
    url_name="push_public_key",
    summary="The key a browser needs to subscribe",
)
def push_public_key(request: HttpRequest) -> PublicKeyOut:
    return PublicKeyOut(public_key=settings.VAPID_PUBLIC_KEY)


@router.get(
    "/subscriptions",
    response={200: list[DeviceOut], **ERRORS},
    url_name="push_devices",
    summary="My devices that receive notifications",
)
def push_devices(request: SignedInRequest) -> list[DeviceOut]:
    return [_device(s) for s in push_devices_for(request.user)]


# The service names the keys as it stores them; the body nests them as the browser does.
_FIELD_NAMES = {"p256dh": "keys.p256dh", "auth": "keys.auth"}


@router.post(
    "/subscriptions",
    response={201: DeviceOut, **ERRORS},
    url_name="push_subscribe",
    summary="Turn on notifications for this device",
)
def push_subscribe_device(request: SignedInRequest, payload: SubscriptionIn) -> Status[DeviceOut]:
    try:
        subscription = push_subscribe(
            user=request.user,
            endpoint=payload.endpoint,
            p256dh=payload.keys.p256dh,
            auth=payload.keys.auth,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        raise ValidationError(
            {
                _FIELD_NAMES.get(name, name): messages
                for name, messages in error.message_dict.items()
            }
        ) from None
    return Status(201, _device(subscription))


@router.delete(
    "/subscriptions",
    response={204: None, **ERRORS},
    url_name="push_unsubscribe",
    summary="Turn off notifications for this device",
)
def push_unsubscribe_device(request: SignedInRequest, payload: UnsubscribeIn) -> Status[None]:
    # Turning off twice is not an error: the outcome the person asked for holds.
    push_unsubscribe(user=request.user, endpoint=payload.endpoint)
    return Status(204, None)


@router.get(
    "/preferences",
    response={200: PreferencesOut, **ERRORS},
    url_name="push_preferences",
    summary="My choices about notifications",
)
def push_preferences(request: SignedInRequest) -> PreferencesOut:
    return _preferences(push_preferences_for(request.user))


@router.put(
    "/preferences",
    response={200: PreferencesOut, **ERRORS},
    url_name="push_preferences_update",
    summary="Change my choices about notifications",
)
def push_preferences_change(request: SignedInRequest, payload: PreferencesIn) -> PreferencesOut:
    saved = push_preferences_update(
        user=request.user,
        concerns=payload.concerns,
        notes=payload.notes,
        rota=payload.rota,
        family_updates=payload.family_updates,
        quiet_hours_start=payload.quiet_hours_start,
        quiet_hours_end=payload.quiet_hours_end,
        include_content=payload.include_content,
        running_late=payload.running_late,
    )
    return _preferences(saved)
