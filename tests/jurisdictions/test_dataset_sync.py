"""The database is the source of truth: reloads keep editors' work, dumps round-trip byte for byte."""

import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from jurisdictions import services
from jurisdictions.dataset import DatasetError, read_dataset
from jurisdictions.dataset_sync import dump_dataset, load_dataset
from jurisdictions.models import Jurisdiction, LoadedRecord, PolicyEvent, RegimePeriod, Source
from tests.factories import RegimePeriodFactory, SourceFactory, legal_model

pytestmark = pytest.mark.django_db

BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"
D = datetime.date


@pytest.fixture
def files(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(BASIC, target)
    load_dataset(read_dataset(target))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


REFORM = D(1995, 7, 1)


def province_period(start=REFORM) -> RegimePeriod:
    return RegimePeriod.objects.get(jurisdiction__slug="province", start_date=start)


def reload(files: Path, **options) -> str:
    out = io.StringIO()
    call_command("load_atlas", path=files, stdout=out, **options)
    return out.getvalue()


def test_an_editors_change_survives_a_reload_after_the_files_change(files):
    period = province_period()
    period.notes = "Checked against the gazette by an editor."
    period.save()
    # The files change the same period and another record.
    edit(files / "federation.yaml", "third_parties: legal", "third_parties: regulated")
    edit(files / "federation.yaml", "title: Federation Act", "title: Federation Act 1901")

    output = reload(files)

    period.refresh_from_db()
    assert period.notes == "Checked against the gazette by an editor."
    assert period.treatment_of_third_parties == "legal"  # the database version was kept whole
    assert Source.objects.get(slug="federation-act").title == "Federation Act 1901"  # unedited: updated
    assert "conflict regime period province@1995-07-01: changed in the database since the last load" in output
    assert "    notes: database 'Checked against the gazette by an editor.' | files ''" in output
    assert "    treatment_of_third_parties: database 'legal' | files 'regulated'" in output
    assert "updated source federation-act" in output


def test_an_edited_record_whose_file_did_not_change_is_kept_without_conflict(files):
    period = province_period()
    period.notes = "Edited."
    period.save()
    edit(files / "federation.yaml", "title: Federation Act", "title: Federation Act 1901")
    report = load_dataset(read_dataset(files))
    assert not report.conflicts
    assert report.counts["regime periods"]["kept"] == 1
    assert province_period().notes == "Edited."


def test_an_unpublished_record_is_not_republished(files):
    period = province_period()
    services.unpublish(record=period, continuation=services.Continuation.REOPEN)
    edit(files / "federation.yaml", "third_parties: legal", "third_parties: regulated")
    report = load_dataset(read_dataset(files))
    assert province_period().status == "draft"
    assert [c.key for c in report.conflicts] == ["province@1995-07-01"]
    assert ("status", "draft", "published") in report.conflicts[0].fields


def test_a_record_with_a_pending_revision_is_a_conflict(files):
    editor = User.objects.create_user("editor")
    services.propose_revision(record=province_period(), changes={"notes": "Proposed"}, author=editor)
    edit(files / "federation.yaml", "third_parties: legal", "third_parties: regulated")
    report = load_dataset(read_dataset(files))
    assert [c.reason for c in report.conflicts] == ["a revision is pending review; kept the database version"]
    assert province_period().treatment_of_third_parties == "legal"


def test_drafts_editors_added_are_never_deleted(files):
    province = Jurisdiction.objects.get(slug="province")
    draft = RegimePeriodFactory(jurisdiction=province, start_date=D(2030, 1, 1), status="draft")
    edit(files / "federation.yaml", "title: Federation Act", "title: Federation Act 1901")
    load_dataset(read_dataset(files))
    assert RegimePeriod.objects.filter(pk=draft.pk, status="draft").exists()


def test_a_period_removed_from_the_files_is_deleted_only_if_unedited(files):
    text = (files / "federation.yaml").read_text()
    # The province's reform period goes; its first period runs on.
    text = text.replace("        end: 1995-07-01\n", "")
    start = text.index("      - start: 1995-07-01")
    end = text.index("events:\n  - key: international")
    (files / "federation.yaml").write_text(text[:start] + text[end:])
    edited = province_period()
    edited.confidence = "low"
    edited.save()

    report = load_dataset(read_dataset(files))
    assert RegimePeriod.objects.filter(pk=edited.pk).exists()
    assert any("no longer in the files, but changed in the database" in c.reason for c in report.conflicts)
    # The first period's new end date would overlap the kept one: none of the province's periods change.
    assert province_period(D(1990, 1, 1)).end_date == D(1995, 7, 1)
    assert any("would overlap a period kept because of a conflict" in c.reason for c in report.conflicts)


def test_take_files_replaces_the_database_version_after_showing_the_cost(files):
    period = province_period()
    period.notes = "Editor's note"
    period.save()
    edit(files / "federation.yaml", "third_parties: legal", "third_parties: regulated")

    dry = reload(files, take_files=True, dry_run=True)
    assert "overwritten regime period province@1995-07-01" in dry
    assert "    notes: database \"Editor's note\" | files ''" in dry
    assert province_period().notes == "Editor's note"  # the dry run wrote nothing

    reload(files, take_files=True)
    period.refresh_from_db()
    assert (period.notes, period.treatment_of_third_parties) == ("", "regulated")


def test_dry_run_prints_exactly_what_would_change_and_writes_nothing(files):
    edit(files / "federation.yaml", "title: Federation Act", "title: Federation Act 1901")
    before = LoadedRecord.objects.get(kind="source", key="federation-act").values
    output = reload(files, dry_run=True)
    assert "updated source federation-act" in output
    assert "    title: database 'Federation Act' | files 'Federation Act 1901'" in output
    assert "Dry run: nothing was written." in output
    assert Source.objects.get(slug="federation-act").title == "Federation Act"
    assert LoadedRecord.objects.get(kind="source", key="federation-act").values == before


def test_a_record_deleted_in_the_database_is_not_brought_back(files):
    event = PolicyEvent.objects.get(slug="international-statement")
    event.delete()
    edit(files / "federation.yaml", "title: An international body", "title: A body")
    report = load_dataset(read_dataset(files))
    assert not PolicyEvent.objects.filter(slug="international-statement").exists()
    assert report.conflicts[0].reason.startswith("deleted in the database since the last load")


def wipe() -> None:
    """Empty every record table (the test's transaction undoes it)."""
    tables = [model._meta.db_table for model in (LoadedRecord, Source, Jurisdiction, PolicyEvent, RegimePeriod)]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire pending foreign-key checks first
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def files_of(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*.yaml"))}


@pytest.mark.parametrize(
    "dataset", [BASIC, pytest.param(settings.ATLAS_FIXTURES_DIR, marks=pytest.mark.slow)], ids=["basic", "curated"]
)
def test_load_dump_load_dump_is_byte_identical(tmp_path, dataset):
    load_dataset(read_dataset(dataset))
    first = tmp_path / "first"
    dump_dataset(root=first)
    assert read_dataset(first)  # the dump is a valid dataset

    wipe()
    assert not Jurisdiction.objects.exists()
    load_dataset(read_dataset(first))
    second = tmp_path / "second"
    dump_dataset(root=second)

    assert files_of(first) == files_of(second)
    assert set(files_of(first)) == {str(p.relative_to(dataset)) for p in Path(dataset).rglob("*.yaml")}


def test_dump_writes_published_records_only_and_keeps_a_files_leading_comment(files):
    draft = RegimePeriodFactory(
        jurisdiction=Jurisdiction.objects.get(slug="province"), start_date=D(2030, 1, 1), status="draft"
    )
    assert draft.pk
    dump_dataset(root=files)
    text = (files / "federation.yaml").read_text()
    assert text.startswith("# A small, made-up dataset")
    assert "2030-01-01" not in text
    dataset = read_dataset(files)
    assert [p.start_date for p in dataset.jurisdictions["province"].periods] == [D(1990, 1, 1), D(1995, 7, 1)]
    assert dataset.jurisdictions["province"].periods[1].citations[0].pinpoint == "s 2"


def test_records_added_in_the_admin_are_dumped_to_their_own_file(files):
    source = SourceFactory(slug="new-law", title="New Law", url="https://example.org/new-law")
    country = Jurisdiction.objects.create(name="Newland", slug="newland", region="europe", status="published")
    RegimePeriodFactory(jurisdiction=country, cited=source, legal_model=legal_model("nordic"))
    dump_dataset(root=files)
    text = (files / "europe" / "newland.yaml").read_text()
    assert "key: new-law" in text and "slug: newland" in text and "model: nordic" in text
    assert "newland" in read_dataset(files).jurisdictions


def test_records_loaded_before_fingerprints_update_unless_a_person_changed_them(files):
    import pghistory

    LoadedRecord.objects.all().delete()  # a database loaded before fingerprints were kept
    with pghistory.context(user=User.objects.create_user("someone").pk):
        edited = province_period(D(1990, 1, 1))
        edited.notes = "Changed in the admin."
        edited.save()
    edit(files / "federation.yaml", "title: Federation Act", "title: Federation Act 1901")
    edit(
        files / "federation.yaml",
        "        sources: [federation-act]\n      - start: 1995",
        "        needs_review: true\n        sources: [federation-act]\n      - start: 1995",
    )
    report = load_dataset(read_dataset(files))
    assert Source.objects.get(slug="federation-act").title == "Federation Act 1901"
    assert [c.key for c in report.conflicts] == ["province@1990-01-01"]
    assert province_period(D(1990, 1, 1)).notes == "Changed in the admin."


def test_aliases_load_update_and_dump(files, tmp_path):
    edit(
        files / "federation.yaml",
        "    name: Federation\n",
        "    name: Federation\n    aliases: [Fed, The Federation]\n    former_names: [Old Dominion]\n",
    )
    load_dataset(read_dataset(files))
    federation = Jurisdiction.objects.get(slug="federation")
    assert sorted(federation.aliases.values_list("name", "kind")) == [
        ("Fed", "alias"),
        ("Old Dominion", "former"),
        ("The Federation", "alias"),
    ]
    edit(files / "federation.yaml", "    aliases: [Fed, The Federation]\n", "    aliases: [Fed]\n")
    report = load_dataset(read_dataset(files))
    assert not report.conflicts
    assert sorted(federation.aliases.values_list("name", flat=True)) == ["Fed", "Old Dominion"]
    dump_dataset(root=tmp_path / "dumped")
    text = (tmp_path / "dumped" / "federation.yaml").read_text()
    assert "    name: Federation\n    aliases: [Fed]\n    former_names: [Old Dominion]\n" in text


def test_an_alias_listed_twice_is_refused(files):
    edit(files / "federation.yaml", "    name: Federation\n", "    name: Federation\n    aliases: [Fed, Fed]\n")
    with pytest.raises(DatasetError, match="'Fed' is listed twice"):
        read_dataset(files)
