"""Which pages a device keeps for reading without a signal.

A carer keeps the pages they need for the coming week: their visits and the people they will
see. Everything here is cleared when they sign out (Clear-Site-Data).
"""

from django.urls import reverse

from core.models import User
from families.selectors import people_for_user

# A phone keeps a week of work, not the whole neighbourhood.
MAX_PEOPLE = 25


def pages_to_save(user: User) -> list[str]:
    urls = [reverse("home")]
    people = people_for_user(user).all[:MAX_PEOPLE]
    for person in people:
        urls += [reverse("person", args=[person.pk]), reverse("timeline", args=[person.pk])]
    return urls
