"""National-scale benchmark: evaluate, load + evaluate + write, peak memory, explain.

Run ``python benchmarks/national.py`` (about two minutes on 2 cores, most of it the
pure-Python oracle). It generates the national synthetic dataset once into
``benchmarks/out/`` (3,321 units, ~400,000 people, ~4 million tests), then measures in
fresh processes so one measurement's caches and memory do not flatter another. Targets
(issue 2): evaluate ≤ 1 s; Parquet load + evaluate + write JSON ≤ 3 s; peak RSS ≤ 3 GB;
single-unit explain ≤ 50 ms. Timings are medians; ratios come from the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DATA = OUT / "national"
DATE = "2025-10-01"
SCHEME = "mps-recognition-2024"

_CHILD = r"""
import datetime as dt, json, resource, statistics, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
import drugfree_core as dfc
from drugfree_core.explanation import explain_unit
mode, data, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
on = dt.date.fromisoformat({date!r})
scheme = dfc.get_scheme({scheme!r})
result = {{}}
if mode == "pipeline":
    t0 = time.perf_counter()
    dataset = dfc.load(data)
    t1 = time.perf_counter()
    evaluation = dfc.evaluate(dataset, scheme, on)
    t2 = time.perf_counter()
    out.write_text(evaluation.to_json(include_subjects=True), encoding="utf-8")
    t3 = time.perf_counter()
    result = dict(load=t1 - t0, evaluate=t2 - t1, write=t3 - t2, total=t3 - t0,
                  units=len(evaluation.units), verdicts=evaluation.verdict_counts(),
                  rows=dataset.counts())
elif mode == "evaluate":
    dataset = dfc.load(data)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        evaluation = dfc.evaluate(dataset, scheme, on)
        times.append(time.perf_counter() - t0)
    result = dict(times=times)
    codes = [u.unit_code for u in evaluation.units]
    step = max(1, len(codes) // 20)
    explain = []
    for code in codes[::step][:20]:
        t0 = time.perf_counter()
        unit, ev = dfc.evaluate_unit(dataset, scheme, on, code)
        explain_unit(unit, ev, scheme, "vi")
        explain.append(time.perf_counter() - t0)
        # the same unit from the full evaluation: units are independent
        assert unit == evaluation.unit(code), code
    result["explain"] = explain
elif mode == "oracle":
    from oracle import oracle_evaluate
    dataset = dfc.load(data)
    t0 = time.perf_counter()
    records = dataset.to_records()
    t1 = time.perf_counter()
    oracle = oracle_evaluate(records, scheme, on)
    t2 = time.perf_counter()
    t3 = time.perf_counter()
    evaluation = dfc.evaluate(dataset, scheme, on)
    t4 = time.perf_counter()
    verdicts = {{u.unit_code: u.verdict.value for u in evaluation.units}}
    agree = sum(1 for code, v in verdicts.items() if oracle.units[code].verdict == v)
    result = dict(to_records=t1 - t0, oracle=t2 - t1, engine=t4 - t3, agree=agree,
                  units=len(verdicts))
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""

def _child(mode: str) -> dict[str, object]:
    code = _CHILD.format(tests=str(HERE.parent / "tests"), date=DATE, scheme=SCHEME)
    out = OUT / "results.json"
    proc = subprocess.run(
        [sys.executable, "-c", code, mode, str(DATA), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"{mode} failed:\n{proc.stderr}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _generate(seed: int) -> None:
    from drugfree_core.io import write_tables
    from drugfree_core.synth import SynthConfig, generate

    marker = OUT / "national.seed"
    if marker.exists() and marker.read_text() == str(seed):
        return
    t0 = time.perf_counter()
    dataset = generate(SynthConfig.national(seed=seed))
    t1 = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    write_tables(dataset, DATA, format="parquet")
    marker.write_text(str(seed))
    print(f"generated national dataset in {t1 - t0:.1f} s: {dataset.counts()}")


def main() -> None:
    """Run every measurement and print a report (also saved as out/benchmark.json)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--skip-oracle", action="store_true", help="skip the slow oracle run")
    args = parser.parse_args()
    _generate(args.seed)

    pipeline = _child("pipeline")
    evaluate = _child("evaluate")
    report: dict[str, object] = {"pipeline": pipeline, "evaluate": evaluate}
    if not args.skip_oracle:
        report["oracle"] = _child("oracle")
    (OUT / "benchmark.json").write_text(json.dumps(report, indent=2))

    times = evaluate["times"]
    explain = evaluate["explain"]
    assert isinstance(times, list) and isinstance(explain, list)
    eval_median = statistics.median(times[1:])  # first run warms the thread pool
    rows = pipeline["rows"]
    print(f"dataset: {rows}")
    print(f"evaluate (median of {len(times) - 1}, warm):  {eval_median:.3f} s   target ≤ 1 s")
    print(
        f"load + evaluate + write JSON (cold process): {pipeline['total']:.3f} s "
        f"(load {pipeline['load']:.3f}, evaluate {pipeline['evaluate']:.3f}, "
        f"write {pipeline['write']:.3f})   target ≤ 3 s"
    )
    print(f"peak RSS, pipeline process: {pipeline['peak_rss_mb']:.0f} MB   target ≤ 3072 MB")
    # The first explain sorts copies of the big tables once (see Dataset._rows_where).
    print(
        f"single-unit explain: first {explain[0] * 1000:.0f} ms (builds the lookup), then "
        f"median {statistics.median(explain[1:]) * 1000:.1f} ms, "
        f"max {max(explain[1:]) * 1000:.1f} ms over {len(explain) - 1} units   target ≤ 50 ms"
    )
    print(f"verdicts: {pipeline['verdicts']}")
    if "oracle" in report:
        oracle = report["oracle"]
        assert isinstance(oracle, dict)
        ratio = oracle["oracle"] / oracle["engine"]
        print(
            f"oracle (pure Python): {oracle['oracle']:.1f} s vs engine {oracle['engine']:.3f} s "
            f"in the same process → engine is {ratio:.0f}× faster; "
            f"verdicts agree on {oracle['agree']}/{oracle['units']} units "
            f"(records conversion {oracle['to_records']:.1f} s, not counted)"
        )


if __name__ == "__main__":
    main()
