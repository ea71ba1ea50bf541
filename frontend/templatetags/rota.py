from django import template

from core.realtime.catch_up import resume_from
from families.models import Person
from teams.rota.selectors import whos_coming as coming_visits

register = template.Library()


@register.inclusion_tag("frontend/rota/_whos_coming_live.html")
def whos_coming(person: Person, reader: str = "") -> dict:
    """ "Who's coming" on a person's page. The same panel live updates replace by id.

    Each item is said both ways, to the family and to the person ("... is with you now"): the
    live panel is one fragment for the whole circle, the person included, and the reader's
    role on this page ("self" for the person) chooses which of the two is shown.
    """
    after = resume_from(person_id=person.pk)
    return {
        "person": person,
        "coming": coming_visits(person),
        "oob": False,
        "after": after,
        "to_you": reader == "self",
    }
