"""Notes, replies, goals and About Me say which language their words are written in.

What was written before this was not recorded: each row takes the language its writer has
Kith in, else the site's own. Kept here rather than imported, so the migration means the same
however core.languages changes later.
"""

from django.conf import settings
from django.db import migrations, models

# Each model with words, and who wrote them.
WRITERS = {"note": "author", "reply": "author", "outcome": "created_by", "aboutme": "written_by"}


def _primary(code):
    return code.strip().split("-")[0].lower()


def written_in_the_writers_language(apps, schema_editor):
    site = _primary(settings.LANGUAGE_CODE)
    for model_name, writer in WRITERS.items():
        model = apps.get_model("families", model_name)
        for code, _name in settings.LANGUAGES:
            model.objects.filter(language="", **{f"{writer}__language": code}).update(
                language=_primary(code)
            )
        # No writer any more, or a language Kith no longer speaks.
        model.objects.filter(language="").update(language=site)


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0007_about_me"),
    ]

    operations = [
        migrations.AddField(
            model_name="aboutme",
            name="language",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="note",
            name="language",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="outcome",
            name="language",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="reply",
            name="language",
            field=models.CharField(blank=True, max_length=8),
        ),
        # Undone, the column goes and nothing is lost that was there before.
        migrations.RunPython(written_in_the_writers_language, migrations.RunPython.noop),
    ]
