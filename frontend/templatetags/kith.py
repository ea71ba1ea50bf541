import datetime as dt
from typing import Any, cast

from django import template
from django.db.models import Model
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import dates
from core.dates import moment_in_words
from core.languages import words_language
from core.models import User
from families.models import CircleMember, Note, Person
from families.selectors import circle_seeing_team_notes
from frontend.addresses import address as address_of

register = template.Library()

_PHOTO_ROUTES = {Person: "person_photo", User: "user_photo", CircleMember: "circle_photo"}


@register.filter
def photo_url(obj: Model | None) -> str:
    """The access-checked address of someone's photo, or "" when they have none."""
    if obj is None or not getattr(obj, "photo", None):
        return ""
    # isinstance, not type(): the signed-in user is a lazy stand-in for a User (a note's
    # author on the live frame it writes), and its photo must show there as on the page.
    route = next((name for kind, name in _PHOTO_ROUTES.items() if isinstance(obj, kind)), None)
    if route is None:
        return ""
    assert isinstance(obj, Person | User | CircleMember)  # the types _PHOTO_ROUTES names
    # The file name changes with every new photo, so it doubles as a cache buster.
    name = obj.photo.name or ""  # never empty here: the photo was there above
    return f"{address_of(route, obj.pk)}?v={name.rsplit('/', 1)[-1][:8]}"


@register.simple_tag
def address(name: str, *ids: int | str) -> str:
    """As {% url %} for a route named by ids alone, built without matching the route again
    (frontend/addresses.py): a note's card names several, on every page and live note."""
    return address_of(name, *ids)


@register.filter
def written_when(moment: dt.datetime | None) -> str:
    """ "Wednesday 2 December, 7am": when a note or reply was written, in plain words."""
    return moment_in_words(moment) if moment else ""


@register.filter
def lang_of(words: object) -> SafeString | str:
    """` lang="cy"` for an element showing what someone wrote, from its ``language``.

    For a note, a reply, a goal, an About Me (or their rows in the copy of the record): a
    screen reader then says Welsh words in Welsh on an English page, and English on a Welsh
    one. Nothing when the language is not known, so the page's own language stands.
    """
    code = words.get("language") if isinstance(words, dict) else getattr(words, "language", "")
    found = words_language(code)
    return format_html(' lang="{}"', found) if found else ""


@register.filter
def day_in_words(day: dt.date) -> str:
    """ "Wednesday 2 December", "dydd Mercher 2 Rhagfyr": a day as it reads inside a sentence,
    in the active language (core.dates, as My day says it). ``|capfirst`` where it starts one.
    """
    return dates.day_in_words(day)


@register.filter
def agreed_how(how: str) -> str:
    """How someone agreed to a sharing change, Kith's own words in the reader's language."""
    from core.audit import agreed_how_words

    return agreed_how_words(how or "")


@register.filter
def trail_details(detail: dict) -> str:
    """An audit entry's details in words, the same on the trail page and in the copy."""
    from core.audit import trail_details_text

    return trail_details_text(detail or {})


@register.simple_tag(takes_context=True)
def given_by_viewer(context: template.Context, reactors: str) -> bool:
    """Whether the viewer is among a reaction's givers ("|3|7|"). Pages rendered for one
    viewer say so without scripts; shared fragments (no viewer) leave it to the page script."""
    viewer_id = context.get("viewer_id")
    return bool(viewer_id) and f"|{viewer_id}|" in (reactors or "")


@register.simple_tag(takes_context=True)
def seen_by(context: template.Context, note: Note) -> str:
    """Who sees a note, in words. Depends on the note and the person's sharing, never on the
    viewer, so the one rendering per audience stays right for everyone who gets it."""
    if note.audience != "team":
        return _("Seen by the team and the circle")
    # Asked once per person in a rendering, whatever kinds of note a page holds, so every
    # page of a timeline costs the same queries. Kept in the render context's first layer:
    # each note's partial renders in a layer of its own, which would ask again per note.
    outermost = cast("dict[str, Any]", context.render_context.dicts[0])
    asked: dict[int, dict[str, list[CircleMember]]] = outermost.setdefault("kith_seen_by", {})
    if note.person_id not in asked:
        asked[note.person_id] = circle_seeing_team_notes(note.person_id)
    named = asked[note.person_id].get(note.kind, [])
    if not named:
        return _("Seen by the team only")
    people = [f"{m.name} ({m.relationship})" if m.relationship else m.name for m in named]
    return _("Seen by the team and %(people)s") % {"people": list_in_words(people)}


def list_in_words(items: list[str]) -> str:
    """ "Angela, Priya and Gareth": a list as a sentence says it."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


@register.filter
def is_viewer(person: Person | None, user: object) -> bool:
    """Whether a page about ``person`` is read by that person: then it speaks to them
    ("Your goals"), and to everyone else about them ("George's goals")."""
    viewer_id = getattr(user, "pk", None)
    return person is not None and viewer_id is not None and person.user_id == viewer_id
