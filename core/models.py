from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.emails import email_normalise


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=email_normalise(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # People type their email with capitals on phones; an address is one account. The
        # sign-in throttle counts guesses under the same form (core/emails.py).
        return self.get(email__iexact=email_normalise(username))

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a carer, a family member, a professional or the person themself.

    What they may see is never stored here: it follows from their memberships and circles,
    and families.access is the one place that works it out.
    """

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150)
    photo = models.ImageField(_("photo"), upload_to="users/", blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    # Every page in a larger type, for people who find the usual size hard to read.
    larger_text = models.BooleanField(_("larger text"), default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email


class Event(models.Model):
    """What happened, as open pages heard it, kept so a page that missed some can catch up.

    It says what happened and to what (a kind and a subject's id), never how it looked: a
    page catching up is sent each subject as a fresh page would show it now, rendered and
    checked again, so a deleted note is a removal and an edited one its current words.

    One row per stream (the group a frame went to): a team-only item has no circle row, so
    catch-up can never hand it to the circle. Rows older than the catch-up window are deleted
    by `apply_retention` (core.realtime.catch_up.events_prune), and with their person.
    """

    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, null=True, related_name="+"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, null=True, related_name="+")
    audience = models.CharField(max_length=10)
    # The group its frame went to; each socket catches up from the streams it joined.
    stream = models.CharField(max_length=80, default="")
    kind = models.CharField(max_length=40)
    # What a circle item is about (a note's kind), for people shown only some kinds; empty
    # for items everyone in the audience hears.
    topic = models.CharField(max_length=20, blank=True, default="")
    # The thing it happened to (a note, a visit, an offer), looked up afresh on catch-up.
    subject_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Not stored: core.realtime.broadcast sets these on a new event for sending its frames.
    html_by_language: dict[str, str]
    html: str
    previous_id: int

    class Meta:
        indexes = [
            models.Index(fields=["person", "audience", "id"], name="event_person_catch_up"),
            models.Index(fields=["team", "audience", "id"], name="event_team_catch_up"),
            models.Index(fields=["stream", "id"], name="event_stream_catch_up"),
            models.Index(fields=["created_at"], name="event_pruning"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class EventStream(models.Model):
    """The last event sent to one group, so each frame can name the one before it.

    Taken with a row lock while an event is written, so within a stream each frame's
    "previous" is exactly the frame sent before it: a page that has not seen it knows it
    missed something (a frame the channel layer dropped) and asks for it.
    """

    name = models.CharField(max_length=80, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """Who did what, when, from where: an append-only record for the person and their team.

    Nothing updates or deletes these rows. On PostgreSQL the database itself refuses it.
    """

    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGNED_OUT = "signed_out", _("Signed out")
        VIEWED = "viewed", _("Looked at the record")
        CHANGED_PROFILE = "changed_profile", _("Changed the profile")
        CHANGED_COORDINATOR = "changed_coordinator", _("Changed the named coordinator")
        CIRCLE_ADDED = "circle_added", _("Added someone to the circle")
        CIRCLE_REMOVED = "circle_removed", _("Removed someone from the circle")
        INVITED = "invited", _("Sent an invitation")
        INVITATION_ACCEPTED = "invitation_accepted", _("Accepted an invitation")
        NOTE_CREATED = "note_created", _("Wrote a note")
        NOTE_EDITED = "note_edited", _("Edited a note")
        NOTE_DELETED = "note_deleted", _("Deleted a note")
        ROTA_CHANGED = "rota_changed", _("Changed the rota")
        SHARING_CHANGED = "sharing_changed", _("Changed who sees what")
        EXPORTED = "exported", _("Exported the record")
        FUNDING_CHANGED = "funding_changed", _("Changed the money and hours plan")

    # No database constraints: the trail outlives what it describes, and is never rewritten.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    # Kept even if the account is later deleted, so the record still says who it was.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    person = models.ForeignKey(
        "families.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    target = models.CharField(max_length=80, blank=True, help_text=_("for example, note:42"))
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # For a look at the record: the start of the period it is counted in (core.audit.
    # record_read). Unique per reader and person, so a look is written once per period
    # however many pages, scrolls or requests at once it takes.
    read_period = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="audit_person_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "person", "read_period"],
                condition=models.Q(read_period__isnull=False),
                name="audit_one_read_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.target}"


# Web Push ---------------------------------------------------------------------------------


class PushKind(models.TextChoices):
    """What a notification is about; each person chooses which of these reach their phone."""

    CONCERN = "concern", _("Concerns")
    NOTE = "note", _("New notes")
    ROTA = "rota", _("Rota changes that affect me")
    FAMILY_UPDATE = "family_update", _("Family updates")
    RUNNING_LATE = "running_late", _("When a carer is running late")


class PushSubscription(models.Model):
    """One device that agreed to be sent notifications, as its browser described itself.

    The endpoint is a secret address at the browser maker's push service: whoever holds it
    can wake the device, so it is shown to nobody but its owner.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Failures in a row; a success resets it.
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent or self.pk}"

    def as_subscription_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushPreferences(models.Model):
    """A person's choices about notifications, the same on every device they use."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_preferences"
    )
    concerns = models.BooleanField(_("concerns"), default=True)
    notes = models.BooleanField(_("new notes"), default=True)
    rota = models.BooleanField(_("rota changes that affect me"), default=True)
    family_updates = models.BooleanField(_("family updates"), default=True)
    # None until chosen: then on only for the person's first contact in the family (the
    # earliest family member in their circle with an account), off for everyone else.
    running_late = models.BooleanField(_("when a carer is running late"), null=True, blank=True)
    # Local time in Europe/London; a start later than the end runs overnight.
    quiet_hours_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet until"), null=True, blank=True)
    # Off unless chosen: a lock screen is not a private place.
    include_content = models.BooleanField(_("show what the note says"), default=False)

    FIELD_FOR_KIND = {
        PushKind.CONCERN: "concerns",
        PushKind.NOTE: "notes",
        PushKind.ROTA: "rota",
        PushKind.FAMILY_UPDATE: "family_updates",
        PushKind.RUNNING_LATE: "running_late",
    }

    class Meta:
        verbose_name_plural = _("push preferences")

    def __str__(self) -> str:
        return f"push preferences of {self.user_id}"

    def wants(self, kind: str, *, first_family_contact: bool = False) -> bool:
        """Whether this kind reaches them. A choice never made (None) follows the default:
        for "running late", on for the person's first contact in the family only."""
        chosen = getattr(self, self.FIELD_FOR_KIND[PushKind(kind)])
        if chosen is None:
            return first_family_contact
        return bool(chosen)


class PushMessage(models.Model):
    """One notification for one device, waiting in the outbox until the worker sends it.

    The worker makes them from PushNews, which is written in the same transaction as the
    change it announces: nothing is announced that then rolls back, and nothing is lost if
    the worker restarts.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to send")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        GONE = "gone", _("The device no longer takes notifications")
        DROPPED = "dropped", _("Not sent: no longer allowed to see it")

    # Kept (without a device) when the push service says the device is gone.
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.SET_NULL, null=True, related_name="messages"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("families.Person", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10)
    # A note's kind, when the circle is told only about the kinds each member is shown.
    topic = models.CharField(max_length=20, blank=True, default="")
    kind = models.CharField(max_length=20, choices=PushKind.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set when a worker claims the row; a claim older than the lease is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The request whose news this message tells, from its PushNews (core.logs).
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="push_due")]

    def __str__(self) -> str:
        return f"{self.kind} push #{self.pk} ({self.status})"


class PushNews(models.Model):
    """Something phones should hear about, written in the transaction of the change itself.

    Working out who hears it (everyone the access layer lets see it, their devices, choices
    and quiet hours, and nobody watching the page live) takes several queries. The push
    worker does that moments later, turning each row into PushMessages, so the request
    that made the change never waits for it.
    """

    person = models.ForeignKey("families.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=PushKind.choices)
    audience = models.CharField(max_length=10)
    topic = models.CharField(max_length=20, blank=True, default="")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # The same words in each language Kith speaks, when Kith says them (core.push.words);
    # None when they are someone's own words, the same for every reader.
    title_in = models.JSONField(null=True, blank=True)
    body_in = models.JSONField(null=True, blank=True)
    url = models.CharField(max_length=300)
    exclude_user_ids = models.JSONField(default=list)
    # None: everyone in the audience; a list: only those of them.
    only_user_ids = models.JSONField(null=True, blank=True)
    skip_watching_live = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The request that made the change (core.logs): the worker's lines about it carry it too.
    request_id = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.kind} news #{self.pk}"


class LiveViewer(models.Model):
    """An open page about a person, so nobody is pushed a note they are watching arrive.

    Each socket keeps its row fresh while it is open; a row not refreshed lately (a process
    that died) stops counting by itself.
    """

    channel_name = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("families.Person", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["person", "seen_at"], name="live_viewer_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} watching {self.person_id}"


class RecoveryCode(models.Model):
    """One of a person's single-use codes for signing in when their authenticator app is lost.

    Only a keyed hash is kept (core/second_factor.py): the codes themselves are shown once,
    when they are made, and nowhere else. ``used_at`` is set by the conditional update that
    accepts the code, so a code is accepted at most once even by two requests at the same time.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_once")
        ]

    def __str__(self) -> str:
        return f"recovery code #{self.pk} of user {self.user_id}"


class WorkerHeartbeat(models.Model):
    """When a background worker (push, export) last went round its loop.

    /health/ready reports a worker as missing when its row is older than a minute: one row per
    kind of worker, refreshed by whichever of its processes goes round next.
    """

    worker = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%H:%M:%S}"
