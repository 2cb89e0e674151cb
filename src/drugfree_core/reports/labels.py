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
    # views (sheet and file names stay English; titles follow the language)
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
    "indicator": ("Chỉ tiêu", "Indicator"),
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
