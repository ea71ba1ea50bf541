"""`manage.py seed_demo`: the demo neighbourhood people sign in to first."""

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from core.models import User
from families import demo_data
from families.access import person_access_or_404, visible_people
from families.models import (
    CircleMember,
    Invitation,
    Note,
    NoteOutcome,
    NotePhoto,
    Outcome,
    Person,
    Reaction,
    Reply,
)
from families.outcome_progress import progress_by_week
from families.timeline import visible_notes
from teams.models import Membership, Offer, Team, Visit
from teams.rota import selectors as rota_selectors
from teams.rota.clock import local_today, week_start

REQUIRED_SIGN_INS = [
    "angela@kith.example",
    "sarah@kith.example",
    "nina@kith.example",
    "george@kith.example",
    "omar@kith.example",
]


def seed(*options: str) -> str:
    out = StringIO()
    call_command("seed_demo", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def user(email: str) -> User:
    return User.objects.get(email=email)


def people_names(queryset) -> set[str]:
    return set(queryset.values_list("preferred_name", flat=True))


def test_it_builds_two_teams_with_their_carers_and_people(seeded):
    riverside = Team.objects.get(name="Riverside Neighbourhood Team")
    hilltop = Team.objects.get(name="Hilltop Neighbourhood Team")
    assert Team.objects.count() == 2
    assert riverside.area == "Riverside and Old Town"
    carers = Membership.objects.current().values("user_id").distinct()
    assert carers.count() == 9
    assert riverside.memberships.current().count() == 8
    assert list(hilltop.memberships.current().values_list("user__email", flat=True)) == [
        "omar@kith.example"
    ]
    assert Person.objects.count() == 13
    assert riverside.people.count() == 12
    assert people_names(hilltop.people.all()) == {"Edie"}


def test_two_carers_carry_role_labels(seeded):
    labels = dict(
        Membership.objects.exclude(role_label="").values_list("user__email", "role_label")
    )
    assert sorted(labels.values()) == ["new starter buddy", "rota lead this month"]


def test_every_person_has_a_coordinator_who_is_in_their_team(seeded):
    for person in Person.objects.select_related("coordinator"):
        assert person.coordinator is not None, person.name
        assert (
            Membership.objects.current()
            .filter(team_id=person.team_id, user=person.coordinator)
            .exists()
        ), f"{person.name}'s coordinator is not in their team"


def test_coordination_is_spread_across_the_riverside_team(seeded):
    riverside = Team.objects.get(name="Riverside Neighbourhood Team")
    load = Counter(riverside.people.values_list("coordinator__email", flat=True))
    carers = set(riverside.memberships.current().values_list("user__email", flat=True))
    assert set(load) == carers, "every carer should be someone's named coordinator"
    assert max(load.values()) <= 2


def test_everyone_has_pronouns_and_a_profile_in_their_own_words(seeded):
    for person in Person.objects.all():
        assert person.pronouns, person.name
        words = person.about_me
        assert words is not None, person.name
        for text in (words.story, words.what_matters, words.routines):
            assert len(text) > 40, person.name
        assert words.story.startswith("I'm "), person.name
        assert words.called, person.name


def test_jean_is_coordinated_by_angela_and_has_sarah_as_her_daughter(seeded):
    jean = Person.objects.get(full_name="Jean Margaret Hughes")
    assert jean.name == "Jean"
    assert jean.coordinator == user("angela@kith.example")
    assert jean.coordinator.display_name == "Angela Okafor"
    sarah_place = jean.circle.get(user__email="sarah@kith.example")
    assert sarah_place.relationship == "daughter"
    assert sarah_place.kind == CircleMember.Kind.FAMILY
    assert user("sarah@kith.example").display_name == "Sarah Hughes"


def test_circles_hold_family_and_visiting_professionals(seeded):
    for person in Person.objects.prefetch_related("circle"):
        kinds = {place.kind for place in person.circle.all()}
        assert CircleMember.Kind.FAMILY in kinds, person.name
        assert CircleMember.Kind.PROFESSIONAL in kinds, person.name
        for place in person.circle.all():
            assert place.relationship and place.phone, place
    professions = " ".join(
        CircleMember.objects.filter(kind=CircleMember.Kind.PROFESSIONAL).values_list(
            "relationship", flat=True
        )
    )
    for role in ("district nurse", "GP", "physiotherapist", "occupational therapist"):
        assert role in professions
    assert "social worker" in professions


def test_most_circle_members_have_no_account(seeded):
    with_account = CircleMember.objects.filter(user__isnull=False).count()
    assert 0 < with_account < CircleMember.objects.count() / 4


def test_circle_accounts_came_through_accepted_invitations(seeded):
    places = CircleMember.objects.filter(user__isnull=False)
    for place in places:
        invitation = Invitation.objects.get(circle_member=place)
        assert invitation.accepted_by == place.user
        assert invitation.accepted_at is not None
        assert invitation.invited_by == place.person.coordinator
    assert not Invitation.objects.filter(accepted_at__isnull=True).exists()


def test_every_demo_account_signs_in_with_the_demo_password(seeded):
    emails = demo_data.all_emails()
    assert set(REQUIRED_SIGN_INS) <= set(emails)
    for email in emails:
        signed_in = authenticate(
            RequestFactory().post("/accounts/login/"),
            username=email,
            password=demo_data.DEMO_PASSWORD,
        )
        assert signed_in == user(email), email
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"),
            username="angela@kith.example",
            password="wrong",
        )
        is None
    )


def test_every_account_shares_one_password_hash(seeded):
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1


def test_george_has_his_own_account_linked_to_his_record(seeded):
    george = user("george@kith.example")
    record = Person.objects.get(user=george)
    assert record.full_name == "George Kwame Mensah"
    assert people_names(visible_people(george)) == {"George"}


def test_sarah_sees_exactly_jean(seeded):
    assert people_names(visible_people(user("sarah@kith.example"))) == {"Jean"}


def test_nina_sees_jean_and_one_other_person(seeded):
    nina = user("nina@kith.example")
    assert nina.display_name == "Nina Kowalski"
    assert people_names(visible_people(nina)) == {"Jean", "Peggy"}
    assert set(nina.circles.values_list("relationship", flat=True)) == {"district nurse"}


def test_angela_sees_riverside_and_not_hilltop(seeded):
    seen = visible_people(user("angela@kith.example"))
    riverside = Team.objects.get(name="Riverside Neighbourhood Team")
    assert set(seen) == set(riverside.people.all())
    assert len(seen) == 12
    assert "Edie" not in people_names(seen)


def test_omar_sees_only_hilltop(seeded):
    assert people_names(visible_people(user("omar@kith.example"))) == {"Edie"}


def test_output_lists_the_sign_ins(seeded):
    assert "kith-demo-1" in seeded
    for email in REQUIRED_SIGN_INS:
        assert email in seeded
    assert "carer, Jean's named coordinator" in seeded
    assert "George, uses Kith himself" in seeded


def test_if_empty_leaves_a_seeded_database_alone(seeded):
    before = (User.objects.count(), Person.objects.count(), CircleMember.objects.count())
    output = seed("--if-empty")
    after = (User.objects.count(), Person.objects.count(), CircleMember.objects.count())
    assert after == before
    assert Team.objects.count() == 2
    assert "nothing was added" in output
    assert "angela@kith.example" in output


def test_if_empty_builds_an_empty_database(db):
    seed("--if-empty")
    assert Person.objects.count() == 13


def test_seeding_twice_fails_clearly(seeded):
    with pytest.raises(CommandError, match="already has a team"):
        seed()
    assert Person.objects.count() == 13


def test_it_refuses_when_a_demo_email_is_already_taken(db):
    User.objects.create(email="angela@kith.example", display_name="Someone Else")
    with pytest.raises(CommandError, match=re.escape("angela@kith.example")):
        seed()
    assert not Team.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_invitation_emails_are_kept_quiet(settings, capsys):
    # With real commits the invitation emails really go out; the console backend would
    # print them in the middle of the sign-in table.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    output = seed()
    printed = capsys.readouterr().out
    assert "invited you" not in printed
    assert "invited you" not in output
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        CircleMember.objects.filter(user__isnull=False).values_list("email", flat=True)
    )
    assert recipients.count("nina@kith.example") == 2


def test_the_demo_has_four_weeks_of_rota_with_realistic_continuity(seeded):
    today = local_today()
    this_week = week_start(today)
    riverside = Team.objects.get(name="Riverside Neighbourhood Team")
    visits = Visit.objects.filter(team=riverside)
    dates = set(visits.values_list("date", flat=True))
    assert min(dates) == this_week - dt.timedelta(weeks=2)
    assert max(dates) == this_week + dt.timedelta(days=13)
    assert len(dates) == 28, "a visit somewhere on every one of the 28 days"
    assert set(visits.values_list("person_id", flat=True)) == set(
        riverside.people.values_list("pk", flat=True)
    )
    assert not visits.filter(status=Visit.Status.OPEN, date__lte=today).exists(), (
        "everything already done had someone going"
    )

    grid = rota_selectors.team_week(riverside, start=this_week, today=today)
    seen = {row.person.name: len(row.carers_seen) for row in grid.rows}
    assert grid.goal == 4
    assert all(count >= 1 for count in seen.values()), seen
    assert sum(count <= grid.goal for count in seen.values()) == len(seen) - 1, seen
    assert len(grid.people_above_goal) == 1, seen
    above = grid.people_above_goal[0]
    assert above.name != "Jean"
    assert seen[above.name] > grid.goal

    # Jean, the person the demo is shown with, sees her coordinator and a small core.
    jean = next(row for row in grid.rows if row.person.name == "Jean")
    assert "angela@kith.example" in {carer.email for carer in jean.carers_seen}
    assert len(jean.carers_seen) <= 3

    hilltop = Team.objects.get(name="Hilltop Neighbourhood Team")
    assert Visit.objects.filter(team=hilltop).exists()
    assert not rota_selectors.team_week(hilltop, start=this_week, today=today).people_above_goal


def test_next_week_has_open_visits_and_an_offer_is_waiting(seeded):
    today = local_today()
    next_week = week_start(today) + dt.timedelta(weeks=1)
    riverside = Team.objects.get(name="Riverside Neighbourhood Team")
    open_next_week = Visit.objects.filter(
        team=riverside,
        status=Visit.Status.OPEN,
        carer__isnull=True,
        date__gte=next_week,
        date__lt=next_week + dt.timedelta(weeks=1),
    )
    assert open_next_week.count() >= 2
    offer = Offer.objects.select_related("visit", "from_user").get(status=Offer.Status.OPEN)
    assert offer.visit.team == riverside
    assert offer.visit.date > today
    assert offer.from_user == offer.visit.carer
    assert offer.to_user is None, "offered to the whole team"
    # Angela signs in first: her own week has visits, Jean's among them.
    angelas_week = rota_selectors.my_week(
        user("angela@kith.example"), start=week_start(today), days=14
    )
    assert "Jean" in {visit.person.name for visit in angelas_week}


# Six weeks of life ---------------------------------------------------------------------------

# A Tuesday afternoon, away from any change of the clocks.
DEMO_DAY = dt.datetime(2026, 3, 10, 15, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def lived_in(db) -> Iterator[None]:
    with time_machine.travel(DEMO_DAY, tick=False):
        seed()
        yield


def jean() -> Person:
    return Person.objects.get(full_name="Jean Margaret Hughes")


def everything_written() -> dict[str, list]:
    """What a newcomer would read, with dates, in a form two seedings can be compared by."""
    return {
        "notes": list(
            Note.objects.order_by("created_at", "body").values_list(
                "person__full_name",
                "author__email",
                "kind",
                "audience",
                "body",
                "wellbeing",
                "created_at",
                "handled_at",
                "handled_note",
            )
        ),
        "replies": list(
            Reply.objects.order_by("created_at", "body").values_list(
                "note__body", "author__email", "body", "created_at"
            )
        ),
        "reactions": sorted(
            Reaction.objects.values_list("note__body", "user__email", "kind", "created_at")
        ),
        "goals": sorted(
            Outcome.objects.values_list("person__full_name", "title", "status", "created_at")
        ),
        "progress": sorted(NoteOutcome.objects.values_list("note__body", "outcome__title")),
        "photos": sorted(
            hashlib.sha256(photo.image.read()).hexdigest() for photo in NotePhoto.objects.all()
        ),
        "faces": sorted(
            (user.email, hashlib.sha256(user.photo.read()).hexdigest())
            for user in User.objects.all()
        ),
        "check_ins": list(
            Visit.objects.filter(checked_in_at__isnull=False)
            .order_by("date", "window_start", "person__full_name")
            .values_list("person__full_name", "date", "checked_in_at", "checked_in_by__email")
        ),
    }


def test_the_same_day_builds_the_same_history(db):
    with time_machine.travel(DEMO_DAY, tick=False):
        with transaction.atomic():
            seed()
            first = everything_written()
            transaction.set_rollback(True)
        assert not Team.objects.exists()
        seed()
        second = everything_written()
    assert first == second
    assert len(first["notes"]) > 40
    assert first["photos"] and first["check_ins"]


def test_the_history_is_dated_back_from_the_day_it_is_built(db):
    later = DEMO_DAY + dt.timedelta(days=30)
    with time_machine.travel(later, tick=False):
        seed()
        dates = list(Note.objects.values_list("created_at", flat=True))
        assert max(dates) < timezone.now(), "nothing is written in the future"
        assert max(dates) > timezone.now() - dt.timedelta(days=2)
        assert min(dates) > timezone.now() - dt.timedelta(weeks=7)
        assert min(dates) < timezone.now() - dt.timedelta(weeks=5)


def test_sarah_reads_a_week_of_jeans_life(lived_in):
    access = person_access_or_404(user("sarah@kith.example"), jean().pk)
    week_ago = timezone.now() - dt.timedelta(days=7)
    last_week = visible_notes(access).filter(created_at__gte=week_ago)
    days = {timezone.localdate(note.created_at) for note in last_week}
    assert len(days) >= 6, "something written about Jean on most days of the last week"
    kinds = set(last_week.values_list("kind", flat=True))
    assert {Note.Kind.VISIT, Note.Kind.MOMENT, Note.Kind.FAMILY_UPDATE} <= kinds
    assert NotePhoto.objects.filter(note__in=last_week).exists(), "a good moment with a photo"
    assert Reply.objects.filter(note__in=last_week).exists()
    assert Reaction.objects.filter(note__in=last_week, user__email="sarah@kith.example").exists()
    carers = set(last_week.values_list("author__display_name", flat=True))
    assert {"Angela Okafor", "Priya Shah", "Gareth Llewellyn"} <= carers


def test_nothing_team_only_reaches_sarah(lived_in):
    access = person_access_or_404(user("sarah@kith.example"), jean().pk)
    shown = visible_notes(access)
    assert not shown.filter(audience=Note.Audience.TEAM).exists()
    assert not shown.filter(kind__in=[Note.Kind.CONCERN, Note.Kind.HANDOVER]).exists()
    team_only = jean().notes.filter(audience=Note.Audience.TEAM)
    assert set(team_only.values_list("kind", flat=True)) == {
        Note.Kind.VISIT,
        Note.Kind.CONCERN,
        Note.Kind.HANDOVER,
    }, "the demo has something for Sarah not to see"
    for note in team_only:
        assert not access.may_see_note(
            kind=note.kind, audience=note.audience, author_id=note.author_id
        )


def test_nina_sees_jeans_concerns_but_not_the_teams_handovers(lived_in):
    access = person_access_or_404(user("nina@kith.example"), jean().pk)
    kinds = set(visible_notes(access).values_list("kind", flat=True))
    assert kinds == {Note.Kind.VISIT, Note.Kind.CONCERN}
    assert not visible_notes(access).filter(kind=Note.Kind.VISIT, audience=Note.Audience.TEAM)


def test_jean_has_one_concern_handled_and_one_open(lived_in):
    concerns = jean().notes.filter(kind=Note.Kind.CONCERN)
    handled = concerns.filter(handled_at__isnull=False)
    still_open = concerns.filter(handled_at__isnull=True)
    assert handled.count() == 1 and still_open.count() == 1
    done = handled.get()
    assert done.handled_by is not None and "Nina" in done.handled_note
    assert done.handled_at is not None
    assert done.created_at < done.handled_at < timezone.now()
    assert not Reaction.objects.filter(note__kind=Note.Kind.CONCERN).exists()


def test_goals_in_their_own_words_show_progress_over_the_weeks(lived_in):
    team = person_access_or_404(user("angela@kith.example"), jean().pk)
    for goal in jean().outcomes.all():
        weeks = [week.count for week in progress_by_week(team, goal)]
        assert sum(1 for count in weeks if count) >= 2, goal.title
    assert Outcome.objects.filter(status=Outcome.Status.ACHIEVED).exists()
    george = Person.objects.get(user__email="george@kith.example")
    assert george.outcomes.count() == 2


def test_angela_finds_a_handover_and_a_visit_to_go_to(lived_in):
    today = local_today()
    handover = jean().notes.filter(kind=Note.Kind.HANDOVER).order_by("-created_at").first()
    assert handover is not None
    assert handover.created_at > timezone.now() - dt.timedelta(days=2)
    angela = user("angela@kith.example")
    coming = Visit.objects.filter(carer=angela, date__gte=today, date__lte=today).exists() or (
        Visit.objects.filter(carer=angela, date=today + dt.timedelta(days=1)).exists()
    )
    assert coming


def test_visits_already_done_were_checked_in_and_none_to_come(lived_in):
    today = local_today()
    done = Visit.objects.filter(date__lt=today, carer__isnull=False)
    assert done.exists()
    assert not done.filter(checked_in_at__isnull=True).exists()
    for visit in done.filter(person__full_name="Jean Margaret Hughes"):
        assert visit.checked_in_by_id == visit.carer_id
        assert timezone.localdate(visit.checked_in_at) == visit.date
    assert not Visit.objects.filter(date__gte=today, checked_in_at__isnull=False).exists()


def test_every_account_person_and_circle_member_has_a_drawn_face(lived_in):
    faces = (
        [account.photo for account in User.objects.all()]
        + [person.photo for person in Person.objects.all()]
        + [member.photo for member in CircleMember.objects.all()]
    )
    drawn = set()
    for photo in faces:
        assert photo.name, "everyone has a face"
        with Image.open(photo) as picture:
            assert picture.format == "JPEG" and picture.size == (192, 192)
        photo.seek(0)
        drawn.add(hashlib.sha256(photo.read()).hexdigest())
    assert len(drawn) > 40, "faces differ from one person to the next"
    sarah = user("sarah@kith.example")
    sarah_place = jean().circle.get(user=sarah)
    assert sarah_place.photo.name != sarah.photo.name, "each has its own file"
    sarah_place.photo.seek(0)
    sarah.photo.seek(0)
    assert sarah_place.photo.read() == sarah.photo.read(), "the same face for the same name"


def test_if_empty_adds_no_history_the_second_time(lived_in):
    models = (Note, Reply, Reaction, Outcome, NotePhoto, NoteOutcome)
    before = [model.objects.count() for model in models]
    files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*"))
    seed("--if-empty")
    assert [model.objects.count() for model in models] == before
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*")) == files


def test_gwen_reads_kith_in_welsh_with_mei_her_coordinator_and_lowri_in_english(seeded):
    gwen = user("gwen@kith.example")
    record = Person.objects.get(user=gwen)
    assert record.name == "Gwen"
    assert (gwen.language, gwen.larger_text) == ("cy", True)
    mei = user("mei@kith.example")
    assert mei.language == "cy"
    assert record.coordinator == mei
    # Mei is in Angela's team, so Angela sees Gwen too.
    assert "Gwen" in people_names(visible_people(user("angela@kith.example")))
    lowri = user("lowri@kith.example")
    assert lowri.language == "en-gb"
    assert people_names(visible_people(lowri)) == {"Gwen"}
    assert record.circle.get(user=lowri).relationship.startswith("niece")
    # Her goals are in her own words, in Welsh, and she wrote a note herself.
    assert "Ffonio Bron fy hun bob dydd Sul" in set(record.outcomes.values_list("title", flat=True))
    assert Note.objects.filter(person=record, author=gwen).exists()


def test_the_demo_says_which_words_are_welsh_whoever_wrote_them(seeded):
    record = Person.objects.get(user=user("gwen@kith.example"))
    assert set(record.outcomes.values_list("language", flat=True)) == {"cy"}
    mei = user("mei@kith.example")
    by_mei = dict(Note.objects.filter(person=record, author=mei).values_list("body", "language"))
    # Mei reads Kith in Welsh and writes one of her notes about Gwen in Welsh, the rest in
    # English.
    assert sorted(by_mei.values()).count("cy") == 1
    assert "en" in by_mei.values()
    assert by_mei[next(body for body in by_mei if body.startswith("Roedd Gwen"))] == "cy"
    assert Note.objects.get(person=record, author__email="gwen@kith.example").language == "cy"
    assert Note.objects.get(person=record, author__email="lowri@kith.example").language == "en"
    # Every About Me in the demo is written in English, Gwen's (with Mei) too.
    assert set(record.about_me_versions.values_list("language", flat=True)) == {"en"}
    assert not Note.objects.filter(language="").exists()


def test_jean_george_and_peggy_have_the_whole_about_me_with_its_history(seeded):
    for name in ("Jean", "George", "Peggy"):
        person = Person.objects.get(preferred_name=name)
        current = person.about_me
        assert current is not None, name
        assert current.number == 2, name
        assert all(current.texts().values()), f"{name} has an empty section"
        assert current.important_members.exists(), name
        assert person.about_me_versions.count() == 2, name
    george = Person.objects.get(preferred_name="George")
    # George wrote his own on his tablet.
    assert george.about_me is not None
    assert george.about_me.written_by == george.user
    jean = Person.objects.get(preferred_name="Jean")
    assert jean.about_me is not None
    assert "Sarah" in jean.about_me.written_with
    # Peggy chose to let her nurses read hers; Jean's GP reads it only if she chooses so.
    peggy = Person.objects.get(preferred_name="Peggy")
    assert peggy.circle.get(name="Nina Kowalski").sees_about_me is True
    assert jean.circle.get(name="Nina Kowalski").sees_about_me is None
