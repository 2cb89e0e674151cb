"""Readable descriptions of rules, thresholds and parameter values, in the reader's language.

Every phrase is a catalogue message (:mod:`drugfree_core.i18n`); the texts a rule carries
itself (a custom rule's description, a reason for *unknown*) are data in both languages.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from drugfree_core.i18n import (
    LABELS,
    Message,
    Text,
    bilingual,
    format_count,
    format_duration,
    format_number,
    format_percent,
    label,
    localize,
    msg,
    msgn,
    resolve_lang,
    yes_no,
)
from drugfree_core.model import Provenance
from drugfree_core.model.enums import RehabForm
from drugfree_core.rules import primitives as p
from drugfree_core.rules.params import Deadline, Period, Window

Resolve = Callable[[Any], Any]

#: What each provenance tag says, in words a reader understands (tags stay in the data).
PROVENANCE_WORDS: dict[Provenance, Message] = {
    Provenance.READ: msg("read in the legal text"),
    Provenance.READ_PARTIAL: msg("partly read in the legal text"),
    Provenance.ARTICLE: msg("from a news report; no legal text found"),
    Provenance.INFERRED: msg("the library's interpretation (an overridable parameter)"),
    Provenance.UNKNOWN: msg("no source found"),
}


def provenance_words(tag: Provenance | str, lang: str | None = None) -> str:
    """A provenance tag (``READ``, ``INFERRED``…) in words; an unknown tag as it is."""
    try:
        return PROVENANCE_WORDS[Provenance(tag)].render(lang)
    except ValueError:
        return str(tag)


# A reference to the project's research notes ("criteria.md §3.7") means nothing to a
# reader without them; a tag written inside a citation ("[INFERRED]") is said in words.
_REF = r"criteria\.md §[\d.]+(?:\s+(?:item|mục)\s+\d+)?(?:,\s*§[\d.]+(?:\s+(?:item|mục)\s+\d+)?)*"
_NOTES_REF = re.compile(rf"\s*\((?:see )?{_REF}\)|;?\s*{_REF}")
_TAG = re.compile(r"\[(READ-PARTIAL|READ|ARTICLE|INFERRED|UNKNOWN)\]")


def reader_text(text: str, lang: str | None = None) -> str:
    """*text* of the rule data for a reader: note references out, tags in words.

    A reference to the project's research notes (``criteria.md §3.4``) is dropped and a
    provenance tag written in the text (``[INFERRED]``) is said in words.
    """
    shown = _NOTES_REF.sub("", text)
    return _TAG.sub(lambda m: f"({provenance_words(m.group(1), lang)})", shown).strip()


def reader_citation(citation: str, lang: str | None = None) -> str:
    """*citation* (or a note) for a reader, in *lang* when the catalogue has it.

    The built-in rules' citations are in the catalogue
    (:func:`~drugfree_core.i18n.localize`): a Vietnamese reader gets the legal reference
    and its explanation in Vietnamese. Then as :func:`reader_text`.
    """
    return reader_text(localize(citation, lang), lang)


def percent_text(share: Fraction, lang: str | None = None) -> str:
    """A share as a percentage with up to four decimals: ``0,05 %`` (vi), ``0.05%`` (en)."""
    return format_percent(share, lang, 0, max_digits=4)


def _deadline_words(deadline: Deadline, lang: str | None) -> str:
    if deadline.unit == "working_days":
        return msgn("{n} working day", "{n} working days", deadline.amount).render(lang)
    if deadline.unit == "hours":
        return msgn("{n} hour", "{n} hours", deadline.amount).render(lang)
    return format_duration(days=deadline.amount, lang=lang)


def _word(value: str, lang: str | None) -> str:
    """A word of a setting in the reader's language; an unknown one as it is written.

    A rehab form and its rank (``"compulsory_facility:first"``, a key of the terms that
    differ by rank) reads as the form, then the rank.
    """
    if value in LABELS:
        return label(value, lang)
    form, _, rank = value.partition(":")
    if form in LABELS and rank == "first":
        return msg("{form}, first time", form=label(form, lang)).render(lang)
    if form in LABELS and rank == "later":
        return msg("{form}, a later time", form=label(form, lang)).render(lang)
    return value


def describe_value(value: Any, lang: str | None = None) -> str:
    """A parameter's value in words: ``1 năm``, ``có``, ``cai bắt buộc tại cơ sở``, ``30 %``.

    Never a Python representation: periods are durations, booleans yes or no, shares
    percentages, enumerations and codes their labels, collections lists of those.
    """
    if value is None:
        return msg("not known").render(lang)
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, Fraction):
        return percent_text(value, lang)
    if isinstance(value, int):
        return format_count(value, lang)
    if isinstance(value, float):
        return format_number(value, lang, 0, max_digits=4)
    if isinstance(value, Period):
        return format_duration(value.years, value.months, value.days, lang)
    if isinstance(value, enum.Enum):
        return describe_value(value.value, lang)
    if isinstance(value, str):
        return _word(value, lang)
    if isinstance(value, Deadline):
        return _deadline_words(value, lang)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{describe_value(k, lang)}: "
            + (msg("no limit").render(lang) if v is None else describe_value(v, lang))
            for k, v in value.items()
        )
    if isinstance(value, tuple | list | frozenset | set):
        items = [describe_value(v, lang) for v in value]
        # An order is data (a level order): keep it; a set reads sorted.
        shown = items if isinstance(value, tuple | list) else sorted(items)
        return ", ".join(shown) or msg("none").render(lang)
    return str(value)


def _num(value: Any, lang: str | None) -> str:
    if value is None:
        return "?"
    if isinstance(value, Fraction):
        return percent_text(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang, 0, max_digits=4)
    return str(value)


_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def threshold_text(rule: p.Compare | p.InBand, resolve: Resolve, lang: str | None = "en") -> str:
    """The threshold of a comparison, e.g. ``≤ 9`` or ``0.05% – < 0.1%`` (in *lang*)."""
    return threshold_message(rule, resolve).render(lang)


def threshold_message(rule: p.Compare | p.InBand, resolve: Resolve) -> Message:
    """The threshold of a comparison as a message, its numbers written when it is shown.

    An evaluation keeps it so, like its reasons: a Vietnamese reader gets ``≥ 0,5 %`` and
    ``≥ 3.000`` (three thousand), never the English ``0.5%`` and ``3,000``. A whole number
    is written as a count and a share as a percentage with up to four decimals; a bound
    that is neither (a plugin's own value) is written in each language now.
    """
    bounds = [rule.value] if isinstance(rule, p.Compare) else [rule.lower, rule.upper]
    shown = [_as_param(resolve(bound)) for bound in bounds]
    if isinstance(rule, p.Compare):
        # Translators: a threshold, e.g. "≥ 0.5%" or "≤ 9" (op is a symbol: ≥ ≤ > < =).
        return msg("{op} {value}", op=_SYMBOLS[rule.op.value], value=shown[0])
    # Translators: a band of thresholds, e.g. "0.05% – < 0.1%".
    return msg("{lower} – < {upper}", lower=shown[0], upper=shown[1])


def count_limit(threshold: Text) -> tuple[str, int] | None:
    """The symbol and whole number of a comparison with a count (``≤ 9``), else None.

    Read off the values of a :func:`threshold_message`. A threshold already in words (a
    result read back from JSON, written in either language) is read only when its number
    has no separator, which the languages write differently (``1.000`` is a thousand in
    Vietnamese and one in English). A share, a band or an engine word is no count limit.
    """
    if isinstance(threshold, Message):
        values = dict(threshold.params)
        op, value = values.get("op"), values.get("value")
        if threshold.msgid != "{op} {value}" or not isinstance(op, str):
            return None
        return (op, value) if isinstance(value, int) else None
    found = _COUNT_LIMIT.match(threshold)
    return None if found is None else (found.group(1), int(found.group(2)))


_COUNT_LIMIT = re.compile(r"^\s*(≤|<|≥|>|=)\s*(-?\d+)\s*$")


def _as_param(value: Any) -> int | Fraction | str | Message:
    """*value* as a message parameter written as :func:`_num` writes it in each language."""
    if value is None:
        return "?"
    if isinstance(value, Fraction) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return bilingual(_num(value, "en"), _num(value, "vi"))


def describe_population(pop: p.Population, lang: str | None = None) -> str:
    """E.g. ``addicts (while management runs; excluding those in a facility or custody)``."""
    code = resolve_lang(lang)
    kinds = ", ".join(label(k.value, code) for k in sorted(pop.kinds, key=lambda k: k.value))
    extras = []
    if pop.with_record:
        extras.append(msg("with a management record").render(code))
    if pop.under_management is not False:
        extras.append(msg("while management runs").render(code))
    if pop.exempt_forms or pop.exempt_custody is not False or pop.exempt_facility is not False:
        extras.append(msg("excluding those in a facility or custody").render(code))
    community = _community_forms(pop.exempt_forms)
    if community:
        forms = ", ".join(label(f.value, code) for f in community)
        extras.append(msg("excluding those in {forms}", forms=forms).render(code))
    if pop.exempt_running:
        running = ", ".join(label(k.value, code) for k in pop.exempt_running)
        extras.append(
            msg("excluding {people} under running management", people=running).render(code)
        )
    if not extras:
        return kinds
    return msg("{people} ({conditions})", people=kinds, conditions="; ".join(extras)).render(code)


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


def describe_window(window: Any, lang: str | None = None) -> str:
    """A window: ``in the assessment period``, ``on the reference date`` or ``within 1 year``."""
    code = resolve_lang(lang)
    if isinstance(window, Window) or window in {w.value for w in Window}:
        if Window(window) is Window.ASSESSMENT_PERIOD:
            return msg("in the assessment period").render(code)
        return msg("on the reference date").render(code)
    if isinstance(window, Period):
        duration = format_duration(window.years, window.months, window.days, code)
        return msg("within {duration}", duration=duration).render(code)
    return f"({window})"


def describe_predicate(pred: p.SubjectPredicate, lang: str | None, resolve: Resolve) -> str:
    """A short phrase for a subject predicate."""
    code = resolve_lang(lang)
    if isinstance(pred, p.HasManagementRecord):
        return msg("has a management record").render(code)
    if isinstance(pred, p.SupportProvided):
        return msg("receives reintegration support").render(code)
    if isinstance(pred, p.InCustody):
        return msg("is in custody").render(code)
    if isinstance(pred, p.InTreatment):
        return msg("is in rehab or treatment").render(code)
    if isinstance(pred, p.NegativeTestWithin):
        days = resolve(pred.days)
        if not isinstance(days, int):
            return msg("negative test within a window not known").render(code)
        duration = format_duration(days=days, lang=code)
        return msg("negative test within {duration}", duration=duration).render(code)
    if isinstance(pred, p.TestedDuringManagement):
        # Every schedule listed must have a test (periodic and surprise).
        kinds = (
            msg(" and ")
            .render(code)
            .join(label(s.value, code) for s in sorted(pred.schedules, key=lambda s: s.value))
        )
        return msg("tested during management ({schedules})", schedules=kinds).render(code)
    if isinstance(pred, p.SubjectAllOf | p.SubjectAnyOf):
        joiner = msg(" and ") if isinstance(pred, p.SubjectAllOf) else msg(" or ")
        return joiner.render(code).join(
            describe_predicate(x, code, resolve) for x in pred.predicates
        )
    if isinstance(pred, p.SubjectNot):
        inner = describe_predicate(pred.predicate, code, resolve)
        return msg("not: {condition}", condition=inner).render(code)
    return type(pred).__name__


def describe_measure(
    measure: p.Measure, lang: str | None = None, resolve: Resolve | None = None
) -> str:
    """A short phrase for a measure (*resolve* reads the parameters it names)."""
    code = resolve_lang(lang)
    resolve = resolve or (lambda x: x)
    if isinstance(measure, p.ResidentViolations):
        window = describe_window(resolve(measure.window), code)
        return msg(
            "residents who violated the drug law in the unit {window}", window=window
        ).render(code)
    if isinstance(measure, p.WantedFugitives):
        window = describe_window(resolve(measure.window), code)
        return msg(
            "people wanted for a drug crime hiding in the unit {window}", window=window
        ).render(code)
    if isinstance(measure, p.DrugUseLocations):
        window = describe_window(resolve(measure.window), code)
        return msg("locations organising or harbouring drug use {window}", window=window).render(
            code
        )
    if isinstance(measure, p.CommuneShare):
        what = (
            ", ".join(label(lv, code) for lv in measure.levels)
            if measure.levels
            else msg("passing").render(code)
        )
        return msg(
            "share of commune-level units {levels} ({scheme})",
            levels=what,
            scheme=measure.scheme_id,
        ).render(code)
    if isinstance(measure, p.SubjectCount):
        pop = describe_population(measure.population, code)
        return msg("number of {people}", people=pop).render(code)
    if isinstance(measure, p.SubjectRate):
        pop = describe_population(measure.population, code)
        return msg("{people} per resident population", people=pop).render(code)
    name = label(measure.kind.value, code)
    if isinstance(measure, p.FactRate):
        return msg("{fact} per resident population", fact=name).render(code)
    if isinstance(measure, p.FactTotal):
        return f"{name} {describe_window(resolve(measure.lookback), code)}"
    return name


def describe_rule(rule: p.Rule, lang: str | None, resolve: Resolve) -> str:
    """A one-line description of a rule node (not of its children)."""
    code = resolve_lang(lang)
    vi = code == "vi"
    if isinstance(rule, p.AllSatisfy):
        pop = describe_population(rule.population, code)
        pred = describe_predicate(rule.predicate, code, resolve)
        return msg("every one of {people}: {condition}", people=pop, condition=pred).render(code)
    if isinstance(rule, p.Compare | p.InBand):
        measure = describe_measure(rule.measure, code, resolve)
        return f"{measure} {threshold_text(rule, resolve, code)}"
    if isinstance(rule, p.NotYetKnown):
        return rule.reason_vi if vi else rule.reason_en
    if isinstance(rule, p.ParamFlag):
        value = resolve(rule.parameter)
        if isinstance(value, bool):
            return msg(
                "parameter {parameter}: {value}",
                parameter=rule.parameter.id,
                value=yes_no(value, code),
            ).render(code)
        shown = value if isinstance(value, str) else rule.parameter.id
        return msg("parameter {parameter}", parameter=shown).render(code)
    if isinstance(rule, p.AllOf):
        return msg("all of the following").render(code)
    if isinstance(rule, p.AnyOf):
        return msg("any of the following").render(code)
    if isinstance(rule, p.AtLeast):
        return msg("at least {k} of these {n}", k=rule.k, n=len(rule.rules)).render(code)
    if isinstance(rule, p.Not):
        return msg("not the following").render(code)
    if isinstance(rule, p.PythonRule):
        return rule.description_vi if vi else rule.description_en
    return type(rule).__name__
