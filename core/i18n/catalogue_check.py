"""Whether each language's catalogue is whole, current and compiled, so none can drift.

- every entry translated and none fuzzy (``msgfmt --check --statistics``);
- nothing ``makemessages`` would add: the code's msgids, extracted afresh into a scratch
  folder, are all in the catalogue;
- the committed ``.mo`` says exactly what a fresh compile of the ``.po`` says.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

DOMAINS = ("django", "djangojs")
# The same folders the README's makemessages line leaves out.
IGNORED = [".venv/*", "e2e/*", "bench/*", "*/tests/*", "var/*", "frontend/static/vendor/*"]
SKIPPED_FOLDERS = {"locale", "var", "e2e", "bench", "node_modules", "staticfiles"}
STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(language: str, domain: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"{domain}.po"


def _msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        raise RuntimeError("msgfmt is missing: apt-get install gettext (make lint does it)")
    return found


def statistics(po: Path) -> dict[str, int]:
    # Only our own files go to msgfmt, never anything a user sent.
    done = subprocess.run(  # noqa: S603
        [_msgfmt(), "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "errors": done.returncode}
    for number, kind in STATISTICS.findall(done.stderr):
        counts[kind] = int(number)
    return counts


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def entries(po: Path) -> list[dict[str, str]]:
    """Each live entry's fields (msgctxt, msgid, msgid_plural, msgstr[n]); not the header,
    not obsolete ``#~`` ones."""
    found: list[dict[str, str]] = []
    field: str | None = None
    parts: dict[str, str] = {}

    def done() -> None:
        if parts.get("msgid"):
            found.append(parts)

    for line in [*po.read_text().splitlines(), ""]:
        keyword = line.split(" ", 1)[0]
        if line.startswith('"') and field:
            parts[field] += _unquote(line)
            continue
        if keyword in {"msgctxt", "msgid"} and field not in {None, "msgctxt"}:
            done()
            parts, field = {}, None
        if keyword in {"msgctxt", "msgid", "msgid_plural"} or keyword.startswith("msgstr"):
            field = keyword
            parts[field] = _unquote(line[len(keyword) :])
        elif not line.strip():
            done()
            parts, field = {}, None
    return found


def msgids(po: Path) -> set[tuple[str, str]]:
    return {(entry.get("msgctxt", ""), entry["msgid"]) for entry in entries(po)}


def unfinished(po: Path) -> int:
    """Entries with any form left empty: msgfmt counts a plural with one form filled as done."""
    return sum(
        any(not text for key, text in entry.items() if key.startswith("msgstr"))
        for entry in entries(po)
    )


def fresh_msgids(language: str, domain: str) -> set[tuple[str, str]]:
    """What makemessages finds in the code now, written into a scratch folder, not locale/.

    makemessages writes beside any ``locale`` folder it can see from where it runs, so it runs
    in a scratch tree that links to the code's folders and holds no locale of its own.
    """
    base = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as scratch:
        tree, out = Path(scratch) / "tree", Path(scratch) / "out"
        tree.mkdir()
        for child in base.iterdir():
            if child.is_dir() and child.name not in SKIPPED_FOLDERS:
                (tree / child.name).symlink_to(child, target_is_directory=True)
        here = Path.cwd()
        try:
            os.chdir(tree)
            with override_settings(LOCALE_PATHS=[str(out)]):
                call_command(
                    "makemessages",
                    locale=[language],
                    domain=domain,
                    ignore_patterns=IGNORED,
                    symlinks=True,
                    verbosity=0,
                )
        finally:
            os.chdir(here)
        return msgids(out / language / "LC_MESSAGES" / f"{domain}.po")


def compiled(path: Path) -> dict:
    with path.open("rb") as handle:
        # gettext keeps the compiled messages in _catalog and offers no public way to list them.
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


def problems() -> list[str]:
    found = []
    for language in languages():
        for domain in DOMAINS:
            po = catalogue(language, domain)
            if not po.exists():
                found.append(f"{po} is missing")
                continue
            counts = statistics(po)
            counts["untranslated"] = max(counts["untranslated"], unfinished(po))
            if counts["errors"] or counts["fuzzy"] or counts["untranslated"]:
                found.append(
                    f"{po}: {counts['untranslated']} untranslated, {counts['fuzzy']} fuzzy"
                    + (", and msgfmt --check found errors" if counts["errors"] else "")
                )
            missing = fresh_msgids(language, domain) - msgids(po)
            for context, text in sorted(missing)[:20]:
                found.append(
                    f"{po}: not in the catalogue yet: {text!r}"
                    + (f" ({context})" if context else "")
                )
            mo = po.with_suffix(".mo")
            with tempfile.TemporaryDirectory() as scratch:
                fresh = Path(scratch) / "fresh.mo"
                subprocess.run([_msgfmt(), "-o", str(fresh), str(po)], check=True)  # noqa: S603
                if not mo.exists() or compiled(mo) != compiled(fresh):
                    found.append(f"{mo} is not compiled from {po.name}: run compilemessages")
    return found
