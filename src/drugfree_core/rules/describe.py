"""Readable descriptions of rules and thresholds, in Vietnamese or English."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from drugfree_core.i18n import Lang, label
from drugfree_core.rules import primitives as p

Resolve = Callable[[Any], Any]


def percent_text(share: Fraction) -> str:
    """A share as a percentage with up to four decimals, e.g. ``0.05 %`` or ``30 %``."""
    text = f"{float(share * 100):.4f}".rstrip("0").rstrip(".")
    return f"{text} %"


def _num(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, Fraction):
        return percent_text(value)
    return str(value)


def threshold_text(rule: p.Compare | p.InBand, resolve: Resolve) -> str:
    """The threshold of a comparison, e.g. ``≤ 9`` or ``0.05 % – < 0.1 %``."""
    if isinstance(rule, p.Compare):
        symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}[rule.op.value]
        return f"{symbol} {_num(resolve(rule.value))}"
    return f"{_num(resolve(rule.lower))} – < {_num(resolve(rule.upper))}"


def describe_population(pop: p.Population, lang: Lang) -> str:
    """E.g. ``addicts (excluding compulsory rehab at a facility, custody)``."""
    kinds = ", ".join(label(k.value, lang) for k in sorted(pop.kinds, key=lambda k: k.value))
    extras = []
    if pop.with_record:
        extras.append("có hồ sơ quản lý" if lang == "vi" else "with a management record")
    if pop.under_management is not False:
        extras.append("còn thời hạn quản lý" if lang == "vi" else "while management runs")
    if pop.exempt_forms or pop.exempt_custody is not False:
        extras.append(
            "trừ người đang ở cơ sở/trại"
            if lang == "vi"
            else "excluding those in a facility or custody"
        )
    return kinds + (f" ({'; '.join(extras)})" if extras else "")


def describe_predicate(pred: p.SubjectPredicate, lang: Lang, resolve: Resolve) -> str:
    """A short phrase for a subject predicate."""
    vi = lang == "vi"
    if isinstance(pred, p.HasManagementRecord):
        return "có hồ sơ quản lý" if vi else "has a management record"
    if isinstance(pred, p.SupportProvided):
        return "được hỗ trợ tái hòa nhập" if vi else "receives reintegration support"
    if isinstance(pred, p.InCustody):
        return "đang bị giam giữ" if vi else "is in custody"
    if isinstance(pred, p.InTreatment):
        return "đang cai nghiện/điều trị" if vi else "is in rehab or treatment"
    if isinstance(pred, p.NegativeTestWithin):
        days = resolve(pred.days)
        return (
            f"xét nghiệm âm tính trong {days} ngày" if vi else f"negative test within {days} days"
        )
    if isinstance(pred, p.TestedDuringManagement):
        kinds = "/".join(sorted(s.value for s in pred.schedules))
        return f"được xét nghiệm ({kinds})" if vi else f"tested ({kinds}) during management"
    if isinstance(pred, p.SubjectAllOf | p.SubjectAnyOf):
        joiner = (
            (" và " if vi else " and ")
            if isinstance(pred, p.SubjectAllOf)
            else (" hoặc " if vi else " or ")
        )
        return joiner.join(describe_predicate(x, lang, resolve) for x in pred.predicates)
    if isinstance(pred, p.SubjectNot):
        return ("không " if vi else "not ") + describe_predicate(pred.predicate, lang, resolve)
    return type(pred).__name__


def describe_measure(measure: p.Measure, lang: Lang) -> str:
    """A short phrase for a measure."""
    vi = lang == "vi"
    if isinstance(measure, p.SubjectCount):
        return ("số " if vi else "number of ") + describe_population(measure.population, lang)
    if isinstance(measure, p.SubjectRate):
        pop = describe_population(measure.population, lang)
        return f"tỷ lệ {pop} trên dân số" if vi else f"{pop} per resident population"
    name = label(measure.kind.value, lang)
    if isinstance(measure, p.FactRate):
        return f"{name} trên dân số" if vi else f"{name} per resident population"
    return name


def describe_rule(rule: p.Rule, lang: Lang, resolve: Resolve) -> str:
    """A one-line description of a rule node (not of its children)."""
    vi = lang == "vi"
    if isinstance(rule, p.AllSatisfy):
        pop = describe_population(rule.population, lang)
        pred = describe_predicate(rule.predicate, lang, resolve)
        return f"mọi {pop}: {pred}" if vi else f"every one of {pop}: {pred}"
    if isinstance(rule, p.Compare | p.InBand):
        return f"{describe_measure(rule.measure, lang)} {threshold_text(rule, resolve)}"
    if isinstance(rule, p.NotYetKnown):
        return rule.reason_vi if vi else rule.reason_en
    if isinstance(rule, p.AllOf):
        return "tất cả các điều kiện sau" if vi else "all of the following"
    if isinstance(rule, p.AnyOf):
        return "ít nhất một điều kiện sau" if vi else "any of the following"
    if isinstance(rule, p.AtLeast):
        n = len(rule.rules)
        return f"ít nhất {rule.k}/{n} điều kiện sau" if vi else f"at least {rule.k} of these {n}"
    if isinstance(rule, p.Not):
        return "không thỏa mãn" if vi else "not the following"
    if isinstance(rule, p.PythonRule):
        return rule.description_vi if vi else rule.description_en
    return type(rule).__name__
