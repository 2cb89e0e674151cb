"""Vietnamese and English labels from one source, for explanations and tables."""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]

LABELS: dict[str, tuple[str, str]] = {
    # subject kinds
    "addict": ("người nghiện", "addicts"),
    "illegal_user": ("người sử dụng trái phép", "illegal users"),
    "post_rehab": ("người sau cai nghiện", "post-rehab persons"),
    "psychosis": ("người loạn thần do ma túy", "people with drug-induced psychosis"),
    "released_offender": ("người chấp hành xong án về ma túy", "released drug offenders"),
    # rehab forms
    "voluntary_home_community": (
        "cai tự nguyện tại gia đình, cộng đồng",
        "voluntary rehab at home/community",
    ),
    "voluntary_facility": ("cai tự nguyện tại cơ sở", "voluntary rehab at a facility"),
    "compulsory_facility": ("cai bắt buộc tại cơ sở", "compulsory rehab at a facility"),
    "opioid_substitution": ("điều trị thay thế (methadone)", "opioid substitution therapy"),
    # facts
    "drug_use_locations": ("điểm, tụ điểm sử dụng ma túy", "drug-use locations"),
    "arrested_drug_offenders": ("đối tượng phạm tội ma túy bị bắt", "arrested drug offenders"),
    "narcotic_plants_count": ("số cây có chất ma túy", "narcotic plants"),
    "narcotic_plants_area_m2": ("diện tích cây có chất ma túy (m²)", "narcotic plant area (m²)"),
    "on_complex_route": ("nằm trên tuyến trọng điểm", "on a complex drug route"),
    "compulsory_rehab_dossiers": (
        "hồ sơ cai nghiện bắt buộc đã hoàn thành",
        "compulsory-rehab dossiers completed",
    ),
    "compulsory_rehab_dossiers_assigned": (
        "chỉ tiêu hồ sơ cai nghiện bắt buộc được giao",
        "compulsory-rehab dossiers assigned",
    ),
    "on_inter_provincial_route": (
        "nằm trên tuyến trọng điểm liên tỉnh",
        "on an inter-provincial complex drug route",
    ),
    # levels of Decision 28/2025
    "type-I": ("loại I", "type I"),
    "type-II": ("loại II", "type II"),
    "type-III": ("loại III", "type III"),
    "drug-free": ("không ma túy", "drug-free"),
    "unclassified": ("chưa phân loại", "unclassified"),
    "key-complex": ("trọng điểm phức tạp", "key complex"),
    "not-key-complex": ("không trọng điểm", "not key complex"),
    # outcomes
    "pass": ("đạt", "pass"),
    "fail": ("không đạt", "fail"),
    "unknown": ("chưa xác định", "unknown"),
    "no_data": ("không có dữ liệu", "no data"),
    # words used in explanations
    "all": ("tất cả", "all"),
    "any": ("ít nhất một", "any"),
    "not": ("không", "not"),
    "people": ("người", "people"),
    "unit": ("đơn vị", "unit"),
    "verdict": ("kết luận", "verdict"),
    "level": ("phân loại", "level"),
    "none": ("không thuộc loại nào", "none"),
    "failing": ("không đạt", "failing"),
    "undecided": ("chưa xác định", "undecided"),
    "observed": ("giá trị", "observed"),
    "threshold": ("ngưỡng", "threshold"),
    "reason": ("lý do", "reason"),
    "source": ("nguồn", "source"),
    "overridden_by": ("ghi đè bởi", "overridden by"),
    "overrides": ("quy định lại", "overrides"),
    "affected": ("ảnh hưởng", "affected"),
}


def label(key: str, lang: Lang) -> str:
    """The label of *key* in *lang*; the key itself when there is none."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "vi" else pair[1]


#: Sentences with ``{fields}``, by key → (Vietnamese, English): what the CLI and the
#: explanations say about coverage, tables not supplied and people not placed.
MESSAGES: dict[str, tuple[str, str]] = {
    "units_covered": (
        "{total} đơn vị · có dữ liệu {covered}/{total}",
        "{total} units · data for {covered} of {total}",
    ),
    "coverage_declared": (
        "phạm vi dữ liệu: theo bảng coverage của bộ dữ liệu",
        "coverage: as the dataset's coverage table declares",
    ),
    "coverage_units": (
        "phạm vi dữ liệu: mọi đơn vị trong bảng units của bộ dữ liệu (không có bảng coverage)",
        "coverage: every unit of the dataset's own units table (no coverage table)",
    ),
    "coverage_none": (
        "phạm vi dữ liệu: không có (đơn vị lấy từ bản đồ chính thức, không khai báo coverage)",
        "coverage: none (units from the official map, no coverage declared)",
    ),
    "missing_tables": (
        "bảng không được cung cấp (tiêu chí dùng chúng là chưa xác định): {tables}",
        "tables not supplied (criteria that read them are unknown): {tables}",
    ),
    "unplaced_anywhere": (
        "không xác định được đơn vị: {n} người hoặc bản ghi, nên số đơn vị đạt có thể ít "
        "hơn: đạt {meeting}, ít nhất {least}",
        "not placed in any unit: {n} person(s) or record(s), so fewer units may pass: "
        "pass {meeting}, at least {least}",
    ),
    "quarantined_count": ("bản ghi bị cách ly: {n}", "quarantined records: {n}"),
    "unplaced_count": (
        "người chưa xác định được thuộc một đơn vị: {n}",
        "people not placed in one unit: {n}",
    ),
    "unplaced_note": (
        "không xác định được đơn vị: {n} người hoặc bản ghi của bộ dữ liệu, có thể thuộc "
        "đơn vị này",
        "not placed in any unit: {n} person(s) or record(s) of the dataset, which may "
        "belong to this unit",
    ),
}


def message(key: str, lang: Lang, **fields: object) -> str:
    """The sentence *key* of :data:`MESSAGES` in *lang*, with its fields filled in."""
    vi, en = MESSAGES[key]
    return (vi if lang == "vi" else en).format(**fields)
