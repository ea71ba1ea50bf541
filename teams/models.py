from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A small neighbourhood team that organises itself: there is no manager role."""

    name = models.CharField(_("name"), max_length=120)
    area = models.CharField(_("area"), max_length=200, blank=True)
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
