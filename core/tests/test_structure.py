"""The house rules that no single behaviour test would notice breaking.

- One chokepoint: a view, API route, socket, service or worker that is given the id of a
  person's thing (a note, a photo, a circle place, a goal, a visit) reaches it through the
  access layer (families.access), never with its own query by that id. The access layer
  answers "not found" the same way for what does not exist and what one may not see; a
  query of one's own by the given id is a side door round it.
- The domain knows no HTML: families, teams and core's kernel render no template and build no
  address of a page; they say what happened, or name the page (core.links), and frontend
  draws it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Rows that belong to someone supported, or to a team (the rota's): fetched by a given id only
# through the access layer.
PERSON_OWNED = {
    "Person",
    "CircleMember",
    "Invitation",
    "Note",
    "NotePhoto",
    "NoteVersion",
    "Reply",
    "Reaction",
    "Outcome",
    "SharingChange",
    "RecordExport",
    "Team",
    "Membership",
    "Visit",
    "VisitPattern",
    "Offer",
    "Availability",
    "RotaChange",
}
ID_KEYWORDS = {"pk", "id", "pk__in", "id__in"}
THE_ACCESS_LAYER = {
    "families/access/__init__.py",
    "families/access/people.py",
    "families/access/things.py",
    "families/access/rota.py",
}


def _entry_points() -> list[Path]:
    """Where an id from outside arrives: views, sockets, API routes, services, workers."""
    found: set[Path] = set()
    for app in ("core", "families", "teams", "frontend"):
        base = ROOT / app
        found |= set(base.glob("views/*.py")) | set(base.glob("views.py"))
        found |= set(base.glob("api*.py")) | set(base.glob("sockets.py"))
        found |= set(base.glob("services.py")) | set(base.glob("services/*.py"))
        found |= set(base.glob("rota/services*.py")) | set(base.glob("management/commands/*.py"))
    return sorted(p for p in found if p.relative_to(ROOT).as_posix() not in THE_ACCESS_LAYER)


def _model_of(call: ast.Call) -> str | None:
    """``Note`` for ``Note.objects.select_related(...).filter(...)``, else None."""
    node: ast.AST = call.func
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
        ):
            return node.value.id
    return None


def _side_doors(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = function.args
        given = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        # An id worked out from one given (``pk = int(visit_id)``) is still the one given.
        for assign in ast.walk(function):
            if (
                isinstance(assign, ast.Assign)
                and isinstance(assign.value, ast.Call)
                and any(isinstance(a, ast.Name) and a.id in given for a in assign.value.args)
            ):
                given |= {t.id for t in assign.targets if isinstance(t, ast.Name)}
        for call in ast.walk(function):
            if not isinstance(call, ast.Call):
                continue
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            name = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if isinstance(call.func, ast.Name) and call.func.id == "get_object_or_404":
                found.append(f"{where} get_object_or_404")
                continue
            if name not in {"get", "filter"} or _model_of(call) not in PERSON_OWNED:
                continue
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg in ID_KEYWORDS and isinstance(value, ast.Name) and value.id in given:
                    found.append(f"{where} {_model_of(call)} by the given {value.id}")
    return found


def test_every_lookup_by_a_given_id_goes_through_the_access_layer() -> None:
    doors = [door for path in _entry_points() for door in _side_doors(path)]
    assert doors == [], "fetch these through families.access instead:\n" + "\n".join(doors)


def test_the_check_finds_a_side_door() -> None:
    # The walk itself must see one, or the test above would pass whatever the code does.
    sample = ROOT / "core" / "tests" / "_side_door_sample.py"
    sample.write_text(
        "def view(request, note_id):\n"
        "    return Note.objects.select_related('author').filter(pk=note_id).first()\n"
        "def worked_out(request, visit_id):\n"
        "    pk = int(visit_id)\n"
        "    return Visit.objects.filter(pk=pk).first()\n"
        "def other(request, photo_id):\n"
        "    return get_object_or_404(NotePhoto, pk=photo_id)\n"
    )
    try:
        assert len(_side_doors(sample)) == 3
    finally:
        sample.unlink()


def _domain_modules() -> list[Path]:
    """families and teams, but their tests and migrations."""
    paths = []
    for app in ("families", "teams"):
        for path in (ROOT / app).rglob("*.py"):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                paths.append(path)
    return sorted(paths)


def test_the_domain_renders_no_template_and_names_no_page() -> None:
    drawn = []
    kernel = [
        p
        for p in (ROOT / "core").rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(ROOT).parts)
    ]
    for path in _domain_modules() + kernel:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.module == "django.template.loader"
                or (
                    node.module == "django.shortcuts"
                    and {a.name for a in node.names} & {"render", "render_to_response"}
                )
            ):
                drawn.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}")
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "django.urls"
                and {a.name for a in node.names} & {"reverse", "reverse_lazy"}
            ):
                drawn.append(f"{path.relative_to(ROOT)}:{node.lineno} builds a page's address")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("frontend/")
                and ".html" in node.value
            ):
                drawn.append(f"{path.relative_to(ROOT)}:{node.lineno} names {node.value}")
    assert drawn == [], "the web layer (frontend) draws these:\n" + "\n".join(drawn)
