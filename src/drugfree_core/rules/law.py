"""National law parameters: management periods and rehab durations, effective-dated.

Law 73/2021/QH14 (in force 1 Jan 2022) and its amendment, Law 120/2025/QH15 (in force
1 Jul 2026). Each value cites where it was read (criteria.md §6); what the sources do not
say is not invented.
"""

from __future__ import annotations

import datetime as dt

from drugfree_core.i18n import N_
from drugfree_core.model.enums import Provenance
from drugfree_core.rules.params import DatedValue, Parameter, Period

LAW_2021_START = dt.date(2022, 1, 1)
LAW_2025_START = dt.date(2026, 7, 1)

S20 = "https://lawnet.vn/thong-tin-phap-luat/en/tu-van-luat/regulations-on-post-rehabilitation-management-in-places-of-residence-in-vietnam-135115.html"
S22 = "https://baobaclieu.vn/phap-luat/mot-so-quy-dinh-quy-trinh-ve-cai-nghien-ma-tuy-va-quan-ly-sau-cai-nghien-81597.html"
S24A = "https://sotuphap.angiang.gov.vn/wps/portal/Home/2018/chi-tiet/sa-noi-dung/sa-phobiengiaoducphapluat/sa-giaidapphapluat/2d218034-4b91-4fec-9f89-7ff7673a7641"
S24B = "https://mps.gov.vn/pbgdpl/hoi-dap-phap-luat/quy-dinh-cai-nghien-ma-tuy-tu-nguyen-tai-co-so-cai-nghien-ma-tuy-143.html"
S25 = "http://cand.com.vn/Xa-hoi/Go-vuong-trong-viec-xac-dinh-tinh-trang-nghien-ma-tuy-336785/"
S29 = "https://www.vietnam.vn/en/thoi-han-cai-nghien-doi-voi-nguoi-cai-nghien-ma-tuy-lan-dau-la-24-thang"

#: Key of the post-rehab period after compulsory rehab served as a minor (12 to < 18).
COMPULSORY_MINOR = "compulsory_facility_minor"

USER_MANAGEMENT_PERIOD = Parameter(
    id="law.user_management_period",
    description_en="How long an illegal drug user is managed, from the management decision.",
    description_vi="Thời hạn quản lý người sử dụng trái phép chất ma túy, tính từ ngày quyết định.",
    values=(
        DatedValue(
            start=LAW_2021_START,
            value=Period(years=1),
            citation=N_("Law 73/2021/QH14 Art. 23; Decree 105/2021/NĐ-CP"),
            provenance=Provenance.READ,
            note=S22,
        ),
        DatedValue(
            start=LAW_2025_START,
            value=Period(years=1),
            citation=N_("Law 120/2025/QH15 (amended Law on Drug Prevention and Control)"),
            provenance=Provenance.READ,
            note=S29,
        ),
    ),
)

POST_REHAB_PERIOD = Parameter(
    id="law.post_rehab_period",
    description_en=(
        "Post-rehab management period by the form of the completed rehab: 1 year after "
        "voluntary rehab, opioid substitution, or compulsory rehab served as a minor; "
        "2 years after compulsory rehab served as an adult. Law 120/2025's provisions on "
        "post-rehab management were not found, so the 2021 values stay in force."
    ),
    description_vi=(
        "Thời hạn quản lý sau cai nghiện theo hình thức cai: 1 năm (tự nguyện, điều trị "
        "thay thế, bắt buộc khi chưa thành niên); 2 năm (cai bắt buộc khi đã thành niên)."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value={
                "voluntary_home_community": Period(years=1),
                "voluntary_facility": Period(years=1),
                "opioid_substitution": Period(years=1),
                "compulsory_facility": Period(years=2),
                COMPULSORY_MINOR: Period(years=1),
            },
            citation=N_("Law 73/2021/QH14 Art. 40"),
            provenance=Provenance.READ,
            note=S20,
        ),
    ),
)

POST_REHAB_PERIOD_WITHOUT_EPISODE = Parameter(
    id="law.post_rehab_period_without_episode",
    description_en=(
        "Post-rehab management period assumed when the data holds no completed rehab "
        "episode before management started: the longer legal period, so the person stays "
        "in the managed population rather than silently dropping out."
    ),
    description_vi=(
        "Thời hạn quản lý sau cai giả định khi dữ liệu không có đợt cai nghiện đã hoàn "
        "thành: lấy thời hạn dài nhất (2 năm)."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value=Period(years=2),
            citation=N_("Interpretation of Law 73/2021/QH14 Art. 40"),
            provenance=Provenance.INFERRED,
        ),
    ),
)

REHAB_MAX_DURATION = Parameter(
    id="law.rehab_max_duration",
    description_en=(
        "Longest legal duration of a rehab episode by form; an open episode older than this "
        "is stale data, so 'in treatment' becomes unknown. None: no maximum (substitution "
        "therapy is open-ended)."
    ),
    description_vi=(
        "Thời hạn cai nghiện tối đa theo hình thức; đợt cai chưa có ngày kết thúc quá thời "
        "hạn này được coi là dữ liệu cũ (không xác định)."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value={
                "voluntary_home_community": Period(months=12),
                "voluntary_facility": Period(months=12),
                "compulsory_facility": Period(months=24),
                "opioid_substitution": None,
            },
            citation=N_(
                "Law 73/2021/QH14 Art. 28-33; Law on Handling Administrative Violations Art. 95"
            ),
            provenance=Provenance.READ,
            note=f"{S24A} ; {S24B} ; {S25}",
        ),
        DatedValue(
            start=LAW_2025_START,
            value={
                "voluntary_home_community": Period(months=36),
                "voluntary_facility": Period(months=36),
                "compulsory_facility": Period(months=36),
                "opioid_substitution": None,
            },
            citation=N_("Law 120/2025/QH15: 24 months for a first rehab, 36 for later ones"),
            provenance=Provenance.INFERRED,
            note=N_(
                "READ: 24 / 36 months (S29). INFERRED: the episode's rank is not in the "
                "data, so the longer 36 months bounds every episode."
            )
            + " "
            + S29,
        ),
    ),
)

S46 = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/3896F-hd-thoi-diem-bat-dau-va-ket-thuc-"
    "thoi-han-duoc-xac-dinh-nhu-the-nao.html ; "
    "https://anslawfirm.com/cau-hoi/thoi-diem-bat-dau-thoi-han-duoc-tinh-the-nao/"
)

#: The Civil Code reading of a period's end: the anniversary is the last day inside it.
CIVIL_CODE = "civil_code"
#: The other reading: the period ends before its anniversary, which is the first day free.
ANNIVERSARY_EXCLUSIVE = "anniversary_exclusive"
#: The values ``law.period_end_rule`` may take.
PERIOD_END_RULES = (CIVIL_CODE, ANNIVERSARY_EXCLUSIVE)

PERIOD_END_RULE = Parameter(
    id="law.period_end_rule",
    description_en=(
        "How the end of a statutory management period (illegal-user management, post-rehab "
        "management) is counted. 'civil_code' (default): the first day is not counted and a "
        "period of N years ends at the end of the corresponding day of the last year, so the "
        "person is still under management on the anniversary and free from the next day. "
        "'anniversary_exclusive': the period ends the day before the anniversary. The drug "
        "law does not say; the Civil Code's general rules apply unless another law provides "
        "otherwise (Art. 145.1). A 29 February start ends on 28 February."
    ),
    description_vi=(
        "Cách tính ngày kết thúc thời hạn quản lý (người sử dụng trái phép, sau cai nghiện). "
        "'civil_code' (mặc định): không tính ngày đầu tiên; thời hạn N năm kết thúc vào cuối "
        "ngày, tháng tương ứng của năm cuối cùng, nên người đó vẫn bị quản lý trong ngày "
        "tròn năm và hết thời hạn từ ngày hôm sau. 'anniversary_exclusive': thời hạn kết thúc "
        "vào ngày trước ngày tròn năm."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value=CIVIL_CODE,
            citation=N_(
                "Civil Code 2015 (91/2015/QH13) Art. 145.1, 147.2, 148.3, 148.4 (criteria.md §6.5)"
            ),
            provenance=Provenance.INFERRED,
            note=N_(
                "Applying the Civil Code's counting to drug-law periods is an "
                "interpretation: the drug laws do not say how to count."
            )
            + " "
            + S46,
        ),
    ),
)

#: The national law parameters every scheme includes.
LAW_PARAMETERS: tuple[Parameter, ...] = (
    USER_MANAGEMENT_PERIOD,
    POST_REHAB_PERIOD,
    POST_REHAB_PERIOD_WITHOUT_EPISODE,
    REHAB_MAX_DURATION,
    PERIOD_END_RULE,
)
