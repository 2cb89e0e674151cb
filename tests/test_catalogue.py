"""The criteria catalogue: every scheme, criterion and parameter, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from drugfree_core.catalogue import render_catalogue
from drugfree_core.cli.main import cli
from drugfree_core.model import Provenance
from drugfree_core.plugins import PluginHost, hookimpl
from drugfree_core.rules import Criterion, DatedValue, ParameterOverride, SchemeExtension
from drugfree_core.rules.extension import Jurisdiction


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost(autoload=False, environ={})


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_criterion_with_both_titles_citation_and_tag(host: PluginHost, lang: str) -> None:
    text = render_catalogue(host, lang)  # type: ignore[arg-type]
    plain = text.replace("\\", "")  # Markdown escapes removed
    for scheme in host.schemes():
        assert f"(`{scheme.id}`)" in text
        for criterion in scheme.criteria:
            assert f"### `{criterion.id}`" in text
            assert " ".join(criterion.title_vi.split()) in plain
            assert " ".join(criterion.title_en.split()) in plain
            assert criterion.provenance.value in text
        for parameter in scheme.parameters:
            assert f"`{parameter.id}`" in text


def test_languages_differ_in_their_prose_not_their_facts(host: PluginHost) -> None:
    vi, en = render_catalogue(host, "vi"), render_catalogue(host, "en")
    assert vi.startswith("# Danh mục tiêu chí") and en.startswith("# Criteria catalogue")
    assert "Căn cứ" in vi and "Citation" in en
    assert "every one of addicts" in en and "mọi người nghiện" in vi
    assert "1 năm" in vi and "1 year" in en


def test_dated_values_each_get_their_span(host: PluginHost) -> None:
    text = render_catalogue(host, "en")
    row = next(line for line in text.splitlines() if line.startswith("| `law.rehab_max_duration`"))
    assert "2026-06-30" in row  # the first value ends the day before the second starts
    assert "| from 2026-07-01 |" in text


def test_a_dated_value_s_note_is_prose_and_its_sources_are_listed_apart(host: PluginHost) -> None:
    from drugfree_core.i18n import localize

    values = [dv for s in host.schemes() for p in s.parameters for dv in p.values]
    assert any(dv.sources for dv in values)
    for dv in values:
        # no address inside a text to translate: the note is looked up whole
        assert "http" not in dv.note and "GitHub" not in dv.note, dv.note
        if dv.note:
            assert localize(dv.note, "vi") != dv.note, dv.note
        for source in dv.sources:
            assert source.startswith(("https://", "http://", "GitHub ")) and " ; " not in source
    vi = render_catalogue(host, "vi")
    row = next(line for line in vi.splitlines() if line.startswith("| `law.period_end_rule`"))
    assert "Áp dụng cách tính thời hạn của Bộ luật Dân sự" in row
    assert "(nguồn: <https://thuvienphapluat.vn/" in row and "anslawfirm.com" in row
    en = render_catalogue(host, "en")
    row = next(line for line in en.splitlines() if line.startswith("| `law.period_end_rule`"))
    assert "do not say how to count. (sources: <https://thuvienphapluat.vn/" in row


def test_a_value_the_sources_do_not_give_is_shown_as_not_known() -> None:
    host = PluginHost(plugins=[("province-x", _Province())], autoload=False, environ={})
    text = render_catalogue(host, "en").split("(`x-scheme`)", 1)[1]
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| `th.max_addicts`"))
    override = lines[first + 1]  # the dated value from 2026-01-01, in the same table
    assert "| from 2026-01-01 | not known |" in override and "no source found" in override


def test_the_open_precedence_is_unknown_and_the_order_kept(host: PluginHost) -> None:
    text = render_catalogue(host, "en")
    row = next(line for line in text.splitlines() if line.startswith("| `qd28.label_order`"))
    assert "type I, type II, type III, drug-free" in row and "no source found" in row


def test_every_scheme_says_national_or_provincial(host: PluginHost) -> None:
    en, vi = render_catalogue(host, "en"), render_catalogue(host, "vi")
    drug_free = en.split("(`qd28-2025-drug-free`)", 1)[1].split("\n## ", 1)[0]
    assert "**Issued by:** national" in drug_free
    assert "**Units judged:** commune-level units" in drug_free
    mps = en.split("(`mps-recognition-2024`)", 1)[1]
    assert "**Issued by:** provincial" in mps
    assert "nationwide (default), 2024-10-15 – 2025-08-23" in mps
    provinces = en.split("(`qd28-2025-provinces`)", 1)[1]
    assert "**Units judged:** provinces" in provinces
    assert "**Cấp ban hành:** quốc gia" in vi and "**Cấp ban hành:** cấp tỉnh" in vi


def test_mappings_and_deadlines_read_as_text(host: PluginHost) -> None:
    en, vi = render_catalogue(host, "en"), render_catalogue(host, "vi")
    assert "opioid substitution therapy: no limit" in en
    # A rehab form's terms by rank are said in words, not by their keys.
    assert "compulsory rehab at a facility, a later time: 36 months" in en
    assert "cai bắt buộc tại cơ sở, từ lần thứ hai: 36 tháng" in vi
    assert "| 3 working days |" in en and "| 24 hours |" in en
    assert "| 3 ngày làm việc |" in vi and "| 24 giờ |" in vi


def test_parameters_in_rules_stay_verbatim(host: PluginHost) -> None:
    text = render_catalogue(host, "en")
    assert "number of addicts ≤ `th.max_addicts`" in text
    assert "th.max\\_addicts" not in text


def test_targets_make_linkable_headings(host: PluginHost) -> None:
    text = render_catalogue(host, "en", targets="cat")
    assert "(cat-scheme-mps-recognition-2024)=" in text
    assert "(cat-criterion-mps-recognition-2024-TH.C3)=" in text
    assert "(cat-roadmap-national-2030)=" in text
    assert "(cat-" not in render_catalogue(host, "en")


class _Province:
    DRUGFREE_HOOK_API = "1.1"

    @hookimpl
    def drugfree_register_schemes(self, registrar):  # type: ignore[no-untyped-def]
        criterion = Criterion(
            id="X.1",
            title_vi="Tiêu chí | có *dấu* đặc biệt",
            title_en="A title with | pipes and *stars*",
            rule=PluginHost(autoload=False, environ={})
            .scheme("mps-recognition-2024")
            .criterion("TH.C1")
            .rule,
            citation="Test citation [with brackets]",
            provenance=Provenance.INFERRED,
        )
        registrar.extend(
            SchemeExtension(
                id="x-scheme",
                base="mps-recognition-2024",
                version="1",
                by="Tỉnh X",
                title_vi="Bộ X",
                title_en="Scheme X",
                add=(criterion,),
                overrides=(
                    ParameterOverride(
                        parameter_id="th.max_addicts",
                        value=DatedValue(
                            start=dt.date(2026, 1, 1),
                            value=None,
                            citation="Test: the province's cap is not known",
                            provenance=Provenance.UNKNOWN,
                        ),
                    ),
                    ParameterOverride(
                        parameter_id="th.test_window_days",
                        value=DatedValue(
                            start=dt.date(2026, 1, 1),
                            value=15,
                            citation="Test override",
                            provenance=Provenance.INFERRED,
                        ),
                    ),
                ),
            )
        )
        registrar.assign(
            Jurisdiction(
                province="T1",
                province_name="Tỉnh X",
                scheme_id="x-scheme",
                citation="Test jurisdiction",
                provenance=Provenance.INFERRED,
                effective_from=dt.date(2026, 1, 1),
            )
        )


def test_plugin_schemes_show_their_origin_overrides_and_province() -> None:
    host = PluginHost(plugins=[("province-x", _Province())], autoload=False, environ={})
    text = render_catalogue(host, "en")
    section = text.split("(`x-scheme`)", 1)[1]
    assert "**Registered by:** province-x" in section
    assert (
        "Tỉnh X (T1), from 2026-01-01 (Test jurisdiction, the library's interpretation "
        "(an overridable parameter))" in section
    )
    assert "changed by Tỉnh X" in section
    assert "A title with \\| pipes and \\*stars\\*" in section
    assert "Test citation \\[with brackets\\]" in section


def test_cli_prints_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD", "1")
    from drugfree_core.plugins import reset_default_host

    reset_default_host()
    try:
        result = CliRunner().invoke(cli, ["schemes", "--format", "markdown", "--lang", "vi"])
    finally:
        reset_default_host()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Danh mục tiêu chí")
    assert "### `TH.C3`" in result.output
