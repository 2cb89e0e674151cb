"""Thresholds are said in the reader's language, like every other number (found in stop 32).

An evaluation keeps each comparison's threshold as a message and writes its numbers
when it is shown: a Vietnamese reader of ``≥ 3,000`` would read three, not three
thousand. The words for rules and descriptions stay what they were.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

from conftest import build_dataset, commune, complete_reports, days, make_records, province
from hypothesis import given
from hypothesis import strategies as st

from drugfree_core.engine import evaluate
from drugfree_core.engine.tabular import evaluation_frame
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n import Message, format_count, format_number, format_percent, use_lang
from drugfree_core.model import FactKind, UnitFact
from drugfree_core.reports.gaps import criterion_shortfalls
from drugfree_core.rules import primitives as p
from drugfree_core.rules.describe import count_limit, threshold_message, threshold_text
from drugfree_core.rules.params import Period
from drugfree_core.schemes.qd28_complex_areas import SCHEME as QD28

ON = dt.date(2025, 10, 1)
_MEASURE = p.FactTotal(kind=FactKind.NARCOTIC_PLANTS_COUNT, lookback=Period(years=1))


def _same(value: object) -> object:
    return value


def _compare(value: object, op: p.Op = p.Op.GE) -> p.Compare:
    return p.Compare(_MEASURE, op, value)  # type: ignore[arg-type]


def test_numbers_of_a_threshold_follow_the_reader() -> None:
    cases = [
        (_compare(3000), "≥ 3,000", "≥ 3.000"),
        (_compare(Fraction(1, 200)), "≥ 0.5%", "≥ 0,5 %"),
        (_compare(Fraction(1, 2000), p.Op.LE), "≤ 0.05%", "≤ 0,05 %"),
        (_compare(None), "≥ ?", "≥ ?"),
        (
            p.InBand(measure=_MEASURE, lower=Fraction(1, 2000), upper=Fraction(1, 1000)),
            "0.05% – < 0.1%",
            "0,05 % – < 0,1 %",
        ),
        (p.InBand(measure=_MEASURE, lower=500, upper=None), "500 – < ?", "500 – < ?"),
    ]
    for rule, en, vi in cases:
        message = threshold_message(rule, _same)
        assert isinstance(message, Message)
        assert (message.render("en"), message.render("vi")) == (en, vi)
        assert (threshold_text(rule, _same, "en"), threshold_text(rule, _same, "vi")) == (en, vi)
        # kept as data: the same words after a trip through JSON
        again = Message.from_dict(json.loads(json.dumps(message.to_dict())))
        assert again.render("vi") == vi


_BOUNDS = st.one_of(
    st.none(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.fractions(min_value=0, max_value=2, max_denominator=10**6),
)


@given(value=_BOUNDS, op=st.sampled_from(p.Op), lang=st.sampled_from(["en", "vi"]))
def test_a_threshold_reads_as_the_rule_descriptions_always_wrote_it(
    value: int | Fraction | None, op: p.Op, lang: str
) -> None:
    # The words before thresholds became messages: a count as a number with up to four
    # decimals, a share as a percentage with up to four, an unknown bound as "?".
    if value is None:
        words = "?"
    elif isinstance(value, Fraction):
        words = format_percent(value, lang, 0, max_digits=4)
    else:
        words = format_number(value, lang, 0, max_digits=4)
        assert words == format_count(value, lang)
    symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}[op.value]
    assert threshold_text(_compare(value, op), _same, lang) == f"{symbol} {words}"


def test_a_bound_that_is_not_a_count_or_a_share_is_written_in_each_language() -> None:
    # A plugin's own value (a float): each language's words, four decimals at most.
    message = threshold_message(p.InBand(measure=_MEASURE, lower=0.125, upper=1234.5), _same)
    assert message.render("en") == "0.125 – < 1,234.5"
    assert message.render("vi") == "0,125 – < 1.234,5"


def _plants_dataset(plants: float, area: float | None = None) -> object:
    end = ON - days(10)
    facts = [
        UnitFact(
            unit_code="U1",
            kind=kind,
            period_start=end - days(30),
            period_end=end,
            value=value,
        )
        for kind, value in (
            (FactKind.NARCOTIC_PLANTS_COUNT, plants),
            (FactKind.NARCOTIC_PLANTS_AREA_M2, area),
        )
        if value is not None
    ]
    # The rest of the period reported as nothing found: the totals are exact.
    return build_dataset(
        make_records(
            [province(), commune("U1", population=10_000)], unit_facts=complete_reports(facts)
        )
    )


def _nodes(result: dict[str, object]) -> list[dict[str, object]]:
    children = result.get("children", [])
    assert isinstance(children, list)
    return [result, *(n for c in children for n in _nodes(c))]


def _thresholds(document: str) -> set[object]:
    units = json.loads(document)["units"]
    return {n.get("threshold") for u in units for c in u["criteria"] for n in _nodes(c["result"])}


def test_an_evaluation_writes_its_thresholds_in_the_language_in_force() -> None:
    dataset = _plants_dataset(2999)
    # Written straight from the engine's columns (no unit objects built yet), in turn in
    # each language: the words change, the encoded message each document renders once.
    columns = evaluate(dataset, QD28, ON)  # type: ignore[arg-type]
    fast = {}
    for lang in ("vi", "en", "vi"):
        with use_lang(lang):
            fast[lang] = columns.to_json()
    assert {"≥ 3.000", "≥ 2/4"} <= _thresholds(fast["vi"])
    assert {"≥ 3,000", "≥ 2 of 4"} <= _thresholds(fast["en"])
    evaluation = evaluate(dataset, QD28, ON)  # type: ignore[arg-type]
    unit = evaluation.units[0]
    plants = unit.criterion("T1.d").result.children[0]  # T1.d: plants or area
    assert isinstance(plants.threshold, Message)
    assert plants.in_words("vi").threshold == "≥ 3.000"
    assert plants.in_words("en").threshold == "≥ 3,000"
    for lang, words, at_least in (("vi", "≥ 3.000", "≥ 2/4"), ("en", "≥ 3,000", "≥ 2 of 4")):
        with use_lang(lang):
            # the result objects' JSON: the same as the columns'
            assert evaluation.to_json() == fast[lang]
            table = evaluation_frame(evaluation)
            assert words in set(table["threshold"].drop_nulls().to_list())
        explained = explain_unit(unit, evaluation, QD28, lang)  # type: ignore[arg-type]
        assert f"{words})" in explained and f"{at_least})" in explained
    vietnamese = explain_unit(unit, evaluation, QD28, "vi")  # type: ignore[arg-type]
    assert "0.5%" not in vietnamese and " of " not in vietnamese


def test_a_count_limit_is_read_off_the_message_not_its_words() -> None:
    assert count_limit(threshold_message(_compare(3000), _same)) == ("≥", 3000)
    assert count_limit(threshold_message(_compare(9, p.Op.LE), _same)) == ("≤", 9)
    # a share, a band, an unknown bound and the engine's words are no count limits
    for rule in (
        _compare(Fraction(1, 200)),
        _compare(None),
        p.InBand(measure=_MEASURE, lower=500, upper=3000),
    ):
        assert count_limit(threshold_message(rule, _same)) is None
    for word in ("all", "any", "custom", "—", ""):
        assert count_limit(word) is None
    # words read back from JSON: only a number without separators can be read
    assert count_limit("≤ 9") == ("≤", 9)
    assert count_limit("≤ 1.000") is None  # a thousand in Vietnamese, one in English
    assert count_limit("≥ 3,000") is None
    assert count_limit("≥ 0,5 %") is None


def test_a_shortfall_counts_to_a_limit_written_with_a_separator() -> None:
    # 2,999 plants against "at least 3,000": one plant short, as 0 m² is 750 m² short
    evaluation = evaluate(_plants_dataset(2999, area=0), QD28, ON)  # type: ignore[arg-type]
    shortfalls = criterion_shortfalls(evaluation.units[0].criterion("T1.d"))
    assert [(s.rule_id, s.count) for s in shortfalls] == [("T1.d.1", 1), ("T1.d.2", 750)]
