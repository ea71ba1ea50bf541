"""About Me in the sections of the PRSB standard, every change kept as a new version.

The three free-text boxes the record had (about me, what matters, how best to support me)
become version 1 of each person's About Me: "a little about me", "what matters to me and
what makes a good day" and "my routines and how best to support me". Their preferred name,
if any, starts "what I like to be called". Going back copies the newest version into the
boxes again.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Old box -> new section.
CARRIED = {"about_me": "story", "what_matters": "what_matters", "how_to_support": "routines"}


def _checks_now(schema_editor: BaseDatabaseSchemaEditor) -> None:
    # PostgreSQL defers foreign-key checks to the end of the transaction, and then refuses
    # to alter a table with checks still pending: run them now, before the next step.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def carry_over(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Person = apps.get_model("families", "Person")
    AboutMe = apps.get_model("families", "AboutMe")
    now = django.utils.timezone.now()
    versions = []
    for person in Person.objects.only("pk", "preferred_name", *CARRIED).iterator():
        texts = {new: (getattr(person, old) or "").strip() for old, new in CARRIED.items()}
        if not any(texts.values()):
            continue
        versions.append(
            AboutMe(
                person_id=person.pk,
                number=1,
                called=person.preferred_name,
                written_at=now,
                carried_over=True,
                **texts,
            )
        )
    AboutMe.objects.bulk_create(versions, batch_size=500)
    _checks_now(schema_editor)


def carry_back(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Person = apps.get_model("families", "Person")
    AboutMe = apps.get_model("families", "AboutMe")
    # Oldest first, so each person's boxes end with their newest words.
    for version in AboutMe.objects.order_by("person_id", "number"):
        Person.objects.filter(pk=version.person_id).update(
            **{old: getattr(version, new) for old, new in CARRIED.items()}
        )
    _checks_now(schema_editor)


def point_at_newest(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Person = apps.get_model("families", "Person")
    AboutMe = apps.get_model("families", "AboutMe")
    newest = AboutMe.objects.filter(person_id=models.OuterRef("pk")).order_by("-number")
    Person.objects.update(about_me_id=models.Subquery(newest.values("pk")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0006_reply_and_reaction_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AboutMe",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("called", models.TextField(blank=True)),
                ("story", models.TextField(blank=True)),
                ("communication", models.TextField(blank=True)),
                ("when_upset", models.TextField(blank=True)),
                ("what_matters", models.TextField(blank=True)),
                ("worries", models.TextField(blank=True)),
                ("routines", models.TextField(blank=True)),
                ("important_people", models.TextField(blank=True)),
                ("who_to_talk_to", models.TextField(blank=True)),
                ("hopes", models.TextField(blank=True)),
                ("written_with", models.CharField(blank=True, max_length=200)),
                ("written_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("carried_over", models.BooleanField(default=False)),
                (
                    "important_members",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="families.circlemember"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="about_me_versions",
                        to="families.person",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-number"]},
        ),
        migrations.AddConstraint(
            model_name="aboutme",
            constraint=models.UniqueConstraint(
                fields=("person", "number"), name="one_about_me_number"
            ),
        ),
        migrations.AddField(
            model_name="circlemember",
            name="sees_about_me",
            field=models.BooleanField(blank=True, null=True, verbose_name="reads About Me"),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(model_name="person", name="about_me"),
        migrations.RemoveField(model_name="person", name="what_matters"),
        migrations.RemoveField(model_name="person", name="how_to_support"),
        migrations.AddField(
            model_name="person",
            name="about_me",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="families.aboutme",
            ),
        ),
        migrations.RunPython(point_at_newest, migrations.RunPython.noop),
    ]
