"""The coding rules of docs/DATA.md that validate_atlas checks, each shown to pass and to fail."""

import datetime
import shutil
from pathlib import Path

import pytest

from jurisdictions.dataset import read_dataset
from jurisdictions.validation import periods_older_than_their_laws, validate_dataset

BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"
TODAY = datetime.date(2026, 1, 1)


@pytest.fixture
def dataset_dir(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(BASIC, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def problems(dataset_dir: Path) -> list[str]:
    return validate_dataset(read_dataset(dataset_dir), today=TODAY)


def matching(found: list[str], text: str) -> list[str]:
    return [problem for problem in found if text in problem]


def test_statute_citations_name_their_section(dataset_dir):
    # In the sample data the federation's period and the province's first period cite a statute
    # without a section and are not flagged low confidence and for review.
    found = matching(problems(dataset_dir), "without naming the section or article")
    assert [p.split(": ")[1] for p in found] == ["jurisdictions[0].periods[0]", "jurisdictions[1].periods[0]"]
    edit(dataset_dir / "federation.yaml", "title: Federation Act", "title: Federation Act, s 12")
    assert matching(problems(dataset_dir), "without naming the section or article") == []


def test_a_pinpoint_satisfies_the_section_rule(dataset_dir):
    edit(
        dataset_dir / "federation.yaml",
        "        model: varies\n        sources: [federation-act]",
        "        model: varies\n        sources:\n          - key: federation-act\n            pinpoint: art. 3",
    )
    found = matching(problems(dataset_dir), "without naming the section or article")
    assert [p.split(": ")[1] for p in found] == ["jurisdictions[1].periods[0]"]


def test_an_unidentified_section_is_allowed_only_when_the_period_admits_it(dataset_dir):
    edit(
        dataset_dir / "federation.yaml",
        "        third_parties: criminalized\n        sources: [federation-act]",
        "        third_parties: criminalized\n        confidence: low\n        needs_review: true\n"
        "        notes: The section was not identified.\n        sources: [federation-act]",
    )
    found = matching(problems(dataset_dir), "without naming the section or article")
    assert [p.split(": ")[1] for p in found] == ["jurisdictions[0].periods[0]"]


def test_in_force_on_the_day_of_passage_needs_a_source_that_says_so(dataset_dir):
    passed = (
        "      - key: province-reform-passed\n        date: 1995-07-01\n        kind: law_passed\n"
        "        title: The Province Reform Act is passed\n        sources: [province-reform-act]\n"
    )
    edit(dataset_dir / "federation.yaml", "    events:\n", "    events:\n" + passed)
    found = matching(problems(dataset_dir), "comes into force on the day a law was passed")
    assert len(found) == 1 and "events[1]" in found[0]
    edit(
        dataset_dir / "federation.yaml",
        "        title: The Province Reform Act comes into force\n",
        "        title: The Province Reform Act comes into force\n        in_force_on_passage: true\n",
    )
    assert matching(problems(dataset_dir), "comes into force on the day a law was passed") == []


def test_a_period_enacted_by_a_passage_event_must_be_flagged_for_review(dataset_dir):
    edit(dataset_dir / "federation.yaml", "        kind: law_in_force", "        kind: law_passed")
    found = matching(problems(dataset_dir), "starts on a passage date")
    assert len(found) == 1 and "jurisdictions[1].periods[1]" in found[0]
    edit(
        dataset_dir / "federation.yaml",
        "        enacted_by: province-reform-in-force",
        "        needs_review: true\n        enacted_by: province-reform-in-force",
    )
    assert matching(problems(dataset_dir), "starts on a passage date") == []


def test_a_varies_parent_needs_units_coded_for_the_whole_period(dataset_dir):
    assert matching(problems(dataset_dir), "coded 'varies'") == []
    # A gap in the unit's history: its first period now starts in 1991.
    edit(
        dataset_dir / "federation.yaml",
        "      - start: 1990-01-01\n        in_force_before_start: true\n        end: 1995-07-01",
        "      - start: 1991-01-01\n        end: 1995-07-01",
    )
    found = matching(problems(dataset_dir), "coded 'varies'")
    assert len(found) == 1 and "'province' is not coded for the whole of that period" in found[0]


def test_a_varies_parent_without_units_is_refused(dataset_dir):
    edit(dataset_dir / "federation.yaml", "    parent: federation\n", "")
    edit(dataset_dir / "federation.yaml", "    kind: state\n", "    kind: country\n")
    edit(dataset_dir / "federation.yaml", "    iso_code: AU-NSW\n", "    iso_code: NZ\n")
    found = matching(problems(dataset_dir), "coded 'varies' but has no coded units")
    assert len(found) == 1 and "jurisdictions[0].periods[0]" in found[0]


def older_than_their_laws(dataset_dir: Path) -> list[str]:
    return [w.split(": ")[1] for w in periods_older_than_their_laws(read_dataset(dataset_dir))]


def test_a_period_whose_every_law_is_younger_is_warned_about_not_refused(dataset_dir):
    # Undated statutes say nothing about their age: no warning.
    assert older_than_their_laws(dataset_dir) == []
    # The Province Reform Act, cited by the period that begins on 1995-07-01, published in 2001.
    edit(
        dataset_dir / "federation.yaml",
        "    url: https://legislation.example.org/province-reform-act\n    kind: statute\n",
        "    url: https://legislation.example.org/province-reform-act\n    kind: statute\n"
        "    published_on: 2001-03-01\n",
    )
    assert older_than_their_laws(dataset_dir) == ["jurisdictions[1].periods[1]"]
    assert matching(problems(dataset_dir), "published later") == []
    # Published on the day the period begins: the law is not younger than the period.
    edit(dataset_dir / "federation.yaml", "published_on: 2001-03-01", "published_on: 1995-07-01")
    assert older_than_their_laws(dataset_dir) == []


def test_an_older_or_undated_law_beside_a_younger_one_silences_the_warning(dataset_dir):
    edit(
        dataset_dir / "federation.yaml",
        "    url: https://legislation.example.org/province-reform-act\n    kind: statute\n",
        "    url: https://legislation.example.org/province-reform-act\n    kind: statute\n"
        "    published_on: 2001-03-01\n",
    )
    edit(
        dataset_dir / "federation.yaml",
        "          - key: province-reform-act\n            pinpoint: s 2\n",
        "          - key: province-reform-act\n            pinpoint: s 2\n"
        "          - key: federation-act\n            pinpoint: s 4\n",
    )
    assert older_than_their_laws(dataset_dir) == []
