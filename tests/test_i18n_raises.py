"""The library's errors say what went wrong through the catalogue, never in fixed English.

A :class:`~drugfree_core.errors.DrugfreeError` reaches people: the command line prints it
in the reader's language, the conformance kit quotes it, a program shows it. Raised with
an English string (``raise UsageError(f"... {x}")``) it can only ever be English, so a
Vietnamese user of ``drugfree pseudonymise`` read "no key: set ... or give a key file".
Every such error is raised with a catalogue message (``msg``/``msgn``) instead; this test
reads the source of every module and finds the ones that are not.

Two kinds of error carry text of another nature, and are left as they are:

* :class:`~drugfree_core.errors.RecordError`: a record's reason, stored as English in
  ``Problem.reason`` for programs and translated where it is shown, by its template
  (:mod:`drugfree_core.dataset.reasons`);
* the first argument of the HTTP service's ``ParameterError``: the location of the
  parameter (``query.date``), not a sentence (its message, the second, is checked).

The argument checks of :mod:`drugfree_core._args` say what their callers name: an
argument by a message or by its Python name, what it must be by a message; a test reads
every call.

A message built in a variable before the ``raise`` is not followed: the scan reads what
is raised, with an error's class under any name it was imported as.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "drugfree_core"

#: Errors whose text is not a sentence for the catalogue (see the module's documentation).
OTHER_TEXT = {"RecordError"}
#: Errors whose first argument is not text to read but a location.
LOCATION_FIRST = {"ParameterError"}
#: Calls that hand their argument's text on unchanged.
_PASS_THROUGH = {"str", "dedent", "strip"}


def _name(node: ast.expr) -> str | None:
    """The last name of ``X`` or ``module.X``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """The names of :class:`DrugfreeError` and of every class of the source that extends it."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {n for n in map(_name, node.bases) if n is not None}
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


def _aliases(tree: ast.Module, errors: set[str]) -> dict[str, str]:
    """Each name the module calls an error class by (``UsageError as UE``: UE)."""
    names = {name: name for name in errors}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in errors and alias.asname:
                    names[alias.asname] = alias.name
    return names


def _is_fixed_text(node: ast.expr) -> bool:
    """Whether *node* builds a string in place: a literal, an f-string, ``+``, ``%``,
    ``.format``/``.join``, a choice between such, or one handed through ``str()``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_fixed_text(node.left) or _is_fixed_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_fixed_text(node.body) or _is_fixed_text(node.orelse)
    if isinstance(node, ast.BoolOp):  # reason or "unknown"
        return any(_is_fixed_text(value) for value in node.values)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if isinstance(node.func, ast.Attribute) and (
            name in ("format", "join") or _is_fixed_text(node.func.value)  # "x".strip()
        ):
            return True
        return name in _PASS_THROUGH and any(_is_fixed_text(a) for a in node.args)
    return False


def _raised_with_fixed_text(trees: dict[Path, ast.Module]) -> Iterator[str]:
    errors = _error_classes(trees) - OTHER_TEXT
    for path, tree in sorted(trees.items()):
        names = _aliases(tree, errors)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = names.get(_name(node.exc.func) or "")
            if name is None:
                continue
            args = list(node.exc.args[1:] if name in LOCATION_FIRST else node.exc.args)
            args += [k.value for k in node.exc.keywords]
            fixed = [a for a in args if _is_fixed_text(a)]
            if fixed:
                yield f"{path.relative_to(SRC)}:{node.lineno} {name}({ast.unparse(fixed[0])[:70]})"


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in SRC.rglob("*.py")}


def test_errors_are_raised_with_catalogue_messages() -> None:
    found = list(_raised_with_fixed_text(_trees()))
    assert not found, "raise these with msg(...) (a catalogue message):\n" + "\n".join(found)


def test_the_scan_finds_fixed_texts_of_every_form() -> None:
    source = """
from drugfree_core.errors import UsageError as UE
class DrugfreeError(Exception): ...
class UsageError(DrugfreeError): ...
class CoverageError(UsageError): ...
class RecordError(DrugfreeError): ...
class ParameterError(DrugfreeError): ...
class Later(errors.UsageError): ...
def f(x):
    raise UsageError("plain")
    raise CoverageError(f"formatted {x}")
    raise UsageError("a" + x)
    raise UsageError("{}".format(x))
    raise UE("imported under another name")
    raise errors.UsageError("by its module")
    raise Later("a subclass named by its module")
    raise UsageError("a %s" % x)
    raise UsageError("yes" if x else msg("no"))
    raise UsageError(str("handed on"))
    raise UsageError(message="as a keyword")
    raise UsageError(x or "a default")
    raise UsageError(f"a method of {x}".capitalize())
    raise ParameterError("query.date", "a sentence")
    raise UsageError(msg("through the catalogue {x}", x=x))
    raise ParameterError("query.date", msg("a message"))
    raise RecordError("a record's reason")
    raise ValueError("not ours")
"""
    found = list(_raised_with_fixed_text({SRC / "example.py": ast.parse(source)}))
    assert [line.split()[0] for line in found] == [f"example.py:{n}" for n in range(10, 24)]


def _sample_text(node: ast.expr) -> str | None:
    """The text a literal makes, or an f-string naming only its field (``x``); else None.

    Other values (a type's name, another sentence) are Python's or read back in turn: the
    checks of types serve the programmer who built a record in Python.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
        elif isinstance(part, ast.FormattedValue) and ast.unparse(part.value) == "attribute.name":
            parts.append("x")
        else:
            return None
    return "".join(parts)


def test_a_records_reasons_are_templates_of_the_catalogue() -> None:
    """A record's reason is shown in the reader's language by its template: each has one.

    The JSON document's type checks (``dataset/document.py``) raise :class:`ValueError`,
    as cattrs expects of a structure hook; their texts become records' reasons too.
    """
    from drugfree_core.dataset.reasons import TEMPLATES, reason_message

    untranslatable = []
    for path, tree in sorted(_trees().items()):
        reasons = {"RecordError"} | ({"ValueError"} if path == _DOCUMENT_HOOKS else set())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            if _name(node.exc.func) not in reasons or not node.exc.args:
                continue
            text = _sample_text(node.exc.args[0])
            if text is not None and reason_message(text).msgid not in TEMPLATES:
                untranslatable.append(f"{path.relative_to(SRC)}:{node.lineno} {text!r}")
    assert not untranslatable, "add these to dataset/reasons.py TEMPLATES:\n" + "\n".join(
        untranslatable
    )


#: Each argument check of drugfree_core._args: the positions of the argument's name
#: (a message, or its Python name) and of what it must be (a message).
_ARGUMENT_CHECKS = {
    "expect": (2, 3),
    "expect_date": (1, None),
    "expect_path": (1, None),
    "expect_choice": (2, None),
    "expect_items": (2, 3),
    "expect_codes": (1, None),
}


def _argument_words(trees: dict[Path, ast.Module]) -> Iterator[str]:
    """The calls of the argument checks that name an argument, or what it must be, in
    fixed English: an argument's name given as text must be its Python name."""
    for path, tree in sorted(trees.items()):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in _ARGUMENT_CHECKS:
                continue
            what, wanted = _ARGUMENT_CHECKS[_name(node.func) or ""]
            named = {k.arg: k.value for k in node.keywords}
            given = [
                (node.args[k] if k < len(node.args) else named.get(key), key)
                for k, key in ((what, "what"), (wanted, "wanted"))
                if k is not None
            ]
            for arg, key in given:
                if arg is None or not _is_fixed_text(arg):
                    continue
                python_name = isinstance(arg, ast.Constant) and str(arg.value).isidentifier()
                if key == "wanted" or not python_name:
                    yield f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(arg)[:60]}"


def test_argument_checks_name_things_through_the_catalogue() -> None:
    found = list(_argument_words(_trees()))
    assert not found, "give these as msg(...) (a catalogue message):\n" + "\n".join(found)
    source = """
def f(x):
    expect(x, str, "the dataset", msg("a str"))
    expect(x, str, msg("the dataset"), "a str")
    expect_date(x, f"the {x} date")
    expect_items(x, str, what="supplied", wanted="names")
    expect(x, str, "supplied", msg("a str"))
    expect_codes(x, "units")
    expect_date(x, msg("the date"))
"""
    found = list(_argument_words({SRC / "example.py": ast.parse(source)}))
    assert [line.split()[0] for line in found] == [f"example.py:{n}" for n in (3, 4, 5, 6)]


#: Where ValueError's texts are records' reasons (see the test above).
_DOCUMENT_HOOKS = SRC / "dataset" / "document.py"
#: Python's errors, for a mistake of a caller's or a bug.
_PYTHON_ERRORS = {"ValueError", "TypeError"}
#: The mark of a Python error no caller's mistake can raise (a bug, or one caught inside).
INTERNAL = "internal:"


def _python_errors_with_fixed_text(
    trees: dict[Path, ast.Module], sources: dict[Path, list[str]]
) -> Iterator[str]:
    for path, tree in sorted(trees.items()):
        if path == _DOCUMENT_HOOKS:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            if _name(node.exc.func) not in _PYTHON_ERRORS:
                continue
            args = [*node.exc.args, *(k.value for k in node.exc.keywords)]
            lines = sources[path][node.lineno - 1 : node.end_lineno]
            if any(_is_fixed_text(a) for a in args) and not any(INTERNAL in s for s in lines):
                yield f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(node.exc)[:80]}"


def test_python_errors_for_callers_are_catalogue_messages() -> None:
    """A ValueError or TypeError a caller can cause says what is wrong in their language.

    The library's argument checks raise :class:`~drugfree_core.errors.UsageError`; where
    a Python error is the contract (the formatting functions, below the library's errors),
    it carries a catalogue message. One that only a bug can raise, or that is caught
    inside, is marked ``# internal: why`` on its statement.
    """
    trees = _trees()
    sources = {p: p.read_text(encoding="utf-8").splitlines() for p in trees}
    found = list(_python_errors_with_fixed_text(trees, sources))
    assert not found, (
        "raise a library error with msg(...), or mark what no caller can cause "
        f"'# {INTERNAL} why':\n" + "\n".join(found)
    )


def test_the_python_error_scan_reads_marks_and_messages() -> None:
    source = """
def f(x):
    raise ValueError(f"caller's {x}")
    raise TypeError("a caller's type")
    raise ValueError("a bug's")  # internal: the model's types
    raise ValueError(
        "over two lines"  # internal: caught below
    )
    raise ValueError(msg("through the catalogue"))
    raise KeyError("not a caller's")
"""
    path = SRC / "example.py"
    found = list(
        _python_errors_with_fixed_text({path: ast.parse(source)}, {path: source.splitlines()})
    )
    assert [line.split()[0] for line in found] == ["example.py:3", "example.py:4"]
