"""The check behind `make lint`: unmarked template words and catalogues that drifted fail it."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.test.utils import override_settings

from core.i18n import catalogue_check
from core.i18n.templates_check import unmarked_words

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="make lint installs gettext"
)


def test_words_outside_translation_tags_are_found():
    source = (
        "{% load i18n %}<p>Hello {{ name }}</p><a href='/'>Kith</a>"
        "{% translate 'Marked' %}{% blocktranslate %}Also {{ x }} marked{% endblocktranslate %}"
        "{% comment %}Notes for us{% endcomment %}<script>var code = 1;</script>&nbsp;·, 12"
        '<img alt="" src="{{ url }}">'
    )
    assert unmarked_words(source) == ["Hello"]


def test_every_template_marks_its_words():
    from core.i18n.templates_check import unmarked_in

    assert unmarked_in(sorted(settings.BASE_DIR.glob("*/templates"))) == {}


def test_the_copies_makemessages_leaves_beside_templates_are_not_templates(tmp_path):
    """makemessages writes page.html.py beside page.html while it runs; a catalogue test on
    another worker did, and this check read the copy's stand-in words as unmarked."""
    from core.i18n.templates_check import unmarked_in

    (tmp_path / "page.html").write_text("{% load i18n %}<p>{% translate 'Marked' %}</p>")
    (tmp_path / "page.html.py").write_text("BBBB gettext(u'Marked') XXXX")
    assert unmarked_in([tmp_path]) == {}


def _copy_of_locale(tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], copy)
    return copy


@needs_gettext
def test_a_stale_mo_and_an_unfinished_entry_fail_the_check(tmp_path):
    copy = _copy_of_locale(tmp_path)
    po = copy / "cy" / "LC_MESSAGES" / "djangojs.po"
    po.write_text(po.read_text().replace("Mae dau nodyn yn aros i'w hanfon.", ""))
    with override_settings(LOCALE_PATHS=[copy]):
        problems = catalogue_check.problems()
    js = [p for p in problems if "djangojs" in p]
    assert any("1 untranslated, 0 fuzzy" in p for p in js), problems
    assert any("djangojs.mo is not compiled" in p for p in js), problems


@needs_gettext
def test_a_msgid_the_code_says_but_the_catalogue_lacks_fails_the_check(tmp_path):
    copy = _copy_of_locale(tmp_path)
    po = copy / "cy" / "LC_MESSAGES" / "djangojs.po"
    text = po.read_text()
    start = text.index("#: frontend/static/kith/outbox.js")
    end = text.index("\n\n", start)
    po.write_text(text[:start] + text[end + 2 :])
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)  # noqa: S603, S607
    with override_settings(LOCALE_PATHS=[copy]):
        problems = catalogue_check.problems()
    assert any("not in the catalogue yet: '%s note is waiting to send.'" in p for p in problems)
    assert not any("djangojs.mo is not compiled" in p for p in problems)


def test_python_words_people_read_must_be_marked():
    from core.i18n.python_check import unmarked_in_source

    source = """
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class Kind(models.TextChoices):
    VISIT = "visit", "Visit note"
    MOMENT = "moment", _("A good moment")


class NoteForm(forms.Form):
    body = forms.CharField(label="What happened", help_text=_("In your own words."))
    when = forms.DateField(label=_("When"), error_messages={"invalid": "Give a day"})


def view(request, form):
    messages.success(request, "Saved. Thank you.")
    messages.success(request, _("Saved."))
    form.add_error("body", f"Too long by {3} letters")
    log.error("not for people: a log line")
    raise ValidationError("Write something first.")
"""
    found = [words for _line, words in unmarked_in_source(source)]
    assert found == [
        "Visit note",
        "What happened",
        "Give a day",
        "Saved. Thank you.",
        "Too long by  letters",
        "Write something first.",
    ]


def test_every_python_module_marks_the_words_people_read():
    from pathlib import Path

    from core.i18n.python_check import unmarked_in

    base = Path(settings.BASE_DIR)
    roots = [base / app for app in ("core", "families", "teams", "frontend")]
    assert [str(found) for found in unmarked_in(roots, base)] == []
