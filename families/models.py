from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    """Someone the team supports, described in their own words."""

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_name = models.CharField(
        _("preferred name"), max_length=80, blank=True, help_text=_("What they like to be called.")
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    about_me = models.TextField(_("about me"), blank=True)
    what_matters = models.TextField(_("what matters to me"), blank=True)
    how_to_support = models.TextField(_("how best to support me"), blank=True)
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

    class Meta:
        ordering = ["preferred_name", "full_name"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name to use day to day: the one they prefer."""
        return self.preferred_name or self.full_name


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
