"""Build the demo neighbourhood from families.demo_data, through the same services people use."""

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import resolve
from django.utils.translation import gettext as _

from core.models import User
from core.services import user_choose_language, user_set_larger_text
from families import demo_about_me, demo_data, demo_history
from families import services as family_services
from families.models import CircleMember, Person
from teams import services as team_services
from teams.demo_directory import build_demo_directory
from teams.demo_funding import build_demo_funding
from teams.models import Team
from teams.rota.clock import local_today
from teams.rota.demo import build_demo_rota

# Invitation emails go out when the transaction commits; kept in memory, never printed or sent.
QUIET_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Build the demo neighbourhood: two teams, their carers, the people they support."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has a team (safe to run on every start).",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        # The check sits inside the transaction so two starts at once cannot both seed.
        with override_settings(EMAIL_BACKEND=QUIET_EMAIL), transaction.atomic():
            if Team.objects.exists():
                if not if_empty:
                    raise CommandError(
                        _(
                            "This database already has a team, so the demo was not added. "
                            "Use --if-empty to skip quietly, or start from an empty database."
                        )
                    )
                built = False
            else:
                _refuse_taken_emails()
                build_demo()
                built = True
        if built:
            self.stdout.write(self.style.SUCCESS(_("The demo neighbourhood is ready.")))
        else:
            self.stdout.write(_("This database already has a team: nothing was added."))
        self._print_sign_ins()

    def _print_sign_ins(self) -> None:
        rows = [(_("email"), _("password"), _("who"))] + [
            (email, demo_data.DEMO_PASSWORD, str(who)) for email, who in demo_data.SIGN_INS
        ]
        email_width = max(len(row[0]) for row in rows)
        password_width = max(len(row[1]) for row in rows)
        self.stdout.write(_("Demo sign-ins:"))
        for email, password, who in rows:
            self.stdout.write(f"  {email:<{email_width}}  {password:<{password_width}}  {who}")


def _refuse_taken_emails() -> None:
    taken = sorted(
        User.objects.filter(email__in=demo_data.all_emails()).values_list("email", flat=True)
    )
    if taken:
        raise CommandError(
            _("These demo accounts already exist, so the demo was not added: %(emails)s")
            % {"emails": ", ".join(taken)}
        )


def build_demo() -> None:
    """Create every demo record. Call inside a transaction."""
    # Hashing is slow on purpose; one hash shared by every demo account keeps seeding quick.
    password = make_password(demo_data.DEMO_PASSWORD)
    carers = {
        carer.key: _user(carer.name, carer.email, carer.phone, password, carer.language)
        for team in demo_data.TEAMS
        for carer in team.carers
    }
    accounts = {
        account.key: _user(account.name, account.email, account.phone, password, account.language)
        for account in demo_data.ACCOUNTS
    }
    for account in demo_data.ACCOUNTS:
        if account.larger_text:
            user_set_larger_text(user=accounts[account.key], larger=True)
    # One day for the whole demo, even when seeding runs across midnight.
    today = local_today()
    people: dict[str, Person] = {}
    for team in demo_data.TEAMS:
        people |= _build_team(team, carers=carers, accounts=accounts, today=today)
    users = carers | accounts
    demo_about_me.seed_about_me(people=people, users=users)
    demo_history.build_history(today=today, users=users, people=people)
    build_demo_directory(today=today, users=users, people=people)
    build_demo_funding(people=people, users=users, today=today)
    demo_history.draw_faces(
        list(users.values()),
        list(people.values()),
        list(CircleMember.objects.filter(person__in=people.values()).order_by("pk")),
    )


def _user(name: str, email: str, phone: str, password_hash: str, language: str = "") -> User:
    # There is no service for creating an account outside an invitation yet.
    user = User.objects.create(email=email, display_name=name, phone=phone, password=password_hash)
    if language:
        user_choose_language(user=user, language=language)
    return user


def _build_team(
    data: demo_data.TeamData,
    *,
    carers: dict[str, User],
    accounts: dict[str, User],
    today: dt.date,
) -> dict[str, Person]:
    team = team_services.team_create(
        name=data.name, area=data.area, founder=carers[data.carers[0].key]
    )
    for carer in data.carers:
        membership = team_services.membership_add(team=team, user=carers[carer.key])
        if carer.role_label:
            team_services.membership_set_role_label(
                membership=membership, role_label=carer.role_label
            )
    by_key = {
        supported.key: _build_person(supported, team=team, carers=carers, accounts=accounts)
        for supported in data.people
    }
    people = list(by_key.values())
    # Four weeks of rota. The featured person (the first listed, Jean in Riverside) comes
    # first with their coordinator first among the carers, so they keep a small core of
    # familiar faces; build_demo_rota puts the last person above the continuity goal.
    featured = data.people[0] if data.people else None
    team_carers = sorted(
        (carers[carer.key] for carer in data.carers),
        key=lambda user: featured is None or user != carers[featured.coordinator],
    )
    build_demo_rota(team, people, team_carers, today)
    return by_key


def _build_person(
    data: demo_data.Supported, *, team: Team, carers: dict[str, User], accounts: dict[str, User]
) -> Person:
    coordinator = carers[data.coordinator]
    person = family_services.person_create(
        actor=coordinator,
        team_id=team.pk,
        full_name=data.full_name,
        preferred_name=data.preferred_name,
    )
    family_services.person_update_profile(
        actor=coordinator,
        person_id=person.pk,
        pronouns=data.pronouns,
    )
    family_services.person_set_coordinator(
        actor=coordinator, person_id=person.pk, coordinator_id=coordinator.pk
    )
    if data.account:
        # No service links a person to their own account yet: it is set on the record.
        Person.objects.filter(pk=person.pk).update(user=accounts[data.account])
    for place in data.circle:
        member = family_services.circle_member_add(
            actor=coordinator,
            person_id=person.pk,
            name=place.name,
            kind=place.kind,
            relationship=place.relationship,
            phone=place.phone,
            email=place.email,
        )
        if place.account:
            issued = family_services.invitation_create_for_circle(
                actor=coordinator, circle_member_id=member.pk, site_url=demo_data.SITE_URL
            )
            family_services.invitation_accept(
                token=_token_from(issued.link), user=accounts[place.account]
            )
    return person


def _token_from(link: str) -> str:
    """The token inside an invitation link, read the way the site itself would read it."""
    match = resolve(urlsplit(link).path)
    return match.kwargs.get("token") or match.args[0]
