from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.realtime import access_changed
from teams.models import Membership, Team


@transaction.atomic
def team_create(*, name: str, area: str = "", founder: User | None = None) -> Team:
    team = Team(name=name.strip(), area=area.strip())
    team.full_clean()
    team.save()
    if founder is not None:
        membership_add(team=team, user=founder)
    return team


@transaction.atomic
def membership_add(*, team: Team, user: User, role_label: str = "") -> Membership:
    """Bring a carer into a team. Joining twice is harmless: the current membership stays."""
    existing = Membership.objects.current().filter(team=team, user=user).first()
    if existing is not None:
        return existing
    membership = Membership(team=team, user=user, role_label=role_label.strip())
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        # Someone else added them at the same moment; theirs is as good as ours.
        return Membership.objects.current().get(team=team, user=user)
    return membership


@transaction.atomic
def membership_set_role_label(*, membership: Membership, role_label: str) -> Membership:
    """Labels like "rota lead this month" are for people to read, never for permissions."""
    membership.role_label = role_label.strip()
    membership.full_clean()
    membership.save(update_fields=["role_label"])
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    if membership.left_at is not None:
        raise ValidationError(_("This person has already left the team."))
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    access_changed(user_id=membership.user_id)
    return membership
