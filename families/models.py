from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import WORDS_LANGUAGE_MAX

# Kinds of note a circle member may be shown. Concerns only ever go to someone the person
# names (say, their district nurse), never to the whole circle; handovers never leave the team.
CIRCLE_DEFAULT_KINDS = ("visit", "moment", "family_update")
CIRCLE_MEMBER_KINDS = ("visit", "moment", "family_update", "concern")


def default_circle_kinds() -> list[str]:
    return list(CIRCLE_DEFAULT_KINDS)


class Person(models.Model):
    """Someone the team supports, described in their own words."""

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_name = models.CharField(
        _("preferred name"), max_length=80, blank=True, help_text=_("What they like to be called.")
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    # The newest version of their About Me (families.about_me_models), kept beside the
    # record so a list of people reads it with a join.
    about_me = models.ForeignKey(
        "AboutMe", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinating",
        verbose_name=_("named coordinator"),
        help_text=_("The team member the family contacts first."),
    )
    # The person's own account, when they use Kith themself.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_record",
    )
    created_at = models.DateTimeField(default=timezone.now)
    support_ended_at = models.DateTimeField(null=True, blank=True)
    # The person's sharing choice: whether a new note is shown to their circle unless the
    # writer says otherwise. Concerns and handovers stay with the team whatever this says.
    notes_shared_with_circle_by_default = models.BooleanField(
        _("share new notes with my circle"), default=True
    )
    # Which kinds of shared note the circle sees, unless the person chose otherwise for
    # someone in particular (CircleMember.note_kinds). See families.access for the rule.
    circle_note_kinds = models.JSONField(_("what the circle sees"), default=default_circle_kinds)
    # "Angela is with Jean now" reaches the circle only when the person agreed.
    check_ins_shared_with_circle = models.BooleanField(
        _("show my circle when a carer arrives"), default=False
    )

    class Meta:
        ordering = ["preferred_name", "full_name"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name to use day to day: the one they prefer."""
        return self.preferred_name or self.full_name

    @property
    def what_matters(self) -> str:
        """What matters to them, from their current About Me: the line a carer's day shows.

        Lists select_related("person__about_me") so this costs no query per person.
        """
        return self.about_me.what_matters if self.about_me is not None else ""

    @property
    def share_check_ins(self) -> bool:
        """Read by the rota when it tells the circle that a carer has arrived."""
        return self.check_ins_shared_with_circle


class CircleMember(models.Model):
    """Someone in a person's circle of support. They may or may not have an account."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("Family")
        FRIEND = "friend", _("Friend or neighbour")
        PROFESSIONAL = "professional", _("Visiting professional")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="circle")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="circles",
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("who they are"), max_length=20, choices=Kind.choices)
    relationship = models.CharField(
        _("relationship"), max_length=80, help_text=_("For example: daughter, district nurse.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="circle/", blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    # The kinds of shared note the person lets this one member see; None means "the same as
    # the rest of the circle" (Person.circle_note_kinds).
    note_kinds = models.JSONField(_("what they see"), null=True, blank=True)
    # Whether the person lets this member read their About Me. None: as usual, which is yes
    # for family and friends and no for visiting professionals (families.access).
    sees_about_me = models.BooleanField(_("reads About Me"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"],
                condition=models.Q(removed_at__isnull=True, user__isnull=False),
                name="one_current_circle_place_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class Invitation(models.Model):
    """A single-use link that brings someone into a team or a person's circle.

    Only a hash of the token is stored: the link itself exists in the inviter's hands alone.
    """

    class Kind(models.TextChoices):
        TEAM = "team", _("Join the team")
        CIRCLE = "circle", _("Join a circle of support")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="invitations")
    # For a circle invitation: the place in the circle the new account will take.
    circle_member = models.ForeignKey(
        CircleMember, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=150)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


# Notes, outcomes and the shared timeline ------------------------------------------------------

NOTE_MAX_CHARS = 5000
REPLY_MAX_CHARS = 2000
NOTE_MAX_PHOTOS = 4
# Shown beside the words, never instead of them.
WELLBEING_FACES = {1: "😢", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}


class Outcome(models.Model):
    """One of the person's own goals, in their words: "go back to the choir"."""

    class Status(models.TextChoices):
        WORKING_ON = "working_on", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        PAUSED = "paused", _("Paused")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField(_("the goal, in their words"), max_length=200)
    who_helps = models.CharField(_("who helps"), max_length=200, blank=True)
    # The language the words were written in ("cy", "en"), so pages mark them for screen
    # readers whatever language the reader has Kith in (core.languages). Blank: not known.
    language = models.CharField(max_length=WORDS_LANGUAGE_MAX, blank=True)
    status = models.CharField(
        _("how it is going"), max_length=20, choices=Status.choices, default=Status.WORKING_ON
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "title"]

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    """Something worth knowing about the person, from someone who knows them.

    Who sees it is fixed when it is written: a note never moves between audiences, so a
    circle member can never have seen something that later turns out to be team only.
    Deleting hides it from everyone; the row stays for the audit.
    """

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit note")
        MOMENT = "moment", _("A good moment")
        CONCERN = "concern", _("Concern")
        FAMILY_UPDATE = "family_update", _("Family update")
        HANDOVER = "handover", _("Handover")

    class Audience(models.TextChoices):
        TEAM = "team", _("The team only")
        CIRCLE = "circle", _("The team and the circle")

    class Wellbeing(models.IntegerChoices):
        VERY_LOW = 1, _("Very low")
        LOW = 2, _("Low")
        OKAY = 3, _("Okay")
        GOOD = 4, _("Good")
        VERY_GOOD = 5, _("Very good")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of note"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("note"), max_length=NOTE_MAX_CHARS)
    # The language the words were written in ("cy", "en"), so pages mark them for screen
    # readers whatever language the reader has Kith in (core.languages). Blank: not known.
    language = models.CharField(max_length=WORDS_LANGUAGE_MAX, blank=True)
    wellbeing = models.PositiveSmallIntegerField(
        _("how they seemed"), choices=Wellbeing.choices, null=True, blank=True
    )
    audience = models.CharField(_("who sees it"), max_length=10, choices=Audience.choices)
    # Chosen by the writer's device so a note sent twice (say, by the offline outbox) is
    # saved once.
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    outcomes = models.ManyToManyField(
        Outcome, through="NoteOutcome", related_name="notes", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A concern stays highlighted until someone in the team says what was done.
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_note = models.TextField(_("what was done"), max_length=REPLY_MAX_CHARS, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The timeline: one person's notes, newest first, walked with a keyset cursor.
            models.Index(fields=["person", "-created_at", "-id"], name="note_timeline"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"],
                condition=models.Q(client_key__isnull=False),
                name="one_note_per_client_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["concern", "handover"]) | models.Q(audience="team"),
                name="concerns_and_handovers_team_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open_concern(self) -> bool:
        return self.kind == self.Kind.CONCERN and self.handled_at is None

    @property
    def wellbeing_face(self) -> str:
        return WELLBEING_FACES.get(self.wellbeing or 0, "")

    def reaction_summary(self) -> list[dict[str, object]]:
        """Each reaction with its count and who gave it, from the prefetched reactions."""
        given = list(self.reactions.all())
        return [
            {
                "kind": kind,
                "label": label,
                "count": sum(1 for r in given if r.kind == kind),
                # "|3|7|": the page marks the viewer's own reaction from this, so one
                # rendering serves every viewer.
                "reactors": "|" + "".join(f"{r.user_id}|" for r in given if r.kind == kind),
            }
            for kind, label in Reaction.Kind.choices
        ]


class NoteOutcome(models.Model):
    """A note that marks progress towards one of the person's outcomes."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE)
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "outcome"], name="note_outcome_once")
        ]

    def __str__(self) -> str:
        return f"{self.note_id} -> {self.outcome_id}"


class NoteVersion(models.Model):
    """What a note said before it was edited. Visible to the team."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    wellbeing = models.PositiveSmallIntegerField(null=True, blank=True)
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.note_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class NotePhoto(models.Model):
    """A photo on a note. Never served from a public path: only through an access check."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="notes/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"photo {self.position} of note {self.note_id}"


class Reply(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"), max_length=REPLY_MAX_CHARS)
    # The language the words were written in ("cy", "en"), so pages mark them for screen
    # readers whatever language the reader has Kith in (core.languages). Blank: not known.
    language = models.CharField(max_length=WORDS_LANGUAGE_MAX, blank=True)
    # Chosen by the page that sent it, so a reply sent again after a lost answer is saved once.
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "note", "client_key"],
                condition=models.Q(client_key__isnull=False),
                name="one_reply_per_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"reply #{self.pk} to note {self.note_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HEART = "heart", _("Heart")
        THANKS = "thanks", _("Thank you")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "user", "kind"], name="one_reaction_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on note {self.note_id}"


class ReactionKey(models.Model):
    """A reaction change already made: the same request sent again changes nothing.

    Giving or taking back a reaction says which it is, so a repeat means the same; the key
    also keeps an old request, sent again late, from undoing a newer one.
    """

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Reaction.Kind.choices)
    client_key = models.UUIDField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "note", "kind", "client_key"], name="one_reaction_change_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} change on note {self.note_id}"


class TimelineVisit(models.Model):
    """When a user last looked at a person's timeline: the "new since you last looked" line."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "person"], name="one_timeline_visit")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.person_id} at {self.seen_at:%Y-%m-%d %H:%M}"


class SharingChange(models.Model):
    """A change to who sees what, with the person's agreement: who agreed, when and how.

    When the person makes the change themself, they are the one who agreed. When the team
    makes it for them, the team writes down how the person said so.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sharing_changes")
    # None: the choice for the whole circle; otherwise the one member it is about.
    circle_member = models.ForeignKey(
        CircleMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    choices = models.JSONField(default=dict)
    agreed_by = models.CharField(_("who agreed"), max_length=150)
    agreed_how = models.CharField(_("how they said so"), max_length=200)
    agreed_at = models.DateTimeField(_("when they agreed"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"sharing change #{self.pk} for person {self.person_id}"


class RecordExport(models.Model):
    """A copy of one person's whole record, asked for by the person or their coordinator.

    Built in the background by `manage.py export_worker`, which claims queued rows with a
    conditional UPDATE. The file is care data: it is served only through an access check.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be made")
        BUILDING = "building", _("Being made")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be made")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a worker claims the row; a claim older than the lease is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The request that asked for it (core.logs): the export worker's lines carry it too.
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="export_queue")]

    def __str__(self) -> str:
        return f"export #{self.pk} of person {self.person_id} ({self.status})"


class AccountDeletionRequest(models.Model):
    """Someone in a circle asked for their account to go. `manage.py apply_retention` deletes
    it and leaves what they wrote on the timeline without their name."""

    # SET_NULL: once done, nothing here says who it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(done_at__isnull=True),
                name="one_open_deletion_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"deletion request #{self.pk}"


# Registered with the app from their own module, to keep this one short.
from families.about_me_models import AboutMe as AboutMe  # noqa: E402
