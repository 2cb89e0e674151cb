"""Write a synthetic dataset to disk.

Usage::

    python -m drugfree_core.synth --preset demo --seed 7 --out data/demo
    python -m drugfree_core.synth --preset scaled --units 300 --subjects 20000 --out data/s
    python -m drugfree_core.synth --preset national --format parquet --out data/national
    python -m drugfree_core.synth --preset demo --format json --out demo.json

Tables go to the ``--out`` folder (``units.csv``, ...); with ``--format json`` the
document is written to ``--out`` if it ends in ``.json``, else to ``<out>/dataset.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from drugfree_core.errors import DrugfreeError
from drugfree_core.io.writers import write_json, write_tables
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.generate import generate

#: Bounds of the scaled preset: ten times the country's units and people, at most.
MAX_UNITS = 100_000
MAX_SUBJECTS = 5_000_000


def _whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from *low* to *high*, or a clear error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in the range {low} to {high:,}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m drugfree_core.synth",
        description="Generate a deterministic synthetic drug-free dataset.",
    )
    parser.add_argument(
        "--preset",
        choices=("demo", "national", "scaled"),
        default="demo",
        help="demo: one invented province; national: the official map of 2025; "
        "scaled: invented provinces of --units units in all",
    )
    parser.add_argument(
        "--seed", type=_whole(0, 2**63 - 1), default=2025, help="random seed (default 2025)"
    )
    parser.add_argument(
        "--units",
        type=_whole(1, MAX_UNITS),
        help=f"commune-level units, 1 to {MAX_UNITS:,} (scaled)",
    )
    parser.add_argument(
        "--subjects",
        type=_whole(0, MAX_SUBJECTS),
        help=f"people under management, 0 to {MAX_SUBJECTS:,} (scaled preset)",
    )
    parser.add_argument("--format", choices=("csv", "parquet", "json"), default="csv")
    parser.add_argument("--out", required=True, help="output folder (or .json file)")
    return parser


def config_from_args(args: argparse.Namespace) -> SynthConfig:
    """Return the config the command-line arguments describe."""
    if args.preset == "demo":
        return SynthConfig.demo(seed=args.seed)
    if args.preset == "national":
        return SynthConfig.national(seed=args.seed)
    if args.units is None or args.subjects is None:
        raise ValueError("--preset scaled needs --units and --subjects")
    return SynthConfig.scaled(units=args.units, subjects=args.subjects, seed=args.seed)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as exc:
        parser.error(str(exc))
    started = time.perf_counter()
    dataset = generate(config)
    out = Path(args.out)
    try:
        if args.format == "json":
            target = out if out.suffix.lower() == ".json" else out / "dataset.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_json(dataset, target)
        else:
            write_tables(dataset, out, args.format)
    except (DrugfreeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {rows:,}" for name, rows in dataset.counts().items())
    print(f"wrote {out} in {time.perf_counter() - started:.1f} s: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
