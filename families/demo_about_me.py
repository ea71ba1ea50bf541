"""The demo people's About Me, written through the same service people use.

Everyone's first version holds the words the demo has always had (a little about them,
what matters, how best to support them). Jean, George and Peggy have the whole standard
filled in, written the way it happens: Jean with Angela and her daughter Sarah at the
kitchen table, George on his own tablet, Peggy with Kasia and her son Tom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.models import User
from families import demo_data
from families.models import CircleMember, Person
from families.services.about_me import about_me_write
from families.services.sharing import Agreement, circle_member_sharing_update


@dataclass(frozen=True)
class Fuller:
    written_with: str
    sections: dict[str, str]
    important: tuple[str, ...] = ()  # circle members' names
    by_themself: bool = False
    # Professionals the person chose to let read it (others in the circle follow the usual).
    shared_with: tuple[str, ...] = field(default=())


FULLER: dict[str, Fuller] = {
    "jean": Fuller(
        written_with="Jean, with her daughter Sarah, at the kitchen table",
        important=("Sarah Hughes", "David Hughes", "Pat Doyle"),
        sections={
            "called": "Jean. Only the doctors call me Mrs Hughes.",
            "communication": (
                "I hear better on my left side. Sit where I can see your face and say one "
                "thing at a time. If I lose the thread, remind me gently what we were "
                "talking about; don't test me."
            ),
            "when_upset": (
                "Late afternoons are hard. I may say I need to fetch the children from "
                "school. Don't argue: tell me they're safe and ask me about the roses. If "
                "I'm in pain I go quiet and rub my knee rather than say so."
            ),
            "worries": (
                "Being moved to a home. Losing Biscuit. Strangers in the house who don't "
                "say who they are."
            ),
            "important_people": (
                "Ken, my husband, who died in 2019: you can talk about him, I like to. "
                "Sarah rings every evening at six. Pat next door has a key."
            ),
            "who_to_talk_to": (
                "Talk to Sarah about anything to do with my care or money. Please don't "
                "worry David with the day-to-day; he has enough on in Leeds."
            ),
            "hopes": (
                "To stay in this house with my garden for as long as I can. I have a "
                "lasting power of attorney for health and welfare: Sarah holds it."
            ),
        },
    ),
    "george": Fuller(
        written_with="",
        by_themself=True,
        important=("Abena Mensah", "Kwame Mensah"),
        sections={
            "called": "George. My old friends from the depot call me Driver.",
            "communication": (
                "My words come slowly since the stroke. Wait, and I will get there. Yes or "
                "no questions help when I am tired. I can read well, so writing it down "
                "works too."
            ),
            "when_upset": (
                "If I get cross it is with myself, not you. Give me a minute on my own. "
                "My right shoulder aches in the cold; a warm pack helps."
            ),
            "worries": "Another stroke. Being a burden on Abena.",
            "important_people": "Abena, my wife of 41 years. Kwame, my son. My church family.",
            "who_to_talk_to": (
                "Talk to me first, always. Abena may know anything. Ask me before you tell "
                "Kwame about health matters."
            ),
            "hopes": "To walk to church on my own by the summer.",
        },
    ),
    "peggy": Fuller(
        written_with="Peggy, with Kasia and her son Tom",
        important=("Tom Walsh", "Aoife Walsh", "Father Brendan Kelly"),
        shared_with=("Nina Kowalski", "Claire Dunmore"),
        sections={
            "called": "Peggy.",
            "communication": (
                "I tire quickly now. Short visits, soft voices, and don't ask me too many "
                "questions at once."
            ),
            "when_upset": (
                "If I'm frightened at night, put the radio on low and hold my hand. If I "
                "frown or grip the sheet, I'm in pain: ask Claire about my medicine."
            ),
            "worries": "Tom being on his own afterwards.",
            "important_people": "Tom, Aoife, and Father Brendan, who comes on Fridays.",
            "who_to_talk_to": (
                "Tom about everything. Father Brendan about my funeral: it's all arranged with him."
            ),
            "hopes": (
                "To die at home, in my own bed by the window. I have a DNACPR form in the "
                "blue folder by the bed, and I don't want to go back into hospital."
            ),
        },
    ),
}


def seed_about_me(*, people: dict[str, Person], users: dict[str, User]) -> None:
    """Every demo person's About Me: the first words, then a fuller version for a few."""
    for team in demo_data.TEAMS:
        for data in team.people:
            _write(data, person=people[data.key], users=users)


def _write(data: demo_data.Supported, *, person: Person, users: dict[str, User]) -> None:
    coordinator = users[data.coordinator]
    first = {
        "called": data.preferred_name,
        "story": data.about_me,
        "what_matters": data.what_matters,
        "routines": data.how_to_support,
    }
    # Every demo About Me is in English, whoever wrote it down (Gwen's with Mei, in Welsh).
    about_me_write(
        actor=coordinator,
        person_id=person.pk,
        sections=first,
        written_with=data.preferred_name,
        language="en",
    )
    fuller = FULLER.get(data.key)
    if fuller is None:
        return
    members = {m.name: m for m in CircleMember.objects.filter(person=person)}
    about_me_write(
        actor=users[data.account] if fuller.by_themself else coordinator,
        person_id=person.pk,
        sections=first | fuller.sections,
        important_member_ids=[members[name].pk for name in fuller.important],
        written_with=fuller.written_with,
        language="en",
    )
    for name in fuller.shared_with:
        circle_member_sharing_update(
            actor=coordinator,
            circle_member_id=members[name].pk,
            kinds=members[name].note_kinds,
            sees_about_me=True,
            agreement=Agreement(
                by=data.preferred_name, how="said so when writing About Me", at=person.created_at
            ),
        )
