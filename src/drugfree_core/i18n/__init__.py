"""Every user-visible text in Vietnamese or English, through gettext catalogues.

The library's texts are English messages translated through one catalogue
(``drugfree_core/locale/vi/LC_MESSAGES/drugfree.po``): a :class:`Message` is made where
the text arises and rendered in the reader's language when it is shown. Figures are
formatted as the language writes them (:func:`format_count`, :func:`format_percent`,
:func:`format_date`…). Which language that is: :func:`resolve_lang` (``--lang``, else
``DRUGFREE_LANG``, else the process locale, else English). Rule texts (criteria, their
citations and notes) are data written in both languages and do not pass through here.
"""

from __future__ import annotations

from drugfree_core.i18n.catalog import (
    DOMAIN,
    LOCALE_DIR,
    N_,
    LookupLog,
    catalogue_paths,
    compile_catalogue,
    record_lookups,
    translate,
)
from drugfree_core.i18n.formatting import (
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_percent,
)
from drugfree_core.i18n.language import (
    LANG_ENV,
    LANGS,
    Lang,
    LanguageError,
    check_lang,
    current_lang,
    default_lang,
    locale_lang,
    parse_lang,
    reset_lang,
    resolve_lang,
    set_lang,
    use_lang,
)
from drugfree_core.i18n.message import (
    Message,
    Param,
    Text,
    bilingual,
    exception_text,
    gettext,
    localize,
    msg,
    msgn,
    ngettext,
    pgettext,
    pmsg,
    render,
    render_param,
)
from drugfree_core.i18n.words import format_duration, join_texts, os_reason, yes_no

__all__ = [
    "DOMAIN",
    "LABELS",
    "LANGS",
    "LANG_ENV",
    "LOCALE_DIR",
    "N_",
    "Lang",
    "LanguageError",
    "LookupLog",
    "Message",
    "Param",
    "Text",
    "bilingual",
    "catalogue_paths",
    "check_lang",
    "compile_catalogue",
    "current_lang",
    "default_lang",
    "exception_text",
    "format_count",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_number",
    "format_percent",
    "gettext",
    "join_texts",
    "label",
    "locale_lang",
    "localize",
    "msg",
    "msgn",
    "ngettext",
    "os_reason",
    "parse_lang",
    "pgettext",
    "pmsg",
    "record_lookups",
    "render",
    "render_param",
    "reset_lang",
    "resolve_lang",
    "set_lang",
    "translate",
    "use_lang",
    "yes_no",
]

#: Names for the words of the domain (subject kinds, rehab forms, facts, outcomes) and
#: of explanations, by key; :func:`label` renders them.
LABELS: dict[str, Message] = {
    # subject kinds
    "addict": msg("addicts"),
    "illegal_user": msg("illegal users"),
    "post_rehab": msg("post-rehab persons"),
    "psychosis": msg("people with drug-induced psychosis"),
    "released_offender": msg("released drug offenders"),
    # rehab forms
    "voluntary_home_community": msg("voluntary rehab at home/community"),
    "voluntary_facility": msg("voluntary rehab at a facility"),
    "compulsory_facility": msg("compulsory rehab at a facility"),
    "opioid_substitution": msg("opioid substitution therapy"),
    "compulsory_facility_minor": msg("compulsory rehab at a facility, served as a minor"),
    # facts
    "drug_use_locations": msg("drug-use locations"),
    "arrested_drug_offenders": msg("arrested drug offenders"),
    "narcotic_plants_count": msg("narcotic plants"),
    "narcotic_plants_area_m2": msg("narcotic plant area (m²)"),
    "on_complex_route": msg("on a complex drug route"),
    "compulsory_rehab_dossiers": msg("compulsory-rehab dossiers completed"),
    "compulsory_rehab_dossiers_assigned": msg("compulsory-rehab dossiers assigned"),
    "on_inter_provincial_route": msg("on an inter-provincial complex drug route"),
    # levels of Decision 28/2025
    "type-I": msg("type I"),
    "type-II": msg("type II"),
    "type-III": msg("type III"),
    "drug-free": msg("drug-free"),
    "unclassified": msg("unclassified"),
    "key-complex": msg("key complex"),
    "not-key-complex": msg("not key complex"),
    # drug tests
    "periodic": msg("periodic"),
    "surprise": msg("surprise"),
    "negative": msg("negative"),
    "positive": msg("positive"),
    "screening": msg("screening"),
    "confirmatory": msg("confirmatory"),
    # outcomes
    "pass": msg("pass"),
    "fail": msg("fail"),
    "unknown": msg("unknown"),
    "no_data": msg("no data"),
    # the settings of the rules (parameters whose value is a word, not a number)
    "assessment_period": msg("the assessment period (from 15 December)"),
    "reference_date": msg("the reference date"),
    "violation_date": msg("the day of the violation"),
    "either": msg("either day"),
    "active": msg("operating during the window"),
    "identified": msg("identified during the window"),
    "civil_code": msg("as the Civil Code counts (the anniversary is the last day)"),
    "anniversary_exclusive": msg("ending the day before the anniversary"),
    "episode_start": msg("the law in force when the episode started"),
    "commune_pc_chairman": msg("the chairman of the commune People's Committee"),
    "commune_police_chief": msg("the head of the commune police"),
    "latest_negative_no_positive": msg("the latest test negative, and none positive"),
    "latest_negative": msg("the latest test negative"),
    "any_negative": msg("at least one test negative"),
    # words used in explanations
    "all": msg("all"),
    "any": msg("any"),
    "not": msg("not"),
    "people": msg("people"),
    "unit": msg("unit"),
    "verdict": msg("verdict"),
    "level": msg("level"),
    "none": pmsg("level", "none"),
    "failing": msg("failing"),
    "undecided": msg("undecided"),
    "observed": msg("observed"),
    "threshold": msg("threshold"),
    "reason": msg("reason"),
    "source": msg("source"),
    "overridden_by": msg("overridden by"),
    "overrides": msg("overrides"),
    "affected": msg("affected"),
}


def label(key: str, lang: str | None = None) -> str:
    """The label of *key* in *lang* (default: the current language); the key if unknown."""
    message = LABELS.get(key)
    return key if message is None else message.render(lang)
