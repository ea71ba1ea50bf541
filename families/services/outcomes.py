"""Writes about a person's outcomes: their own goals, in their own words."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.languages import clean_words_language
from core.models import User
from families.access import PersonAccess, outcome_access_or_404, person_access_or_404
from families.models import Outcome


def _may_set_goals(access: PersonAccess) -> bool:
    # The team and the person themself; the circle sees the goals but does not set them.
    return access.can_edit_profile


def _clean(*, title: str, who_helps: str, status: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    who_helps = (who_helps or "").strip()
    if not title:
        errors["title"] = _("Please write the goal, in their own words.")
    elif len(title) > 200:
        errors["title"] = _("Please keep the goal under 200 characters.")
    if len(who_helps) > 200:
        errors["who_helps"] = _("Please keep this under 200 characters.")
    if status not in Outcome.Status.values:
        errors["status"] = _("Please choose how it is going from the list.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "who_helps": who_helps, "status": status}


@transaction.atomic
def outcome_create(
    *,
    actor: User,
    person_id: int,
    title: str,
    who_helps: str = "",
    status: str = Outcome.Status.WORKING_ON,
    language: str | None = None,
) -> Outcome:
    """A goal in the person's words. ``language``: what they are written in (left out: the
    writer's own)."""
    access = person_access_or_404(actor, person_id)
    if not _may_set_goals(access):
        raise Http404
    values = _clean(title=title, who_helps=who_helps, status=status)
    written_in = clean_words_language(language, writer=actor)
    return Outcome.objects.create(
        person=access.person, created_by=actor, language=written_in, **values
    )


@transaction.atomic
def outcome_update(
    *,
    actor: User,
    outcome_id: int,
    title: str | None = None,
    who_helps: str | None = None,
    status: str | None = None,
    language: str | None = None,
) -> Outcome:
    """Change what is given; leave out what stays the same.

    New words are in the language given, else the writer's own; a goal whose words stay as
    they were keeps the language they were written in.
    """
    found = outcome_access_or_404(actor, outcome_id)
    access = found.access
    if not _may_set_goals(access):
        raise Http404
    outcome = Outcome.objects.select_for_update().get(pk=found.outcome.pk)
    values = _clean(
        title=outcome.title if title is None else title,
        who_helps=outcome.who_helps if who_helps is None else who_helps,
        status=outcome.status if status is None else status,
    )
    reworded = (values["title"], values["who_helps"]) != (outcome.title, outcome.who_helps)
    if reworded or language is not None:
        outcome.language = clean_words_language(language, writer=actor)
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.updated_at = timezone.now()
    outcome.save()
    return outcome
