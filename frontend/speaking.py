"""A form's words said to the person, when the person is the one filling it in.

The team reads "How did they seem?" about George; George reads "How are you feeling?".
"""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# field name -> (what to change, the words said to the person)
TO_THE_PERSON: dict[str, tuple[str, Promise]] = {
    "wellbeing": ("label", gettext_lazy("How are you feeling?")),
    "body": ("help_text", gettext_lazy("What happened, and what mattered to you.")),
    "title": ("label", gettext_lazy("Your goal, in your own words")),
    "preferred_name": ("help_text", gettext_lazy("What you like to be called.")),
}


def spoken_to_the_person(form: forms.Form) -> forms.Form:
    """The form's labels and help said to the person reading it, where they differ."""
    for name, (part, words) in TO_THE_PERSON.items():
        if name in form.fields:
            setattr(form.fields[name], part, words)
    return form
