"""National law parameters: management periods and rehab durations, effective-dated.

Law 73/2021/QH14 (in force 1 Jan 2022, with Decrees 105/2021 and 116/2021) until
30 Jun 2026; from 1 Jul 2026 Law 120/2025/QH15 and Decree 163/2026/NĐ-CP, which replace
them (criteria.md §6.1-§6.4). The change is a new dated value of each parameter, never a
branch in code. Each value cites where it was read; what the sources do not say is not
invented.

Which value applies to a record is the law's own transition rule, as data: a rehab
episode keeps the term of the law in force when it started (Law 120/2025 Art. 56.1-2,
``law.rehab_term_law``); a management decision is judged by the law in force when the
positive result was received (criteria.md §6.4 [INFERRED]).
"""

from __future__ import annotations

import datetime as dt

from drugfree_core.i18n import N_
from drugfree_core.model.enums import Provenance
from drugfree_core.rules.params import DatedValue, Deadline, Parameter, Period

LAW_2021_START = dt.date(2022, 1, 1)
LAW_2025_START = dt.date(2026, 7, 1)

S20 = "https://lawnet.vn/thong-tin-phap-luat/en/tu-van-luat/regulations-on-post-rehabilitation-management-in-places-of-residence-in-vietnam-135115.html"
S22 = "https://baobaclieu.vn/phap-luat/mot-so-quy-dinh-quy-trinh-ve-cai-nghien-ma-tuy-va-quan-ly-sau-cai-nghien-81597.html"
S24A = "https://sotuphap.angiang.gov.vn/wps/portal/Home/2018/chi-tiet/sa-noi-dung/sa-phobiengiaoducphapluat/sa-giaidapphapluat/2d218034-4b91-4fec-9f89-7ff7673a7641"
S24B = "https://mps.gov.vn/pbgdpl/hoi-dap-phap-luat/quy-dinh-cai-nghien-ma-tuy-tu-nguyen-tai-co-so-cai-nghien-ma-tuy-143.html"
S25 = "http://cand.com.vn/Xa-hoi/Go-vuong-trong-viec-xac-dinh-tinh-trang-nghien-ma-tuy-336785/"
S29 = "https://www.vietnam.vn/en/thoi-han-cai-nghien-doi-voi-nguoi-cai-nghien-ma-tuy-lan-dau-la-24-thang"
S26 = "https://trademarkvn.com.vn/en/legal-updated/164-civil/2056-06-subjects-eligible-for-95-of-expenses-of-voluntary-drug-addiction-treatment.html"
#: Law 120/2025/QH15, full text (criteria.md S35): official metadata and a verbatim copy.
S35 = (
    "https://vanban.chinhphu.vn/?pageid=27160&docid=216502",
    "GitHub AnhQu4nn/Day08_RAG_pipeline_cohort2 data/standardized/legal/"
    "luat-phong-chong-ma-tuy-2025.md @3d5d464",
)
#: Decree 163/2026/NĐ-CP, full text (criteria.md S36).
S36 = (
    "GitHub Lucy-98/2A202600811-LuongThiHongNhung-Day08 data/standardized/legal/"
    "nghi-dinh-163-2026.md @23bbca4"
)

#: Key of the post-rehab period after compulsory rehab served as a minor (12 to < 18).
COMPULSORY_MINOR = "compulsory_facility_minor"
#: Suffixes of the rehab-duration keys by the rank of the episode: ``"<form>:first"``
#: for a first rehab, ``"<form>:later"`` from the second on; ``"<form>"`` alone holds
#: the value used when the rank is not known.
FIRST, LATER = "first", "later"

_FORMS = ("voluntary_home_community", "voluntary_facility", "compulsory_facility")


def _by_rank(first: Period, later: Period, unknown: Period) -> dict[str, Period | None]:
    """The same term for every form, by the episode's rank (Law 120/2025 Art. 29.1, 30)."""
    table: dict[str, Period | None] = {"opioid_substitution": None}
    for form in _FORMS:
        table[form] = unknown
        table[f"{form}:{FIRST}"] = first
        table[f"{form}:{LATER}"] = later
    return table


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
            sources=(S22,),
        ),
        DatedValue(
            start=LAW_2025_START,
            value=Period(years=1),
            citation=N_(
                "Law 120/2025/QH15 (in force 1 Jul 2026) Art. 24.2: 1 year from the date of the "
                "management decision, unchanged"
            ),
            provenance=Provenance.READ,
            sources=S35,
        ),
    ),
)

USER_MANAGEMENT_DECIDER = Parameter(
    id="law.user_management_decider",
    description_en=(
        "Who decides the management of an illegal drug user: the chairman of the commune "
        "People's Committee until 30 Jun 2026, the commune police chief from 1 Jul 2026."
    ),
    description_vi=(
        "Người quyết định quản lý người sử dụng trái phép chất ma túy: Chủ tịch UBND cấp xã "
        "đến 30/6/2026; Trưởng Công an cấp xã từ 1/7/2026."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value="commune_pc_chairman",
            citation=N_("Law 73/2021/QH14 Art. 23; Decree 105/2021/NĐ-CP"),
            provenance=Provenance.READ,
            sources=(S22,),
        ),
        DatedValue(
            start=LAW_2025_START,
            value="commune_police_chief",
            citation=N_("Law 120/2025/QH15 (in force 1 Jul 2026) Art. 24.4.a"),
            provenance=Provenance.READ,
            sources=S35,
        ),
    ),
)

USER_MANAGEMENT_DEADLINE = Parameter(
    id="law.user_management_deadline",
    description_en=(
        "Time within which the management decision must be made after the positive test "
        "result is received: 3 working days until 30 Jun 2026, 24 hours from 1 Jul 2026. "
        "The law in force on the day the result was received applies [INFERRED]."
    ),
    description_vi=(
        "Thời hạn ra quyết định quản lý kể từ khi nhận kết quả xét nghiệm dương tính: "
        "3 ngày làm việc đến 30/6/2026; 24 giờ từ 1/7/2026."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value=Deadline(amount=3, unit="working_days"),
            citation=N_("Law 73/2021/QH14 Art. 23; Decree 105/2021/NĐ-CP"),
            provenance=Provenance.READ,
            sources=(S22,),
        ),
        DatedValue(
            start=LAW_2025_START,
            value=Deadline(amount=24, unit="hours"),
            citation=N_(
                "Law 120/2025/QH15 (in force 1 Jul 2026) Art. 24.4.a; "
                "Decree 163/2026/NĐ-CP Art. 59.1"
            ),
            provenance=Provenance.READ,
            sources=(*S35, S36),
        ),
    ),
)

POST_REHAB_PERIOD = Parameter(
    id="law.post_rehab_period",
    description_en=(
        "Post-rehab management period by the form of the completed rehab: 1 year after "
        "voluntary rehab, opioid substitution, or compulsory rehab served as a minor; "
        "2 years after compulsory rehab served as an adult. Unchanged by Law 120/2025, "
        "which also covers persons who finish an old-law rehab after 1 Jul 2026."
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
            sources=(S20,),
        ),
        DatedValue(
            start=LAW_2025_START,
            value={
                "voluntary_home_community": Period(years=1),
                "voluntary_facility": Period(years=1),
                "opioid_substitution": Period(years=1),
                "compulsory_facility": Period(years=2),
                COMPULSORY_MINOR: Period(years=1),
            },
            citation=N_(
                "Law 120/2025/QH15 (in force 1 Jul 2026) Art. 42.1-2 (unchanged); "
                "Art. 56.1: persons in rehab on "
                "1 Jul 2026 come under post-rehab management under the new law"
            ),
            provenance=Provenance.READ,
            sources=S35,
        ),
    ),
)

POST_REHAB_PERIOD_WITHOUT_EPISODE = Parameter(
    id="law.post_rehab_period_without_episode",
    description_en=(
        "The longest post-rehab management period when the data holds no completed rehab "
        "episode before management started: the term is then one of the law's, not known "
        "which, so management certainly runs within the shortest (law.post_rehab_period), "
        "may run up to this one (the person counts as an uncertain member, and may or may "
        "not be excepted), and has ended after it."
    ),
    description_vi=(
        "Thời hạn quản lý sau cai dài nhất khi dữ liệu không có đợt cai nghiện đã hoàn "
        "thành: khi đó không biết thời hạn nào áp dụng, nên việc quản lý chắc chắn còn "
        "trong thời hạn ngắn nhất (law.post_rehab_period), có thể còn đến thời hạn này "
        "(người đó là thành viên chưa chắc chắn), và đã kết thúc sau thời hạn này."
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
        "Longest legal duration of a rehab episode by form (and, from 1 Jul 2026, by rank: "
        "'<form>:first', '<form>:later', '<form>' when the rank is not known); an open "
        "episode older than this is stale data, so 'in treatment' becomes unknown, and a "
        "data-quality finding. None: no maximum (substitution therapy is open-ended). "
        "An episode keeps the value of the law in force when it started."
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
            sources=(S24A, S24B, S25),
        ),
        DatedValue(
            start=LAW_2025_START,
            value=_by_rank(Period(months=24), Period(months=36), Period(months=36)),
            citation=N_(
                "Law 120/2025/QH15 (in force 1 Jul 2026) Art. 29.1, 30: 24 months for a first "
                "rehab, 36 months from the "
                "second, every form"
            ),
            provenance=Provenance.READ,
            note=N_(
                "INFERRED: an episode whose rank the data does not give is bounded by the "
                "longer 36 months."
            ),
            sources=(*S35, S29),
        ),
    ),
)

REHAB_MIN_DURATION = Parameter(
    id="law.rehab_min_duration",
    description_en=(
        "Shortest legal duration of a completed rehab episode by form (keys as for "
        "law.rehab_max_duration); an episode completed sooner is a data-quality finding. "
        "None: no minimum. An episode keeps the value of the law in force when it started."
    ),
    description_vi=(
        "Thời hạn cai nghiện tối thiểu theo hình thức; đợt cai hoàn thành sớm hơn được "
        "ghi nhận là vấn đề chất lượng dữ liệu."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value={
                "voluntary_home_community": Period(months=6),
                "voluntary_facility": Period(months=6),
                "compulsory_facility": Period(months=6),
                "opioid_substitution": None,
            },
            citation=N_(
                "Law 73/2021/QH14 Art. 28-33 (voluntary: 6 to 12 months); Law on Handling "
                "Administrative Violations Art. 95 (compulsory: 12 to 24 months) with "
                "Decree 116/2021/NĐ-CP (up to 6 months off for merit)"
            ),
            provenance=Provenance.INFERRED,
            note=N_(
                "READ: 6 months (voluntary), 12 months less a reduction of 3 to 6 months "
                "(compulsory). INFERRED: their combination, 6 months for compulsory rehab."
            ),
            sources=(S24A, S24B, S25, S26),
        ),
        DatedValue(
            start=LAW_2025_START,
            value=_by_rank(Period(months=24), Period(months=36), Period(months=24)),
            citation=N_(
                "Law 120/2025/QH15 (in force 1 Jul 2026) Art. 29.1, 30: 24 or 36 months, every form"
            ),
            provenance=Provenance.READ,
            note=N_(
                "INFERRED: without the rank, the shorter 24 months; reductions for merit "
                "under the new law were not found [UNKNOWN]."
            ),
            sources=S35,
        ),
    ),
)

REHAB_TERM_LAW = Parameter(
    id="law.rehab_term_law",
    description_en=(
        "Which law sets a rehab episode's term: 'episode_start', the law in force when "
        "the episode started (people in rehab on 1 Jul 2026 finish the term set under the "
        "old law; dossiers decided after it follow the new law), or 'reference_date'."
    ),
    description_vi=(
        "Luật áp dụng cho thời hạn của một đợt cai nghiện: luật có hiệu lực khi bắt đầu "
        "đợt cai (người đang cai nghiện ngày 1/7/2026 tiếp tục theo thời hạn cũ)."
    ),
    values=(
        DatedValue(
            start=LAW_2021_START,
            value="episode_start",
            citation=N_("Law 120/2025/QH15 (in force 1 Jul 2026) Art. 56.1-2 (transition)"),
            provenance=Provenance.READ,
            note=N_(
                "INFERRED: the episode's start date stands for the date of the rehab "
                "decision, which the data does not hold."
            ),
            sources=S35,
        ),
    ),
)

S46 = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/3896F-hd-thoi-diem-bat-dau-va-ket-thuc-"
    "thoi-han-duoc-xac-dinh-nhu-the-nao.html",
    "https://anslawfirm.com/cau-hoi/thoi-diem-bat-dau-thoi-han-duoc-tinh-the-nao/",
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
            ),
            sources=S46,
        ),
    ),
)

#: The national law parameters every scheme includes.
LAW_PARAMETERS: tuple[Parameter, ...] = (
    USER_MANAGEMENT_PERIOD,
    USER_MANAGEMENT_DECIDER,
    USER_MANAGEMENT_DEADLINE,
    POST_REHAB_PERIOD,
    POST_REHAB_PERIOD_WITHOUT_EPISODE,
    REHAB_MAX_DURATION,
    REHAB_MIN_DURATION,
    REHAB_TERM_LAW,
    PERIOD_END_RULE,
)
