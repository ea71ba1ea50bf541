"""Six weeks of the demo neighbourhood's life: notes, photos, replies, goals and check-ins.

Everything is dated back from the day the demo is built and the same for the same day, so a
newcomer who signs in as Sarah reads a week of Jean's life and Angela finds a real day.

The rows are written in bulk rather than through ``note_create`` and friends, on purpose:
the services stamp "now" on every row and its audit entry, publish each note to open pages
and queue a phone notification for it. Six weeks of history is none of those: nobody should
be woken by a note "written" last month, and the audit trail must only say what really
happened. The rules the services enforce (concerns and handovers for the team only, circle
members writing family updates and good moments) are kept by the data itself and checked
by the demo's tests through the access layer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core.models import User
from families import demo_faces
from families.models import (
    CircleMember,
    Note,
    NoteOutcome,
    NotePhoto,
    Outcome,
    Person,
    Reaction,
    Reply,
)
from families.services.sharing import Agreement, circle_member_sharing_update
from teams.models import Visit

VISIT = Note.Kind.VISIT
MOMENT = Note.Kind.MOMENT
CONCERN = Note.Kind.CONCERN
UPDATE = Note.Kind.FAMILY_UPDATE
HANDOVER = Note.Kind.HANDOVER
TEAM = Note.Audience.TEAM
CIRCLE = Note.Audience.CIRCLE
HEART = Reaction.Kind.HEART
THANKS = Reaction.Kind.THANKS


@dataclass(frozen=True)
class Goal:
    key: str
    person: str
    title: str
    who_helps: str
    weeks_ago: int
    status: str = Outcome.Status.WORKING_ON
    language: str = "en"  # what the words are written in, whoever wrote them down


@dataclass(frozen=True)
class Entry:
    """One note. ``by`` is a carer or account key; ``at`` is (days ago, "HH:MM")."""

    person: str
    at: tuple[int, str]
    by: str
    kind: str
    body: str
    wellbeing: int | None = None
    audience: str = CIRCLE
    photo: str = ""  # a demo_faces.SCENES kind
    goals: tuple[str, ...] = ()
    replies: tuple[tuple[str, str], ...] = ()  # (by, words), an hour or so apart
    reactions: tuple[tuple[str, str], ...] = ()  # (by, kind)
    handled: tuple[str, str] | tuple[()] = ()  # (by, what was done), the day after
    # What the words are written in, not the language the writer reads Kith in: Mei, who
    # reads it in Welsh, writes most of her notes in English. Replies are in English.
    language: str = "en"


GOALS: tuple[Goal, ...] = (
    Goal("jean-club", "jean", "Get back to the Thursday club at the church hall", "Angela, Pat", 6),
    Goal("jean-garden", "jean", "Keep Ken's roses going and sit out in the garden", "Priya", 5),
    Goal("george-church", "george", "Walk to church on a Sunday with my stick", "Priya, Hannah", 6),
    Goal(
        "george-list",
        "george",
        "Write my own shopping list",
        "Gareth",
        6,
        Outcome.Status.ACHIEVED,
    ),
    Goal("ryan-money", "ryan", "Sort my own money out for the week", "Kasia, Mum", 5),
    Goal("irene-stick", "irene", "Walk to the corner shop with my stick", "Hannah, Gareth", 6),
    Goal("alex-cook", "alex", "Cook my own tea three nights a week", "Yusuf", 4),
    # Gwen's goals are in Welsh, as she said them: words people write stay in their language.
    Goal(
        "gwen-choir",
        "gwen",
        "Mynd i'r côr bob nos Fercher, hyd yn oed yn y gaeaf",
        "Maureen",
        5,
        language="cy",
    ),
    Goal("gwen-bron", "gwen", "Ffonio Bron fy hun bob dydd Sul", "Mei", 3, language="cy"),
)


ENTRIES: tuple[Entry, ...] = (
    # Jean: six weeks, and a full last week for Sarah to read.
    Entry(
        "jean",
        (41, "09:35"),
        "angela",
        VISIT,
        "Jean was up and dressed when I arrived and had already fed Biscuit. We talked about "
        "the Thursday club: she misses the singing most. She'd like to try going again.",
        4,
        goals=("jean-club",),
    ),
    Entry(
        "jean",
        (39, "16:10"),
        "sarah",
        UPDATE,
        "Mum sounded bright on the phone tonight. She told me all about the robin on the "
        "bird table. Thank you all for the fat balls idea.",
        reactions=(("angela", HEART),),
    ),
    Entry(
        "jean",
        (36, "09:20"),
        "priya",
        MOMENT,
        "We sat on the bench by the roses with our tea. Jean told me Ken planted the red one "
        "the year Sarah was born. She knew every name.",
        5,
        photo="garden",
        goals=("jean-garden",),
        reactions=(("sarah", HEART),),
    ),
    Entry(
        "jean",
        (34, "09:50"),
        "angela",
        VISIT,
        "A slower morning. Jean wasn't sure what day it was, so we wrote it on the kitchen "
        "board together. Breakfast eaten, tablets taken, Biscuit fussed.",
        3,
    ),
    Entry(
        "jean",
        (32, "10:05"),
        "angela",
        CONCERN,
        "Jean's left ankle is puffy and warm this morning, and she said it aches on the "
        "stairs. No fall that she remembers. Could whoever is in tomorrow have a look?",
        audience=TEAM,
        handled=(
            "priya",
            "Rang the surgery: Nina came the same afternoon. No infection; "
            "legs up in the afternoons and Nina will check again next week. Sarah knows.",
        ),
    ),
    Entry(
        "jean",
        (30, "09:40"),
        "gareth",
        VISIT,
        "First time I've met Jean. I told her who I was as I came in and she said 'another "
        "new face, how lovely'. She showed me the cat flap Ken fitted.",
        4,
    ),
    Entry(
        "jean",
        (27, "14:30"),
        "sarah",
        UPDATE,
        "David is coming down from Leeds the weekend after next. Mum doesn't know yet: we "
        "want to surprise her, so please don't say!",
        replies=(("angela", "Our lips are sealed. She'll be thrilled."),),
    ),
    Entry(
        "jean",
        (25, "09:30"),
        "angela",
        VISIT,
        "Walked to the end of the road and back, arm in arm. Jean waved to Pat over the "
        "fence. Ankle much better. She asked if the club was still on Thursdays.",
        4,
        goals=("jean-club",),
    ),
    Entry(
        "jean",
        (22, "11:45"),
        "angela",
        MOMENT,
        "Jean went to the Thursday club for the first time since the spring! Pat walked her "
        "there. She sang 'We'll Meet Again' all the way home.",
        5,
        photo="tea",
        goals=("jean-club",),
        reactions=(("sarah", HEART), ("priya", HEART)),
        replies=(("sarah", "This made my week. Thank you, Angela, and thank Pat for me."),),
    ),
    Entry(
        "jean",
        (20, "09:25"),
        "priya",
        VISIT,
        "Jean was a bit teary this morning: she'd been dreaming about Ken. We looked at the "
        "wedding photo together and then watered the pots. She was smiling by the end.",
        3,
    ),
    Entry(
        "jean",
        (17, "17:40"),
        "angela",
        HANDOVER,
        "Jean's ankle is fine now, Nina has signed it off. Biscuit's food is in the cupboard "
        "under the sink, not the fridge (Jean will tell you otherwise!).",
        audience=TEAM,
    ),
    Entry(
        "jean",
        (15, "10:00"),
        "angela",
        MOMENT,
        "David's surprise visit worked a treat. Jean opened the door, looked at him and "
        "said 'my boy'. They're off to the garden centre.",
        5,
        photo="cake",
        reactions=(("sarah", HEART),),
    ),
    Entry(
        "jean",
        (13, "09:35"),
        "gareth",
        VISIT,
        "Good morning. Jean made her own toast and we did the crossword clue she'd saved for "
        "me. She wants to go to the club again this Thursday.",
        4,
        goals=("jean-club",),
    ),
    Entry(
        "jean",
        (11, "09:15"),
        "angela",
        VISIT,
        "Helped Jean with a proper wash and her hair this morning. She chose the blue "
        "cardigan. Skin on her heels is a little dry: cream applied.",
        4,
        audience=TEAM,
    ),
    Entry(
        "jean",
        (9, "15:20"),
        "sarah",
        UPDATE,
        "Mum rang me for once, instead of the other way round! She'd remembered it was my "
        "birthday. I cried a bit. Whoever wrote it on her board: thank you.",
        reactions=(("angela", HEART), ("priya", HEART)),
        replies=(("priya", "That was Angela's idea. Happy birthday, Sarah!"),),
    ),
    # The last week, day by day.
    Entry(
        "jean",
        (7, "09:30"),
        "angela",
        VISIT,
        "Jean was in the garden in her dressing gown when I arrived, checking on the roses. "
        "We came in for breakfast: porridge and a cup of tea, milk in first.",
        4,
        goals=("jean-garden",),
    ),
    Entry(
        "jean",
        (6, "11:50"),
        "angela",
        MOMENT,
        "Club day again. Jean took her song sheet and went with Pat. The vicar says she "
        "led the singing in 'Daisy, Daisy'.",
        5,
        photo="garden",
        goals=("jean-club",),
        reactions=(("sarah", HEART),),
    ),
    Entry(
        "jean",
        (5, "09:40"),
        "priya",
        VISIT,
        "Quiet morning. Jean was tired after the club but cheerful. Tablets taken with "
        "breakfast. Biscuit has brought a leaf in and she's very proud of him.",
        4,
    ),
    Entry(
        "jean",
        (4, "09:25"),
        "angela",
        CONCERN,
        "Jean said she couldn't lock the back door last night: the key is stiff and she "
        "left it open. Nothing missing. It needs looking at before the evenings draw in.",
        audience=TEAM,
    ),
    Entry(
        "jean",
        (4, "18:05"),
        "sarah",
        UPDATE,
        "Called Mum at six as usual. She told me about the club twice, which is fine by me. "
        "I'm coming on Saturday and will bring a lemon drizzle.",
        reactions=(("angela", THANKS),),
    ),
    Entry(
        "jean",
        (3, "09:35"),
        "gareth",
        VISIT,
        "Jean had a bit of a muddle with the days and thought it was Sunday. We sorted the "
        "board out together. She ate well and wanted to do the washing up herself.",
        3,
    ),
    Entry(
        "jean",
        (2, "10:15"),
        "priya",
        MOMENT,
        "Sarah's lemon drizzle went down a storm. Jean had two slices and told me the "
        "recipe was her mother's.",
        5,
        photo="cake",
        reactions=(("sarah", HEART), ("angela", HEART)),
    ),
    Entry(
        "jean",
        (2, "10:20"),
        "priya",
        VISIT,
        "Morning visit done. Jean's ankle looks normal, she's walking well, and she's "
        "sleeping better since we moved the clock where she can see it.",
        4,
    ),
    Entry(
        "jean",
        (1, "09:30"),
        "angela",
        MOMENT,
        "Biscuit sat on Jean's lap the whole of breakfast and she fed him a bit of bacon "
        "when she thought I wasn't looking.",
        5,
        photo="cat",
        reactions=(("sarah", HEART),),
        replies=(("sarah", "She always did spoil that cat. Lovely to see."),),
    ),
    Entry(
        "jean",
        (1, "16:45"),
        "angela",
        HANDOVER,
        "For tomorrow: Jean's been a bit muddled in the late afternoons this week, so say "
        "who you are as you come in. The back door key is still stiff: don't leave it for "
        "her to lock. She'd like to sit out if it's dry.",
        audience=TEAM,
    ),
    # George
    Entry(
        "george",
        (40, "12:40"),
        "priya",
        VISIT,
        "Physio exercises after lunch, all ten reps on the right side. George told me about "
        "the time his bus got stuck in the snow on the hill.",
        4,
        goals=("george-church",),
    ),
    Entry(
        "george",
        (33, "13:00"),
        "gareth",
        MOMENT,
        "George wrote his own shopping list today, every word himself. Took him a while and "
        "he wouldn't let me help. 'I'm a grown man, Gareth.'",
        5,
        goals=("george-list",),
        reactions=(("priya", HEART),),
    ),
    Entry(
        "george",
        (26, "12:35"),
        "priya",
        VISIT,
        "We walked to the end of the close with the stick, rested on the wall, and walked "
        "back. Hannah's new exercises are going well.",
        4,
        goals=("george-church",),
    ),
    Entry(
        "george",
        (19, "19:10"),
        "george",
        UPDATE,
        "Kwame came and we watched the match. We lost 2 1. I still enjoyed it.",
        reactions=(("priya", HEART),),
    ),
    Entry(
        "george",
        (12, "12:50"),
        "gareth",
        VISIT,
        "George was tired today and his words were slow. We took our time. He asked us to "
        "let Abena know he's fine; he just didn't sleep well.",
        3,
    ),
    Entry(
        "george",
        (5, "12:45"),
        "priya",
        MOMENT,
        "George walked all the way to St Luke's and back with his stick, with Abena beside "
        "him. He says Sunday is next.",
        5,
        photo="garden",
        goals=("george-church",),
        reactions=(("george", HEART),),
    ),
    Entry(
        "george",
        (2, "13:05"),
        "priya",
        HANDOVER,
        "Stand on George's left. He's keen to practise the church walk again on Wednesday; "
        "take the folding stool for the rest halfway.",
        audience=TEAM,
    ),
    # Peggy
    Entry(
        "peggy",
        (20, "17:30"),
        "kasia",
        VISIT,
        "Peggy was comfortable and chatty. Window open a crack, as she likes it. Tom was "
        "there and read her the paper.",
        4,
    ),
    Entry(
        "peggy",
        (9, "17:50"),
        "gareth",
        MOMENT,
        "Aoife brought the grandchildren's drawings and we pinned them where Peggy can see "
        "them from the bed. She held my hand and said 'that's my family'.",
        5,
        reactions=(("tom", HEART),),
    ),
    Entry(
        "peggy",
        (3, "17:40"),
        "kasia",
        CONCERN,
        "Peggy winced when we turned her and said her hip hurts more than last week. Claire "
        "from the hospice should know before the weekend.",
        audience=TEAM,
    ),
    Entry(
        "peggy",
        (1, "18:10"),
        "kasia",
        HANDOVER,
        "Peggy is sleeping a lot more. Let her sleep. Keep her lips moist. Tom would like a "
        "call if anything changes, at any hour.",
        audience=TEAM,
    ),
    # Ryan
    Entry(
        "ryan",
        (29, "10:30"),
        "kasia",
        VISIT,
        "We sorted out Ryan's money for the week into envelopes: bowling, shopping, bus. He "
        "did the counting himself.",
        4,
        goals=("ryan-money",),
    ),
    Entry(
        "ryan",
        (15, "10:20"),
        "darren",
        MOMENT,
        "Ryan got 'employee of the month' at the café! His photo is up by the till.",
        5,
        reactions=(("linda", HEART),),
    ),
    Entry(
        "ryan",
        (6, "10:40"),
        "kasia",
        VISIT,
        "Ryan had £4 left over from last week and put it in his savings tin for the Rovers "
        "shirt. Envelopes done again, nearly all by himself.",
        5,
        goals=("ryan-money",),
    ),
    Entry(
        "ryan",
        (4, "19:00"),
        "linda",
        UPDATE,
        "Ryan came for tea and showed me his savings tin. So proud of him.",
    ),
    # Den, Angela's other person
    Entry(
        "dennis",
        (18, "12:45"),
        "angela",
        VISIT,
        "Den and I looked through the photos from his and Barbara's trip to Llandudno. He "
        "laughed about the donkey. He ate a proper lunch.",
        3,
    ),
    Entry(
        "dennis",
        (8, "12:40"),
        "bethany",
        MOMENT,
        "Den went back to the bowls club with Stan, first time since April. He says he was "
        "'rubbish, but it was good to be there'.",
        4,
        photo="tea",
    ),
    Entry(
        "dennis",
        (1, "13:00"),
        "bethany",
        HANDOVER,
        "Den has a letter from the bank he's worried about. I said we'd go through it with "
        "him next visit. It's on the sideboard.",
        audience=TEAM,
    ),
    # Others in the team, a note or two each.
    Entry(
        "arthur",
        (10, "12:30"),
        "darren",
        VISIT,
        "Tablets on the dot. Arthur froze in the kitchen doorway; counted him through and he "
        "was off. He showed me the new signal box on the railway.",
        4,
    ),
    Entry(
        "arthur",
        (3, "12:35"),
        "mei",
        MOMENT,
        "Arthur finished Saturday's crossword before Joan for the first time in weeks.",
        5,
    ),
    Entry(
        "gwen",
        (14, "17:20"),
        "mei",
        VISIT,
        "Everything back where it lives. Read Gwen her post; she'll decide about the "
        "council letter herself. She sang me a Welsh hymn.",
        4,
    ),
    Entry(
        "gwen",
        (9, "17:40"),
        "mei",
        VISIT,
        "Roedd Gwen mewn hwyliau da heno. Fe wnaethon ni roi rhif Bron ar y botwm mawr ar y "
        "ffôn, a ffoniodd hi Bron ei hun. Canodd hi 'Calon Lân' i mi wrth i ni olchi'r llestri.",
        5,
        goals=("gwen-bron",),
        reactions=(("lowri", HEART),),
        language="cy",
    ),
    Entry(
        "gwen",
        (6, "19:15"),
        "lowri",
        UPDATE,
        "Popped in after work with Auntie Gwen's shopping. She had me singing along to her "
        "choir CD. Thank you Mei for sorting the phone button, she's so pleased with it.",
        replies=(("mei", "Diolch Lowri! She rang Bron twice yesterday."),),
    ),
    Entry(
        "gwen",
        (3, "10:05"),
        "gwen",
        UPDATE,
        "Rwy'n teimlo'n dda heddiw.",
        4,
        language="cy",
    ),
    Entry(
        "gwen",
        (2, "17:30"),
        "yusuf",
        MOMENT,
        "Choir practice tonight: Maureen picked Gwen up and she came home humming.",
        5,
        goals=("gwen-choir",),
    ),
    Entry(
        "alex",
        (21, "12:30"),
        "yusuf",
        VISIT,
        "Messaged before coming, as agreed. Alex cooked pasta while I watched. No small talk; "
        "we talked about the train timetable app they're building.",
        4,
        goals=("alex-cook",),
    ),
    Entry(
        "alex",
        (7, "12:40"),
        "bethany",
        VISIT,
        "Alex cooked three nights this week, by themself. They asked for the same carers "
        "next week. Pixel is well.",
        4,
        goals=("alex-cook",),
    ),
    Entry(
        "shabana",
        (11, "17:15"),
        "angela",
        VISIT,
        "Shabana chose her outfit and did her own make-up; I helped with her hair. A tired "
        "day, so we did the hard things first. Fan on.",
        3,
    ),
    Entry(
        "shabana",
        (4, "17:30"),
        "priya",
        MOMENT,
        "Friday call with her sisters, and Zara did Shabana's nails. Lots of laughing.",
        5,
    ),
    Entry(
        "winston",
        (16, "12:40"),
        "priya",
        VISIT,
        "Weight and ankles checked (Monday): both steady. Winston beat me at dominoes, "
        "twice, and told me so, twice.",
        4,
    ),
    Entry(
        "winston",
        (5, "12:50"),
        "gareth",
        VISIT,
        "A bit breathless on the stairs; we stopped twice. Lips a good colour. Jaden popped "
        "in after school and made us both laugh.",
        3,
    ),
    Entry(
        "irene",
        (30, "17:30"),
        "gareth",
        VISIT,
        "Irene walked the hallway with her frame, twice. 'Don't hover,' she said. I didn't.",
        4,
        goals=("irene-stick",),
    ),
    Entry(
        "irene",
        (9, "17:20"),
        "kasia",
        MOMENT,
        "Irene walked to the front gate with her stick, not the frame! Captain sang the "
        "whole time.",
        5,
        goals=("irene-stick",),
    ),
    Entry(
        "siobhan",
        (6, "12:20"),
        "mei",
        VISIT,
        "Sugar checked before lunch: fine. Siobhan taught me the signs for 'tea' and "
        "'biscuit'. Dressing on her leg changed by Femi yesterday.",
        4,
    ),
    Entry(
        "edith",
        (5, "10:30"),
        "omar",
        VISIT,
        "Brought Edie the local paper and she told me who'd moved in at number 12. Helped "
        "her up slowly; no dizziness today.",
        4,
    ),
)


def _when(today: dt.date, at: tuple[int, str], rng: random.Random) -> dt.datetime:
    days_ago, clock = at
    hour, minute = (int(part) for part in clock.split(":"))
    # A few minutes either way, so times look written rather than scheduled.
    moment = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute))
    moment += dt.timedelta(minutes=rng.randint(-4, 4))
    return timezone.make_aware(moment)


def build_history(
    *,
    today: dt.date,
    users: Mapping[str, User],
    people: Mapping[str, Person],
) -> None:
    """Write the demo's history for ``today``. Call once, inside seed_demo's transaction."""
    rng = random.Random(today.toordinal())  # noqa: S311 (demo times, not secrets)
    # Read back: the coordinator was set after each record was first made.
    fresh = Person.objects.select_related("coordinator").in_bulk([p.pk for p in people.values()])
    people = {key: fresh[person.pk] for key, person in people.items()}
    _share_concerns_with_jeans_nurse(people["jean"], today)
    goals = _build_goals(today, users, people)
    notes: list[Note] = []
    for entry in ENTRIES:
        created = _when(today, entry.at, rng)
        note = Note(
            person=people[entry.person],
            author=users[entry.by],
            kind=entry.kind,
            body=entry.body,
            language=entry.language,
            wellbeing=entry.wellbeing,
            audience=entry.audience,
            created_at=created,
        )
        if entry.handled:
            by, words = entry.handled
            note.handled_by = users[by]
            note.handled_note = words
            note.handled_at = created + dt.timedelta(hours=20)
        notes.append(note)
    Note.objects.bulk_create(notes)
    photos, links, replies, reactions = [], [], [], []
    for index, (entry, note) in enumerate(zip(ENTRIES, notes, strict=True)):
        if entry.photo:
            picture = demo_faces.scene(entry.photo, f"{entry.person}-{index}")
            name = default_storage.save(f"notes/demo-{entry.person}-{index}.jpg", picture)
            photos.append(NotePhoto(note=note, image=name, position=0))
        links += [NoteOutcome(note=note, outcome=goals[key]) for key in entry.goals]
        for number, (by, words) in enumerate(entry.replies, start=1):
            replies.append(
                Reply(
                    note=note,
                    author=users[by],
                    body=words,
                    language="en",
                    created_at=note.created_at + dt.timedelta(minutes=40 * number),
                )
            )
        reactions += [
            Reaction(
                note=note,
                user=users[by],
                kind=kind,
                created_at=note.created_at + dt.timedelta(minutes=15),
            )
            for by, kind in entry.reactions
        ]
    NotePhoto.objects.bulk_create(photos)
    NoteOutcome.objects.bulk_create(links)
    Reply.objects.bulk_create(replies)
    Reaction.objects.bulk_create(reactions)
    _check_in_past_visits(today, rng)


def _share_concerns_with_jeans_nurse(jean: Person, today: dt.date) -> None:
    """Jean lets Nina, her district nurse, see visit notes and concerns, as she agreed."""
    nina = jean.circle.get(user__email="nina@kith.example")
    assert jean.coordinator is not None  # the demo names one for everyone
    agreed = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=42), dt.time(11, 0)))
    circle_member_sharing_update(
        actor=jean.coordinator,
        circle_member_id=nina.pk,
        kinds=[Note.Kind.VISIT, Note.Kind.CONCERN],
        agreement=Agreement(by="Jean Hughes", how="at her review, with Sarah there", at=agreed),
    )


def _build_goals(
    today: dt.date, users: Mapping[str, User], people: Mapping[str, Person]
) -> dict[str, Outcome]:
    goals = {}
    for goal in GOALS:
        person = people[goal.person]
        set_on = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(weeks=goal.weeks_ago), dt.time(11, 30))
        )
        goals[goal.key] = Outcome(
            person=person,
            title=goal.title,
            who_helps=goal.who_helps,
            language=goal.language,
            status=goal.status,
            created_by=person.coordinator,
            created_at=set_on,
            updated_at=set_on
            if goal.status == Outcome.Status.WORKING_ON
            else set_on + dt.timedelta(weeks=1),
        )
    Outcome.objects.bulk_create(goals.values())
    return goals


def _check_in_past_visits(today: dt.date, rng: random.Random) -> None:
    """Carers said "I'm with them now" at every visit already done, a little into its window."""
    done = list(
        Visit.objects.filter(date__lt=today, carer__isnull=False)
        .exclude(status=Visit.Status.CANCELLED)
        .order_by("pk")
    )
    for visit in done:
        arrived = dt.datetime.combine(visit.date, visit.window_start) + dt.timedelta(
            minutes=rng.randint(0, 25)
        )
        visit.checked_in_at = timezone.make_aware(arrived)
        visit.checked_in_by_id = visit.carer_id
    Visit.objects.bulk_update(done, ["checked_in_at", "checked_in_by"])


# Faces ---------------------------------------------------------------------------------------

# Drawn with grey hair: the people in their seventies and over, and the partners their age.
OLDER = frozenset(
    {
        "Jean Margaret Hughes",
        "Margaret Walsh",
        "Arthur Bennett",
        "Joan Bennett",
        "Gwendolyn Morgan",
        "Gwen Morgan",
        "Dennis Clarke",
        "Stan Hubbard",
        "Winston Campbell",
        "Delroy Francis",
        "Irene Baxter",
        "Vera Lund",
        "Edith Lawrence",
        "Pat Doyle",
        "Father Brendan Kelly",
    }
)


def draw_faces(
    users: Sequence[User], people: Sequence[Person], circle: Sequence[CircleMember]
) -> None:
    """A drawn face for every demo account, person and member of a circle.

    The same name gets the same face everywhere (Nina in two circles, Sarah's account and her
    place in Jean's circle), each in a file of its own so removing one never breaks another.
    """
    drawn: dict[str, bytes] = {}

    def save(folder: str, name: str) -> str:
        if name not in drawn:
            drawn[name] = demo_faces.face(name, older=name in OLDER).read()
        slug = "-".join(name.lower().split())
        return default_storage.save(f"{folder}/demo-{slug}.jpg", ContentFile(drawn[name]))

    for user in users:
        user.photo = save("users", user.display_name)
    User.objects.bulk_update(users, ["photo"])
    for person in people:
        person.photo = save("people", person.full_name)
    Person.objects.bulk_update(people, ["photo"])
    for member in circle:
        member.photo = save("circle", member.name)
    CircleMember.objects.bulk_update(circle, ["photo"])
