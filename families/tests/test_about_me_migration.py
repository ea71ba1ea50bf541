"""The three old boxes become each person's first About Me, and come back if undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("families", "0006_reply_and_reaction_keys")]
AFTER = [("families", "0007_about_me")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_words_become_version_one_and_come_back_when_undone():
    try:
        old = _migrate(BEFORE)
        team = old.get_model("teams", "Team").objects.create(name="Riverside")
        Person = old.get_model("families", "Person")
        jean = Person.objects.create(
            team=team,
            full_name="Jean Hughes",
            preferred_name="Jean",
            about_me="I was a school secretary.",
            what_matters="My garden.",
            how_to_support="Milk in first.",
        )
        blank = Person.objects.create(team=team, full_name="Nobody Wrote Yet")

        new = _migrate(AFTER)
        AboutMe = new.get_model("families", "AboutMe")
        moved = AboutMe.objects.get(person_id=jean.pk)
        assert (moved.number, moved.carried_over, moved.written_by_id) == (1, True, None)
        assert moved.called == "Jean"
        assert moved.story == "I was a school secretary."
        assert moved.what_matters == "My garden."
        assert moved.routines == "Milk in first."
        people = new.get_model("families", "Person").objects
        assert people.get(pk=jean.pk).about_me_id == moved.pk
        assert people.get(pk=blank.pk).about_me_id is None
        assert not AboutMe.objects.filter(person_id=blank.pk).exists()

        AboutMe.objects.create(person_id=jean.pk, number=2, what_matters="My roses.")
        back = _migrate(BEFORE)
        again = back.get_model("families", "Person").objects.get(pk=jean.pk)
        assert again.what_matters == "My roses."
        assert again.about_me == ""
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
