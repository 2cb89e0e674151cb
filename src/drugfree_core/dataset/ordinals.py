"""English ordinals for problem locations ("the 2nd column of the header").

Its own module: the table door names header columns with it, and importing the JSON
document's module for it would import cattrs in every process that reads tables.
"""

from __future__ import annotations


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``21st``..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
