"""With ``LANG=vi_VN.UTF-8``, every output is Vietnamese: no English, no Python.

Each command a person runs is rendered the way they would run it (the process locale
says Vietnamese; neither ``--lang`` nor ``DRUGFREE_LANG`` is given) on the bundled sample
province, on a generated province (:mod:`drugfree_core.synth`) and on datasets Hypothesis
draws. Its text (for HTML, XLSX and PDF, the text a reader sees) must pass three checks:

1. every message it looked up came from the catalogue (none shown in English because its
   translation was missing);
2. no known leak: a Python representation (``('x',)``, ``True``, ``None``, an object's
   repr), a reference to the project's notes (``criteria.md``), a provenance tag
   (``INFERRED``) or a phrase on the list of past leaks (``person(s)``, ``unit name``…);
3. no English word: the words of the catalogue's English texts, and a list of common
   ones, may not appear (codes, ids, numbers, paths and the command a person types,
   ``drugfree explain --unit``, are not words).

Outputs for programs (JSON, the evaluation's CSV) keep English keys and codes: only the
first two checks apply to them.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import build_dataset
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_core import Case, cases

from drugfree_core.cli.main import cli
from drugfree_core.i18n import LookupLog, catalogue_paths, record_lookups
from drugfree_core.samples import demo_path

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(demo_path())
DATE = "2025-10-01"
BAD = str(ROOT / "docs" / "examples" / "howto-bad.json")
BUILTIN_SCHEMES = ("mps-recognition-2024", "qd28-2025-complex-areas")

#: A Vietnamese user's environment: the locale says it, nothing else does.
VI_ENV = {
    "LANG": "vi_VN.UTF-8",
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANGUAGE": None,
    "DRUGFREE_LANG": None,
}

# -------------------------------------------------------------------- the checks

#: Python leaking into text: reprs of tuples, booleans, None, objects, classes.
PYTHON = [
    re.compile(r"\('[^']*',?\s*(?:'[^']*',?\s*)*\)"),  # ('compulsory_facility',)
    re.compile(r"\b(?:True|False|None)\b"),
    re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>"),
    re.compile(r"\b(?:Fraction|Period|datetime\.date|Decimal|Outcome|Provenance)\("),
    re.compile(r"\b[A-Z]\w+\(\w+="),  # SomeClass(field=...
    re.compile(r"\bnan\b|\binf\b"),
]
#: Words and phrases that leaked before (issue 15), and the project's notes.
KNOWN_LEAKS = [
    "criteria.md",
    "person(s)",
    "record(s)",
    "problem(s)",
    "unit(s)",
    "unit name",
    "(unplaced)",
    "periodic/surprise",
    "supplied with the data",
    "?type-",
]
TAGS = re.compile(r"\b(?:READ-PARTIAL|READ|ARTICLE|INFERRED|UNKNOWN)\b")
#: Numbers as English writes them: a percentage with a decimal point (Vietnamese writes
#: ``0,5 %``; a legal text's own ``100%`` is Vietnamese too), "2 of 4", and a limit
#: grouped by commas (``≥ 3,000``; not ``≥ 0,286 %``, a Vietnamese share): the
#: thresholds before stop 32.
ENGLISH_NUMBERS = [
    re.compile(r"\d\.\d+\s?%"),
    re.compile(r"\b\d+ of \d+\b"),
    re.compile(r"[≥≤<>=] \d{1,3}(?:,\d{3})+(?![\d,]| ?%)"),
]
#: English words beyond the catalogue's own that must never reach a Vietnamese reader.
ENGLISH = {
    "year", "years", "month", "months", "days", "person", "people", "persons", "unit",
    "units", "name", "source", "sources", "verdict", "level", "levels", "criteria",
    "criterion", "pass", "fail", "unknown", "national", "province", "provinces", "roadmap",
    "roadmaps", "wrote", "error", "sample", "dataset", "valid", "invalid", "problem",
    "problems", "record", "records", "quarantined", "placed", "split", "predecessor",
    "threshold", "reason", "failing", "undecided", "observed", "applied", "force",
    "scheme", "schemes", "parameters", "notes", "supplied", "links", "data", "true",
    "false", "none", "yes", "type", "periodic", "surprise", "with", "from", "that",
    "this", "have", "into", "than", "when", "where", "which", "every", "only", "more",
}  # fmt: skip
#: ASCII words a Vietnamese text legitimately contains (formats, tools, brands).
ALLOWED = {"html", "xlsx", "json", "csv", "pdf", "excel", "plugin", "plugins", "sha", "methadone"}


def _vocabulary() -> set[str]:
    """English words of the catalogue's texts that are not also Vietnamese or allowed."""
    po, _ = catalogue_paths("vi")
    with po.open("rb") as f:
        catalog = read_po(f, locale="vi")
    english: set[str] = set(ENGLISH)
    vietnamese: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in ids:
            english |= {w.lower() for w in re.findall(r"[A-Za-z]{4,}", _words(text))}
        for text in forms:
            vietnamese |= {w.lower() for w in re.findall(r"[A-Za-z]+", _words(text))}
    return english - vietnamese - ALLOWED


def _unfield(text: str) -> str:
    return "".join(lit for lit, *_ in string.Formatter().parse(text))


def _words(text: str) -> str:
    """*text* without its fields and codes: a code (YYYY-MM-DD, --assessment-year), a path
    or a URL is no word of either language, as :func:`english_words` reads it."""
    tokens = (t.strip(".:?&#=%~+-/@") for t in re.findall(r"[\w\-./:@#&?=%~+]+", _unfield(text)))
    return " ".join(t for t in tokens if not re.search(r"[\d\-./:_@#&?=%~+]", t))


VOCABULARY = _vocabulary()
# A run of word characters and joiners: a run holding a digit or a joiner is a code, an
# id, a number, a path or a URL, not a word.
_TOKEN = re.compile(r"[\w\-./:@#&?=%~+]+")
_CODE = re.compile(r"[\d\-./:_@#&?=%~+]")


# A JSON path ($.subjects[4].tests[1].result) and an option (--help) are codes too.
_JSON_PATH = re.compile(r"\$(?:\.\w+|\[\d+\])*")
_OPTION = re.compile(r"(?<![\w-])--?[a-z][\w-]*")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The English words in *text* (see the module's docstring), in order."""
    found = []
    for token in _TOKEN.findall(_OPTION.sub(" ", _JSON_PATH.sub(" ", text))):
        token = token.strip(".:?&#=%~+-/@")  # "error:" is the word "error"
        if _CODE.search(token) or not token.isascii():
            continue
        word = token.lower()
        if word in VOCABULARY and word not in allowed:
            found.append(token)
    return found


#: A command a person can type (``drugfree explain … --unit``): its name and its options'
#: names are code in any language.
_COMMAND = re.compile(r"\bdrugfree\s+[a-z][a-z-]*|(?<!\S)--[a-z][a-z-]*")


@attrs.frozen
class Output:
    """One rendered output: what it is, its text, and whether people read it."""

    name: str
    text: str
    for_people: bool = True


def check(output: Output, log: LookupLog, allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every leak in *output*, as lines for the failure message (empty: all Vietnamese)."""
    problems = [f"not in the catalogue: {msgid!r}" for _, _, msgid in sorted(log.missing)]
    problems += [f"rule data not translated: {text!r}" for _, text in sorted(log.data_missing)]
    text = output.text
    for pattern in PYTHON:
        problems += [f"Python: {m.group(0)!r}" for m in pattern.finditer(text)]
    lowered = text.lower()
    problems += [f"known leak: {leak!r}" for leak in KNOWN_LEAKS if leak.lower() in lowered]
    if output.for_people:
        problems += [f"provenance tag: {m.group(0)}" for m in TAGS.finditer(text)]
        for pattern in ENGLISH_NUMBERS:
            problems += [f"English number: {m.group(0)!r}" for m in pattern.finditer(text)]
        words = english_words(_COMMAND.sub(" ", text), allowed)
        if words:
            problems.append(f"English: {sorted(set(words))}")
    return problems


def assert_vietnamese(output: Output, log: LookupLog, allowed: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    problems = check(output, log, allowed)
    assert not problems, f"{output.name}:\n  " + "\n  ".join(problems[:40])


# -------------------------------------------------------------- reading outputs


class _Text(HTMLParser):
    """The text a reader sees on an HTML page: its text and its tooltips, no CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path)
    parts = []
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts += [str(v) for v in row if v is not None]
        for chart in sheet._charts:  # openpyxl keeps a sheet's charts there
            title = chart.title
            if title is not None and title.tx is not None and title.tx.rich is not None:
                for p in title.tx.rich.p:
                    parts += [r.t for r in p.r or ()]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    # A narrow cell wraps a code after its hyphens (qd28-2025-/drug-free): join it again.
    return re.sub(r"-\n", "-", text)


def folder_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8-sig") for p in sorted(folder.glob("*.csv")))


def markdown_text(text: str) -> str:
    """A Markdown document as its reader sees it: escapes resolved, code spans (ids,
    codes: ``wanted_fugitives``, ``pass``) out, and the English titles the catalogue gives
    beside the Vietnamese on purpose (its "Tiếng Anh" line) out."""
    from drugfree_core.plugins import PluginHost

    host = PluginHost(autoload=False)
    english = [s.title_en for s in host.schemes()]
    english += [c.title_en for s in host.schemes() for c in s.criteria]
    english += [i.title_en for i in host.indicators()]
    shown = re.sub(r"\\(.)", r"\1", re.sub(r"`[^`\n]*`", " ", text))
    for title in sorted(english, key=len, reverse=True):
        shown = shown.replace(" ".join(title.split()), " ")
    return shown


# ------------------------------------------------------- what is not done yet

#: Outputs known to still show English, each with the module at fault (none today). An
#: entry marks its case a strict expected failure: once the output is fixed, the entry
#: must leave here, so the list can only shrink to what is really left.
NOT_YET: dict[str, str] = {}


def _params(names: list[str], prefix: str = "") -> list[object]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason=NOT_YET[prefix + name])
            if prefix + name in NOT_YET
            else (),
        )
        for name in names
    ]


# --------------------------------------------------------------------- running


def run(*args: str, env: dict[str, str | None] | None = None) -> tuple[Output, LookupLog, int]:
    """``drugfree ARGS`` as a Vietnamese user runs it: its stdout and stderr, its lookups.

    *env* adds to (or, with ``None``, removes from) the user's environment."""
    runner = CliRunner(env=VI_ENV | (env or {}))
    with record_lookups() as log:
        result = runner.invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    text = result.stdout + "\n" + result.stderr
    return Output(" ".join(args[:2]), text), log, result.exit_code


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated province, written as a folder of CSV tables."""
    from drugfree_core.io.writers import write_tables
    from drugfree_core.synth import SynthConfig, generate

    folder = tmp_path_factory.mktemp("synth") / "data"
    write_tables(generate(SynthConfig.demo(seed=7)), folder, "csv")
    return folder


def _datasets(synth_folder: Path) -> Iterator[tuple[str, str]]:
    yield "sample", DEMO
    yield "synth", str(synth_folder)


MPS = ["--scheme", "mps-recognition-2024", "--date", DATE]
QD28 = ["--scheme", "qd28-2025-complex-areas", "--date", DATE]
COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "demo": lambda data: ["demo"],
    "evaluate-table": lambda data: ["evaluate", data, *MPS],
    "evaluate-levels": lambda data: ["evaluate", data, *QD28],
    "explain": lambda data: ["explain", data, "--unit", "00003", *MPS],
    "explain-levels": lambda data: ["explain", data, "--unit", "00051", *QD28],
    "explain-default-scheme": lambda data: ["explain", data, "--unit", "00003", "--date", DATE],
    "validate": lambda data: ["validate", data],
    "schemes": lambda data: ["schemes"],
    "schemes-markdown": lambda data: ["schemes", "--format", "markdown"],
}


@pytest.mark.parametrize("command", _params(sorted(COMMANDS)))
def test_commands_on_the_sample_are_vietnamese(command: str) -> None:
    output, log, code = run(*COMMANDS[command](DEMO))
    assert code == 0, output.text
    if "markdown" in command:
        output = attrs.evolve(output, text=markdown_text(output.text))
    assert_vietnamese(output, log)


@pytest.mark.parametrize("fmt", _params(["html", "xlsx", "pdf", "csv", "json"], "report-"))
def test_reports_are_vietnamese(fmt: str, tmp_path: Path) -> None:
    if fmt == "pdf":
        pytest.importorskip("weasyprint")
    out = tmp_path / ("report" if fmt == "csv" else f"report.{fmt}")
    output, log, code = run(
        "report", DEMO, "--date", "2025-12-31", "--format", fmt, "--out", str(out)
    )
    assert code == 0, output.text
    text = {
        "html": lambda: html_text(out.read_text(encoding="utf-8")),
        "xlsx": lambda: xlsx_text(out),
        "pdf": lambda: pdf_text(out),
        "csv": lambda: folder_text(out),
        "json": lambda: out.read_text(encoding="utf-8"),
    }[fmt]()
    assert_vietnamese(Output(f"report {fmt}", output.text + "\n" + text, fmt != "json"), log)


def test_evaluation_for_programs_has_no_python(tmp_path: Path) -> None:
    for fmt in ("json", "csv"):
        output, log, code = run("evaluate", DEMO, *MPS, "--format", fmt)
        assert code == 0
        assert_vietnamese(attrs.evolve(output, for_people=False), log)
    data = json.loads(run("evaluate", DEMO, *MPS, "--format", "json")[0].text)
    reasons = [
        r["reason"]
        for u in data["units"]
        for c in u["criteria"]
        for r in _walk(c["result"])
        if r.get("reason")
    ]
    for reason in reasons:
        assert not english_words(reason, set()), reason


def _walk(node: dict[str, object]) -> Iterator[dict[str, object]]:
    yield node
    for child in node.get("children", ()):  # type: ignore[union-attr]
        yield from _walk(child)  # type: ignore[arg-type]


ERRORS: dict[str, list[str]] = {
    "bad-date": ["evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", "31/12/2025"],
    "unknown-scheme": ["evaluate", DEMO, "--scheme", "no-such-scheme", "--date", DATE],
    "unknown-unit": ["explain", DEMO, "--unit", "99999", *MPS],
    "scheme-not-in-force": ["evaluate", DEMO, *QD28[:2], "--date", "2024-01-01"],
    "invalid-dataset": ["evaluate", BAD, *MPS],
    "validate-problems": ["validate", BAD],
    "report-format": ["report", DEMO, "--date", DATE, "--out", "report.docx"],
    "missing-file": ["evaluate", "no-such-file.json", *MPS],
}


def _format_codes() -> set[str]:
    """The codes a dataset writes (a test's ``negative``): a message lists them as they are."""
    from drugfree_core.dataset import TABLES

    codes = {str(m.value) for t in TABLES for c in t.columns if c.enum for m in c.enum}
    return codes - ENGLISH  # a word a reader must never see is no excuse as a code


@pytest.mark.parametrize("error", _params(sorted(ERRORS)))
def test_errors_are_vietnamese(error: str) -> None:
    output, log, code = run(*ERRORS[error])
    assert code != 0
    # The user's own input (a file name, a code) is quoted back, not translated; so are
    # the codes the dataset format asks for (the values a refused cell may take).
    allowed = {"such", "file", "json", "scheme", "docx"} | _format_codes()
    assert_vietnamese(output, log, allowed=allowed)


#: A key long enough for ``drugfree pseudonymise`` (never a real one).
KEY = "0123456789abcdef0123456789abcdef"


def _csv_file(folder: Path) -> str:
    path = folder / "ids.csv"
    path.write_text("so_cccd\n001234567890\n", encoding="utf-8")
    return str(path)


#: Errors a person meets with ``drugfree pseudonymise``: the arguments, given a fresh
#: folder to work in, and the key its environment holds (``None``: no key is set).
PSEUDONYMISE_ERRORS: dict[str, tuple[Callable[[Path], list[str]], str | None]] = {
    "no-key": (lambda tmp: ["pseudonymise", DEMO, str(tmp / "out.json")], None),
    "short-key": (lambda tmp: ["pseudonymise", DEMO, str(tmp / "out.json")], "abc"),
    "output-exists": (lambda tmp: ["pseudonymise", DEMO, str(tmp)], KEY),
    "column-with-folder": (
        lambda tmp: ["pseudonymise", str(tmp), str(tmp / "out"), "--column", "so_cccd"],
        KEY,
    ),
    "column-with-json": (
        lambda tmp: ["pseudonymise", DEMO, str(tmp / "out.json"), "--column", "so_cccd"],
        KEY,
    ),
    "file-without-column": (
        lambda tmp: ["pseudonymise", _csv_file(tmp), str(tmp / "out.csv")],
        KEY,
    ),
    "column-missing": (
        lambda tmp: ["pseudonymise", _csv_file(tmp), str(tmp / "out.csv"), "--column", "cccd"],
        KEY,
    ),
    # The system's refusal in the catalogue's words, not the system's English.
    "cannot-write": (
        lambda tmp: [
            "pseudonymise",
            _csv_file(tmp),
            "/proc/no-such/out.csv",
            "--column",
            "so_cccd",
        ],
        KEY,
    ),
}


@pytest.mark.parametrize("error", _params(sorted(PSEUDONYMISE_ERRORS), "pseudonymise-"))
def test_pseudonymise_errors_are_vietnamese(error: str, tmp_path: Path) -> None:
    args, key = PSEUDONYMISE_ERRORS[error]
    output, log, code = run(*args(tmp_path), env={"DRUGFREE_PSEUDONYM_KEY": key})
    assert code != 0
    # The paths and file names are the user's own, quoted back as they are.
    assert_vietnamese(output, log)


@pytest.mark.parametrize(
    "command", _params(["evaluate-table", "evaluate-levels", "validate"], "synth-")
)
def test_commands_on_a_generated_province_are_vietnamese(command: str, synth_folder: Path) -> None:
    output, log, code = run(*COMMANDS[command](str(synth_folder)))
    assert code == 0, output.text
    assert_vietnamese(output, log)


def test_reports_on_a_generated_province_are_vietnamese(synth_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    output, log, code = run("report", str(synth_folder), "--date", "2025-12-31", "--out", str(out))
    assert code == 0, output.text
    page = html_text(out.read_text(encoding="utf-8"))
    assert_vietnamese(Output("report html (synth)", output.text + "\n" + page), log)


# ------------------------------------------------------------ the checks themselves


def test_the_checks_catch_the_leaks_of_issue_15() -> None:
    log = LookupLog()
    leaks = [
        "1 person(s) living in a split predecessor may belong to this unit",
        "law.rehab_forms = ('compulsory_facility',)",
        "phạm vi: True",
        "Căn cứ: Quyết định 28 (criteria.md §3.4)",
        "[INFERRED] Tiêu chí",
        "bản đồ: supplied with the data (66 units, 46 links)",
        "Xã A (unplaced)",
        "xét nghiệm (periodic/surprise)",
        "thời hạn quản lý 1 year",
        # the thresholds before stop 32
        "trên dân số ≥ 0,5 % (84/29.407 = 0,286 % — ngưỡng ≥ 0.5%)",
        "ít nhất 2/4 điều kiện sau (3/4 điều kiện đạt — ngưỡng ≥ 2 of 4)",
        "số cây có chất ma túy trong kỳ đánh giá ≥ 3.000 (0 — ngưỡng ≥ 3,000)",
    ]
    for leak in leaks:
        assert check(Output("x", leak), log), leak
    # Vietnamese numbers are not English ones
    for text in ("ngưỡng ≥ 0,5 % (84/29.407 = 0,286 %)", "ngưỡng ≥ 3.000", "≥ 2/4", "100%"):
        assert not check(Output("x", text), log), text
    assert check(Output("x", "đạt"), LookupLog(missing={("vi", None, "pass")}))


def test_codes_ids_and_paths_are_not_words() -> None:
    text = (
        "mps-recognition-2024 v2024.10 · 01/10/2025 · law.user_management_period = 1 năm "
        "/tmp/data/units.csv https://example.org/report TH.C3 type-III 00051"
    )
    assert english_words(text, set()) == []
    assert english_words("Mã đơn vị: the unit", set()) == ["unit"]
    assert english_words("error: lỗi", set()) == ["error"]
    assert english_words("$.subjects[4].tests[1].result: 'drugfree evaluate --help'", set()) == []
    assert english_words("the result of -x", set()) == ["result"]


# ---------------------------------------------------------- generated datasets


@settings(max_examples=15, deadline=None)
@given(case=cases(max_subjects=6), scheme_id=st.sampled_from(sorted(BUILTIN_SCHEMES)))
def test_explanations_of_generated_datasets_are_vietnamese(case: Case, scheme_id: str) -> None:
    from drugfree_core.engine import evaluate
    from drugfree_core.explanation import explain_unit
    from drugfree_core.plugins import get_scheme

    scheme = get_scheme(scheme_id)
    if not scheme.in_force(case.on):
        return
    dataset = build_dataset(case.records, case.quarantined)
    with record_lookups() as log:
        evaluation = evaluate(dataset, scheme, case.on, allow_no_coverage=True)
        texts = [explain_unit(unit, evaluation, scheme, "vi") for unit in evaluation.units]
    allowed = {w.lower() for u in case.records.units for w in re.findall(r"\w+", u.name)}
    assert_vietnamese(Output(f"explain ({scheme_id})", "\n".join(texts)), log, allowed)
