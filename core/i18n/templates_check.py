"""Words in templates that are not marked for translation.

Reads each template with Django's own Lexer: text outside {% translate %} and
{% blocktranslate %}, once HTML tags, template variables and entities are taken out, must hold
no letters, except the few words in ALLOWED (the product's name and the like).
"""

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

# Words that are the same in every language.
ALLOWED = {"Kith"}
# ".py": makemessages writes a Python copy beside each template while it runs, and another
# check (or test, on another worker) may be running it at the same moment.
SKIPPED_SUFFIXES = {".js", ".webmanifest", ".svg", ".py"}
# Script and style bodies are code, and comments are for us.
CODE = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
ENTITY = re.compile(r"&[#\w]+;")
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def unmarked_words(source: str) -> list[str]:
    """The words in ``source`` that stand outside translation tags."""
    found, depth, text, comment = [], 0, [], False
    for token in Lexer(source).tokenize():
        if token.token_type is TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"comment", "endcomment"}:
                comment = name == "comment"
            elif comment:
                pass
            elif name in {"blocktranslate", "blocktrans"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                depth -= 1
            elif name == "plural":
                pass
            elif not depth:
                text.append(" ")  # a tag between two words keeps them apart
        elif comment:
            pass
        elif token.token_type is TokenType.TEXT and not depth:
            text.append(token.contents)
        elif token.token_type is TokenType.VAR and not depth:
            text.append(" ")
    plain = ENTITY.sub(" ", TAG.sub(" ", CODE.sub(" ", "".join(text))))
    for word in WORD.findall(plain):
        if word not in ALLOWED:
            found.append(word)
    return found


def template_files(roots: list[Path]) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and path.suffix not in SKIPPED_SUFFIXES
    )


def unmarked_in(roots: list[Path]) -> dict[str, list[str]]:
    problems = {}
    for path in template_files(roots):
        words = unmarked_words(path.read_text())
        if words:
            problems[str(path)] = words
    return problems
