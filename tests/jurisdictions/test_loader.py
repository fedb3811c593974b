"""The curated-dataset loader: idempotent, updates on change, refuses malformed files."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jurisdictions.dataset import DatasetError, read_dataset
from jurisdictions.models import DatasetLoad, Jurisdiction, PolicyEvent, RegimePeriod, Source
from jurisdictions.services import load_dataset

pytestmark = pytest.mark.django_db

BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"


@pytest.fixture
def dataset_dir(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(BASIC, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


def snapshot():
    """Every loaded row with all its values, to compare before and after a reload."""
    return {
        model.__name__: sorted(map(repr, model.objects.values()))
        for model in (Jurisdiction, Source, PolicyEvent, RegimePeriod)
    }


def test_first_load_creates_every_record(dataset_dir):
    report = load_dataset(read_dataset(dataset_dir))
    assert report.counts["jurisdictions"]["created"] == 2
    province = Jurisdiction.objects.get(slug="province")
    assert province.parent is not None and province.parent.slug == "federation"
    periods = list(RegimePeriod.objects.filter(jurisdiction__slug="province").order_by("start_date"))
    assert [p.model_slug for p in periods] == ["partial_criminalization", "decriminalization"]
    assert periods[1].enacted_by is not None and periods[1].enacted_by.slug == "province-reform-in-force"
    assert periods[1].street_work == "regulated" and periods[1].brothels == "unknown"
    assert periods[1].citations.get().pinpoint == "s 2"
    assert PolicyEvent.objects.get(slug="international-statement").jurisdiction is None


def test_second_load_changes_nothing(dataset_dir):
    load_dataset(read_dataset(dataset_dir))
    before = snapshot()
    report = load_dataset(read_dataset(dataset_dir))
    assert not report.changed
    assert all(c["updated"] == c["created"] == c["deleted"] == 0 for c in report.counts.values())
    assert snapshot() == before


def test_changed_fixture_updates_the_rows(dataset_dir):
    load_dataset(read_dataset(dataset_dir))
    edit(dataset_dir / "federation.yaml", "title: Federation Act", "title: Federation Act 1901")
    edit(dataset_dir / "federation.yaml", "    last_reviewed: 2026-01-01", "    last_reviewed: 2026-11-01")
    report = load_dataset(read_dataset(dataset_dir))
    assert report.counts["sources"]["updated"] == 1
    assert Source.objects.get(slug="federation-act").title == "Federation Act 1901"
    assert Jurisdiction.objects.get(slug="province").last_reviewed == datetime.date(2026, 11, 1)


def test_moving_a_reform_date_rewrites_adjacent_periods(dataset_dir):
    load_dataset(read_dataset(dataset_dir))
    text = (dataset_dir / "federation.yaml").read_text().replace("1995-07-01", "1996-01-01")
    (dataset_dir / "federation.yaml").write_text(text)
    load_dataset(read_dataset(dataset_dir))
    starts = list(
        RegimePeriod.objects.filter(jurisdiction__slug="province")
        .order_by("start_date")
        .values_list("start_date", "end_date")
    )
    assert starts == [(datetime.date(1990, 1, 1), datetime.date(1996, 1, 1)), (datetime.date(1996, 1, 1), None)]


def test_removed_citation_is_removed(dataset_dir):
    load_dataset(read_dataset(dataset_dir))
    edit(
        dataset_dir / "federation.yaml",
        "        sources: [federation-act]\n      - start: 1995",
        "        sources: [province-reform-act]\n      - start: 1995",
    )
    load_dataset(read_dataset(dataset_dir))
    period = RegimePeriod.objects.get(jurisdiction__slug="province", start_date=datetime.date(1990, 1, 1))
    assert [s.slug for s in period.sources.all()] == ["province-reform-act"]


def test_command_reports_and_skips_unchanged_files(dataset_dir):
    call_command("load_atlas", path=dataset_dir)
    assert DatasetLoad.objects.count() == 1
    call_command("load_atlas", path=dataset_dir, if_changed=True)
    call_command("load_atlas", path=dataset_dir)
    assert DatasetLoad.objects.count() == 1


def test_dry_run_writes_nothing(dataset_dir):
    call_command("load_atlas", path=dataset_dir, dry_run=True)
    assert Jurisdiction.objects.count() == 0 and DatasetLoad.objects.count() == 0


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("model: decriminalization", "model: tolerated", "'model' is 'tolerated'"),
        ("start: 1995-07-01", "start: 1994-07-01", "overlaps the period starting"),
        ("sources: [province-reform-act]", "sources: []", "cites no source"),
        ("https://legislation.example.org/federation-act", "not a url", "not a well-formed"),
        ("parent: federation", "parent: atlantis", "parent 'atlantis' is not in the dataset"),
        ("date: 1995-07-01", "date: 1995-02-30", "must be a real date"),
        ("enacted_by: province-reform-in-force", "enacted_by: nothing", "unknown event 'nothing'"),
        ("      - start: 1995-07-01\n", "      - start: 1995-07-01\n        start_precision: year\n", "1 January"),
        ("      - start: 1995-07-01\n", "      - start: 1995-07-01\n        start_precision: decade\n", "'decade'"),
        ("      - start: 1995-07-01\n", "      - start: 1995-07-01\n        start_precision: month\n", "differs from"),
        ("      - start: 1995-07-01\n", "      - start: 1995-07-01\n        end_precision: year\n", "needs an 'end'"),
    ],
)
def test_malformed_dataset_is_refused_with_its_location(dataset_dir, old, new, message):
    edit(dataset_dir / "federation.yaml", old, new)
    with pytest.raises(DatasetError) as error:
        read_dataset(dataset_dir)
    assert message in str(error.value)
    assert "federation.yaml" in str(error.value) or "dataset" in str(error.value)


def test_command_refuses_a_broken_dataset_without_writing(dataset_dir):
    edit(dataset_dir / "federation.yaml", "kind: statute", "kind: rumour")
    with pytest.raises(CommandError, match="'kind' is 'rumour'"):
        call_command("load_atlas", path=dataset_dir)
    assert Source.objects.count() == 0


def test_validation_requires_low_confidence_for_encyclopedia_only_records(dataset_dir):
    from jurisdictions.validation import validate_dataset

    edit(
        dataset_dir / "federation.yaml",
        "https://legislation.example.org/province-reform-act",
        "https://en.wikipedia.org/wiki/Province_Reform_Act",
    )
    problems = validate_dataset(read_dataset(dataset_dir), today=datetime.date(2026, 1, 1))
    assert any("encyclopedia pages only" in problem and "periods[1]" in problem for problem in problems)
    assert any("encyclopedia pages only" in problem and "events[0]" in problem for problem in problems)


def test_validation_requires_low_confidence_for_periods_resting_on_the_press_only(dataset_dir):
    from jurisdictions.validation import validate_dataset

    def problems():
        found = validate_dataset(read_dataset(dataset_dir), today=datetime.date(2026, 1, 1))
        return [problem for problem in found if "press reports" in problem]

    assert problems() == []
    edit(
        dataset_dir / "federation.yaml", "province-reform-act\n    kind: statute", "province-reform-act\n    kind: news"
    )
    assert [problem for problem in problems() if "periods[1]" in problem]
    edit(dataset_dir / "federation.yaml", "province-reform-act\n    kind: news", "province-reform-act\n    kind: ngo")
    assert problems() == []


def test_period_date_precision_is_loaded(dataset_dir):
    edit(
        dataset_dir / "federation.yaml",
        "        end: 1995-07-01\n",
        "        end: 1995-07-01\n        end_precision: month\n",
    )
    edit(
        dataset_dir / "federation.yaml",
        "      - start: 1995-07-01\n",
        "      - start: 1995-07-01\n        start_precision: month\n",
    )
    load_dataset(read_dataset(dataset_dir))
    before, after = RegimePeriod.objects.filter(jurisdiction__slug="province").order_by("start_date")
    assert (before.start_precision, before.end_precision) == ("day", "month")
    assert (after.start_precision, after.end_display, after.start_display) == ("month", "", "July 1995")
