"""What the neighbourhood directory stores. Imported by teams.models so Django finds them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DirectoryEntry(models.Model):
    """A group, activity, place or micro-provider the team knows about."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        ACTIVITY = "activity", _("Activity")
        PLACE = "place", _("Place")
        MICRO_PROVIDER = "micro_provider", _("Micro-provider")

    class Status(models.TextChoices):
        # A circle member's suggestion: seen by the team only until one of them confirms it.
        SUGGESTED = "suggested", _("Suggested, waiting for the team")
        CONFIRMED = "confirmed", _("Confirmed")

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="directory_entries"
    )
    kind = models.CharField(_("what kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    what = models.TextField(_("what it is"), max_length=2000, blank=True)
    when_text = models.CharField(
        _("when, in words"),
        max_length=200,
        blank=True,
        help_text=_("For example: Thursdays, 2 to 4 pm"),
    )
    # For the calendar feed: a weekly activity's day (0 is Monday) and times, when regular.
    weekday = models.PositiveSmallIntegerField(_("day it repeats"), null=True, blank=True)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    where = models.CharField(_("where"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    getting_there = models.TextField(_("how to get there"), max_length=1000, blank=True)
    step_free = models.BooleanField(_("step-free"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    transport = models.CharField(_("transport"), max_length=200, blank=True)
    cost = models.CharField(_("cost"), max_length=120, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    keywords = models.CharField(
        _("interests it suits"),
        max_length=200,
        blank=True,
        help_text=_("Words people might look for, with commas: singing, gardening"),
    )
    shared = models.BooleanField(_("share with our organisation's other teams"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person a circle member suggested it for; linked to them when the team confirms it.
    suggested_for = models.ForeignKey(
        "families.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["team", "status"])]
        verbose_name_plural = _("directory entries")

    def __str__(self) -> str:
        return self.name

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class EntryChange(models.Model):
    """One change to an entry, kept for its history: who, when, and each field before and after."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        SUGGESTED = "suggested", _("Suggested")
        EDITED = "edited", _("Changed")
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED = "checked", _("Check confirmed")

    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    # {"field": [before, after]} for edits; {} otherwise.
    fields = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.entry_id}"


class ProviderCheck(models.Model):
    """A check a micro-provider has told the team about, and when it was last confirmed."""

    class Kind(models.TextChoices):
        DBS = "dbs", _("DBS check")
        INSURANCE = "insurance", _("Insurance")
        FOOD_HYGIENE = "food_hygiene", _("Food hygiene")

    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    last_confirmed = models.DateField(_("last confirmed"))

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind"], name="one_check_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.last_confirmed}"


class Connection(models.Model):
    """An entry tied to one person, perhaps to one of their interests and one of their goals."""

    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, related_name="connections"
    )
    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="connections")
    interest = models.CharField(_("which interest"), max_length=120, blank=True)
    outcome = models.ForeignKey(
        "families.Outcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="connections",
        verbose_name=_("which goal"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "entry"], name="one_connection_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} -> {self.entry_id}"


class ConnectionMoment(models.Model):
    """A note that says which connection it was about ("Jean sang at the choir today")."""

    note = models.OneToOneField(
        "families.Note", on_delete=models.CASCADE, related_name="connection_moment"
    )
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="moments")

    def __str__(self) -> str:
        return f"{self.note_id} about {self.connection_id}"
