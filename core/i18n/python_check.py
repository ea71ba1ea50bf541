"""Words in Python that people read but that are not marked for translation.

Walks the product's modules with ``ast`` and reports a plain string (or an f-string) with
letters in it where a person will read it: a ValidationError's message, a message shown with
``django.contrib.messages``, an error added to a form, an API error (ninja's HttpError), a
field's label, help text or verbose name, an entry of ``error_messages``, and the label of a
model's choices. Marked words arrive as a call (``_("...")``, ``gettext_lazy``, ``ngettext``,
``format_lazy``): anything but a bare string literal passes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

LETTERS = re.compile(r"[^\W\d_]{2,}")
# Where the first argument is the words shown.
MESSAGE_CALLS = {"ValidationError"}
# messages.success(request, words), messages.add_message(request, level, words), HttpError(
# status, words), form.add_error(field, words): the position of the words.
POSITIONAL = {
    "debug": 1, "info": 1, "success": 1, "warning": 1, "error": 1,
    "add_message": 2, "HttpError": 1, "add_error": 1,
}  # fmt: skip
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
SKIPPED_PARTS = {"tests", "migrations", ".venv", "var"}


@dataclass(frozen=True)
class Unmarked:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _plain_words(node: ast.AST | None) -> str | None:
    """The words of a bare string literal or f-string with letters in it; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    return text if LETTERS.search(text) else None


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_messages_call(call: ast.Call) -> bool:
    """messages.success(...) and the like, not any .error() (a logger's, for one)."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "messages"
    )


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def _flag(self, node: ast.expr | None) -> None:
        words = _plain_words(node)
        if words is not None and node is not None:
            self.found.append((node.lineno, words))

    def visit_Call(self, call: ast.Call) -> None:
        name = _callee(call)
        if name in MESSAGE_CALLS and call.args:
            self._flag(call.args[0])
        position = POSITIONAL.get(name)
        wanted = name in {"HttpError", "add_error"} or _is_messages_call(call)
        if position is not None and wanted and len(call.args) > position:
            self._flag(call.args[position])
        for keyword in call.keywords:
            message = keyword.arg == "message" and name in MESSAGE_CALLS
            if keyword.arg in SHOWN_KEYWORDS or message:
                self._flag(keyword.value)
            elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    self._flag(value)
        self.generic_visit(call)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {getattr(base, "attr", getattr(base, "id", "")) for base in node.bases}
        if bases & CHOICES_BASES:
            for statement in node.body:
                value = getattr(statement, "value", None)
                pair = isinstance(value, ast.Tuple) and len(value.elts) == 2
                if isinstance(statement, ast.Assign) and isinstance(value, ast.Tuple) and pair:
                    self._flag(value.elts[1])
        self.generic_visit(node)


def unmarked_in_source(source: str) -> list[tuple[int, str]]:
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.found


def python_files(roots: list[Path]) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in root.rglob("*.py")
        if not SKIPPED_PARTS & set(path.relative_to(root).parts)
    )


def unmarked_in(roots: list[Path], base: Path) -> list[Unmarked]:
    return [
        Unmarked(path.relative_to(base), line, text)
        for path in python_files(roots)
        for line, text in unmarked_in_source(path.read_text())
    ]
