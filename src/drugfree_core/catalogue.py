"""The criteria catalogue: every registered scheme, criterion, parameter and roadmap.

:func:`render_catalogue` writes, in Vietnamese or English, one Markdown document listing
what a :class:`~drugfree_core.plugins.PluginHost` knows: each scheme with who registered
it and which provinces apply it, each criterion with both languages' titles, its rule
tree, effective dates, legal citation and provenance tag, the parameters it uses with
every dated value, then the roadmaps and campaign indicators. The documentation site is
built from it, and ``drugfree schemes --format markdown`` prints it, so a province can
publish the catalogue of its own plugin.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from drugfree_core._args import expect, expect_lang
from drugfree_core.i18n import Lang
from drugfree_core.model import Provenance
from drugfree_core.rules import primitives as p
from drugfree_core.rules.describe import describe_rule, percent_text
from drugfree_core.rules.params import Deadline, ParamRef, Period

if TYPE_CHECKING:
    from drugfree_core.plugins import PluginHost
    from drugfree_core.plugins.registrars import PluginRef
    from drugfree_core.rules import Criterion, Parameter, Roadmap, Scheme
    from drugfree_core.rules.indicator import Indicator

__all__ = ["OUTCOME_MEANING", "PROVENANCE_MEANING", "render_catalogue"]

#: What each provenance tag says about a rule or number, in (Vietnamese, English).
PROVENANCE_MEANING: dict[Provenance, tuple[str, str]] = {
    Provenance.READ: (
        "đọc trực tiếp trong văn bản được trích dẫn",
        "read in the cited legal text",
    ),
    Provenance.READ_PARTIAL: (
        "đọc được một phần trong văn bản; phần còn lại thiếu hoặc không rõ",
        "partly read in the cited text; the rest is missing or garbled",
    ),
    Provenance.ARTICLE: (
        "chỉ có trong bài báo; chưa tìm thấy văn bản pháp lý",
        "stated in a news report; no legal text found",
    ),
    Provenance.INFERRED: (
        "cách hiểu cần để tính toán; là tham số có thể thay đổi",
        "an interpretation needed to compute it; an overridable parameter",
    ),
    Provenance.UNKNOWN: (
        "đã tìm nhưng chưa thấy; kết quả luôn là chưa xác định",
        "looked for and not found; evaluates to unknown",
    ),
}

#: What each outcome of a rule, criterion or unit means, in (Vietnamese, English).
OUTCOME_MEANING: dict[str, tuple[str, str]] = {
    "pass": ("đạt: dữ liệu cho thấy tiêu chí được đáp ứng", "the data show the rule holds"),
    "fail": (
        "không đạt: dữ liệu cho thấy tiêu chí không được đáp ứng",
        "the data show it does not",
    ),
    "unknown": (
        "chưa xác định: dữ liệu chưa đủ để kết luận (thiếu thông tin, thiếu bảng dữ liệu, "
        "quy tắc chưa tìm thấy); không bao giờ được tính là đạt",
        "the data cannot decide (a missing fact, a table not supplied, a rule not found); "
        "never counted as a pass",
    ),
    "no_data": (
        "không có dữ liệu: bộ dữ liệu không bao quát đơn vị này vào ngày xét (bảng "
        "coverage); không đánh giá, không bao giờ được tính là đạt",
        "the dataset does not cover the unit on the date (its coverage table): nothing is "
        "judged, and it is never counted as a pass",
    ),
}

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Danh mục tiêu chí", "Criteria catalogue"),
    "intro": (
        "Danh mục này được sinh tự động từ các bộ tiêu chí đã đăng ký: của drugfree-core "
        "và của các plugin {plugins}. Mỗi tiêu chí có nội dung bằng tiếng Việt và tiếng "
        "Anh, thời gian hiệu lực, căn cứ và mức độ tin cậy của nguồn.",
        "This catalogue is generated from the registered schemes: drugfree-core's own and "
        "those of the plugins {plugins}. Each criterion has its Vietnamese and English "
        "text, effective dates, legal citation and a tag saying how sure we are of it.",
    ),
    "no_plugins": ("(không có)", "(none)"),
    "tags": ("Mức độ tin cậy", "Provenance tags"),
    "outcomes": ("Kết quả", "Outcomes"),
    "outcome": ("Kết quả", "Outcome"),
    "tag": ("Nhãn", "Tag"),
    "meaning": ("Ý nghĩa", "Meaning"),
    "schemes": ("Các bộ tiêu chí", "Schemes"),
    "scheme": ("Bộ tiêu chí", "Scheme"),
    "version": ("Phiên bản", "Version"),
    "authority": ("Cấp ban hành", "Issued by"),
    "authority_national": ("quốc gia", "national"),
    "authority_provincial": ("cấp tỉnh", "provincial"),
    "unit_level": ("Đơn vị đánh giá", "Units judged"),
    "unit_level_commune_level": ("xã, phường, đặc khu", "commune-level units"),
    "unit_level_province": ("tỉnh, thành phố", "provinces"),
    "no_level": ("Không đạt mức nào", "Reaching no level"),
    "no_limit": ("không giới hạn", "no limit"),
    "level_order": ("Thứ tự ưu tiên theo tham số", "Order set by the parameter"),
    "in_force": ("Hiệu lực", "In force"),
    "registered_by": ("Đăng ký bởi", "Registered by"),
    "applied_by": ("Áp dụng tại", "Applied by"),
    "nowhere": ("chưa tỉnh nào áp dụng", "no province applies it"),
    "national": ("toàn quốc (mặc định)", "nationwide (default)"),
    "always": ("không giới hạn", "always"),
    "from": ("từ {start}", "from {start}"),
    "until": ("đến {end}", "until {end}"),
    "span": ("{start} – {end}", "{start} – {end}"),
    "sources": ("Nguồn", "Sources"),
    "criteria": ("Tiêu chí", "Criteria"),
    "levels": ("Các mức phân loại", "Levels"),
    "level": ("Mức", "Level"),
    "min_pass": ("Cần đạt ít nhất", "At least"),
    "levels_intro": (
        "Đơn vị được xếp vào mức đầu tiên (theo thứ tự dưới đây) mà nó đạt.",
        "A unit is classified into the first level below that it reaches.",
    ),
    "verdict": (
        "Đơn vị đạt khi mọi tiêu chí đang có hiệu lực đều đạt, trên dữ liệu mà bộ dữ liệu "
        "bao quát; đơn vị không được bao quát là không có dữ liệu.",
        "A unit passes when every criterion in force passes, on data the dataset covers; a "
        "unit it does not cover has no data.",
    ),
    "other_lang": ("Tiếng Anh", "Vietnamese"),
    "rule": ("Quy tắc", "Rule"),
    "citation": ("Căn cứ", "Citation"),
    "provenance": ("Mức độ tin cậy", "Provenance"),
    "note": ("Ghi chú", "Note"),
    "changed_by": ("Được thay đổi bởi", "Changed by"),
    "uses": ("Tham số sử dụng", "Parameters used"),
    "parameters": ("Tham số", "Parameters"),
    "parameter": ("Tham số", "Parameter"),
    "value": ("Giá trị", "Value"),
    "description": ("Mô tả", "Description"),
    "no_parameters": ("Bộ tiêu chí không có tham số.", "The scheme has no parameters."),
    "roadmaps": ("Lộ trình", "Roadmaps"),
    "scope": ("Phạm vi", "Scope"),
    "due": ("Thời hạn", "Due"),
    "share": ("Tỷ lệ đơn vị", "Share of units"),
    "milestones_rule": (
        "Số đơn vị cần đạt của một mốc là ⌈tỷ lệ × số đơn vị đang có hiệu lực⌉, "
        "tính chính xác (30 % của 114 là 35). Chỉ tính các đơn vị đạt trên dữ liệu được "
        "bao quát; đơn vị không có dữ liệu không bao giờ được tính là đạt.",
        "The required count of a milestone is ⌈share × units in force⌉ in exact "
        "arithmetic (30 % of 114 is 35). Only units that pass on covered data count; a "
        "unit with no data never counts as meeting it.",
    ),
    "indicators": ("Chỉ tiêu chiến dịch", "Campaign indicators"),
    "target": ("Mục tiêu", "Target"),
    "no_target": ("không có mục tiêu", "no target"),
    "target_text": ("ít nhất {share} trước {due}", "at least {share} by {due}"),
    "not_known": ("chưa xác định", "not known"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
}


def render_catalogue(host: PluginHost, lang: Lang = "en", *, targets: str | None = None) -> str:
    """The catalogue of everything *host* has registered, as a Markdown document.

    :param host: the plugin host whose schemes, roadmaps and indicators are listed.
    :param lang: ``"vi"`` or ``"en"``: the language of the headings and descriptions.
        Both languages' titles of every criterion are always given.
    :param targets: when given, each scheme, criterion and roadmap heading is preceded by
        a MyST target ``(<targets>-<kind>-<id>)=`` so that other pages can link to it.
    """
    from drugfree_core.plugins.host import PluginHost

    expect(host, PluginHost, "the host", "a PluginHost")
    expect_lang(lang)
    if targets is not None:
        expect(targets, str, "targets", "a str or None")
    return "\n".join(_Catalogue(host, lang, targets).lines()).rstrip() + "\n"


class _Catalogue:
    """One rendering; the methods yield Markdown lines."""

    def __init__(self, host: PluginHost, lang: Lang, targets: str | None) -> None:
        self.host = host
        self.lang = lang
        self.vi = lang == "vi"
        self.targets = targets

    def t(self, key: str, **fields: object) -> str:
        vi, en = _TEXT[key]
        return (vi if self.vi else en).format(**fields)

    def pick(self, vi: str, en: str) -> str:
        """The text in the catalogue's language, falling back to the other one."""
        return (vi or en) if self.vi else (en or vi)

    def target(self, kind: str, object_id: str) -> Iterator[str]:
        if self.targets is not None:
            yield f"({self.targets}-{kind}-{object_id})="
            yield ""

    # ------------------------------------------------------------------ document

    def lines(self) -> Iterator[str]:
        schemes = self.host.schemes()
        plugins = [info for info in self.host.plugins() if info.distribution != "drugfree-core"]
        names = ", ".join(f"`{info.name}`" for info in plugins) or self.t("no_plugins")
        yield f"# {self.t('title')}"
        yield ""
        yield self.t("intro", plugins=names)
        yield ""
        yield from self.provenance_legend()
        yield f"## {self.t('outcomes')}"
        yield ""
        yield from _table(
            [self.t("outcome"), self.t("meaning")],
            [
                [f"`{key}`", _md(meaning[0] if self.vi else meaning[1])]
                for key, meaning in OUTCOME_MEANING.items()
            ],
        )
        yield f"## {self.t('schemes')}"
        yield ""
        yield from _table(
            [
                self.t("scheme"),
                self.t("authority"),
                self.t("version"),
                self.t("in_force"),
                self.t("registered_by"),
            ],
            [
                [
                    f"`{s.id}`: {_md(self.pick(s.title_vi, s.title_en))}",
                    self.t(f"authority_{s.authority.value}"),
                    _md(s.version),
                    self.span(s.effective_from, s.effective_to),
                    _md(self.origin("scheme", s.id)),
                ]
                for s in schemes
            ],
        )
        for scheme in schemes:
            yield from self.scheme(scheme)
        roadmaps = self.host.roadmaps()
        if roadmaps:
            yield f"## {self.t('roadmaps')}"
            yield ""
            yield self.t("milestones_rule")
            yield ""
            for roadmap in roadmaps:
                yield from self.roadmap(roadmap)
        indicators = self.host.indicators()
        if indicators:
            yield f"## {self.t('indicators')}"
            yield ""
            for indicator in indicators:
                yield from self.indicator(indicator)

    def provenance_legend(self) -> Iterator[str]:
        yield from _table(
            [self.t("tag"), self.t("meaning")],
            [
                [f"`{tag.value}`", _md(meaning[0] if self.vi else meaning[1])]
                for tag, meaning in PROVENANCE_MEANING.items()
            ],
        )

    # ------------------------------------------------------------------- schemes

    def scheme(self, scheme: Scheme) -> Iterator[str]:
        yield from self.target("scheme", scheme.id)
        yield f"## {_md(self.pick(scheme.title_vi, scheme.title_en))} (`{scheme.id}`)"
        yield ""
        other = scheme.title_en if self.vi else scheme.title_vi
        facts = [
            (self.t("other_lang"), _md(other)),
            (self.t("authority"), self.t(f"authority_{scheme.authority.value}")),
            (self.t("unit_level"), self.t(f"unit_level_{scheme.unit_level.value}")),
            (self.t("version"), _md(scheme.version)),
            (self.t("in_force"), self.span(scheme.effective_from, scheme.effective_to)),
            (self.t("registered_by"), _md(self.origin("scheme", scheme.id))),
            (self.t("applied_by"), self.applied_by(scheme.id)),
        ]
        yield from _facts(facts)
        description = self.pick(scheme.description_vi, scheme.description_en)
        if description:
            yield _md(description)
            yield ""
        yield from _bullets(self.t("sources"), scheme.sources)
        if scheme.levels:
            yield f"### {self.t('levels')}"
            yield ""
            yield self.t("levels_intro")
            yield ""
            yield from _table(
                [self.t("level"), self.t("criteria"), self.t("min_pass")],
                [
                    [
                        f"`{level.id}`: {_md(self.pick(level.name_vi, level.name_en))}",
                        ", ".join(f"`{c}`" for c in level.criteria),
                        f"{level.min_pass}/{len(level.criteria)}",
                    ]
                    for level in scheme.levels
                ],
            )
            yield from _facts(
                [(self.t("no_level"), f"`{scheme.no_level}`")]
                + (
                    [(self.t("level_order"), f"`{scheme.level_order}`")]
                    if scheme.level_order
                    else []
                )
            )
        else:
            yield self.t("verdict")
            yield ""
        for criterion in scheme.criteria:
            yield from self.criterion(scheme, criterion)
        yield from self.parameters(scheme)

    def criterion(self, scheme: Scheme, criterion: Criterion) -> Iterator[str]:
        yield from self.target("criterion", f"{scheme.id}-{criterion.id}")
        title = self.pick(criterion.title_vi, criterion.title_en)
        yield f"### `{criterion.id}`: {_md(title)}"
        yield ""
        other = criterion.title_en if self.vi else criterion.title_vi
        facts = [
            (self.t("other_lang"), _md(other)),
            (self.t("in_force"), self.span(criterion.effective_from, criterion.effective_to)),
            (self.t("citation"), _md(criterion.citation)),
            (self.t("provenance"), f"`{criterion.provenance.value}`"),
        ]
        used = sorted(p.param_refs(criterion.rule))
        if used:
            facts.append((self.t("uses"), ", ".join(f"`{pid}`" for pid in used)))
        changed = scheme.overrides.get(f"criterion:{criterion.id}")
        if changed:
            facts.append((self.t("changed_by"), _md(changed)))
        note = self.pick(criterion.note_vi, criterion.note_en)
        if note:
            facts.append((self.t("note"), _md(note)))
        yield from _facts(facts)
        yield f"{self.t('rule')}:"
        yield ""
        yield from self.rule_tree(criterion.rule, 0)
        yield ""
        yield from _bullets(self.t("sources"), criterion.sources)

    def rule_tree(self, rule: p.Rule, depth: int) -> Iterator[str]:
        text = _with_param_ids(describe_rule(rule, self.lang, _param_token))
        yield f"{'  ' * depth}- {text}"
        children: Iterable[p.Rule] = ()
        if isinstance(rule, p.AllOf | p.AnyOf | p.AtLeast):
            children = rule.rules
        elif isinstance(rule, p.Not):
            children = (rule.rule,)
        for child in children:
            yield from self.rule_tree(child, depth + 1)

    def parameters(self, scheme: Scheme) -> Iterator[str]:
        yield f"### {self.t('parameters')} (`{scheme.id}`)"
        yield ""
        if not scheme.parameters:
            yield self.t("no_parameters")
            yield ""
            return
        rows = [
            row for parameter in scheme.parameters for row in self.parameter_rows(scheme, parameter)
        ]
        yield from _table(
            [
                self.t("parameter"),
                self.t("description"),
                self.t("in_force"),
                self.t("value"),
                self.t("citation"),
                self.t("provenance"),
            ],
            rows,
        )

    def parameter_rows(self, scheme: Scheme, parameter: Parameter) -> Iterator[list[str]]:
        by = scheme.overrides.get(f"parameter:{parameter.id}")
        description = _md(self.pick(parameter.description_vi, parameter.description_en))
        starts = [dv.start for dv in parameter.values]
        for i, dated in enumerate(parameter.values):
            end = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else None
            citation = _md(dated.citation)
            if by and i == len(parameter.values) - 1:
                citation += f" ({self.t('changed_by').lower()} {_md(by)})"
            if dated.note:
                citation += f"; {_md(dated.note)}"
            yield [
                f"`{parameter.id}`" if i == 0 else "",
                description if i == 0 else "",
                self.span(dated.start, end),
                _md(self.value(dated.value)),
                citation,
                f"`{dated.provenance.value}`",
            ]

    # -------------------------------------------------------- roadmaps, indicators

    def roadmap(self, roadmap: Roadmap) -> Iterator[str]:
        yield from self.target("roadmap", roadmap.id)
        yield f"### {_md(self.pick(roadmap.title_vi, roadmap.title_en))} (`{roadmap.id}`)"
        yield ""
        scope = (
            self.t("national")
            if roadmap.scope == "*"
            else f"{roadmap.scope_name} ({roadmap.scope})"
        )
        facts = [
            (self.t("scope"), _md(scope)),
            (self.t("in_force"), self.span(roadmap.effective_from, roadmap.effective_to)),
            (self.t("registered_by"), _md(self.origin("roadmap", roadmap.id))),
            (self.t("citation"), _md(roadmap.citation)),
            (self.t("provenance"), f"`{roadmap.provenance.value}`"),
        ]
        if roadmap.note:
            facts.append((self.t("note"), _md(roadmap.note)))
        yield from _facts(facts)
        yield from _table(
            [self.t("due"), self.t("share"), self.t("citation"), self.t("provenance")],
            [
                [
                    m.due.isoformat(),
                    percent_text(m.share),
                    _md(m.citation) + (f"; {_md(m.note)}" if m.note else ""),
                    f"`{m.provenance.value}`",
                ]
                for m in roadmap.milestones
            ],
        )
        yield from _bullets(self.t("sources"), roadmap.sources)

    def indicator(self, indicator: Indicator) -> Iterator[str]:
        yield from self.target("indicator", indicator.id)
        yield f"### {_md(self.pick(indicator.title_vi, indicator.title_en))} (`{indicator.id}`)"
        yield ""
        scope = self.t("national") if indicator.scope == "*" else indicator.scope
        target = indicator.target
        facts = [
            (self.t("other_lang"), _md(indicator.title_en if self.vi else indicator.title_vi)),
            (self.t("scope"), _md(scope)),
            (self.t("in_force"), self.span(indicator.effective_from, indicator.effective_to)),
            (self.t("registered_by"), _md(self.origin("indicator", indicator.id))),
            (
                self.t("target"),
                self.t("target_text", share=percent_text(target.share), due=target.due.isoformat())
                + f" ({_md(target.citation)}, `{target.provenance.value}`)"
                if target
                else self.t("no_target"),
            ),
            (self.t("citation"), _md(indicator.citation)),
            (self.t("provenance"), f"`{indicator.provenance.value}`"),
        ]
        yield from _facts(facts)
        yield from _bullets(self.t("sources"), indicator.sources)

    # ------------------------------------------------------------------- helpers

    def origin(self, kind: str, object_id: str) -> str:
        return _origin_text(self.host.origin(kind, object_id))

    def applied_by(self, scheme_id: str) -> str:
        parts = []
        for j in self.host.jurisdictions():
            if j.scheme_id != scheme_id:
                continue
            where = self.t("national") if j.province == "*" else f"{j.province_name} ({j.province})"
            span = self.span(j.effective_from, j.effective_to)
            parts.append(f"{_md(where)}, {span} ({_md(j.citation)}, `{j.provenance.value}`)")
        return "; ".join(parts) or self.t("nowhere")

    def span(self, start: dt.date | None, end: dt.date | None) -> str:
        if start and end:
            return self.t("span", start=start.isoformat(), end=end.isoformat())
        if start:
            return self.t("from", start=start.isoformat())
        if end:
            return self.t("until", end=end.isoformat())
        return self.t("always")

    def value(self, value: Any) -> str:
        if value is None:
            return self.t("not_known")
        if isinstance(value, bool):
            return self.t("yes") if value else self.t("no")
        if isinstance(value, Fraction):
            return percent_text(value)
        if isinstance(value, Period):
            return _period(value, self.lang)
        if isinstance(value, Deadline):
            return _deadline(value, self.lang)
        if isinstance(value, enum.Enum):
            return str(value.value)
        if isinstance(value, tuple | frozenset | list):
            items = [self.value(v) for v in value]
            # An order is data (a level order): keep it; a set of forms reads sorted.
            return ", ".join(items if isinstance(value, tuple) else sorted(items)) or "–"
        if isinstance(value, Mapping):
            return "; ".join(
                f"{key}: {self.t('no_limit') if v is None else self.value(v)}"
                for key, v in value.items()
            )
        return str(value)


def _origin_text(ref: PluginRef) -> str:
    if ref.distribution is None:
        return ref.name
    if ref.distribution == ref.name:
        return f"{ref.name} {ref.version or ''}".strip()
    version = f" {ref.version}" if ref.version else ""
    return f"{ref.name} ({ref.distribution}{version})"


def _deadline(deadline: Deadline, lang: Lang) -> str:
    if lang == "en":
        return str(deadline)
    unit = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ"}[deadline.unit]
    return f"{deadline.amount} {unit}"


def _period(period: Period, lang: Lang) -> str:
    if lang == "en":
        return str(period)
    names = ((period.years, "năm"), (period.months, "tháng"), (period.days, "ngày"))
    return " ".join(f"{n} {name}" for n, name in names if n) or "0 ngày"


# Parameters inside rule descriptions: a marker the Markdown escaping leaves alone, then
# turned into inline code.
_PARAM_OPEN, _PARAM_CLOSE = "\x02", "\x03"


def _param_token(value: Any) -> Any:
    if isinstance(value, ParamRef):
        return f"{_PARAM_OPEN}{value.id}{_PARAM_CLOSE}"
    return value


def _with_param_ids(text: str) -> str:
    # Pieces at odd positions sit between the markers: parameter ids, kept verbatim.
    pieces = " ".join(text.split()).replace(_PARAM_CLOSE, _PARAM_OPEN).split(_PARAM_OPEN)
    return "".join(f"`{piece}`" if i % 2 else _escape(piece) for i, piece in enumerate(pieces))


_SPECIAL = set("\\`*_[]<>|#")


def _escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in _SPECIAL else ch for ch in text)


def _md(text: str) -> str:
    """*text* as Markdown inline text: special characters escaped, on one line."""
    return _escape(" ".join(text.split()))


def _table(header: list[str], rows: list[list[str]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join(" --- " for _ in header) + "|"
    for row in rows:
        yield "| " + " | ".join(cell or " " for cell in row) + " |"
    yield ""


def _facts(facts: list[tuple[str, str]]) -> Iterator[str]:
    for name, value in facts:
        yield f"- **{name}:** {value}"
    yield ""


def _bullets(title: str, items: Iterable[str]) -> Iterator[str]:
    items = list(items)
    if not items:
        return
    yield f"{title}:"
    yield ""
    for item in items:
        is_url = item.startswith(("https://", "http://")) and " " not in item
        yield f"- <{item}>" if is_url else f"- {_md(item)}"
    yield ""
