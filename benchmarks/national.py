"""National-scale benchmark: every figure as a ratio to a hand-written query, next to its target.

Run ``python benchmarks/national.py`` (about ten minutes on 2 cores; ``--quick`` for three
runs of each measure and no 10× data, ``--skip-10x`` to leave out only the 10× data). It
generates, once, into ``benchmarks/out/``: the national synthetic dataset as Parquet
(3,321 units, ~400,000 people, ~4 million tests, ~600,000 rehab episodes), a 40,000-person
dataset as one JSON document, and (unless skipped) the national dataset with ten times
the people.

Every measure is a **whole process** (its wall time, and its peak resident memory from
``wait4``), so imports, loading, checking and writing are all counted. The library and
its plugins are compiled to bytecode first, and the translation catalogue to its ``.mo``,
as installing them does (an editable install under ``PYTHONDONTWRITEBYTECODE`` would
otherwise compile them in every process, and parse the ``.po``). The library's
command and the reference (``benchmarks/reference_query.py``, a hand-written lazy polars
query of the same criteria with the same failing people) run **alternately**, each
``--runs`` times, and the ratio is that of the medians: on a shared machine the load
changes from minute to minute, and alternating spreads it over both sides. Before any
figure counts, the library's verdicts, outcomes and failing and undecided people are
checked against the reference's, unit by unit; one difference stops the run.

Targets (issue 14): ``drugfree evaluate`` (json, csv, parquet) ≤ 1.5× the reference in
time and memory; ``drugfree explain --unit`` ≤ 1.5×, and in one process the first
explanation after a load ≤ 100 ms, later ones ≤ 20 ms; ``drugfree report --national``
(json, xlsx, html) ≤ 3× and ≤ 1 GB, with a monthly series ≤ 5×; ``import drugfree_core``
and CLI start ≤ 150 ms; loading the 40,000-person JSON document ≤ 1 s; ten times the
data: linear time, ≤ 3 GB.

Each report's CPU time (user and system, all threads) is also given, for information, as
the ratio its work would reach spread evenly on every core: a floor under its time that
only doing less work can lower. Each report is also compared, for information and with
no target, with the reference run on every date the report evaluates
(``reference_query.py --dates``, the files read once): the same evaluations done by
hand, one date after another. A report's ratio to the single-date query counts each of
its dates' evaluations; this one says how the report fares against the same work.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NATIONAL = OUT / "national"
TENFOLD = OUT / "national-10x"
DOCUMENT = OUT / "people-40k.json"
DOCUMENT_TABLES = OUT / "people-40k"
DATE = "2025-10-01"
SCHEME = "mps-recognition-2024"
UNIT = "00004"  # Phường Ba Đình (Hà Nội): applies the national scheme
REFERENCE = [sys.executable, str(HERE / "reference_query.py")]
BIN = Path(sys.executable).parent
DRUGFREE = [str(BIN / "drugfree")] if (BIN / "drugfree").exists() else ["drugfree"]
MB = 1024 * 1024
#: Bumped when the generator's output changes (2: the coverage table; 3: the finding
#: tables of Decision 28/2025), to generate again.
DATA_VERSION = 3


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    """One whole-process run: wall seconds, peak resident memory in bytes, CPU seconds."""

    seconds: float
    peak: int
    cpu: float = 0.0  # user and system time of all its threads


def run(cmd: Sequence[str], *, stdout: int | None = subprocess.DEVNULL) -> Sample:
    """Run *cmd* to the end; its wall time and the peak memory of the process."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, usage.ru_maxrss * 1024, cpu)  # Linux reports KiB


@dataclass
class Row:
    """One line of the report: a measure, its figures and its target (None: for information)."""

    name: str
    value: float
    unit: str
    target: float | None
    note: str = ""
    details: dict[str, object] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value <= self.target


def median(samples: Sequence[Sample], attr: str) -> float:
    return float(statistics.median(getattr(s, attr) for s in samples))


def alternate(
    library: Sequence[str], reference: Sequence[str] | None, runs: int
) -> tuple[list[Sample], list[Sample]]:
    """Run the two commands in turn, *runs* times each."""
    ours, *theirs = in_turn([library, *([reference] if reference is not None else [])], runs)
    return ours, theirs[0] if theirs else []


def in_turn(commands: Sequence[Sequence[str]], runs: int) -> list[list[Sample]]:
    """Run the commands one after the other, *runs* rounds; each one's samples."""
    samples: list[list[Sample]] = [[] for _ in commands]
    for _ in range(runs):
        for cmd, taken in zip(commands, samples, strict=True):
            taken.append(run(cmd))
    return samples


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ------------------------------------------------------------------------------- data


def _generate(seed: int) -> None:
    """Write the datasets the measures use, unless already there for this seed.

    Called in a child process (``--generate``), so that the parent stays small.
    """
    marker = OUT / "seed"
    ready = NATIONAL.exists() and DOCUMENT.exists() and DOCUMENT_TABLES.exists()
    if ready and marker.exists() and marker.read_text() == f"{seed} v{DATA_VERSION}":
        return
    from drugfree_core.io import write_json, write_tables
    from drugfree_core.synth import SynthConfig, generate

    OUT.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    national = generate(SynthConfig.national(seed=seed))
    shutil.rmtree(NATIONAL, ignore_errors=True)
    write_tables(national, NATIONAL, format="parquet")
    print(f"national dataset in {time.perf_counter() - t0:.1f} s: {national.counts()}")
    del national
    people = generate(SynthConfig.scaled(units=332, subjects=40_000, seed=seed))
    write_json(people, DOCUMENT)
    shutil.rmtree(DOCUMENT_TABLES, ignore_errors=True)
    write_tables(people, DOCUMENT_TABLES, format="parquet")
    marker.write_text(f"{seed} v{DATA_VERSION}")


def _generate_tenfold(seed: int) -> None:
    marker = OUT / "seed-10x"
    if marker.exists() and marker.read_text() == f"{seed} v{DATA_VERSION}" and TENFOLD.exists():
        return
    import attrs

    from drugfree_core.io import write_tables
    from drugfree_core.synth import SynthConfig, generate

    t0 = time.perf_counter()
    config = attrs.evolve(SynthConfig.national(seed=seed), subjects=4_000_000)
    dataset = generate(config)
    shutil.rmtree(TENFOLD, ignore_errors=True)
    write_tables(dataset, TENFOLD, format="parquet")
    marker.write_text(f"{seed} v{DATA_VERSION}")
    print(f"10× dataset in {time.perf_counter() - t0:.1f} s: {dataset.counts()}")


# ------------------------------------------------------------------------------ checks


_COMPARE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import polars as pl
import reference_query
reference = pl.read_json(sys.argv[2])
with open(sys.argv[3], encoding="utf-8") as f:
    library = json.load(f)
diffs = reference_query.compare(reference, library)
print("\n".join(diffs[:30]))
no_data = reference.filter(pl.col("verdict") == "no_data").height
print(json.dumps({"units": reference.height, "differences": len(diffs), "no_data": no_data}))
"""


def check_same_answers(tmp: Path) -> int:
    """The library's JSON against the reference's, unit by unit; exits on a difference.

    The comparison runs in a child process, like everything that uses much memory: a
    child's peak memory as the system reports it starts from its parent's at the fork.
    """
    ours, theirs = tmp / "check-library.json", tmp / "check-reference.json"
    run([*DRUGFREE, "evaluate", str(NATIONAL), "--scheme", SCHEME, "--date", DATE,
         "--format", "json", "--include-subjects", "--out", str(ours)])  # fmt: skip
    run([*REFERENCE, str(NATIONAL), "--date", DATE, "--format", "json", "--out", str(theirs)])
    proc = subprocess.run(
        [sys.executable, "-c", _COMPARE, str(HERE), str(theirs), str(ours)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        sys.exit(f"comparison failed:\n{proc.stderr}")
    *diffs, last = proc.stdout.strip().splitlines()
    result = json.loads(last)
    if result["differences"]:
        print("\n".join(diffs))
        sys.exit(f"the library and the reference disagree ({result['differences']} differences)")
    if result["no_data"]:
        # a unit with no data costs neither side anything: the figures would flatter both
        sys.exit(f"{result['no_data']} units are not covered by the benchmark data")
    units: int = result["units"]
    return units


# ---------------------------------------------------------------------------- measures


def _evaluate_cmd(data: Path, fmt: str, out: Path) -> tuple[list[str], list[str]]:
    subjects = ["--include-subjects"] if fmt != "csv" else []
    ours = [
        *DRUGFREE,
        "evaluate",
        str(data),
        "--scheme",
        SCHEME,
        "--date",
        DATE,
        "--format",
        fmt,
        *subjects,
        "--out",
        str(out / f"lib.{fmt}"),
    ]
    theirs = [
        *REFERENCE,
        str(data),
        "--date",
        DATE,
        "--format",
        fmt,
        "--out",
        str(out / f"ref.{fmt}"),
    ]
    return ours, theirs


def ratio_rows(
    name: str,
    ours: list[Sample],
    theirs: list[Sample],
    time_target: float,
    memory_target: float | None = None,
    memory_cap: int | None = None,
) -> list[Row]:
    t_ours, t_ref = median(ours, "seconds"), median(theirs, "seconds")
    m_ours, m_ref = median(ours, "peak"), median(theirs, "peak")
    details = {
        "library_s": [round(s.seconds, 3) for s in ours],
        "reference_s": [round(s.seconds, 3) for s in theirs],
        "library_peak_mb": [round(s.peak / MB) for s in ours],
        "reference_peak_mb": [round(s.peak / MB) for s in theirs],
    }
    rows = [
        Row(name, t_ours / t_ref, "×", time_target, f"{t_ours:.2f} s vs {t_ref:.2f} s", details),
    ]
    if memory_target is not None:
        rows.append(
            Row(
                f"{name} memory",
                m_ours / m_ref,
                "×",
                memory_target,
                f"{m_ours / MB:.0f} vs {m_ref / MB:.0f} MiB",
            )
        )
    if memory_cap is not None:
        rows.append(Row(f"{name} peak", m_ours / MB, "MiB", memory_cap / MB))
    return rows


_IN_PROCESS = r"""
import datetime as dt, json, sys, time
t0 = time.perf_counter()
import drugfree_core as dfc
mode, path = sys.argv[1], sys.argv[2]
if mode == "document":
    t1 = time.perf_counter()
    dataset = dfc.load(path)
    print(json.dumps({"load": time.perf_counter() - t1, "people": dataset.subjects.height}))
else:
    on = dt.date.fromisoformat(sys.argv[3])
    scheme = dfc.get_scheme(sys.argv[4])
    dataset = dfc.load(path)
    # The units in force on the date, read off the units table: an evaluation here would
    # warm what the first explanation pays for (the locale's data, the heap's collection).
    from drugfree_core.engine.placement import commune_units_in_force
    codes = sorted(commune_units_in_force(dataset, on)["code"].to_list())
    step = max(1, len(codes) // 21)
    picked = codes[::step][:21]
    times = []
    for code in picked:
        t1 = time.perf_counter()
        dfc.explain(dataset, scheme, on, code, lang="vi")
        times.append(time.perf_counter() - t1)
    print(json.dumps({"first": times[0], "later": times[1:]}))
"""


def in_process(mode: str, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, mode, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"{mode} failed:\n{proc.stderr}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


PARTS = ("evaluate", "explain", "report", "start", "document", "10x")


_COMPILE = r"""
import compileall, importlib.metadata as md, importlib.util, sys
from pathlib import Path
import drugfree_core
from drugfree_core.i18n.catalog import LOCALE_DIR, catalogue_paths, compile_catalogue
folders = {Path(drugfree_core.__file__).parent}
for ep in md.entry_points(group="drugfree"):
    spec = importlib.util.find_spec(ep.value.split(":")[0].split(".")[0])
    folders.update(Path(f) for f in (spec.submodule_search_locations or []) if spec)
ok = all(compileall.compile_dir(str(f), quiet=1) for f in sorted(folders))
for lang in sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir()):
    po, mo = catalogue_paths(lang)
    if po.is_file() and not mo.is_file():
        mo.write_bytes(compile_catalogue(po))
        print(mo)
sys.exit(0 if ok else 1)
"""


@contextmanager
def installed_form() -> Iterator[None]:
    """Bytecode and compiled catalogues for the library and its plugins, as installing does.

    pip writes the bytecode of what it installs. An editable install under
    ``PYTHONDONTWRITEBYTECODE`` (as on the shared benchmark machine) never does, and
    every process would compile the library from source first: a tenth of a second that
    no installed copy pays. Python reads bytecode whatever that variable says. Likewise
    a wheel carries the translation catalogue compiled (``drugfree.mo``, see
    ``hatch_build.py``); a source tree has only the ``.po``, which the first Vietnamese
    text of every process would parse (some 45 ms). The ``.mo`` files written here are
    removed at the end (they are ignored by git, and by the library once the ``.po`` is
    edited).
    """
    proc = subprocess.run([sys.executable, "-c", _COMPILE], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"could not compile the library:\n{proc.stderr}")
    written = [Path(line) for line in proc.stdout.splitlines() if line.strip()]
    try:
        yield
    finally:
        for mo in written:
            mo.unlink(missing_ok=True)


def measure(args: argparse.Namespace) -> list[Row]:
    runs = args.runs
    rows: list[Row] = []
    parts = set(args.only.split(",")) if args.only else set(PARTS)
    with installed_form(), tempfile.TemporaryDirectory(prefix="drugfree-bench-") as name:
        tmp = Path(name)
        units = check_same_answers(tmp)
        print(f"same answers as the reference on all {units} units ✓")

        evaluated: dict[str, tuple[list[Sample], list[Sample]]] = {}
        # the 10× data's growth is measured against the Parquet figures
        formats: tuple[str, ...] = ("json", "csv", "parquet") if "evaluate" in parts else ()
        if not formats and "10x" in parts and not (args.quick or args.skip_10x):
            formats = ("parquet",)
        for fmt in formats:
            ours, theirs = alternate(*_evaluate_cmd(NATIONAL, fmt, tmp), runs)
            evaluated[fmt] = (ours, theirs)
            if "evaluate" in parts:
                rows += ratio_rows(f"evaluate --format {fmt}", ours, theirs, 1.5, memory_target=1.5)
                _progress(rows)
        if "explain" in parts:
            rows += _explain(runs)
        if "report" in parts:
            rows += _reports(args, tmp)
        if "start" in parts:
            rows += _starts(runs)
        if "document" in parts:
            rows += _document(runs)
        if "10x" in parts and not (args.quick or args.skip_10x):
            subprocess.run(
                [sys.executable, __file__, "--generate", "10x", "--seed", str(args.seed)],
                check=True,
            )
            ours, theirs = alternate(*_evaluate_cmd(TENFOLD, "parquet", tmp), args.runs_10x)
            one_ours, one_ref = evaluated["parquet"]
            growth = median(ours, "seconds") / median(one_ours, "seconds")
            growth_ref = median(theirs, "seconds") / median(one_ref, "seconds")
            rows.append(
                Row(
                    "10× data: time growth",
                    growth,
                    "×",
                    11.0,
                    f"reference grows {growth_ref:.1f}×; "
                    f"{median(ours, 'seconds'):.1f} s vs {median(theirs, 'seconds'):.1f} s",
                )
            )
            rows += ratio_rows(
                "10× data evaluate --format parquet", ours, theirs, 1.5, memory_cap=3072 * MB
            )
            _progress(rows)
    return rows


def _explain(runs: int) -> list[Row]:
    ours, theirs = alternate(
        [*DRUGFREE, "explain", str(NATIONAL), "--unit", UNIT, "--scheme", SCHEME,
         "--date", DATE, "--lang", "vi"],
        [*REFERENCE, str(NATIONAL), "--date", DATE, "--unit", UNIT],
        runs,
    )  # fmt: skip
    rows = ratio_rows(f"explain --unit {UNIT}", ours, theirs, 1.5, memory_target=1.5)
    # One process gives one first explanation: the median of *runs* processes is the
    # figure, as for every other measure (a single first varied by 30 ms run to run).
    firsts: list[float] = []
    maxima: list[float] = []
    later: list[float] = []
    for _ in range(runs):
        explained = in_process("explain", str(NATIONAL), DATE, SCHEME)
        first, times = explained["first"], explained["later"]
        assert isinstance(first, float) and isinstance(times, list)
        firsts.append(first)
        maxima.append(max(times))
        later.extend(times)
    rows.append(
        Row(
            "explain in process, first after load",
            statistics.median(firsts) * 1000,
            "ms",
            100,
            f"median of {runs} processes; {min(firsts) * 1000:.0f}–{max(firsts) * 1000:.0f} ms",
        )
    )
    rows.append(
        Row(
            "explain in process, later (max of 20)",
            statistics.median(maxima) * 1000,
            "ms",
            20,
            f"median of each process's max; all {len(later)}: median "
            f"{statistics.median(later) * 1000:.1f} ms",
        )
    )
    _progress(rows)
    return rows


def _reports(args: argparse.Namespace, tmp: Path) -> list[Row]:
    rows: list[Row] = []
    base = [*DRUGFREE, "report", str(NATIONAL), "--date", DATE, "--national"]
    runs: list[tuple[str, list[str], float]] = [
        (
            f"report --national --format {fmt}",
            ["--format", fmt, "--out", str(tmp / f"r.{fmt}")],
            3.0,
        )
        for fmt in ("json", "xlsx", "html")
    ]
    if not args.quick:
        runs.append(
            (
                "report --national --every month",
                ["--every", "month", "--out", str(tmp / "m.json")],
                5.0,
            )
        )
    # The reference is the evaluation query writing JSON, run in turn with each report so
    # that both sides see the same load; and, for information, the same query on every
    # date the report evaluates.
    query = [*REFERENCE, str(NATIONAL), "--date", DATE, "--format", "json",
             "--out", str(tmp / "ref-report.json")]  # fmt: skip
    known: dict[bool, list[str]] = {}  # the dates, by whether the series is monthly
    for name, extra, target in runs:
        report = [*base, *extra]
        monthly = "--every" in extra
        if monthly not in known:
            known[monthly] = _report_dates(report, tmp)
        dates = known[monthly]
        same_work = [*REFERENCE, str(NATIONAL), "--dates", ",".join(dates), "--format", "json",
                     "--out", str(tmp / "ref-dates.json")]  # fmt: skip
        ours, theirs, by_hand = in_turn([report, query, same_work], args.runs)
        rows += ratio_rows(name, ours, theirs, target, memory_cap=1024 * MB)
        t_ours, t_hand = median(ours, "seconds"), median(by_hand, "seconds")
        # The work itself, wherever it is scheduled: its CPU time spread evenly on every
        # core is the shortest the report could take without doing less.
        cpu, cores = median(ours, "cpu"), os.cpu_count() or 1
        rows.append(
            Row(
                f"{name}, its CPU time on {cores} cores",
                cpu / cores / median(theirs, "seconds"),
                "×",
                None,
                f"{cpu:.2f} s of CPU: for information, the least it could take at this work",
                {"library_cpu_s": [round(s.cpu, 3) for s in ours]},
            )
        )
        rows.append(
            Row(
                f"{name}, vs the reference on its {len(dates)} dates",
                t_ours / t_hand,
                "×",
                None,
                f"{t_ours:.2f} s vs {t_hand:.2f} s (for information: the same evaluations)",
                {"reference_s": [round(s.seconds, 3) for s in by_hand]},
            )
        )
        _progress(rows)
    return rows


def _report_dates(report: list[str], tmp: Path) -> list[str]:
    """The dates *report* evaluates: its series' and its reference date (one JSON run)."""
    out = tmp / "dates.json"
    cmd = [*report[: report.index("--national") + 1], "--format", "json", "--out", str(out)]
    if "--every" in report:
        cmd += ["--every", report[report.index("--every") + 1]]
    run(cmd)
    document = json.loads(out.read_text(encoding="utf-8"))
    return sorted({row["on"] for row in document["series"]} | {DATE})


def _starts(runs: int) -> list[Row]:
    rows: list[Row] = []
    starts = {
        "import drugfree_core": [sys.executable, "-c", "import drugfree_core"],
        "drugfree --help": [*DRUGFREE, "--help"],
        "drugfree --version": [*DRUGFREE, "--version"],
    }
    bare = median([run([sys.executable, "-c", "pass"]) for _ in range(max(runs, 5))], "seconds")
    for label, cmd in starts.items():
        samples = [run(cmd) for _ in range(max(runs, 5))]
        value = median(samples, "seconds") * 1000
        rows.append(Row(label, value, "ms", 150, f"bare python: {bare * 1000:.0f} ms"))
    _progress(rows)
    return rows


def _document(runs: int) -> list[Row]:
    n = max(1, runs // 2)
    document = [in_process("document", str(DOCUMENT)) for _ in range(n)]
    tables = [in_process("document", str(DOCUMENT_TABLES)) for _ in range(n)]
    load = statistics.median(float(d["load"]) for d in document)  # type: ignore[arg-type]
    load_pq = statistics.median(float(d["load"]) for d in tables)  # type: ignore[arg-type]
    people = document[0]["people"]
    rows = [
        Row(
            f"load the JSON document ({people:,} people)",
            load,
            "s",
            1.0,
            f"the same data as Parquet: {load_pq:.2f} s",
        )
    ]
    _progress(rows)
    return rows


# ------------------------------------------------------------------------------ output


def _line(row: Row) -> str:
    if row.target is None:
        value = f"{row.value:.2f}" if row.unit == "×" else f"{row.value:.0f}"
        return f"· {row.name:<44} {value:>8} {row.unit:<4} {'no target':<16} {row.note}"
    mark = "✓" if row.met else "✗"
    value = f"{row.value:.2f}" if row.unit == "×" or row.unit == "s" else f"{row.value:.0f}"
    target = f"{row.target:g}"
    return f"{mark} {row.name:<44} {value:>8} {row.unit:<4} target ≤ {target:<6} {row.note}"


_SHOWN: set[int] = set()


def _progress(rows: list[Row]) -> None:
    """Print the rows not printed yet, as soon as they are measured."""
    for row in rows:
        if id(row) not in _SHOWN:
            _SHOWN.add(id(row))
            print(_line(row), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure everything, print each ratio next to its target, save out/benchmark.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, help="runs of each measure (default 5; --quick 3)")
    parser.add_argument("--runs-10x", type=int, default=3, help="runs on the 10× data")
    parser.add_argument("--quick", action="store_true", help="3 runs, no monthly report, no 10×")
    parser.add_argument("--skip-10x", action="store_true", help="leave out the 10× data")
    parser.add_argument("--generate", choices=("1x", "10x"), help=argparse.SUPPRESS)
    parser.add_argument("--only", help=f"comma-separated parts to run, of: {', '.join(PARTS)}")
    args = parser.parse_args(argv)
    args.runs = args.runs or (3 if args.quick else 5)
    if args.generate:
        _generate(args.seed)
        if args.generate == "10x":
            _generate_tenfold(args.seed)
        return 0
    subprocess.run([sys.executable, __file__, "--generate", "1x", "--seed", str(args.seed)],
                   check=True)  # fmt: skip
    before = loadavg()
    print(f"load average before: {before}; {args.runs} alternating runs per measure")
    started = time.perf_counter()
    rows = measure(args)
    after = loadavg()
    print(f"\nload average after: {after}; {time.perf_counter() - started:.0f} s in all")
    targeted = [r for r in rows if r.target is not None]
    failed = [r for r in targeted if not r.met]
    print(f"{len(targeted) - len(failed)}/{len(targeted)} targets met")
    (OUT / "benchmark.json").write_text(
        json.dumps(
            {
                "load_average": [before, after],
                "runs": args.runs,
                "rows": [r.__dict__ | {"met": r.met} for r in rows],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
