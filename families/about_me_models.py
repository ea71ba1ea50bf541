"""About Me: the person's story in their own words, in the sections of the PRSB "About Me"
standard (part of NHS England's Core Information Standard), so it travels with them.

Every change is a new row: nothing here is ever edited in place. The person's current About
Me is the newest row, which ``Person.about_me`` points at so that lists can read it with a
join instead of a query per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import WORDS_LANGUAGE_MAX

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ABOUT_ME_MAX_CHARS = 2000
CALLED_MAX_CHARS = 200
WRITTEN_WITH_MAX_CHARS = 200


@dataclass(frozen=True)
class Section:
    """One section: its stored name, and its heading as the standard, others and the person
    themself read it."""

    key: str
    standard: StrPromise  # the standard's own first-person name, used in the record export
    about_them: StrPromise  # on the team's and the circle's pages
    about_you: StrPromise  # on the person's own pages
    max_chars: int = ABOUT_ME_MAX_CHARS


SECTIONS: tuple[Section, ...] = (
    Section(
        "called",
        _("What I like to be called"),
        _("What they like to be called"),
        _("What you like to be called"),
        CALLED_MAX_CHARS,
    ),
    Section(
        "story",
        _("A little about me"),
        _("A little about them"),
        _("A little about you"),
    ),
    Section(
        "communication",
        _("How I communicate and how to talk with me"),
        _("How they communicate and how to talk with them"),
        _("How you communicate and how to talk with you"),
    ),
    Section(
        "when_upset",
        _("When I am in pain or upset"),
        _("When they are in pain or upset"),
        _("When you are in pain or upset"),
    ),
    Section(
        "what_matters",
        _("What matters to me and what makes a good day"),
        _("What matters to them and what makes a good day"),
        _("What matters to you and what makes a good day"),
    ),
    Section(
        "worries",
        _("What worries me"),
        _("What worries them"),
        _("What worries you"),
    ),
    Section(
        "routines",
        _("My routines and how best to support me"),
        _("Their routines and how best to support them"),
        _("Your routines and how best to support you"),
    ),
    Section(
        "important_people",
        _("People who are important to me"),
        _("People who are important to them"),
        _("People who are important to you"),
    ),
    Section(
        "who_to_talk_to",
        _("Who to talk to, or not, about what"),
        _("Who to talk to, or not, about what"),
        _("Who to talk to, or not, about what"),
    ),
    Section(
        "hopes",
        _("My hopes and wishes, and any advance decisions I want known"),
        _("Their hopes and wishes, and any advance decisions they want known"),
        _("Your hopes and wishes, and any advance decisions you want known"),
    ),
)
SECTION_KEYS: tuple[str, ...] = tuple(section.key for section in SECTIONS)


class AboutMe(models.Model):
    """One version of a person's About Me: who wrote it, with whom, and when."""

    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, related_name="about_me_versions"
    )
    number = models.PositiveIntegerField()
    called = models.TextField(blank=True)
    story = models.TextField(blank=True)
    communication = models.TextField(blank=True)
    when_upset = models.TextField(blank=True)
    what_matters = models.TextField(blank=True)
    worries = models.TextField(blank=True)
    routines = models.TextField(blank=True)
    important_people = models.TextField(blank=True)
    # The people in the circle the person names as important, beside the words above.
    important_members = models.ManyToManyField(
        "families.CircleMember", blank=True, related_name="+"
    )
    who_to_talk_to = models.TextField(blank=True)
    hopes = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_with = models.CharField(max_length=WRITTEN_WITH_MAX_CHARS, blank=True)
    # The language the sections are written in ("cy", "en"), as for notes. Blank: not known.
    language = models.CharField(max_length=WORDS_LANGUAGE_MAX, blank=True)
    written_at = models.DateTimeField(default=timezone.now)
    # Brought over from the three free-text boxes the record had before About Me.
    carried_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="one_about_me_number")
        ]

    def __str__(self) -> str:
        return f"About Me {self.number} of person {self.person_id}"

    def texts(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in SECTION_KEYS}
