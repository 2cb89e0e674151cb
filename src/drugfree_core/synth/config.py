"""Configuration of the synthetic data generator and its presets.

The national table lists the 34 province-level units in force from 1 July 2025 with their
counts of communes, wards and special zones, as in the bundled official map
(:mod:`drugfree_core.adminmap`, 3,321 units: 2,621 communes, 687 wards, 13 special zones;
a test checks the table against the map). The plant risk and burden of each province are
rough guesses that only need to be plausible for synthetic data.
"""

from __future__ import annotations

import datetime as dt

import attrs
from attrs import validators as v

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg


def _non_negative(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise UsageError(msg("{name} must not be negative", name=attribute.name))


def _share(_inst: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise UsageError(msg("{name} must be between 0 and 1", name=attribute.name))


@attrs.frozen(kw_only=True)
class ProvinceSpec:
    """One province-level unit to generate and how many commune-level units it has.

    ``plant_risk`` is the share of its communes where narcotic plants are found (high in
    the north-western mountains); ``burden`` scales how many people under management live
    there relative to its population.
    """

    name: str
    code: str
    communes: int = attrs.field(validator=_non_negative)
    wards: int = attrs.field(validator=_non_negative)
    special_zones: int = attrs.field(default=0, validator=_non_negative)
    special_zone_names: tuple[str, ...] = ()
    plant_risk: float = attrs.field(default=0.02, validator=_share)
    burden: float = 1.0

    @property
    def total(self) -> int:
        """Number of commune-level units (communes + wards + special zones)."""
        return self.communes + self.wards + self.special_zones


_NW, _MT, _LO = 0.35, 0.10, 0.02  # plant risk: north-west highlands, other mountains, lowlands

#: (name, official 2-digit code, communes, wards, special zones, plant risk, burden)
_NATIONAL: tuple[tuple[str, str, int, int, int, float, float], ...] = (
    ("Thành phố Hà Nội", "01", 75, 51, 0, _LO, 1.3),
    ("Tỉnh Cao Bằng", "04", 53, 3, 0, _MT, 1.0),
    ("Tỉnh Tuyên Quang", "08", 117, 7, 0, _NW, 1.2),
    ("Tỉnh Điện Biên", "11", 42, 3, 0, _NW, 2.2),
    ("Tỉnh Lai Châu", "12", 36, 2, 0, _NW, 1.6),
    ("Tỉnh Sơn La", "14", 67, 8, 0, _NW, 2.2),
    ("Tỉnh Lào Cai", "15", 89, 10, 0, _NW, 1.3),
    ("Tỉnh Thái Nguyên", "19", 77, 15, 0, _MT, 1.2),
    ("Tỉnh Lạng Sơn", "20", 61, 4, 0, _MT, 1.2),
    ("Tỉnh Quảng Ninh", "22", 22, 30, 2, _LO, 1.2),
    ("Tỉnh Bắc Ninh", "24", 66, 33, 0, _LO, 0.9),
    ("Tỉnh Phú Thọ", "25", 133, 15, 0, _MT, 0.9),
    ("Thành phố Hải Phòng", "31", 67, 45, 2, _LO, 1.2),
    ("Tỉnh Hưng Yên", "33", 93, 11, 0, _LO, 0.8),
    ("Tỉnh Ninh Bình", "37", 97, 32, 0, _LO, 0.8),
    ("Tỉnh Thanh Hóa", "38", 147, 19, 0, _MT, 1.0),
    ("Tỉnh Nghệ An", "40", 119, 11, 0, _NW, 1.5),
    ("Tỉnh Hà Tĩnh", "42", 60, 9, 0, _LO, 0.8),
    ("Tỉnh Quảng Trị", "44", 69, 8, 1, _MT, 0.8),
    ("Thành phố Huế", "46", 19, 21, 0, _LO, 0.8),
    ("Thành phố Đà Nẵng", "48", 70, 23, 1, _LO, 0.9),
    ("Tỉnh Quảng Ngãi", "51", 86, 9, 1, _MT, 0.7),
    ("Tỉnh Gia Lai", "52", 110, 25, 0, _MT, 0.7),
    ("Tỉnh Khánh Hòa", "56", 48, 16, 1, _LO, 0.8),
    ("Tỉnh Đắk Lắk", "66", 88, 14, 0, _MT, 0.8),
    ("Tỉnh Lâm Đồng", "68", 103, 20, 1, _MT, 0.8),
    ("Tỉnh Đồng Nai", "75", 72, 23, 0, _LO, 1.0),
    ("Thành phố Hồ Chí Minh", "79", 54, 113, 1, _LO, 1.3),
    ("Tỉnh Tây Ninh", "80", 82, 14, 0, _LO, 0.9),
    ("Tỉnh Đồng Tháp", "82", 82, 20, 0, _LO, 0.7),
    ("Tỉnh Vĩnh Long", "86", 105, 19, 0, _LO, 0.7),
    ("Tỉnh An Giang", "91", 85, 14, 3, _LO, 0.9),
    ("Thành phố Cần Thơ", "92", 72, 31, 0, _LO, 0.8),
    ("Tỉnh Cà Mau", "96", 55, 9, 0, _LO, 0.7),
)

#: Special zones (đặc khu) by province code; names for invented (scaled) territories.
_SPECIAL_ZONES: dict[str, tuple[str, ...]] = {
    "91": ("Kiên Hải", "Phú Quốc", "Thổ Châu"),
    "31": ("Cát Hải", "Bạch Long Vĩ"),
    "22": ("Vân Đồn", "Cô Tô"),
    "79": ("Côn Đảo",),
    "48": ("Hoàng Sa",),
    "56": ("Trường Sa",),
    "68": ("Phú Quý",),
    "51": ("Lý Sơn",),
    "44": ("Cồn Cỏ",),
}

#: The 34 province-level units from 1 July 2025, with their official codes.
NATIONAL_PROVINCES: tuple[ProvinceSpec, ...] = tuple(
    ProvinceSpec(
        name=name,
        code=code,
        communes=communes,
        wards=wards,
        special_zones=zones,
        special_zone_names=_SPECIAL_ZONES.get(code, ()),
        plant_risk=risk,
        burden=burden,
    )
    for name, code, communes, wards, zones, risk, burden in _NATIONAL
)

#: Default shares of the entry tracks: addict (may go through rehab, post-rehab management
#: and relapse), illegal user, drug-induced psychosis, released drug offender.
DEFAULT_TRACK_SHARES = (0.62, 0.25, 0.05, 0.08)

#: Reference dates around which test campaigns cluster (recognition requests).
DEFAULT_REFERENCE_DATES = (dt.date(2025, 10, 1), dt.date(2026, 1, 15))


def _scale_provinces(units: int) -> tuple[ProvinceSpec, ...]:
    """Pick and shrink national provinces so that they hold *units* commune-level units."""
    if units < 1:
        raise UsageError(msg("{name} must be at least 1", name="units"))
    national_total = sum(p.total for p in NATIONAL_PROVINCES)
    wanted = round(units * len(NATIONAL_PROVINCES) / national_total)
    count = min(len(NATIONAL_PROVINCES), max(1, wanted))
    # Spread the choice over the list (it is ordered north to south) for variety.
    step = len(NATIONAL_PROVINCES) / count
    chosen = [NATIONAL_PROVINCES[int(i * step)] for i in range(count)]
    totals = _largest_remainder([p.total for p in chosen], units, minimum=1)
    scaled = []
    for spec, total in zip(chosen, totals, strict=True):
        zones = min(spec.special_zones, total // 20)
        communes, wards = _largest_remainder([spec.communes, spec.wards], total - zones, minimum=0)
        scaled.append(
            attrs.evolve(
                spec,
                communes=communes,
                wards=wards,
                special_zones=zones,
                special_zone_names=spec.special_zone_names[:zones],
            )
        )
    return tuple(scaled)


def _largest_remainder(weights: list[int], total: int, *, minimum: int) -> list[int]:
    """Split *total* in proportion to *weights* (Hamilton method), each part >= *minimum*."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the number of parts")  # internal: callers keep it
    weight_sum = sum(weights) or 1
    quotas = [w * rest / weight_sum for w in weights]
    parts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


@attrs.frozen(kw_only=True)
class SynthConfig:
    """Everything that shapes a generated dataset; the same config always gives the same data.

    Sizes: ``provinces`` fixes the commune-level units, ``subjects`` the number of people,
    ``tests_per_subject`` the mean number of drug tests per person. Shares tune realism:
    ``unchanged_share`` of post-reform units were not merged (no lineage), ``split_share``
    of pre-reform communes were split between two successors, ``mover_share`` of people
    changed commune, ``left_share`` moved away with no new residence on record,
    ``custody_share`` of addicts and users spent time in prison or detention,
    ``legacy_residence_share`` of people in merged areas still have an open residence in
    the pre-reform commune, ``missing_fact_share`` of units lack one kind of unit fact and
    ``missing_population_share`` have no resident population. Test campaigns cluster in
    the 30 days before each of ``reference_dates``. History runs from ``history_start``
    (tests, facts) to ``as_of`` (the day the data were extracted).

    With ``official_map`` the units and lineage are those of the bundled official map
    for the configured provinces (whose counts must match it; ``unchanged_share`` and
    ``split_share`` are then unused); otherwise they are invented.
    """

    seed: int = 0
    provinces: tuple[ProvinceSpec, ...] = attrs.field(validator=v.min_len(1))
    subjects: int = attrs.field(validator=_non_negative)
    tests_per_subject: float = 10.0
    track_shares: tuple[float, float, float, float] = DEFAULT_TRACK_SHARES
    unchanged_share: float = attrs.field(default=128 / 3321, validator=_share)
    split_share: float = attrs.field(default=0.01, validator=_share)
    mover_share: float = attrs.field(default=0.05, validator=_share)
    left_share: float = attrs.field(default=0.01, validator=_share)
    custody_share: float = attrs.field(default=0.03, validator=_share)
    legacy_residence_share: float = attrs.field(default=0.5, validator=_share)
    missing_fact_share: float = attrs.field(default=0.03, validator=_share)
    missing_population_share: float = attrs.field(default=0.0, validator=_share)
    reference_dates: tuple[dt.date, ...] = DEFAULT_REFERENCE_DATES
    history_start: dt.date = dt.date(2023, 1, 1)
    as_of: dt.date = dt.date(2026, 12, 31)
    official_map: bool = False

    def __attrs_post_init__(self) -> None:
        if self.as_of <= self.history_start:
            raise UsageError(
                msg("{later} must be after {earlier}", later="as_of", earlier="history_start")
            )
        if self.tests_per_subject < 0:
            raise UsageError(msg("{name} must not be negative", name="tests_per_subject"))
        if len(self.track_shares) != 4 or min(self.track_shares) < 0 or sum(self.track_shares) <= 0:
            raise UsageError(
                msg(
                    "{name} needs four shares, none negative, with a sum above 0",
                    name="track_shares",
                )
            )
        codes = [p.code for p in self.provinces]
        if len(set(codes)) != len(codes):
            raise UsageError(msg("the provinces' codes must be distinct"))

    @property
    def unit_count(self) -> int:
        """Number of post-reform commune-level units the config generates."""
        return sum(p.total for p in self.provinces)

    @classmethod
    def demo(cls, seed: int = 2025) -> SynthConfig:
        """Return a small one-province config: 17 commune-level units, about 450 people."""
        province = ProvinceSpec(
            name="Tỉnh Sơn Hà",
            code="99",
            communes=12,
            wards=4,
            special_zones=1,
            plant_risk=0.25,
            burden=1.0,
        )
        return cls(
            seed=seed,
            provinces=(province,),
            subjects=450,
            unchanged_share=0.12,
            split_share=0.03,
            missing_fact_share=0.1,
        )

    @classmethod
    def national(cls, seed: int = 2025) -> SynthConfig:
        """Return the national config: the official map, about 400,000 people.

        That is 34 provinces and 3,321 units from 1 July 2025, with the 63 provinces, 696
        districts and 10,035 communes before the reform as their predecessors.
        """
        return cls(
            seed=seed,
            provinces=NATIONAL_PROVINCES,
            subjects=400_000,
            missing_population_share=0.002,
            official_map=True,
        )

    @classmethod
    def scaled(
        cls, *, units: int, subjects: int, seed: int = 2025, tests_per_subject: float = 10.0
    ) -> SynthConfig:
        """Return a config between demo and national size.

        Takes about one province per 98 units from the national list (spread north to
        south) and shares *units* among them in proportion to their real sizes.
        """
        return cls(
            seed=seed,
            provinces=_scale_provinces(units),
            subjects=subjects,
            tests_per_subject=tests_per_subject,
        )
