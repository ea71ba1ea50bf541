"""Reads of a person's About Me, already scoped by families.access.

The person's page, the history page, the API and the copy of the record all read it from
here, so none can show it to someone the person did not choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from families.about_me_models import SECTIONS, AboutMe, Section
from families.access import PersonAccess, Role
from families.models import CircleMember


@dataclass(frozen=True)
class AboutMeSection:
    key: str
    heading: str
    text: str


@dataclass(frozen=True)
class AboutMeView:
    """One version as one reader reads it: headings spoken to the person on their own pages."""

    number: int
    sections: list[AboutMeSection]
    important_members: list[CircleMember]
    written_by_name: str
    written_with: str
    # The language the sections are written in ("cy", "en"); "" when not known.
    language: str
    written_at: datetime
    carried_over: bool

    @property
    def is_empty(self) -> bool:
        return not self.important_members and not any(s.text for s in self.sections)


def _heading(section: Section, access: PersonAccess) -> str:
    return str(section.about_you if access.role is Role.SELF else section.about_them)


def _versions() -> QuerySet[AboutMe]:
    return AboutMe.objects.select_related("written_by").prefetch_related("important_members")


def _view(version: AboutMe, access: PersonAccess) -> AboutMeView:
    return AboutMeView(
        number=version.number,
        sections=[
            AboutMeSection(s.key, _heading(s, access), getattr(version, s.key)) for s in SECTIONS
        ],
        important_members=sorted(version.important_members.all(), key=lambda m: m.name),
        written_by_name=version.written_by.display_name if version.written_by else "",
        written_with=version.written_with,
        language=version.language,
        written_at=version.written_at,
        carried_over=version.carried_over,
    )


def about_me_current(access: PersonAccess) -> AboutMeView | None:
    """The person's About Me now, or None: not written yet, or not shared with this reader."""
    if not access.may_see_about_me or access.person.about_me_id is None:
        return None
    version = _versions().filter(pk=access.person.about_me_id).first()
    return _view(version, access) if version is not None else None


def about_me_history(access: PersonAccess) -> list[AboutMeView]:
    """Every version, newest first, for the team and the person; 404 for anyone else."""
    if not access.may_read_about_me_history:
        raise Http404
    return [_view(v, access) for v in _versions().filter(person=access.person)]
