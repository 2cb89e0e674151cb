"""Deterministic synthetic datasets: units before and after the 2025 reform, people, facts.

>>> from drugfree_core.synth import SynthConfig, generate
>>> dataset = generate(SynthConfig.demo(seed=7))

Everything is drawn from seeded numpy generators, column-wise, so the national preset
(3,321 units, 400,000 people, about 4 million tests) takes seconds, and the same config
always yields identical frames. The national preset's units and lineage are the bundled
official map (:mod:`drugfree_core.adminmap`); the demo and scaled presets invent theirs.
"""

from drugfree_core.synth.config import NATIONAL_PROVINCES, ProvinceSpec, SynthConfig
from drugfree_core.synth.generate import generate

__all__ = ["NATIONAL_PROVINCES", "ProvinceSpec", "SynthConfig", "generate"]
