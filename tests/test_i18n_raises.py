"""The library's errors say what went wrong through the catalogue, never in fixed English.

A :class:`~drugfree_core.errors.DrugfreeError` reaches people: the command line prints it
in the reader's language, the conformance kit quotes it, a program shows it. Raised with
an English string (``raise UsageError(f"... {x}")``) it can only ever be English, so a
Vietnamese user of ``drugfree pseudonymise`` read "no key: set ... or give a key file".
Every such error is raised with a catalogue message (``msg``/``msgn``) instead; this test
reads the source of every module and finds the ones that are not.

Three kinds of error carry text of another nature, and are left as they are:

* :class:`~drugfree_core.errors.RecordError`: a record's reason, stored as English in
  ``Problem.reason`` for programs and translated where it is shown, by its template
  (:mod:`drugfree_core.dataset.reasons`);
* the HTTP service's ``ParameterError``: its text is the location of the parameter
  (``query.date``), not a sentence;
* the argument checks of :mod:`drugfree_core._args`: their sentences are assembled from
  what each caller names in Python (``the dataset``, ``a Dataset``, a type's name) for the
  Python programmer who called the function wrongly.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "drugfree_core"

#: Errors whose text is not a sentence for the catalogue (see the module's documentation).
OTHER_TEXT = {"RecordError", "ParameterError"}
#: Modules whose errors are assembled from their callers' Python names.
PYTHON_NAMES = {SRC / "_args.py"}


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """The names of :class:`DrugfreeError` and of every class of the source that extends it."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases}
                bases.setdefault(node.name, set()).update(names)
    found = {"DrugfreeError"}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                grew = True
    return found


def _is_fixed_text(node: ast.expr) -> bool:
    """Whether *node* builds a string in place: a literal, an f-string, ``+``, ``.format``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_fixed_text(node.left) or _is_fixed_text(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    )


def _raised_with_fixed_text(trees: dict[Path, ast.Module]) -> Iterator[str]:
    errors = _error_classes(trees) - OTHER_TEXT
    for path, tree in sorted(trees.items()):
        if path in PYTHON_NAMES:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            args = node.exc.args
            if name in errors and args and _is_fixed_text(args[0]):
                yield f"{path.relative_to(SRC)}:{node.lineno} {name}({ast.unparse(args[0])[:70]})"


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in SRC.rglob("*.py")}


def test_errors_are_raised_with_catalogue_messages() -> None:
    found = list(_raised_with_fixed_text(_trees()))
    assert not found, "raise these with msg(...) (a catalogue message):\n" + "\n".join(found)


def test_the_scan_finds_fixed_texts_of_every_form() -> None:
    source = """
class DrugfreeError(Exception): ...
class UsageError(DrugfreeError): ...
class CoverageError(UsageError): ...
class RecordError(DrugfreeError): ...
def f(x):
    raise UsageError("plain")
    raise CoverageError(f"formatted {x}")
    raise UsageError("a" + x)
    raise UsageError("{}".format(x))
    raise UsageError(msg("through the catalogue {x}", x=x))
    raise RecordError("a record's reason")
    raise ValueError("not ours")
"""
    found = list(_raised_with_fixed_text({SRC / "example.py": ast.parse(source)}))
    assert [line.split()[0] for line in found] == [
        "example.py:7",
        "example.py:8",
        "example.py:9",
        "example.py:10",
    ]
