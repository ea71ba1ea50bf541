"""Writes for Web Push: devices subscribing, people's choices, and queueing notifications.

When something happens to a person, the change calls ``push_notify_later``: one row of news
in its own transaction. ``manage.py push_worker`` turns the news into outbox rows, one per
device (``push_news_expand``, through ``push_notify``), and sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, time
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audience import Audience, audience_users, first_family_contact_id
from core.logs import current_request_id, job_context
from core.models import (
    PushKind,
    PushMessage,
    PushNews,
    PushPreferences,
    PushSubscription,
    User,
)
from core.push.endpoints import endpoint_problem
from core.push.vapid import b64url_decode
from core.push.words import Said, each_language, for_reader, in_default_language
from core.realtime.presence import watching_live

logger = logging.getLogger(__name__)

# What push_notify reads of each person's choices about notifications.
_CHOICES = (
    "id",
    "concerns",
    "notes",
    "rota",
    "family_updates",
    "running_late",
    "quiet_hours_start",
    "quiet_hours_end",
    "include_content",
)

LOCAL_TIME = ZoneInfo("Europe/London")
MAX_DEVICES_PER_USER = 10
CONTENT_MAX_CHARS = 240
USER_AGENT_MAX_LENGTH = 200


# Devices -------------------------------------------------------------------------------------


def _key_problem(value: str, *, length: int) -> str | None:
    try:
        raw = b64url_decode(value)
    except ValueError:
        return _("This key is not in the form the browser gives.")
    if len(raw) != length:
        return _("This key is the wrong length.")
    if length == 65:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            return _("This key is not a valid device key.")
    return None


@transaction.atomic
def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Remember a device that agreed to notifications, replacing any earlier record of it.

    A device signed in to by someone new belongs to them from now on: whatever was still
    waiting for the previous account is not sent to it.
    """
    endpoint, p256dh, auth = endpoint.strip(), p256dh.strip(), auth.strip()
    problems: dict[str, str] = {}
    if problem := endpoint_problem(endpoint):
        problems["endpoint"] = problem
    if problem := _key_problem(p256dh, length=65):
        problems["p256dh"] = problem
    if problem := _key_problem(auth, length=16):
        problems["auth"] = problem
    if problems:
        raise ValidationError(problems)

    previous = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if previous is not None and previous.user_id != user.pk:
        _stop_waiting_messages(previous, reason="the device now belongs to someone else")
        previous.delete()
        previous = None
    subscription = previous or PushSubscription(user=user, endpoint=endpoint)
    subscription.p256dh = p256dh.rstrip("=")
    subscription.auth = auth.rstrip("=")
    subscription.user_agent = user_agent[:USER_AGENT_MAX_LENGTH]
    subscription.failures = 0
    subscription.save()

    # A person with many old phones: the oldest ones go.
    extra = PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")[
        MAX_DEVICES_PER_USER:
    ]
    for old in list(extra):
        _stop_waiting_messages(old, reason="replaced by a newer device")
        old.delete()
    return subscription


@transaction.atomic
def push_unsubscribe(*, user: User, endpoint: str) -> bool:
    """Forget one of this user's devices. Someone else's device is left alone."""
    subscription = PushSubscription.objects.filter(user=user, endpoint=endpoint.strip()).first()
    if subscription is None:
        return False
    _stop_waiting_messages(subscription, reason="notifications were turned off")
    subscription.delete()
    return True


def _stop_waiting_messages(subscription: PushSubscription, *, reason: str) -> None:
    PushMessage.objects.filter(
        subscription=subscription,
        status__in=[PushMessage.Status.QUEUED, PushMessage.Status.SENDING],
    ).update(status=PushMessage.Status.DROPPED, last_error=reason)


# Choices -------------------------------------------------------------------------------------


@transaction.atomic
def push_preferences_update(
    *,
    user: User,
    concerns: bool,
    notes: bool,
    rota: bool,
    family_updates: bool,
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
    include_content: bool,
    running_late: bool | None = None,
) -> PushPreferences:
    """Save which notifications someone wants, when not to be disturbed, and how much to show.

    ``running_late`` None leaves that choice as it was (a page or app that does not offer it).
    """
    for name, value in (
        ("quiet_hours_start", quiet_hours_start),
        ("quiet_hours_end", quiet_hours_end),
    ):
        if value is not None and value.tzinfo is not None:
            # Quiet hours are UK wall-clock times; "22:00Z" names another clock.
            raise ValidationError(
                {name: _("Please give the time as a UK time, with no time zone.")}
            )
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        missing = "quiet_hours_end" if quiet_hours_end is None else "quiet_hours_start"
        raise ValidationError({missing: _("Please give both times, or neither.")})
    if quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        raise ValidationError({"quiet_hours_end": _("The quiet time must end at another time.")})
    preferences, _created = PushPreferences.objects.select_for_update().get_or_create(user=user)
    preferences.concerns = concerns
    preferences.notes = notes
    preferences.rota = rota
    preferences.family_updates = family_updates
    if running_late is not None:
        preferences.running_late = running_late
    preferences.quiet_hours_start = quiet_hours_start
    preferences.quiet_hours_end = quiet_hours_end
    preferences.include_content = include_content
    preferences.save()
    return preferences


def in_quiet_hours(preferences: PushPreferences, moment: datetime) -> bool:
    start, end = preferences.quiet_hours_start, preferences.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    now = timezone.localtime(moment, LOCAL_TIME).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end  # overnight, say 22:00 to 07:00


# Telling people ------------------------------------------------------------------------------


def push_notify(
    *,
    person_id: int,
    kind: str,
    audience: Audience,
    title: Said,
    body: Said,
    url: str,
    exclude_user_ids: Collection[int] = frozenset(),
    only_user_ids: Collection[int] | None = None,
    topic: str = "",
    now: datetime | None = None,
    request_id: str = "",
) -> int:
    """Queue a notification about a person for every device of everyone in the audience.

    The push worker calls it for each piece of news (push_news_expand); a change people wait
    on calls push_notify_later instead. Called inside a transaction, the rows commit or roll
    back with it. ``title`` must say nothing private ("New note about Jean"); ``body`` is the
    content itself and reaches only those who chose to see it. ``url`` is the page to open, a path
    on this site. ``exclude_user_ids``: whoever needs no telling, such as the author and
    anyone watching the timeline live. ``only_user_ids``: for news that concerns a few
    people (a rota change that affects them), just those, and still only if the audience
    includes them. ``topic``: a note's kind, so the circle hears only about the kinds each
    member is shown (as the access layer decides, asked through core.audience).
    ``request_id``: the request that caused it, kept on each message for the worker's lines
    (the one bound now when not given). Returns how many were queued.
    """
    kind = PushKind(kind)
    audience = Audience(audience)
    _check_path(url)
    moment = now or timezone.now()
    request_id = request_id or current_request_id()
    subscriptions = PushSubscription.objects.filter(
        user__in=audience_users(person_id, audience, topic=topic)
    ).exclude(user_id__in=list(exclude_user_ids))
    if only_user_ids is not None:
        subscriptions = subscriptions.filter(user_id__in=list(only_user_ids))
    # Plain values, not a subscription, user and choices built as models for every device:
    # this runs for everyone who may hear, and building models was most of its cost.
    rows = subscriptions.values_list(
        "pk", "user_id", "user__language", *(f"user__push_preferences__{f}" for f in _CHOICES)
    )
    # Only "running late" has a default that depends on who one is to the person.
    first_contact = first_family_contact_id(person_id) if kind is PushKind.RUNNING_LATE else None
    hidden: dict[str, str] = {}  # "Open Kith to see it.", in each language asked for
    messages = []
    for subscription_id, user_id, language, *choices in rows:
        chosen = dict(zip(_CHOICES, choices, strict=True))
        # Someone who never chose has no row, and so the defaults.
        preferences = PushPreferences(user_id=user_id, **(chosen if chosen["id"] else {}))
        wanted = preferences.wants(kind, first_family_contact=user_id == first_contact)
        if not wanted or in_quiet_hours(preferences, moment):
            continue
        if preferences.include_content:
            shown = _content(for_reader(body, language))
        else:
            if language not in hidden:
                with translation.override(language or None):
                    hidden[language] = _("Open Kith to see it.")
            shown = hidden[language]
        messages.append(
            PushMessage(
                subscription_id=subscription_id,
                user_id=user_id,
                person_id=person_id,
                audience=audience.value,
                topic=topic,
                kind=kind.value,
                payload={
                    "title": for_reader(title, language),
                    "body": shown,
                    "url": url,
                    "kind": kind.value,
                    # Lets the phone replace an older notification about the same person.
                    "tag": f"person-{person_id}-{kind.value}",
                },
                next_attempt_at=moment,
                created_at=moment,
                request_id=request_id,
            )
        )
    PushMessage.objects.bulk_create(messages)
    return len(messages)


def push_notify_later(
    *,
    person_id: int,
    kind: str,
    audience: Audience,
    title: Said,
    body: Said,
    url: str,
    exclude_user_ids: Collection[int] = frozenset(),
    only_user_ids: Collection[int] | None = None,
    topic: str = "",
    skip_watching_live: bool = False,
) -> PushNews:
    """As push_notify, but only one row is written now; the push worker works out who hears.

    For changes people wait on (a note they just wrote): the request writes one row in its
    own transaction, and push_news_expand turns it into messages moments later.
    ``skip_watching_live``: leave out whoever has the person's page open at that moment,
    since they saw it arrive. The row keeps the id of the request (or job) running now, which
    the worker binds again while it works the news out (core.logs).
    """
    _check_path(url)
    return PushNews.objects.create(
        person_id=person_id,
        kind=PushKind(kind).value,
        audience=Audience(audience).value,
        topic=topic,
        title=in_default_language(title),
        body=in_default_language(body),
        title_in=each_language(title),
        body_in=each_language(body),
        url=url,
        exclude_user_ids=sorted(exclude_user_ids),
        only_user_ids=None if only_user_ids is None else sorted(only_user_ids),
        skip_watching_live=skip_watching_live,
        request_id=current_request_id(),
    )


def push_news_expand(*, limit: int = 100) -> int:
    """Turn waiting news into one message per device; returns how many were queued.

    Several workers may run at once: on PostgreSQL each takes rows the others have not
    locked. One piece of news that cannot be worked out is logged and set aside, so it never
    holds up the rest.
    """
    if not PushNews.objects.exists():
        # The worker asks before every claim: with nothing waiting, it takes no write lock.
        return 0
    queued = 0
    with transaction.atomic():
        waiting = PushNews.objects.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        batch = list(waiting[:limit])
        for news in batch:
            exclude = set(news.exclude_user_ids)
            if news.skip_watching_live:
                exclude |= watching_live(person_id=news.person_id)
            # The lines about this news carry the id of the request that wrote it.
            with job_context("push_news", request_id=news.request_id, push_news_id=news.pk) as rid:
                try:
                    with transaction.atomic():
                        messages = push_notify(
                            person_id=news.person_id,
                            kind=news.kind,
                            audience=Audience(news.audience),
                            title=news.title_in or news.title,
                            body=news.body_in or news.body,
                            url=news.url,
                            exclude_user_ids=exclude,
                            only_user_ids=news.only_user_ids,
                            topic=news.topic,
                            request_id=rid,
                        )
                except Exception:
                    logger.exception("push news %s could not be worked out; set aside", news.pk)
                    continue
                queued += messages
                logger.info("push news %s: %s messages queued", news.pk, messages)
        PushNews.objects.filter(pk__in=[news.pk for news in batch]).delete()
    return queued


def _check_path(url: str) -> None:
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("url must be a path on this site")


def _content(body: str) -> str:
    text = " ".join(body.split())
    if len(text) <= CONTENT_MAX_CHARS:
        return text
    return text[: CONTENT_MAX_CHARS - 1].rstrip() + "…"
