"""The privacy rule for messages is written down where users read it, and it is tested.

``docs/explanation/privacy.md`` states the rule and names the tests that check it; this
keeps the two together: the rule's sentence is there, every test file it names exists,
and each fuzz test among them checks for personal values (``secrets``) in what it sees.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "explanation" / "privacy.md"
RULE = "No value of a personal field ever appears in an error, a warning or a log line."


def test_the_rule_is_in_the_privacy_page() -> None:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert RULE in text.replace("**", "")


def test_every_test_the_page_names_exists_and_checks_personal_values() -> None:
    text = PAGE.read_text(encoding="utf-8")
    named = sorted(set(re.findall(r"`(tests/[\w/.]+)`", text)))
    assert "tests/test_fuzz_doors.py" in named and "tests/corpus/" in named
    for name in named:
        path = ROOT / name
        assert path.exists(), f"privacy.md names {name}, which does not exist"
        if path.name.startswith("test_fuzz"):
            assert "secret" in path.read_text(encoding="utf-8"), name
    corpus = [p for p in (ROOT / "tests" / "corpus").glob("*.toml") if "secrets" in p.read_text()]
    assert len(corpus) >= 15  # the corpus's cases with personal values in them
