from django import template
from django.db.models import Max

from core.models import Event
from families.models import Person
from teams.rota.selectors import whos_coming as coming_visits

register = template.Library()


@register.inclusion_tag("frontend/rota/_whos_coming_live.html")
def whos_coming(person: Person) -> dict:
    """ "Who's coming" on a person's page. The same panel live updates replace by id."""
    last = Event.objects.filter(person_id=person.pk).aggregate(last=Max("id"))["last"]
    return {"person": person, "coming": coming_visits(person), "oob": False, "after": last or 0}
