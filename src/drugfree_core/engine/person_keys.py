"""Which schemes the engine can count on people's keys instead of their ids.

:func:`drugfree_core.dataset.person_keys.with_person_keys` gives the data with a number
for each person, which sorts as the ids do. The engine's own rules only ever compare
people with each other (joins, groupings, counts, orders), so they give the same
verdicts on the numbers, faster. A custom criterion (:class:`~drugfree_core.rules.
primitives.PythonRule`) reads each unit's people as records, ids and all: a scheme with
one is evaluated on the ids.
"""

from __future__ import annotations

from drugfree_core.rules.primitives import CommuneShare, PythonRule, walk_values
from drugfree_core.rules.scheme import Scheme


def counts_on_person_keys(scheme: Scheme) -> bool:
    """Whether *scheme*'s verdicts may be evaluated on data with person keys.

    True unless one of its criteria, or of a scheme whose communes it counts (a commune
    share), is custom Python.
    """
    for criterion in scheme.criteria:
        for node in walk_values(criterion.rule):
            if isinstance(node, PythonRule):
                return False
            if isinstance(node, CommuneShare) and not counts_on_person_keys(node.scheme):
                return False
    return True


__all__ = ["counts_on_person_keys"]
