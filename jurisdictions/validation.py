"""Checks on the curated dataset beyond its shape (run by ``manage.py validate_atlas`` and the tests).

``read_dataset`` already refuses malformed files, unknown references, overlapping
periods, duplicate URLs and parent cycles. These checks add what needs the whole
dataset or outside knowledge: a regime for everyone today, real ISO codes, coverage.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import pycountry

from .dataset import Citation, Dataset, JurisdictionRecord

# The 193 UN member states (ISO 3166-1 alpha-2).
UN_MEMBER_STATES = frozenset("""
AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM
CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA
GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP KR KW KG
LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM NA NR NP NL
NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL
SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY
UZ VU VE VN YE ZM ZW
""".split())
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


def validate_dataset(
    dataset: Dataset, *, today: datetime.date, require_coverage: bool = False
) -> list[str]:
    """Problems that make the dataset unfit to publish; an empty list means it passes."""
    problems: list[str] = []
    children: dict[str, list[JurisdictionRecord]] = {}
    for record in dataset.jurisdictions.values():
        if record.parent_slug:
            children.setdefault(record.parent_slug, []).append(record)

    for record in dataset.jurisdictions.values():
        for period in record.periods:
            if rests_on_encyclopedias_only(dataset, period.citations) and not (
                period.confidence == "low" and period.needs_review
            ):
                problems.append(f"{period.origin}: rests on encyclopedia pages only, so it must be "
                                "low confidence and needs_review (docs/DATA.md)")
        if record.iso_code and not iso_code_exists(record.iso_code):
            problems.append(f"{record.origin}: ISO code {record.iso_code} does not exist (pycountry)")
        current = [
            p for p in record.periods
            if p.start_date <= today and (p.end_date is None or p.end_date > today)
        ]
        if not current:
            problems.append(f"{record.origin}: '{record.slug}' has no regime in force on {today}")
        elif current[0].varies_within and not children.get(record.slug):
            problems.append(f"{record.origin}: '{record.slug}' is coded 'varies' but has no coded units")

    for event in dataset.events.values():
        if rests_on_encyclopedias_only(dataset, event.citations) and not (
            event.confidence == "low" and event.needs_review
        ):
            problems.append(f"{event.origin}: rests on encyclopedia pages only, so it must be "
                            "low confidence and needs_review (docs/DATA.md)")

    if require_coverage:
        codes = {r.iso_code for r in dataset.jurisdictions.values()}
        missing = sorted(EXPECTED_COUNTRY_CODES - codes)
        if missing:
            problems.append(f"coverage: no jurisdiction for {len(missing)} code(s): {' '.join(missing)}")
    return problems
