"""Writing a person's About Me: by the person themself, or by the team with them.

Nothing is ever overwritten: each change is a new version, with who wrote it, who they
wrote it with and when. A section past its length refuses the whole change, naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.languages import clean_words_language
from core.models import AuditEntry, User
from core.text import refuse_null_characters
from families.about_me_models import SECTION_KEYS, SECTIONS, WRITTEN_WITH_MAX_CHARS, AboutMe
from families.access import PersonAccess, Role, person_access_or_404
from families.models import CircleMember, Person


def _heading(access: PersonAccess, key: str) -> str:
    section = next(s for s in SECTIONS if s.key == key)
    return str(section.about_you if access.role is Role.SELF else section.about_them)


def _clean_texts(access: PersonAccess, sections: Mapping[str, str]) -> dict[str, str]:
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError(
            {
                "sections": _("These are not sections of About Me: %(names)s.")
                % {"names": ", ".join(sorted(unknown))}
            },
            code="unknown_section",
        )
    texts = {key: (sections.get(key) or "").strip() for key in SECTION_KEYS}
    refuse_null_characters(**texts)
    errors = {}
    for section in SECTIONS:
        length = len(texts[section.key])
        if length > section.max_chars:
            errors[section.key] = _(
                "“%(section)s” is %(length)s characters long. Please shorten it to "
                "%(limit)s characters or fewer."
            ) % {
                "section": _heading(access, section.key),
                "length": f"{length:,}",
                "limit": f"{section.max_chars:,}",
            }
    if errors:
        raise ValidationError(errors, code="too_long")
    return texts


def _clean_members(person: Person, member_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(member_ids))
    found = set(
        CircleMember.objects.filter(
            person=person, removed_at__isnull=True, pk__in=wanted
        ).values_list("pk", flat=True)
    )
    if len(found) != len(wanted):
        raise ValidationError(
            {"important_members": _("Please choose people who are in the circle now.")},
            code="not_in_circle",
        )
    return wanted


@transaction.atomic
def about_me_write(
    *,
    actor: User,
    person_id: int,
    sections: Mapping[str, str],
    important_member_ids: Iterable[int] = (),
    written_with: str = "",
    language: str | None = None,
) -> AboutMe:
    """A new version of the person's About Me; the one before stays readable.

    A section left out is written empty: the caller sends the whole About Me, as the page's
    form and the API's PUT both do. Sending what is there already makes no new version.
    ``language``: what the new version is written in (left out: the writer's own).
    """
    access = person_access_or_404(actor, person_id)
    if not access.can_edit_profile:
        raise Http404
    texts = _clean_texts(access, sections)
    written_in = clean_words_language(language, writer=actor)
    written_with = written_with.strip()
    refuse_null_characters(written_with=written_with)
    if len(written_with) > WRITTEN_WITH_MAX_CHARS:
        raise ValidationError(
            {
                "written_with": _("Please keep this under %(limit)s characters.")
                % {"limit": WRITTEN_WITH_MAX_CHARS}
            },
            code="too_long",
        )
    # One writer at a time per person, so two saves never take the same number.
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    member_ids = _clean_members(person, important_member_ids)
    current = person.about_me
    if current is not None and current.texts() == texts:
        current_ids = sorted(current.important_members.values_list("pk", flat=True))
        if current_ids == member_ids and current.written_with == written_with:
            return current
    changed = [
        key for key in SECTION_KEYS if texts[key] != (getattr(current, key) if current else "")
    ]
    version = AboutMe.objects.create(
        person=person,
        number=(current.number if current else 0) + 1,
        written_by=actor,
        written_with=written_with,
        language=written_in,
        **texts,
    )
    version.important_members.set(member_ids)
    person.about_me = version
    person.save(update_fields=["about_me"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGED_PROFILE,
        person_id=person.pk,
        target=f"about_me:{version.number}",
        detail={"fields": changed, "about_me_version": version.number},
    )
    return version
