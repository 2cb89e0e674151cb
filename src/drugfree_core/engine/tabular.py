"""An evaluation as one table: a row per unit and rule node, for Parquet and dataframes.

The JSON form nests each criterion's rule tree under its unit; analysts who load results
into a dataframe or a database want them flat. :func:`evaluation_frame` gives one row per
(unit, rule node) — the criterion's root first, then its parts in depth-first order —
with the unit's verdict repeated on each row, and :func:`write_evaluation_parquet` writes
it with the evaluation's header (scheme, date, library version, parameters, summary) as
Parquet key-value metadata under :data:`PARQUET_METADATA_KEY`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import polars as pl

from drugfree_core._polars_paths import polars_target
from drugfree_core.engine.node_table import SUBJECT_COLUMNS, TABLE_SCHEMA
from drugfree_core.engine.results import Evaluation

#: The Parquet metadata key holding the evaluation's header as JSON.
PARQUET_METADATA_KEY = "drugfree.evaluation"
#: The version of the table layout, in the header (``format``).
TABLE_FORMAT = "drugfree-evaluation-table/1"

_SCHEMA = TABLE_SCHEMA
_SUBJECTS = SUBJECT_COLUMNS


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A rule node as the JSON writes it, and its parts, depth first (the JSON's order)."""
    out = [node]
    for child in node.get("children", ()):
        out.extend(_nodes(child))
    return out


def evaluation_frame(evaluation: Evaluation, *, include_subjects: bool = False) -> pl.DataFrame:
    """One row per unit and rule node; subject ids only with *include_subjects*.

    Columns: the unit (``unit_code``, ``unit_name``, ``province_code``, ``verdict``,
    ``level``, ``affected_by``), the criterion (``criterion_id``, ``provenance`` and
    ``overridden_by``; its ``outcome`` is that of the root node's row, where
    ``node_id == criterion_id``), the node (``node_id``, ``rule``, ``outcome``,
    ``observed``, ``numerator``, ``denominator``, ``threshold``, ``reason``) and how
    many people made it fail or left it undecided (``failing_count``, ``unknown_count``);
    with *include_subjects* also their ids (``failing_subjects``, ``unknown_subjects``).
    Empty texts are null. The rows say what the evaluation's JSON says, in the language
    in force; they are put together from the engine's columns, without unit objects.
    """
    if evaluation.build_table is not None:
        return evaluation.build_table(include_subjects, evaluation.verdicts)
    return frame_from_json(evaluation, include_subjects=include_subjects)


def frame_from_json(evaluation: Evaluation, *, include_subjects: bool = False) -> pl.DataFrame:
    """:func:`evaluation_frame` read off the evaluation's JSON form (its unit dicts).

    The way for an evaluation that carries no columns, and the reference the columnar
    table is tested against.
    """
    columns: dict[str, list[Any]] = {name: [] for name in _SCHEMA}
    subjects: dict[str, list[Any]] = {name: [] for name in _SUBJECTS}
    for unit in evaluation.unit_dicts(include_subjects=True):
        head = (
            unit["unit_code"],
            unit["unit_name"],
            unit["province_code"],
            unit["verdict"],
            unit.get("level"),
            unit.get("affected_by", []),
        )
        for criterion in unit["criteria"]:
            # the root's outcome is the criterion's (a pass downgraded to unknown)
            for node in _nodes(criterion["result"]):
                failing = node.get("failing_subjects", [])
                unknown = node.get("unknown_subjects", [])
                row = (
                    *head,
                    criterion["criterion_id"],
                    criterion["provenance"],
                    criterion.get("overridden_by"),
                    node["id"],
                    node["rule"],
                    node["outcome"],
                    node.get("observed"),
                    node.get("numerator"),
                    node.get("denominator"),
                    node.get("threshold") or None,
                    node.get("reason") or None,
                    len(failing),
                    len(unknown),
                )
                for name, value in zip(_SCHEMA, row, strict=True):
                    columns[name].append(value)
                if include_subjects:
                    subjects["failing_subjects"].append(failing)
                    subjects["unknown_subjects"].append(unknown)
    frame = pl.DataFrame(columns, schema=_SCHEMA)
    if include_subjects:
        frame = frame.with_columns(
            pl.Series(name, values, dtype=_SUBJECTS[name]) for name, values in subjects.items()
        )
    return frame


def evaluation_header(evaluation: Evaluation, *, include_subjects: bool = False) -> dict[str, Any]:
    """The evaluation without its units, as in its JSON: scheme, date, parameters, summary.

    Quarantined records are listed without their ids and unplaced people counted, as in
    aggregate JSON; ``format`` names the table layout and ``subjects_included`` says
    whether the table holds subject ids.
    """
    from drugfree_core.engine.serialize import evaluation_header as header_dict

    header = header_dict(evaluation, include_subjects=False)
    header["format"] = TABLE_FORMAT
    header["subjects_included"] = include_subjects
    return header


def write_evaluation_parquet(
    evaluation: Evaluation, path: str | os.PathLike[str], *, include_subjects: bool = False
) -> None:
    """Write :func:`evaluation_frame` to *path* as Parquet, with the header as metadata."""
    header = evaluation_header(evaluation, include_subjects=include_subjects)
    frame = evaluation_frame(evaluation, include_subjects=include_subjects)
    with polars_target(Path(path), "wb") as sink:
        frame.write_parquet(
            sink, metadata={PARQUET_METADATA_KEY: json.dumps(header, ensure_ascii=False)}
        )


__all__ = [
    "PARQUET_METADATA_KEY",
    "TABLE_FORMAT",
    "evaluation_frame",
    "evaluation_header",
    "write_evaluation_parquet",
]
