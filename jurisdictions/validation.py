"""Checks on the curated dataset beyond its shape (run by ``manage.py validate_atlas`` and the tests).

``read_dataset`` already refuses malformed files, unknown references, overlapping
periods, duplicate URLs and parent cycles. These checks add what needs the whole
dataset or outside knowledge: a regime for everyone today, real ISO codes, coverage,
and the coding rules of ``docs/DATA.md`` that a machine can check:

- a record resting on encyclopedia pages only is low confidence and needs review;
- a period resting on press reports and pages of kind ``other`` only (no statute, ruling,
  official, intergovernmental, NGO or academic source) is low confidence and needs review;
- a jurisdiction coded ``varies`` has units coded for the whole of that period;
- a period that cites a statute says which section or article (a pinpoint, or a
  source whose title names the provision), unless it is low confidence and needs
  review because the provision has not been identified;
- a law's coming into force is not dated on the day it was passed unless the event
  says a cited source states so (``in_force_on_passage: true``);
- a period starts on an in-force date; one that starts on a passage date instead is
  flagged for review.

``periods_older_than_their_laws`` adds warnings that do not fail validation: periods whose
every dated statute and ruling was published after the period began.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlparse

import pycountry

from .dataset import Citation, Dataset, EventRecord, JurisdictionRecord, PeriodRecord
from .in_force import in_force_on
from .models import SourceKind
from .vocabulary import MODEL_DEFINITIONS

# The 193 UN member states (ISO 3166-1 alpha-2).
UN_MEMBER_STATES = frozenset(
    """
AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM
CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA
GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP KR KW KG
LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM NA NR NP NL
NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL
SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY
UZ VU VE VN YE ZM ZW
""".split()
)
UN_OBSERVER_STATES = frozenset({"VA", "PS"})
OTHER_COVERED = frozenset({"TW", "XK", "HK", "MO"})
EXPECTED_COUNTRY_CODES = UN_MEMBER_STATES | UN_OBSERVER_STATES | OTHER_COVERED
# Kosovo's code is user-assigned, so ISO's tables (and pycountry) do not list it.
USER_ASSIGNED_CODES = frozenset({"XK"})


def iso_code_exists(code: str) -> bool:
    if code in USER_ASSIGNED_CODES:
        return True
    if len(code) == 2:
        return pycountry.countries.get(alpha_2=code) is not None
    return pycountry.subdivisions.get(code=code) is not None


# Encyclopedias are tertiary pointers: a record that rests on them alone is low confidence.
ENCYCLOPEDIA_HOSTS = ("wikipedia.org",)


def rests_on_encyclopedias_only(dataset: Dataset, citations: list[Citation]) -> bool:
    hosts = [urlparse(dataset.sources[c.source_key].url).netloc for c in citations]
    return bool(hosts) and all(host.endswith(ENCYCLOPEDIA_HOSTS) for host in hosts)


# Kinds of source a coding can rest on (docs/DATA.md, "Sources"); news and "other" (encyclopedias,
# law summaries, unofficial reproductions) only point to them.
PRIMARY_KINDS = frozenset(SourceKind) - {SourceKind.NEWS, SourceKind.OTHER}
# The texts that make the law: a period coded from them is dated by them.
LAW_KINDS = frozenset({SourceKind.STATUTE, SourceKind.COURT_RULING})


def rests_on_secondary_sources_only(dataset: Dataset, citations: list[Citation]) -> bool:
    return bool(citations) and not any(dataset.sources[c.source_key].kind in PRIMARY_KINDS for c in citations)


# A source title that itself names the provision, e.g. "Penal Code § 647" or "Code pénal, art. 225-5".
PROVISION_IN_TITLE = re.compile(
    r"(§|\bss?\s*\d|\bsections?\s+\d|\barts?\.?\s*\d|\barticles?\s+\d|\bchapter\s+\d|\bcap\.?\s*\d"
    r"|\bch\.?\s*\d|\b\d+-\d+-\d+)",
    re.IGNORECASE,
)


def statute_citations_without_provision(dataset: Dataset, citations: list[Citation]) -> list[str]:
    """Keys of statute sources cited with neither a pinpoint nor a provision named in the title."""
    return [
        c.source_key
        for c in citations
        if dataset.sources[c.source_key].kind == SourceKind.STATUTE
        and not c.pinpoint.strip()
        and not PROVISION_IN_TITLE.search(dataset.sources[c.source_key].title)
    ]


def _covered(periods: list[PeriodRecord], start: datetime.date, end: datetime.date | None) -> bool:
    """Whether the periods leave no gap between start and end (None: open-ended)."""
    reached = start
    for period in sorted(periods, key=lambda p: p.start_date):
        if in_force_on(period, reached):
            if period.end_date is None:
                return True
            reached = period.end_date
    return end is not None and reached >= end


def _check_passage_and_entry_into_force(
    record: JurisdictionRecord, events: list[EventRecord], dataset: Dataset, problems: list[str]
) -> None:
    passed = {e.date for e in events if e.kind == "law_passed"}
    in_force = {e.date for e in events if e.kind == "law_in_force"}
    for event in events:
        if event.kind == "law_in_force" and event.date in passed and not event.in_force_on_passage:
            problems.append(
                f"{event.origin}: comes into force on the day a law was passed ({event.date}); date it by "
                "entry into force, or set in_force_on_passage: true where a cited source says so (docs/DATA.md)"
            )
    for period in record.periods:
        enacting = dataset.events.get(period.enacted_by or "")
        starts_on_passage = (enacting is not None and enacting.kind == "law_passed") or (
            period.start_date in passed and period.start_date not in in_force
        )
        if starts_on_passage and not period.needs_review:
            problems.append(
                f"{period.origin}: starts on a passage date ({period.start_date}), not an in-force date; "
                "record the in-force date or mark the period needs_review with the date named as "
                "provisional (docs/DATA.md)"
            )


def _check_period_sources(period: PeriodRecord, dataset: Dataset, problems: list[str]) -> None:
    """Weak sources (encyclopedias only, statutes without a provision) need low confidence and review."""
    if rests_on_encyclopedias_only(dataset, period.citations) and not (
        period.confidence == "low" and period.needs_review
    ):
        problems.append(
            f"{period.origin}: rests on encyclopedia pages only, so it must be "
            "low confidence and needs_review (docs/DATA.md)"
        )
    elif (
        not period.varies_within
        and rests_on_secondary_sources_only(dataset, period.citations)
        and not (period.confidence == "low" and period.needs_review)
    ):
        problems.append(
            f"{period.origin}: rests on press reports and encyclopedia or other secondary pages only, "
            "so it must be low confidence and needs_review (docs/DATA.md)"
        )
    unpinned = statute_citations_without_provision(dataset, period.citations)
    if unpinned and not (period.confidence == "low" and period.needs_review):
        problems.append(
            f"{period.origin}: cites the statute(s) {', '.join(unpinned)} without naming "
            "the section or article; add a pinpoint, or make the period low confidence "
            "and needs_review with a note saying the provision was not identified "
            "(docs/DATA.md)"
        )


def _check_units_cover(
    record: JurisdictionRecord, period: PeriodRecord, units: list[JurisdictionRecord], problems: list[str]
) -> None:
    """A period coded 'varies' needs units, each coded for the whole of the period."""
    if not units:
        problems.append(f"{period.origin}: '{record.slug}' is coded 'varies' but has no coded units")
    for unit in units:
        if not _covered(unit.periods, period.start_date, period.end_date):
            problems.append(
                f"{period.origin}: '{record.slug}' is coded 'varies' from {period.start_date} but "
                f"its unit '{unit.slug}' is not coded for the whole of that period"
            )


def _check_model_definition(period: PeriodRecord, problems: list[str]) -> None:
    """A period's treatments fall within its model's definition, or a note says why not."""
    if period.legal_model is None:  # varies within: no treatments to check
        return
    definition = MODEL_DEFINITIONS[period.legal_model]
    outside = definition.outside(
        workers=period.treatment_of_workers,
        clients=period.treatment_of_clients,
        third_parties=period.treatment_of_third_parties,
    )
    if outside and not period.model_exception:
        allowed = "; ".join(
            f"{name}: {' or '.join(values)}" for _, name, values in definition.roles() if name in outside
        )
        problems.append(
            f"{period.origin}: {', '.join(outside).lower()} coded outside what '{period.legal_model}' covers "
            f"({allowed}); recode it from the sources, or explain the exception in 'model_exception' (docs/DATA.md)"
        )
    elif period.model_exception and not outside:
        problems.append(
            f"{period.origin}: 'model_exception' is given but the treatments fit '{period.legal_model}': remove it"
        )


def _check_jurisdiction(
    record: JurisdictionRecord,
    dataset: Dataset,
    units: list[JurisdictionRecord],
    events: list[EventRecord],
    today: datetime.date,
    problems: list[str],
) -> None:
    """The checks of one jurisdiction: its periods' sources and units, its dates, its ISO code."""
    for period in record.periods:
        _check_period_sources(period, dataset, problems)
        if period.varies_within:
            _check_units_cover(record, period, units, problems)
        else:
            _check_model_definition(period, problems)
    _check_passage_and_entry_into_force(record, events, dataset, problems)
    if record.iso_code and not iso_code_exists(record.iso_code):
        problems.append(f"{record.origin}: ISO code {record.iso_code} does not exist (pycountry)")
    if not any(in_force_on(p, today) for p in record.periods):
        problems.append(f"{record.origin}: '{record.slug}' has no regime in force on {today}")


def periods_older_than_their_laws(dataset: Dataset) -> list[str]:
    """Warnings (not problems) for periods whose every statute and ruling was published after they began.

    Such a period is coded back to its start from a later text: a 2005 Act applied to a period
    "in force before 1990", say. The coding may still be right (a ruling can describe an older
    law, a consolidation can repeat it), so this is reported for a reviewer, not refused. Only
    sources with a ``published_on`` date count; a period citing any undated statute or ruling is
    not reported, because nothing is known about that source's age.
    """
    warnings: list[str] = []
    for record in dataset.jurisdictions.values():
        for period in record.periods:
            laws = [
                dataset.sources[c.source_key]
                for c in period.citations
                if dataset.sources[c.source_key].kind in LAW_KINDS
            ]
            if laws and all(s.published_on and s.published_on > period.start_date for s in laws):
                oldest = min(s.published_on for s in laws if s.published_on)
                warnings.append(
                    f"{period.origin}: starts on {period.start_date} but its statutes and rulings were all "
                    f"published later (the oldest on {oldest}); cite the law in force at the start, split "
                    "the period, or say in its note that the earlier years rest on the later law (docs/DATA.md)"
                )
    return warnings


def validate_dataset(dataset: Dataset, *, today: datetime.date, require_coverage: bool = False) -> list[str]:
    """Problems that make the dataset unfit to publish; an empty list means it passes."""
    problems: list[str] = []
    children: dict[str, list[JurisdictionRecord]] = {}
    for record in dataset.jurisdictions.values():
        if record.parent_slug:
            children.setdefault(record.parent_slug, []).append(record)

    events_by_jurisdiction: dict[str, list[EventRecord]] = {}
    for event in dataset.events.values():
        if event.jurisdiction_slug:
            events_by_jurisdiction.setdefault(event.jurisdiction_slug, []).append(event)

    for record in dataset.jurisdictions.values():
        _check_jurisdiction(
            record, dataset, children.get(record.slug, []), events_by_jurisdiction.get(record.slug, []), today, problems
        )

    for event in dataset.events.values():
        if rests_on_encyclopedias_only(dataset, event.citations) and not (
            event.confidence == "low" and event.needs_review
        ):
            problems.append(
                f"{event.origin}: rests on encyclopedia pages only, so it must be "
                "low confidence and needs_review (docs/DATA.md)"
            )

    if require_coverage:
        codes = {r.iso_code for r in dataset.jurisdictions.values()}
        missing = sorted(EXPECTED_COUNTRY_CODES - codes)
        if missing:
            problems.append(f"coverage: no jurisdiction for {len(missing)} code(s): {' '.join(missing)}")
    return problems
