"""Every word a report prints, by name, from this one table of catalogue messages.

Exporters never spell a label themselves: they call :func:`text`, which renders the
named message in the report's language through the translation catalogue
(:mod:`drugfree_core.i18n`), so the two languages cannot drift and a missing translation
shows up in the catalogue test.
"""

from __future__ import annotations

import attrs

from drugfree_core.i18n import Message, Param, msg, msgn

#: key → the message (English text; Vietnamese in the catalogue). A message with a
#: plural form takes its count as the field ``n``.
REPORT_LABELS: dict[str, Message] = {
    # titles
    "report_title": msg("Drug-free commune-level units report"),
    "national": msg("National"),
    "reference_date": msg("Reference date"),
    "generated_at": msg("Generated at"),
    # views (CSV file names stay English; titles and sheet names follow the language)
    "view_progress": msg("Progress against the roadmap"),
    "view_milestones": msg("Roadmap milestones"),
    "view_units": msg("Result of every unit"),
    "view_closest": msg("Units closest to passing"),
    "view_criteria": msg("Results by criterion"),
    "view_series": msg("Trend over time"),
    "view_indicators": msg("Campaign indicators"),
    "view_quality": msg("Data quality (correct, sufficient, clean, live)"),
    "view_provenance": msg("Report provenance"),
    "view_recognitions": msg("Formal recognition beside the data"),
    # columns
    "scope": msg("Scope"),
    "province": msg("Province"),
    "province_code": msg("Province code"),
    "name": msg("Name"),
    "unit_code": msg("Unit code"),
    "unit_name": msg("Unit name"),
    "scheme": msg("Scheme"),
    "roadmap": msg("Roadmap"),
    "units_in_force": msg("Units in force"),
    "meeting": msg("Meeting the criteria"),
    "failing": msg("Failing"),
    "unknown": msg("Unknown"),
    "no_data": msg("No data"),
    "not_evaluated": msg("Not evaluated"),
    "covered": msg("With data"),
    "coverage": msg("Share with data"),
    "meeting_at_least": msg("Meeting (at least)"),
    "unplaced": msg("People or records not placed"),
    "without_residence": msg("People with a status and no residence"),
    "standing": msg("Standing"),
    "standing_text": msg("{meeting} of {units} meet · data for {covered} of {units}"),
    "standing_at_least": msg(
        "{meeting} of {units} meet (at least {least}) · data for {covered} of {units}"
    ),
    # Translators: {standing} is the line above ("3 of 17 meet · data for 12 of 17").
    "standing_not_evaluated": msg("{standing} · {n} not evaluated (see the notes)"),
    "standing_none_evaluated": msg("none of {units} evaluated (see the notes)"),
    "no_data_at_due": msg("No data at due date"),
    "coverage_basis": msg("Coverage"),
    "coverage_declared": msg("as the dataset's coverage table declares"),
    "coverage_units": msg("every unit of the dataset's own units table (no coverage table)"),
    "coverage_none": msg("none (official map, no coverage declared)"),
    "unit_notes": msg("Notes"),
    "share": msg("Share meeting"),
    "next_due": msg("Next milestone"),
    "target_share": msg("Target share"),
    "required": msg("Required"),
    "gap": msg("Gap"),
    "trend_per_month": msg("Trend (units/month)"),
    "trend_across": msg("Trend fitted across"),
    "due": msg("Due"),
    "status": msg("Status"),
    "meeting_at_due": msg("Meeting at due date"),
    "projected_at_due": msg("Projected at due date"),
    "citation": msg("Source"),
    "provenance": msg("Provenance"),
    "verdict": msg("Verdict"),
    "failing_criteria": msg("Failing criteria"),
    "unknown_criteria": msg("Undecided criteria"),
    "lacks": msg("What it lacks"),
    "lack": msg("Amount lacking"),
    "rank": msg("Rank"),
    "predecessors": msg("Predecessors (30 Jun 2025)"),
    "predecessors_meeting": msg("Predecessors meeting"),
    "criterion": msg("Criterion"),
    "title": msg("Title"),
    "passed": msg("Passed"),
    "date": msg("Date"),
    "indicator": msg("Indicator"),
    "numerator": msg("Numerator"),
    "denominator": msg("Denominator"),
    "value": msg("Value"),
    "origin": msg("Registered by"),
    "people": msg("People"),
    "correct": msg("Correct (invalid)"),
    "sufficient": msg("Sufficient (missing)"),
    "clean": msg("Clean (duplicates, contradictions)"),
    "live": msg("Live (stale)"),
    "quality_score": msg("Share of people without issues"),
    "field": msg("Field"),
    "library_version": msg("Library version"),
    "schemes": msg("Schemes applied"),
    "plugins": msg("Plugins"),
    "map_source": msg("Administrative map"),
    "dataset_fingerprint": msg("Data fingerprint (SHA-256)"),
    "suppression_threshold": msg("Small-count suppression threshold"),
    "stale_after_days": msg("Stale after (days)"),
    "notes": msg("Notes"),
    "suppressed": msg("< {k} (suppressed)"),
    "none_yet": msg("none"),
    "unplaced_row": msg("(not placed in any unit)"),
    "recognised": msg("Recognised"),
    "recognition_scheme": msg("Recognised under"),
    "recognition_year": msg("Assessment year"),
    "recognised_and_meeting": msg("Recognised and meeting"),
    "recognised_undecided": msg("Recognised, undecided on the data"),
    "recognised_no_data": msg("Recognised, no data (not covered)"),
    "withdrawal_candidates": msg("Recognised but no longer meeting (candidates for withdrawal)"),
    "recognition_candidates": msg("Meeting but not recognised"),
    "national_scheme": msg("National scheme"),
    "national_verdict": msg("Verdict under the national scheme"),
    "basis": msg("Progress counts"),
    "basis_meeting": msg("units meeting on the data"),
    "basis_recognised": msg("units formally recognised"),
    "yes": msg("yes"),
    "no": msg("no"),
    # statuses
    "pass": msg("pass"),
    "fail": msg("fail"),
    "met": msg("met"),
    "missed": msg("missed"),
    "cannot_judge": msg("cannot be judged"),
    "on_track": msg("on track"),
    "off_track": msg("off track"),
    "pending": msg("pending"),
    "no_target": msg("no target"),
    "value_unknown": msg("unknown"),
    "value_no_data": msg("no data"),
    # charts
    "chart_progress": msg("Share of units meeting the criteria against roadmap milestones"),
    "chart_trend": msg("Units meeting the criteria over time"),
    "chart_failing": msg("Distribution of failing criteria"),
    "legend_current": msg("Now"),
    "legend_milestone": msg("Milestone"),
    "merger_line": msg("Reorganisation 1 Jul 2025"),
    "no_trend_data": msg("There is no trend data to draw."),
    "rows_capped": msg("Showing {shown} of {total} rows; the full list is in the CSV/XLSX files."),
    # the answer the report opens with (reports/export/answer.py builds the sentences)
    "answer_title": msg("The answer"),
    "scope_national_partial": msgn(
        "National (data of {n} province)", "National (data of {n} provinces)", 0
    ),
    "answer_headline": msgn(
        "{scope}: {meeting} of {n} commune-level unit meets the drug-free criteria ({share}).",
        "{scope}: {meeting} of {n} commune-level units meet the drug-free criteria ({share}).",
        0,
    ),
    "answer_headline_empty": msg("{scope}: no commune-level unit was evaluated on this date."),
    "answer_not_evaluated": msgn(
        "{n} of the {units} commune-level units in force was not evaluated on this date "
        "(the notes say why).",
        "{n} of the {units} commune-level units in force were not evaluated on this date "
        "(the notes say why).",
        0,
    ),
    "answer_breakdown": msg(
        "Not meeting them: {failing}; undecided, because the data cannot decide: {unknown}."
    ),
    "answer_coverage": msg(
        "The data cover {covered} of the {units} units; {no_data} have no data and are "
        "never counted as meeting the criteria."
    ),
    "answer_coverage_full": msg("The data cover all {units} units."),
    "answer_at_least": msgn(
        "{n} person or record could not be placed in any unit, so at least {least} units "
        "meet the criteria.",
        "{n} people or records could not be placed in any unit, so at least {least} units "
        "meet the criteria.",
        0,
    ),
    "answer_due_cannot_judge": msg(
        "It falls due on the report's date and cannot be judged: {meeting} meeting, and "
        "the undecided units or the units with no data could change the answer."
    ),
    "answer_no_roadmap": msg(
        "No roadmap applies to this scope, so there is no milestone to measure against."
    ),
    "answer_recognition": msg(
        "Formally recognised for assessment year {year}: {recognised}; of these, no longer "
        "meeting the criteria on the data (candidates for withdrawal): {withdraw}. Meeting "
        "them on the data without being recognised: {candidates}."
    ),
    "answer_recognised_no_data": msgn(
        "Of the recognised units, {n} has no data (the data do not cover it): whether it "
        "still meets the criteria cannot be told.",
        "Of the recognised units, {n} have no data (the data do not cover them): whether they "
        "still meet the criteria cannot be told.",
        0,
    ),
    "answer_all_passed": msg("Every milestone of the roadmap “{roadmap}” has passed."),
    "answer_milestone": msg(
        "Next milestone of the roadmap “{roadmap}”: {share} of the units by {due}, "
        "that is at least {required} of {units}."
    ),
    "answer_milestone_after": msg(
        "The one after: {share} of the units by {due}, that is at least {required}."
    ),
    "answer_due_met": msg("It falls due on the report's date and is met ({meeting} meeting)."),
    "answer_due_missed": msg(
        "It falls due on the report's date and is missed: {meeting} meeting, {gap} short."
    ),
    "answer_due_unknown": msg(
        "It falls due on the report's date; the data cannot tell whether it is met."
    ),
    "answer_on_track_reached": msg(
        "Already reached, and at the current trend ({trend}) it will hold until the due "
        "date ({projected} projected)."
    ),
    "answer_on_track": msgn(
        "At the current trend ({trend}) it will be met: {projected} projected on the "
        "due date; {n} more is needed today.",
        "At the current trend ({trend}) it will be met: {projected} projected on the "
        "due date; {n} more are needed today.",
        0,
    ),
    "answer_off_track_reached": msg(
        "Reached today, but at the current trend ({trend}) it will not hold: "
        "{projected} projected on the due date."
    ),
    "answer_off_track": msgn(
        "At the current trend ({trend}) it will not be met: {projected} projected on the "
        "due date; {n} more is needed.",
        "At the current trend ({trend}) it will not be met: {projected} projected on the "
        "due date; {n} more are needed.",
        0,
    ),
    "answer_cannot_judge_reached": msg(
        "Reached today; at the current trend ({trend}), {projected} projected on the due "
        "date: the undecided units, the units with no data or the people not placed could "
        "change whether it holds."
    ),
    "answer_cannot_judge": msgn(
        "At the current trend ({trend}), {projected} projected on the due date: the "
        "undecided units, the units with no data or the people not placed could change "
        "whether it will be met; {n} more is needed today.",
        "At the current trend ({trend}), {projected} projected on the due date: the "
        "undecided units, the units with no data or the people not placed could change "
        "whether it will be met; {n} more are needed today.",
        0,
    ),
    "answer_ahead_not_evaluated": msg(
        "No unit was evaluated on this date, so whether it will be met cannot be told."
    ),
    # Translators: a projected count that rests on the fewest units meeting ("at least 2.9").
    "at_least": msg("at least {n}"),
    "answer_unknown_reached": msg(
        "Reached today; there are too few dated points to tell whether it will hold."
    ),
    "answer_unknown": msgn(
        "{n} more is needed; there are too few dated points to tell whether it will be met.",
        "{n} more are needed; there are too few dated points to tell whether it will be met.",
        0,
    ),
    "trend_words": msg("{value} units a month"),
    "trend_words_across": msg(
        "{value} units a month, fitted across the merger of communes or a change of the "
        "criteria, for want of two dated points since {date}"
    ),
    "answer_provinces": msg(
        "Each province's next milestone (on its own roadmap): met or on track in {good}; "
        "missed or off track in {bad}; cannot tell in {unknown}; no roadmap or milestone "
        "ahead in {none}."
    ),
    "answer_closest": msg("Closest to meeting the criteria, and what each lacks"),
    "answer_closest_none": msg("No unit fails the criteria."),
    "answer_closest_none_evaluated": msgn(
        "No evaluated unit fails the criteria; {n} unit was not evaluated.",
        "No evaluated unit fails the criteria; {n} units were not evaluated.",
        0,
    ),
    # Translators: {criteria} lists criterion ids ("DF.2a, DF.3") of a unit close to passing.
    "closest_undecided": msg("undecided on the data, so it may lack more: {criteria}"),
    "answer_closest_more": msgn(
        "The full list ({n} unit) is in the table “{table}”.",
        "The full list ({n} units) is in the table “{table}”.",
        0,
    ),
    # the workbook's sheet names (≤ 31 characters; see xlsx_out.sheet_names)
    "sheet_summary": msg("summary"),
    "sheet_progress": msg("progress"),
    "sheet_milestones": msg("milestones"),
    "sheet_closest": msg("closest"),
    "sheet_units": msg("units"),
    "sheet_criteria": msg("criteria"),
    "sheet_series": msg("series"),
    "sheet_indicators": msg("indicators"),
    "sheet_quality": msg("quality"),
    "sheet_provenance": msg("provenance"),
    "chart_data": msg("Chart data"),
    "page_of": msg("Page &P of &N"),
    "default_file_stem": msg("report"),
    "national_slug": msg("national"),
    "contents": msg("Contents"),
    "sheet": msg("Sheet"),
    "offline_note": msg("This page is self-contained and opens offline."),
    "sheet_recognitions": msg("recognitions"),
}


def withheld_text(key: str, lang: str | None, below: int, said: str, **fields: Param) -> str:
    """The plural label of *key* for a count withheld below *below*, written *said*.

    The plural form is the one for *below* people ("< 5 people"), whatever the count.
    """
    message = REPORT_LABELS[key]
    return attrs.evolve(message, n=below).with_params(n=said, **fields).render(lang)


def text(key: str, lang: str | None = None, **fields: Param) -> str:
    """The label of *key* in *lang*, with ``{fields}`` filled in; the key if unknown.

    Counts, dates and shares given as values are formatted for the language.
    """
    message = REPORT_LABELS.get(key)
    if message is None:
        return key
    if message.plural is not None:
        count = fields.get("n")
        if not isinstance(count, int):
            raise TypeError(f"report label {key!r} needs its count as n=")  # internal: a bug
        message = attrs.evolve(message, n=count)
    return message.with_params(**fields).render(lang) if fields else message.render(lang)
