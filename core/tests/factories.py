"""Factories for the people who use Kith. Personas in conftest.py are built from these."""

import factory
from factory.django import DjangoModelFactory

from core.models import User
from families.models import AboutMe, CircleMember, Person
from teams.models import Membership, Team


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Neighbourhood team {n}")
    area = "Riverside"


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)


FIRST_ABOUT_ME = {
    "story": "Loves the garden and a good crossword.",
    "what_matters": "Seeing my grandchildren on Sundays.",
    "routines": "Speak slowly and give me time to answer.",
}


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def about_me_words(obj: Person, create: bool, extracted: dict | None, **kwargs) -> None:
        """A first About Me, as if carried over from the old profile; {} for none."""
        words = FIRST_ABOUT_ME if extracted is None else extracted
        if not create or not words:
            return
        obj.about_me = AboutMe.objects.create(person=obj, number=1, carried_over=True, **words)
        obj.save(update_fields=["about_me"])


class CircleMemberFactory(DjangoModelFactory[CircleMember]):
    class Meta:
        model = CircleMember

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.display_name if o.user else "Jo Bloggs")
    kind = CircleMember.Kind.FAMILY
    relationship = "daughter"
    phone = "07700 900123"
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "jo@example.org")
