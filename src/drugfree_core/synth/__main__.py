"""``python -m drugfree_core.synth``: the same as ``drugfree synth`` (kept for scripts).

Usage::

    drugfree synth --preset demo --seed 7 --out data/demo
    drugfree synth --preset scaled --units 300 --subjects 20000 --out data/s
    drugfree synth --preset national --format parquet --out data/national
    drugfree synth --preset demo --format json --out demo.json

Tables go to the ``--out`` folder (``units.csv``, ...); with ``--format json`` the
document is written to ``--out`` if it ends in ``.json``, else to ``<out>/dataset.json``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``drugfree synth`` with *argv* (default: the command line); 0 on success.

    A usage error exits (:class:`SystemExit` with status 2) after saying what is wrong.
    """
    from drugfree_core.cli.main import cli

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(["synth", *args], prog_name="drugfree")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
