from django import template

from families.access import PersonAccess
from families.models import Outcome
from teams.directory.selectors import outcome_connections, person_connections, person_suggestions

register = template.Library()


@register.inclusion_tag("frontend/directory/_person_connections.html")
def connections_panel(access: PersonAccess) -> dict:
    """ "Connections" on a person's page: where they go, and how often, as this viewer may see."""
    return {
        "access": access,
        "person": access.person,
        "connections": person_connections(access),
        "suggestions": person_suggestions(access),
    }


@register.inclusion_tag("frontend/directory/_goal_connections.html")
def goal_connections(access: PersonAccess, outcome: Outcome) -> dict:
    """The connections tied to a goal, with how often a moment there was written down."""
    return {"connections": outcome_connections(access, outcome.pk)}
