"""Entry point of the generator: a :class:`SynthConfig` in, a :class:`Dataset` out."""

from __future__ import annotations

from drugfree_core.dataset import Dataset
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.coverage import build_coverage
from drugfree_core.synth.facts import build_facts
from drugfree_core.synth.findings import build_findings
from drugfree_core.synth.official import build_official_territory
from drugfree_core.synth.people import build_people
from drugfree_core.synth.territory import build_territory


def generate(config: SynthConfig) -> Dataset:
    """Generate a synthetic dataset; the same *config* (and seed) gives identical frames.

    Every table is supplied, coverage included: each generated commune-level unit is
    covered from ``history_start`` (or its creation) to ``as_of`` (or its end).
    """
    territory = build_official_territory(config) if config.official_map else build_territory(config)
    people = build_people(config, territory)
    facts = build_facts(config, territory, people.per_successor)
    findings = build_findings(config, territory, people.frames["residences"], facts)
    return Dataset.from_frames(
        {
            "units": territory.units,
            "lineage": territory.lineage,
            **people.frames,
            "unit_facts": facts,
            **findings,
            "coverage": build_coverage(config, territory.units),
        }
    )
