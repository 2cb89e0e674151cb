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
