"""A team's rule for signing in: it may require a code from an app of all its members.

Sign-in itself (the code, the pending step, recovery codes) is core's, in core.second_factor;
this is the team's part, told to core when the app loads (teams.apps).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.models import User
from families.access import team_access_or_404
from teams.models import Membership, TeamSignInPolicy


def team_requires_second_factor(user: User) -> bool:
    """Whether any team this account is a current member of requires a second factor."""
    teams = Membership.objects.current().filter(user_id=user.pk).values("team_id")
    return TeamSignInPolicy.objects.filter(team_id__in=teams, require_second_factor=True).exists()


def team_sign_in_policy(*, team_id: int) -> TeamSignInPolicy | None:
    """The team's saved rule, if it ever chose one. Callers have checked team access."""
    return TeamSignInPolicy.objects.filter(team_id=team_id).first()


@transaction.atomic
def team_require_second_factor(*, actor: User, team_id: int, required: bool) -> TeamSignInPolicy:
    """Any member of a self-managing team may set it: the team decides together."""
    team = team_access_or_404(actor, team_id)
    policy, _created = TeamSignInPolicy.objects.select_for_update().get_or_create(team=team)
    if policy.require_second_factor != required:
        policy.require_second_factor = required
        policy.changed_by = actor
        policy.changed_at = timezone.now()
        policy.save(update_fields=["require_second_factor", "changed_by", "changed_at"])
    return policy
