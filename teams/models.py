from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """Who runs a number of teams; a team may share its directory entries with the others."""

    name = models.CharField(_("name"), max_length=150)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A small neighbourhood team that organises itself: there is no manager role."""

    name = models.CharField(_("name"), max_length=120)
    area = models.CharField(_("area"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> "MembershipQuerySet":
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    """A carer in a team. Every member may do every team thing.

    ``role_label`` is a rotating label the team sets for itself ("rota lead this month"):
    it is shown to people, and never consulted for permissions.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role_label = models.CharField(_("team role"), max_length=80, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(left_at__isnull=True),
                name="one_current_membership_per_team",
            )
        ]
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


# The rota -----------------------------------------------------------------------------------
# Visits are stored as a date and local wall-clock times (Europe/London). Aware datetimes are
# derived when needed (teams.rota.clock), so a visit agreed for "9 to 11" stays at 9 to 11 on
# both sides of a clock change.


class TeamSignInPolicy(models.Model):
    """How a team's members sign in: a team may require a second factor of all its members.

    When ``require_second_factor`` is on, every current member gives a code from an
    authenticator app after their password (and sets one up at their next sign-in). Sign-in
    itself is core's (core.second_factor); the team's rule is the team's, and teams.sign_in
    tells core of it.
    """

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    require_second_factor = models.BooleanField(
        _("everyone in the team uses a code from an app to sign in"), default=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"sign-in policy of team {self.team_id}"


class RotaSettings(models.Model):
    """What a team has agreed about its rota. One row per team, made when first needed."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="rota_settings")
    continuity_goal = models.PositiveSmallIntegerField(
        _("most different carers per person in four weeks"),
        default=4,
        help_text=_("People who see more carers than this are highlighted on the rota."),
    )

    def __str__(self) -> str:
        return f"Rota settings for {self.team}"


class AgreedHours(models.Model):
    """The weekly hours a carer has agreed with their team. The rota warns above them."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="agreed_hours"
    )
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)

    def __str__(self) -> str:
        return f"{self.membership}: {self.weekly_hours} hours"


class VisitShape(models.Model):
    """What a visit is, agreed with the person: the same for a pattern and each visit it makes."""

    # The window agreed with the person, e.g. "morning", 09:00 to 11:00.
    window_label = models.CharField(_("time of day"), max_length=60, blank=True)
    window_start = models.TimeField(_("from"))
    window_end = models.TimeField(_("until"))
    exact_time = models.TimeField(_("exact time"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("length in minutes"))
    purpose = models.TextField(_("what the visit is for"))

    class Meta:
        abstract = True


class VisitPattern(VisitShape):
    """Visits that repeat ("Monday, Wednesday and Friday mornings"), as an RFC 5545 RRULE.

    Expansion makes one Visit per occurrence, remembered by ``original_date`` so that
    skipping or moving one visit keeps the pattern and expanding again adds nothing twice.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="visit_patterns")
    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, related_name="visit_patterns"
    )
    rule = models.CharField(_("repeats"), max_length=200)
    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usual carer"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person_id", "window_start"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.rule} {self.window_start}"


class Visit(VisitShape):
    class Status(models.TextChoices):
        OPEN = "open", _("Nobody yet")
        ASSIGNED = "assigned", _("Someone is going")
        CANCELLED = "cancelled", _("Not happening")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey("families.Person", on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("day"))
    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("carer"),
    )
    second_carer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="second_visits",
        verbose_name=_("second carer"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    pattern = models.ForeignKey(
        VisitPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    # For a visit made from a pattern: the day the pattern put it on, even after a move.
    original_date = models.DateField(null=True, blank=True)
    # "I'm with Jean now": when a carer said they had arrived. The circle hears of it only if
    # the person has agreed to share it.
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "Running late": about how many minutes, said by whom and when (teams.rota.lateness).
    late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    late_at = models.DateTimeField(null=True, blank=True)
    late_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "I can't make it": the visit went back to the team at once, marked urgent.
    cant_make_it_at = models.DateTimeField(null=True, blank=True)
    cant_make_it_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    urgent = models.BooleanField(default=False)
    # Marked done by a carer who had checked in: the family sees when it began and ended.
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "window_start", "pk"]
        indexes = [
            models.Index(fields=["team", "date"]),
            models.Index(fields=["person", "date"]),
            models.Index(fields=["carer", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "original_date"],
                condition=models.Q(pattern__isnull=False),
                name="one_visit_per_pattern_occurrence",
            ),
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")),
                name="visit_window_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.date} {self.window_start}"

    @property
    def carer_ids(self) -> list[int]:
        return [pk for pk in (self.carer_id, self.second_carer_id) if pk is not None]


class Availability(models.Model):
    """When a carer can or cannot work: every week on a weekday, or on one date.

    The reason is for the team only; it never reaches families.
    """

    class Kind(models.TextChoices):
        CAN = "can", _("Can work")
        CANNOT = "cannot", _("Cannot work")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="availabilities")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availabilities"
    )
    kind = models.CharField(_("can or cannot"), max_length=10, choices=Kind.choices)
    # Exactly one of these: a single date, or a weekday (0 is Monday) every week.
    date = models.DateField(_("day"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("every week on"), null=True, blank=True)
    # Both empty means the whole day.
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    starts_on = models.DateField(_("from day"), null=True, blank=True)
    ends_on = models.DateField(_("until day"), null=True, blank=True)
    reason = models.CharField(_("reason (the team sees it)"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(date__isnull=False, weekday__isnull=True)
                    | models.Q(date__isnull=True, weekday__isnull=False, weekday__lte=6)
                ),
                name="availability_is_one_day_or_a_weekday",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.date or self.weekday}"


class Offer(models.Model):
    """A carer offering their visit to the whole team, or asking one colleague to take it.

    Whoever accepts first takes the visit: there is no approval step.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for someone")
        ACCEPTED = "accepted", _("Taken")
        WITHDRAWN = "withdrawn", _("Taken back")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="offers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Empty: offered to the whole team.
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("message"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(status="open"),
                name="one_open_offer_per_visit",
            )
        ]

    def __str__(self) -> str:
        return f"Offer of visit {self.visit_id} ({self.status})"


class RotaChange(models.Model):
    """The team's rota activity: who changed what, when. Append-only.

    ``before`` and ``after`` hold the changed fields, enough to undo. An undo is itself a
    change that points at what it undoes, so nothing is ever rewritten.
    """

    class Kind(models.TextChoices):
        VISIT_CREATED = "visit.created", _("added a visit")
        VISIT_CLAIMED = "visit.claimed", _("took an open visit")
        VISIT_SKIPPED = "visit.skipped", _("cancelled a visit")
        VISIT_MOVED = "visit.moved", _("moved a visit")
        VISIT_CHECKED_IN = "visit.checked_in", _("said they are with the person")
        VISIT_LATE = "visit.late", _("said they are running late")
        VISIT_CANT_MAKE_IT = "visit.cant_make_it", _("said they can't make a visit")
        VISIT_DONE = "visit.done", _("marked a visit done")
        PATTERN_CREATED = "pattern.created", _("added repeating visits")
        OFFER_MADE = "offer.made", _("offered a visit")
        OFFER_ACCEPTED = "offer.accepted", _("took an offered visit")
        OFFER_WITHDRAWN = "offer.withdrawn", _("took back an offer")
        AVAILABILITY_SET = "availability.set", _("said when they can work")
        UNDONE = "undone", _("undid a change")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rota_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    pattern = models.ForeignKey(
        VisitPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    availability_id = models.PositiveBigIntegerField(null=True, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    undoes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="undone_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A carer's private calendar address. Only a hash of its token is kept; revoking ends it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed for {self.user_id}"


# The neighbourhood directory lives in its own package; its models are the teams app's.
# "X as X" re-exports each on purpose, so the type checker lets other modules import it here.
from teams.directory.models import Connection as Connection  # noqa: E402
from teams.directory.models import ConnectionMoment as ConnectionMoment  # noqa: E402
from teams.directory.models import DirectoryEntry as DirectoryEntry  # noqa: E402
from teams.directory.models import EntryChange as EntryChange  # noqa: E402
from teams.directory.models import ProviderCheck as ProviderCheck  # noqa: E402

# Money and hours live in their own package; their model is loaded with the rest of the app's.
from teams.funding.models import Funding as Funding  # noqa: E402
