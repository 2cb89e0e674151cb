"""Closed vocabularies of the data model.

Every enum's *value* is the lower-case token used in JSON documents and table files,
so the wire format never depends on Python names.
"""

from __future__ import annotations

import enum


class UnitLevel(enum.Enum):
    """Tier of the administrative hierarchy a unit belongs to."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE_LEVEL = "commune_level"


class UnitKind(enum.Enum):
    """Kind of administrative unit (tỉnh, huyện, xã, phường, thị trấn, đặc khu)."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    WARD = "ward"
    TOWN = "town"
    SPECIAL_ZONE = "special_zone"

    @property
    def level(self) -> UnitLevel:
        """The tier this kind of unit sits in."""
        if self is UnitKind.PROVINCE:
            return UnitLevel.PROVINCE
        if self is UnitKind.DISTRICT:
            return UnitLevel.DISTRICT
        return UnitLevel.COMMUNE_LEVEL


#: Kinds evaluated by drug-free schemes: xã, phường, thị trấn (before 2025) and đặc khu.
COMMUNE_LEVEL_KINDS = frozenset(k for k in UnitKind if k.level is UnitLevel.COMMUNE_LEVEL)


class SubjectKind(enum.Enum):
    """Why a person is on a commune's list (criteria.md §1 glossary)."""

    ADDICT = "addict"
    ILLEGAL_USER = "illegal_user"
    POST_REHAB = "post_rehab"
    PSYCHOSIS = "psychosis"
    RELEASED_OFFENDER = "released_offender"


class TestResult(enum.Enum):
    """Outcome of an in-body drug test."""

    __test__ = False  # not a pytest test class

    NEGATIVE = "negative"
    POSITIVE = "positive"


class TestMethod(enum.Enum):
    """Quick screening test or laboratory confirmation."""

    __test__ = False

    SCREENING = "screening"
    CONFIRMATORY = "confirmatory"


class TestSchedule(enum.Enum):
    """Whether a test was scheduled (periodic) or unannounced (surprise)."""

    __test__ = False

    PERIODIC = "periodic"
    SURPRISE = "surprise"


class RehabForm(enum.Enum):
    """Form of drug rehabilitation or treatment (Law 73/2021 Art. 28-33)."""

    VOLUNTARY_HOME_COMMUNITY = "voluntary_home_community"
    VOLUNTARY_FACILITY = "voluntary_facility"
    COMPULSORY_FACILITY = "compulsory_facility"
    OPIOID_SUBSTITUTION = "opioid_substitution"


class FactKind(enum.Enum):
    """Unit-level facts reported for a period (criteria.md §2.2)."""

    DRUG_USE_LOCATIONS = "drug_use_locations"
    ARRESTED_DRUG_OFFENDERS = "arrested_drug_offenders"
    NARCOTIC_PLANTS_COUNT = "narcotic_plants_count"
    NARCOTIC_PLANTS_AREA_M2 = "narcotic_plants_area_m2"
    ON_COMPLEX_ROUTE = "on_complex_route"
    #: 1 when the unit lies on an inter-provincial key complex drug route, 0 when not
    #: (Decision 28/2025 Art. 5 criterion 6, for provinces; report it on the province unit).
    ON_INTER_PROVINCIAL_ROUTE = "on_inter_provincial_route"
    #: Compulsory-rehab dossiers completed in the period (hồ sơ đưa vào cơ sở cai nghiện
    #: bắt buộc đã hoàn thành), for campaign indicators such as Nghệ An Plan 359/2023.
    COMPULSORY_REHAB_DOSSIERS = "compulsory_rehab_dossiers"
    #: The number of such dossiers the unit was assigned as its target for the period.
    COMPULSORY_REHAB_DOSSIERS_ASSIGNED = "compulsory_rehab_dossiers_assigned"


#: Fact kinds that count things (locations, people, plants, dossiers): whole numbers.
WHOLE_FACT_KINDS = frozenset(
    {
        FactKind.DRUG_USE_LOCATIONS,
        FactKind.ARRESTED_DRUG_OFFENDERS,
        FactKind.NARCOTIC_PLANTS_COUNT,
        FactKind.COMPULSORY_REHAB_DOSSIERS,
        FactKind.COMPULSORY_REHAB_DOSSIERS_ASSIGNED,
    }
)
#: Fact kinds that say yes or no: 1 for yes, 0 for no.
YES_NO_FACT_KINDS = frozenset({FactKind.ON_COMPLEX_ROUTE, FactKind.ON_INTER_PROVINCIAL_ROUTE})


class ViolationKind(enum.Enum):
    """Whether a drug-law violation was a crime or an administrative violation."""

    CRIME = "crime"
    ADMINISTRATIVE = "administrative"


class LocationKind(enum.Enum):
    """What a location organising or harbouring drug use is (Decision 28/2025 Art. 2.1)."""

    PLACE = "place"
    AREA = "area"
    VEHICLE = "vehicle"


class LocationBasis(enum.Enum):
    """Why a location is listed: suspected, or established by documents (Art. 2.1)."""

    SUSPECTED = "suspected"
    DOCUMENTED = "documented"


class Authority(enum.Enum):
    """Who issued a scheme: the national government or a province (criteria.md §2.8)."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"


class Provenance(enum.Enum):
    """How sure we are of a rule or number (criteria.md §0)."""

    READ = "READ"
    READ_PARTIAL = "READ-PARTIAL"
    ARTICLE = "ARTICLE"
    INFERRED = "INFERRED"
    UNKNOWN = "UNKNOWN"
