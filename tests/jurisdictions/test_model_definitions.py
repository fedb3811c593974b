"""Model definitions match the data: validate_atlas reports a period outside its model's definition."""

import datetime
import shutil
from pathlib import Path

import pytest

from jurisdictions.dataset import read_dataset
from jurisdictions.models import LegalModel
from jurisdictions.validation import validate_dataset
from jurisdictions.vocabulary import MODEL_DEFINITIONS, LegalModelSlug

BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def files(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(BASIC, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def definition_problems(root: Path) -> list[str]:
    return [p for p in validate_dataset(read_dataset(root), today=TODAY) if "model_exception" in p]


def test_every_model_has_a_definition_whose_first_treatment_is_the_typical_one(db):
    assert set(MODEL_DEFINITIONS) == set(LegalModelSlug.values)
    for model in LegalModel.objects.all():
        definition = MODEL_DEFINITIONS[model.slug]
        assert (definition.workers[0], definition.clients[0], definition.third_parties[0]) == (
            model.typical_workers,
            model.typical_clients,
            model.typical_third_parties,
        ), model.slug


def test_criminalisation_covers_selling_with_or_without_clients():
    definition = MODEL_DEFINITIONS["criminalization"]
    assert definition.outside(workers="criminalized", clients="legal", third_parties="criminalized") == []
    assert definition.outside(workers="legal", clients="legal", third_parties="criminalized") == ["Sex workers"]


def test_a_period_outside_its_models_definition_is_reported(files):
    assert definition_problems(files) == []
    # The province's decriminalisation period with clients criminalised: not decriminalisation.
    edit(
        files / "federation.yaml",
        "        model: decriminalization\n        workers: legal\n        clients: legal\n",
        "        model: decriminalization\n        workers: legal\n        clients: criminalized\n",
    )
    problems = definition_problems(files)
    assert len(problems) == 1 and "clients coded outside what 'decriminalization' covers" in problems[0]


def test_a_note_explaining_the_exception_passes_and_a_needless_note_does_not(files):
    edit(
        files / "federation.yaml",
        "        model: decriminalization\n        workers: legal\n        clients: legal\n",
        "        model: decriminalization\n        workers: legal\n        clients: criminalized\n"
        "        model_exception: The buying offence survived the reform by an oversight (s 9).\n",
    )
    assert definition_problems(files) == []
    edit(files / "federation.yaml", "        clients: criminalized\n", "        clients: legal\n")
    assert ["remove it" in p for p in definition_problems(files)] == [True]


def test_models_page_shows_what_each_model_covers(client, db):
    body = client.get("/models/").content.decode()
    matrix = body.split('<table class="matrix">')[1].split("</table>")[0]
    criminalisation = matrix.split("Full criminalisation")[1].split("</tr>")[0]
    assert "Criminalised</span><br>or <span" in criminalisation and "Legal under general law" in criminalisation
    body = client.get("/models/criminalization/").content.decode()
    assert "Criminalised, or Legal under general law" in body
