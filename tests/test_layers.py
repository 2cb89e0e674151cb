"""The layers read one way: a lower layer never imports a higher one, not even for a type.

Every ``import`` and ``from ... import`` in the library's source is read with :mod:`ast`
(at module level, inside functions and under ``TYPE_CHECKING`` alike) and checked
against the layer order of the architecture::

    model → rules → engine → reports → fronts (cli, api, testing, ...)
    model → dataset → (adminmap) → io

and no two modules may import each other, directly or around a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "drugfree_core"

#: Module (or package) prefix → layer; the longest prefix wins.
LAYER_OF = {
    "drugfree_core.errors": "base",
    "drugfree_core.i18n": "base",
    "drugfree_core.safe_csv": "base",
    "drugfree_core._args": "base",
    "drugfree_core._gc": "base",
    "drugfree_core._lazy": "base",
    "drugfree_core._polars_pool": "base",
    "drugfree_core._polars_paths": "base",
    "drugfree_core._env": "base",
    "drugfree_core.model": "model",
    "drugfree_core.rules": "rules",
    # The built-in schemes are rules written as data; looking them up goes through plugins.
    "drugfree_core.schemes.mps_recognition_2024": "rules",
    "drugfree_core.schemes.qd28_complex_areas": "rules",
    "drugfree_core.schemes.qd28_drug_free": "rules",
    "drugfree_core.schemes.qd28_provinces": "rules",
    "drugfree_core.schemes": "plugins",
    "drugfree_core.dataset": "dataset",
    "drugfree_core.adminmap": "adminmap",
    "drugfree_core.io": "io",
    "drugfree_core.engine": "engine",
    "drugfree_core.plugins": "plugins",
    "drugfree_core.reports": "reports",
    "drugfree_core.explanation": "reports",
    "drugfree_core.catalogue": "reports",
    "drugfree_core.samples": "data",
    "drugfree_core.api": "fronts",
    "drugfree_core.cli": "fronts",
    # The HTTP service is a front beside the CLI (`drugfree serve` only starts it).
    "drugfree_core.service": "fronts",
    "drugfree_core.testing": "fronts",
    "drugfree_core.scaffold": "fronts",
    "drugfree_core.synth": "fronts",
    "drugfree_core": "fronts",
}

#: What each layer may import directly (its own layer always; the rest follows by closure).
ALLOWED = {
    "base": set(),
    "data": set(),
    "model": {"base"},
    "rules": {"model"},
    "dataset": {"model"},
    "adminmap": {"dataset"},
    "io": {"adminmap"},
    "engine": {"rules", "dataset"},
    "plugins": {"rules", "adminmap"},
    "reports": {"engine", "plugins"},
    "fronts": {"reports", "io", "data"},
}

#: Circles that stay, each within one package and with its reason.
ALLOWED_CYCLES = {
    # Evaluation.to_dict hands itself to the serializer, which reads the result classes.
    frozenset({"drugfree_core.engine.results", "drugfree_core.engine.serialize"}),
}


def _closure() -> dict[str, set[str]]:
    reach: dict[str, set[str]] = {}
    for layer in ALLOWED:
        seen, todo = {layer}, [layer]
        while todo:
            for lower in ALLOWED[todo.pop()]:
                if lower not in seen:
                    seen.add(lower)
                    todo.append(lower)
        reach[layer] = seen
    return reach


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    """The module a dotted import name lands in (``pkg.mod.Name`` → ``pkg.mod``)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(module: str) -> Iterator[tuple[str, int]]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    is_package = MODULES[module].name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield _resolve(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                target = f"{base}.{alias.name}"
                yield (target if target in MODULES else _resolve(base)), node.lineno


def layer(module: str) -> str:
    """The layer of *module* (by its longest listed prefix)."""
    best = max(
        (p for p in LAYER_OF if module == p or module.startswith(p + ".")),
        key=len,
    )
    return LAYER_OF[best]


GRAPH = {m: {t for t, _ in _imports(m) if t != m} for m in MODULES}


def test_every_module_has_a_layer() -> None:
    assert all(layer(m) in ALLOWED for m in MODULES)


def test_no_module_imports_a_higher_layer() -> None:
    reach = _closure()
    wrong = [
        f"{MODULES[m].relative_to(SRC)}:{line}: {m} ({layer(m)}) imports {t} ({layer(t)})"
        for m in sorted(MODULES)
        for t, line in _imports(m)
        if layer(t) not in reach[layer(m)]
    ]
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles() -> None:
    circles = [sorted(c) for c in _cycles(GRAPH) if frozenset(c) not in ALLOWED_CYCLES]
    assert not circles, f"modules that import each other: {circles}"


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("drugfree_core.rules.primitives", "drugfree_core.engine"),
        ("drugfree_core.dataset.dataset", "drugfree_core.io"),
        ("drugfree_core.cli.report_cmd", "drugfree_core.cli.main"),
    ],
)
def test_the_three_old_circles_stay_broken(lower: str, higher: str) -> None:
    # The circles issue 13 broke, named so that a regression reads plainly.
    assert not any(t == higher or t.startswith(higher + ".") for t in GRAPH[lower])


def test_the_service_is_a_front_beside_the_cli() -> None:
    # The CLI starts the service; the service never reaches back into the CLI, and no
    # layer below the fronts knows the service exists.
    service = [m for m in MODULES if m.startswith("drugfree_core.service")]
    assert service
    assert all(layer(m) == "fronts" for m in service)
    back = [(m, t) for m in service for t in GRAPH[m] if t.startswith("drugfree_core.cli")]
    assert not back, back
    below = [
        (m, t)
        for m in MODULES
        if layer(m) != "fronts"
        for t in GRAPH[m]
        if t.startswith("drugfree_core.service")
    ]
    assert not below, below


def test_the_checker_sees_an_upward_import() -> None:
    # The checker itself: a rule that imported the engine would be caught.
    reach = _closure()
    assert layer("drugfree_core.engine.results") not in reach[layer("drugfree_core.rules.scheme")]
    assert layer("drugfree_core.io") not in reach[layer("drugfree_core.dataset.dataset")]
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [{"a", "b"}]
