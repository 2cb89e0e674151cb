"""Every word a report prints, in Vietnamese and English, from this one table.

Exporters never spell a label themselves: they call :func:`text`, so the two languages
cannot drift and a missing translation shows up as the key (and fails the label test).
"""

from __future__ import annotations

from drugfree_core.i18n import Lang

#: key → (Vietnamese, English).
REPORT_LABELS: dict[str, tuple[str, str]] = {
    # titles
    "report_title": (
        "Báo cáo xây dựng xã, phường, đặc khu không ma túy",
        "Drug-free commune-level units report",
    ),
    "national": ("Toàn quốc", "National"),
    "reference_date": ("Ngày tham chiếu", "Reference date"),
    "generated_at": ("Thời điểm lập", "Generated at"),
    # views (CSV file names stay English; titles and sheet names follow the language)
    "view_progress": ("Tiến độ theo lộ trình", "Progress against the roadmap"),
    "view_milestones": ("Các mốc lộ trình", "Roadmap milestones"),
    "view_units": ("Kết quả từng đơn vị", "Result of every unit"),
    "view_closest": ("Đơn vị gần đạt nhất", "Units closest to passing"),
    "view_criteria": ("Kết quả theo tiêu chí", "Results by criterion"),
    "view_series": ("Diễn biến theo thời gian", "Trend over time"),
    "view_indicators": ("Chỉ tiêu chiến dịch", "Campaign indicators"),
    "view_quality": (
        "Chất lượng dữ liệu (đúng, đủ, sạch, sống)",
        "Data quality (correct, sufficient, clean, live)",
    ),
    "view_provenance": ("Nguồn gốc báo cáo", "Report provenance"),
    "view_recognitions": (
        "Công nhận chính thức và kết quả trên dữ liệu",
        "Formal recognition beside the data",
    ),
    # columns
    "scope": ("Phạm vi", "Scope"),
    "province": ("Tỉnh, thành phố", "Province"),
    "province_code": ("Mã tỉnh", "Province code"),
    "name": ("Tên", "Name"),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "unit_name": ("Tên đơn vị", "Unit name"),
    "scheme": ("Bộ tiêu chí", "Scheme"),
    "roadmap": ("Lộ trình", "Roadmap"),
    "units_in_force": ("Số đơn vị", "Units in force"),
    "meeting": ("Đạt tiêu chí", "Meeting the criteria"),
    "failing": ("Chưa đạt", "Failing"),
    "unknown": ("Chưa xác định", "Unknown"),
    "no_data": ("Không có dữ liệu", "No data"),
    "covered": ("Có dữ liệu", "With data"),
    "coverage": ("Tỷ lệ có dữ liệu", "Share with data"),
    "meeting_at_least": ("Đạt (ít nhất)", "Meeting (at least)"),
    "unplaced": (
        "Người/bản ghi không xác định được đơn vị",
        "People or records not placed",
    ),
    "without_residence": (
        "Người có tình trạng nhưng không có nơi cư trú",
        "People with a status and no residence",
    ),
    "standing": ("Tình hình", "Standing"),
    "standing_text": (
        "{meeting}/{units} đạt · có dữ liệu {covered}/{units}",
        "{meeting} of {units} meet · data for {covered} of {units}",
    ),
    "standing_at_least": (
        "{meeting}/{units} đạt (ít nhất {least}) · có dữ liệu {covered}/{units}",
        "{meeting} of {units} meet (at least {least}) · data for {covered} of {units}",
    ),
    "no_data_at_due": ("Không có dữ liệu tại thời hạn", "No data at due date"),
    "coverage_basis": ("Phạm vi dữ liệu", "Coverage"),
    "coverage_declared": (
        "theo bảng coverage của bộ dữ liệu",
        "as the dataset's coverage table declares",
    ),
    "coverage_units": (
        "mọi đơn vị trong bảng units của bộ dữ liệu (không có bảng coverage)",
        "every unit of the dataset's own units table (no coverage table)",
    ),
    "coverage_none": (
        "không có (bản đồ chính thức, không khai báo coverage)",
        "none (official map, no coverage declared)",
    ),
    "unit_notes": ("Ghi chú", "Notes"),
    "share": ("Tỷ lệ đạt", "Share meeting"),
    "next_due": ("Mốc kế tiếp", "Next milestone"),
    "target_share": ("Chỉ tiêu", "Target share"),
    "required": ("Số cần đạt", "Required"),
    "gap": ("Còn thiếu", "Gap"),
    "trend_per_month": ("Xu hướng (đơn vị/tháng)", "Trend (units/month)"),
    "due": ("Thời hạn", "Due"),
    "status": ("Tình trạng", "Status"),
    "meeting_at_due": ("Đạt tại thời hạn", "Meeting at due date"),
    "projected_at_due": ("Dự báo tại thời hạn", "Projected at due date"),
    "citation": ("Căn cứ", "Source"),
    "provenance": ("Mức tin cậy", "Provenance"),
    "verdict": ("Kết luận", "Verdict"),
    "failing_criteria": ("Tiêu chí chưa đạt", "Failing criteria"),
    "unknown_criteria": ("Tiêu chí chưa xác định", "Undecided criteria"),
    "lacks": ("Còn thiếu gì", "What it lacks"),
    "lack": ("Mức thiếu", "Amount lacking"),
    "rank": ("Thứ tự", "Rank"),
    "predecessors": ("Đơn vị cũ (30/6/2025)", "Predecessors (30 Jun 2025)"),
    "predecessors_meeting": ("Đơn vị cũ đạt", "Predecessors meeting"),
    "criterion": ("Tiêu chí", "Criterion"),
    "title": ("Nội dung", "Title"),
    "passed": ("Đạt", "Passed"),
    "date": ("Ngày", "Date"),
    "indicator": ("Mã chỉ tiêu", "Indicator"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "value": ("Giá trị", "Value"),
    "origin": ("Đăng ký bởi", "Registered by"),
    "people": ("Số người", "People"),
    "correct": ("Đúng (lỗi)", "Correct (invalid)"),
    "sufficient": ("Đủ (thiếu)", "Sufficient (missing)"),
    "clean": ("Sạch (trùng, mâu thuẫn)", "Clean (duplicates, contradictions)"),
    "live": ("Sống (không cập nhật)", "Live (stale)"),
    "quality_score": ("Tỷ lệ hồ sơ không lỗi", "Share of people without issues"),
    "field": ("Mục", "Field"),
    "library_version": ("Phiên bản thư viện", "Library version"),
    "schemes": ("Bộ tiêu chí áp dụng", "Schemes applied"),
    "plugins": ("Plugin", "Plugins"),
    "map_source": ("Bản đồ hành chính", "Administrative map"),
    "dataset_fingerprint": ("Dấu vân tay dữ liệu (SHA-256)", "Data fingerprint (SHA-256)"),
    "suppression_threshold": ("Ngưỡng ẩn số nhỏ", "Small-count suppression threshold"),
    "stale_after_days": ("Coi là không cập nhật sau (ngày)", "Stale after (days)"),
    "notes": ("Ghi chú", "Notes"),
    "recognised": ("Đã công nhận", "Recognised"),
    "recognition_scheme": ("Công nhận theo", "Recognised under"),
    "recognition_year": ("Năm đánh giá", "Assessment year"),
    "recognised_and_meeting": ("Công nhận và đạt", "Recognised and meeting"),
    "recognised_undecided": ("Công nhận, chưa xác định", "Recognised, undecided on the data"),
    "recognised_no_data": (
        "Công nhận, không có dữ liệu",
        "Recognised, no data (not covered)",
    ),
    "withdrawal_candidates": (
        "Đã công nhận nhưng không còn đạt (xem xét đưa ra khỏi danh sách)",
        "Recognised but no longer meeting (candidates for withdrawal)",
    ),
    "recognition_candidates": (
        "Đạt nhưng chưa được công nhận",
        "Meeting but not recognised",
    ),
    "national_scheme": ("Bộ tiêu chí quốc gia", "National scheme"),
    "national_verdict": ("Kết luận theo tiêu chí quốc gia", "Verdict under the national scheme"),
    "basis": ("Cách tính tiến độ", "Progress counts"),
    "basis_meeting": ("đơn vị đạt trên dữ liệu", "units meeting on the data"),
    "basis_recognised": ("đơn vị được công nhận", "units formally recognised"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "suppressed": ("< {k} (ẩn)", "< {k} (suppressed)"),
    "none_yet": ("không có", "none"),
    # statuses
    "pass": ("đạt", "pass"),
    "fail": ("không đạt", "fail"),
    "met": ("đã đạt", "met"),
    "missed": ("không đạt", "missed"),
    "cannot_judge": ("chưa thể kết luận", "cannot be judged"),
    "on_track": ("đúng tiến độ", "on track"),
    "off_track": ("chậm tiến độ", "off track"),
    "pending": ("chưa đến hạn, chưa đạt", "pending"),
    "no_target": ("không có chỉ tiêu", "no target"),
    "value_unknown": ("chưa xác định", "unknown"),
    "value_no_data": ("không có dữ liệu", "no data"),
    # charts
    "chart_progress": (
        "Tỷ lệ đơn vị đạt so với các mốc lộ trình",
        "Share of units meeting the criteria against roadmap milestones",
    ),
    "chart_trend": ("Diễn biến số đơn vị đạt tiêu chí", "Units meeting the criteria over time"),
    "chart_failing": (
        "Phân bố tiêu chí chưa đạt",
        "Distribution of failing criteria",
    ),
    "legend_current": ("Hiện tại", "Now"),
    "legend_milestone": ("Mốc", "Milestone"),
    "merger_line": ("Sắp xếp ĐVHC 1/7/2025", "Reorganisation 1 Jul 2025"),
    "no_trend_data": (
        "Chưa có số liệu theo thời gian để vẽ diễn biến.",
        "There is no trend data to draw.",
    ),
    "rows_capped": (
        "Hiển thị {shown} trên {total} dòng; danh sách đầy đủ có trong tệp CSV/XLSX.",
        "Showing {shown} of {total} rows; the full list is in the CSV/XLSX files.",
    ),
    # the answer the report opens with (reports/export/answer.py builds the sentences)
    "answer_title": ("Kết quả chính", "The answer"),
    "scope_national_partial": (
        "Toàn quốc (dữ liệu của {n} tỉnh, thành phố)",
        "National (data of {n} provinces)",
    ),
    "answer_headline": (
        "{scope}: {meeting} trên {units} đơn vị cấp xã đạt tiêu chí không ma túy ({share}).",
        "{scope}: {meeting} of {units} commune-level units meet the drug-free criteria ({share}).",
    ),
    "answer_headline_empty": (
        "{scope}: không có đơn vị cấp xã nào được đánh giá vào ngày này.",
        "{scope}: no commune-level unit was evaluated on this date.",
    ),
    "answer_coverage": (
        "Dữ liệu có cho {covered} trên {units} đơn vị; {no_data} đơn vị không có dữ liệu, "
        "không bao giờ được tính là đạt.",
        "The data cover {covered} of the {units} units; {no_data} have no data and are "
        "never counted as meeting the criteria.",
    ),
    "answer_coverage_full": (
        "Dữ liệu có cho cả {units} đơn vị.",
        "The data cover all {units} units.",
    ),
    "answer_at_least": (
        "{unplaced} người hoặc bản ghi không xác định được đơn vị, nên có thể chỉ có ít "
        "nhất {least} đơn vị đạt.",
        "{unplaced} people or records could not be placed in any unit, so at least "
        "{least} units meet the criteria.",
    ),
    "answer_due_cannot_judge": (
        "Mốc này đến hạn đúng ngày báo cáo nhưng chưa thể kết luận: mới có {meeting} đơn "
        "vị đạt, và các đơn vị không có dữ liệu có thể làm thay đổi kết quả.",
        "It falls due on the report's date and cannot be judged: {meeting} meeting, and "
        "the units with no data could change the answer.",
    ),
    "answer_breakdown": (
        "Chưa đạt: {failing} đơn vị; chưa xác định (dữ liệu chưa đủ để kết luận): "
        "{unknown} đơn vị.",
        "Not meeting them: {failing}; undecided, because the data cannot decide: {unknown}.",
    ),
    "answer_recognition": (
        "Được công nhận chính thức cho năm đánh giá {year}: {recognised} đơn vị, trong đó "
        "{withdraw} đơn vị nay không còn đạt trên dữ liệu (xem xét đưa ra khỏi danh sách); "
        "{candidates} đơn vị đạt trên dữ liệu nhưng chưa được công nhận.",
        "Formally recognised for assessment year {year}: {recognised}; of these, no longer "
        "meeting the criteria on the data (candidates for withdrawal): {withdraw}. Meeting "
        "them on the data without being recognised: {candidates}.",
    ),
    "answer_recognised_no_data": (
        "Trong số đơn vị được công nhận, {n} đơn vị không có dữ liệu (dữ liệu không bao quát): "
        "không thể xác nhận còn đạt hay không.",
        "Of the recognised units, {n} have no data (the data do not cover them): whether they "
        "still meet the criteria cannot be told.",
    ),
    "answer_no_roadmap": (
        "Không có lộ trình nào áp dụng cho phạm vi này, nên không có mốc để so sánh.",
        "No roadmap applies to this scope, so there is no milestone to measure against.",
    ),
    "answer_all_passed": (
        "Mọi mốc của lộ trình “{roadmap}” đều đã qua.",
        "Every milestone of the roadmap “{roadmap}” has passed.",
    ),
    "answer_milestone": (
        "Mốc kế tiếp của lộ trình “{roadmap}”: {share} số đơn vị vào ngày {due}, "
        "tức ít nhất {required} trên {units} đơn vị.",
        "Next milestone of the roadmap “{roadmap}”: {share} of the units by {due}, "
        "that is at least {required} of {units}.",
    ),
    "answer_milestone_after": (
        "Mốc sau đó: {share} số đơn vị vào ngày {due}, tức ít nhất {required} đơn vị.",
        "The one after: {share} of the units by {due}, that is at least {required}.",
    ),
    "answer_due_met": (
        "Mốc này đến hạn đúng ngày báo cáo và đã đạt ({meeting} đơn vị đạt).",
        "It falls due on the report's date and is met ({meeting} meeting).",
    ),
    "answer_due_missed": (
        "Mốc này đến hạn đúng ngày báo cáo và không đạt: mới có {meeting} đơn vị đạt, "
        "còn thiếu {gap}.",
        "It falls due on the report's date and is missed: {meeting} meeting, {gap} short.",
    ),
    "answer_due_unknown": (
        "Mốc này đến hạn đúng ngày báo cáo; dữ liệu chưa đủ để kết luận đạt hay không.",
        "It falls due on the report's date; the data cannot tell whether it is met.",
    ),
    "answer_on_track_reached": (
        "Đã đủ số đơn vị cần đạt, và theo xu hướng hiện tại ({trend}) sẽ giữ được "
        "đến hạn (dự báo {projected} đơn vị).",
        "Already reached, and at the current trend ({trend}) it will hold until the due "
        "date ({projected} projected).",
    ),
    "answer_on_track": (
        "Theo xu hướng hiện tại ({trend}) mốc này sẽ đạt: dự báo {projected} đơn vị "
        "vào ngày đến hạn; hôm nay còn thiếu {gap} đơn vị.",
        "At the current trend ({trend}) it will be met: {projected} projected on the "
        "due date; {gap} more are needed today.",
    ),
    "answer_off_track_reached": (
        "Hiện đã đủ số đơn vị cần đạt, nhưng theo xu hướng hiện tại ({trend}) sẽ không "
        "giữ được: dự báo chỉ còn {projected} đơn vị vào ngày đến hạn.",
        "Reached today, but at the current trend ({trend}) it will not hold: "
        "{projected} projected on the due date.",
    ),
    "answer_off_track": (
        "Theo xu hướng hiện tại ({trend}) mốc này sẽ không đạt: dự báo {projected} "
        "đơn vị vào ngày đến hạn; còn thiếu {gap} đơn vị.",
        "At the current trend ({trend}) it will not be met: {projected} projected on the "
        "due date; {gap} more are needed.",
    ),
    "answer_unknown_reached": (
        "Hiện đã đủ số đơn vị cần đạt; chưa đủ số liệu theo thời gian để dự báo có giữ "
        "được đến hạn hay không.",
        "Reached today; there are too few dated points to tell whether it will hold.",
    ),
    "answer_unknown": (
        "Còn thiếu {gap} đơn vị; chưa đủ số liệu theo thời gian để dự báo có kịp hay không.",
        "{gap} more are needed; there are too few dated points to tell whether it will be met.",
    ),
    "trend_words": ("{value} đơn vị/tháng", "{value} units a month"),
    "answer_provinces": (
        "Mốc kế tiếp theo lộ trình của từng tỉnh, thành phố: {good} tỉnh đã đạt hoặc sẽ "
        "đạt; {bad} tỉnh không đạt hoặc sẽ không đạt; {unknown} tỉnh chưa dự báo được; "
        "{none} tỉnh không có lộ trình hay mốc sắp tới.",
        "Each province's next milestone (on its own roadmap): met or on track in {good}; "
        "missed or off track in {bad}; cannot tell in {unknown}; no roadmap or milestone "
        "ahead in {none}.",
    ),
    "answer_closest": (
        "Đơn vị gần đạt nhất và phần còn thiếu",
        "Closest to meeting the criteria, and what each lacks",
    ),
    "answer_closest_none": (
        "Không có đơn vị nào chưa đạt tiêu chí.",
        "No unit fails the criteria.",
    ),
    "answer_closest_more": (
        "Danh sách đầy đủ ({n} đơn vị) ở bảng “{table}”.",
        "The full list ({n} units) is in the table “{table}”.",
    ),
    # provenance tags, in words (the catalogue's legend says the same at length)
    "tag_READ": ("đã đọc trong văn bản", "read in the legal text"),
    "tag_READ-PARTIAL": ("đọc được một phần văn bản", "partly read in the legal text"),
    "tag_ARTICLE": (
        "theo báo chí, chưa thấy văn bản",
        "from a news report; no legal text found",
    ),
    "tag_INFERRED": (
        "cách hiểu của thư viện (tham số thay đổi được)",
        "the library's interpretation (an overridable parameter)",
    ),
    "tag_UNKNOWN": ("chưa tìm thấy căn cứ", "no source found"),
    # the workbook's sheet names (≤ 31 characters; see xlsx_out.sheet_names)
    "sheet_summary": ("Tóm tắt", "summary"),
    "sheet_progress": ("Tiến độ", "progress"),
    "sheet_milestones": ("Các mốc lộ trình", "milestones"),
    "sheet_closest": ("Đơn vị gần đạt nhất", "closest"),
    "sheet_units": ("Kết quả từng đơn vị", "units"),
    "sheet_criteria": ("Kết quả theo tiêu chí", "criteria"),
    "sheet_series": ("Diễn biến theo thời gian", "series"),
    "sheet_indicators": ("Chỉ tiêu chiến dịch", "indicators"),
    "sheet_quality": ("Chất lượng dữ liệu", "quality"),
    "sheet_recognitions": ("Công nhận và dữ liệu", "recognitions"),
    "sheet_provenance": ("Nguồn gốc báo cáo", "provenance"),
    "chart_data": ("Số liệu của biểu đồ", "Chart data"),
    "page_of": ("Trang &P/&N", "Page &P of &N"),
    "default_file_stem": ("bao-cao", "report"),
    "national_slug": ("toan-quoc", "national"),
    "contents": ("Mục lục", "Contents"),
    "sheet": ("Trang tính", "Sheet"),
    "offline_note": (
        "Trang này tự chứa, mở được khi không có mạng.",
        "This page is self-contained and opens offline.",
    ),
}


def text(key: str, lang: Lang, **fields: object) -> str:
    """The label of *key* in *lang*, with ``{fields}`` filled in; the key if unknown."""
    pair = REPORT_LABELS.get(key)
    if pair is None:
        return key
    template = pair[0] if lang == "vi" else pair[1]
    return template.format(**fields) if fields else template
