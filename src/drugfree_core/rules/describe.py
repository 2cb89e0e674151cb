"""Readable descriptions of rules and thresholds, in Vietnamese or English."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from drugfree_core.i18n import Lang, label
from drugfree_core.model.enums import RehabForm
from drugfree_core.rules import primitives as p
from drugfree_core.rules.params import Period, Window

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
    if pop.exempt_forms or pop.exempt_custody is not False or pop.exempt_facility is not False:
        extras.append(
            "trừ người đang ở cơ sở/trại"
            if lang == "vi"
            else "excluding those in a facility or custody"
        )
    community = _community_forms(pop.exempt_forms)
    if community:
        forms = ", ".join(label(f.value, lang) for f in community)
        extras.append(f"trừ người đang {forms}" if lang == "vi" else f"excluding those in {forms}")
    if pop.exempt_running:
        running = ", ".join(label(k.value, lang) for k in pop.exempt_running)
        extras.append(
            f"trừ {running} còn thời hạn quản lý"
            if lang == "vi"
            else f"excluding {running} under running management"
        )
    return kinds + (f" ({'; '.join(extras)})" if extras else "")


def _community_forms(forms: Any) -> tuple[RehabForm, ...]:
    """The exempt forms, when given as such, that are not at a facility (say them)."""
    if not isinstance(forms, (tuple, frozenset, set)):
        return ()  # a parameter: the catalogue shows its value
    facility = {RehabForm.COMPULSORY_FACILITY, RehabForm.VOLUNTARY_FACILITY}
    return tuple(
        sorted(
            (f for f in forms if isinstance(f, RehabForm) and f not in facility),
            key=lambda f: f.value,
        )
    )


def describe_window(window: Any, lang: Lang) -> str:
    """A window: ``in the assessment period``, ``on the date`` or ``over 1 year``."""
    vi = lang == "vi"
    if isinstance(window, Window) or window in {w.value for w in Window}:
        if Window(window) is Window.ASSESSMENT_PERIOD:
            return "trong kỳ đánh giá" if vi else "in the assessment period"
        return "tại ngày tham chiếu" if vi else "on the reference date"
    if isinstance(window, Period):
        return f"trong {window}" if not vi else f"trong {_period_vi(window)}"
    return f"({window})"


def _period_vi(period: Period) -> str:
    names = ((period.years, "năm"), (period.months, "tháng"), (period.days, "ngày"))
    return " ".join(f"{n} {name}" for n, name in names if n) or "0 ngày"


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


def describe_measure(measure: p.Measure, lang: Lang, resolve: Resolve | None = None) -> str:
    """A short phrase for a measure (*resolve* reads the parameters it names)."""
    vi = lang == "vi"
    resolve = resolve or (lambda x: x)
    if isinstance(measure, p.ResidentViolations):
        window = describe_window(resolve(measure.window), lang)
        return (
            f"số người cư trú vi phạm pháp luật về ma túy trên địa bàn {window}"
            if vi
            else f"residents who violated the drug law in the unit {window}"
        )
    if isinstance(measure, p.WantedFugitives):
        window = describe_window(resolve(measure.window), lang)
        return (
            f"số đối tượng truy nã về ma túy lẩn trốn trên địa bàn {window}"
            if vi
            else f"people wanted for a drug crime hiding in the unit {window}"
        )
    if isinstance(measure, p.DrugUseLocations):
        window = describe_window(resolve(measure.window), lang)
        return (
            f"số điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy {window}"
            if vi
            else f"locations organising or harbouring drug use {window}"
        )
    if isinstance(measure, p.CommuneShare):
        what = ", ".join(measure.levels) if measure.levels else ("đạt" if vi else "passing")
        return (
            f"tỷ lệ đơn vị cấp xã thuộc {what} ({measure.scheme_id})"
            if vi
            else f"share of commune-level units {what} ({measure.scheme_id})"
        )
    if isinstance(measure, p.SubjectCount):
        return ("số " if vi else "number of ") + describe_population(measure.population, lang)
    if isinstance(measure, p.SubjectRate):
        pop = describe_population(measure.population, lang)
        return f"tỷ lệ {pop} trên dân số" if vi else f"{pop} per resident population"
    name = label(measure.kind.value, lang)
    if isinstance(measure, p.FactRate):
        return f"{name} trên dân số" if vi else f"{name} per resident population"
    if isinstance(measure, p.FactTotal):
        return f"{name} {describe_window(resolve(measure.lookback), lang)}"
    return name


def describe_rule(rule: p.Rule, lang: Lang, resolve: Resolve) -> str:
    """A one-line description of a rule node (not of its children)."""
    vi = lang == "vi"
    if isinstance(rule, p.AllSatisfy):
        pop = describe_population(rule.population, lang)
        pred = describe_predicate(rule.predicate, lang, resolve)
        return f"mọi {pop}: {pred}" if vi else f"every one of {pop}: {pred}"
    if isinstance(rule, p.Compare | p.InBand):
        return f"{describe_measure(rule.measure, lang, resolve)} {threshold_text(rule, resolve)}"
    if isinstance(rule, p.NotYetKnown):
        return rule.reason_vi if vi else rule.reason_en
    if isinstance(rule, p.ParamFlag):
        value = resolve(rule.parameter)
        shown = value if isinstance(value, str) else rule.parameter.id
        if isinstance(value, bool):
            state = ("đúng" if value else "sai") if vi else ("yes" if value else "no")
            return (
                f"tham số {rule.parameter.id}: {state}"
                if vi
                else (f"parameter {rule.parameter.id}: {state}")
            )
        return f"tham số {shown}" if vi else f"parameter {shown}"
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
