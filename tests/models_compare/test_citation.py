"""'Cite this page' (sentence, BibTeX, RIS, CSL-JSON) and the codebook."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jurisdictions.models import EventKind
from jurisdictions.selectors import dataset_version
from jurisdictions.vocabulary import ActivityStatus, LegalModelSlug, Treatment
from models_compare import exports
from tests.factories import JurisdictionFactory, RegimePeriodFactory

pytestmark = pytest.mark.django_db


def citation_of(response):
    assert response.status_code == 200
    return response.context["citation"]


class TestCiteThisPage:
    def test_jurisdiction_page_cites_the_date_version_and_retrieval_day(self, client, atlas):
        today = timezone.localdate()
        response = client.get("/jurisdictions/belgium/", {"as_of": "2021-01-01"})
        cite = citation_of(response)
        version = dataset_version().label
        assert cite.title == "Belgium: sex-work law on 1 January 2021"
        assert cite.url == "http://testserver/jurisdictions/belgium/?as_of=2021-01-01"
        assert version in cite.sentence and cite.url in cite.sentence
        assert f"retrieved on {today.day} {today:%B} {today.year}" in cite.sentence
        body = response.content.decode()
        assert "Cite this page" in body and "@misc{swla-belgium" in body and "TY  - DATA" in body

    def test_a_page_for_today_pins_todays_date(self, client, atlas):
        cite = citation_of(client.get("/jurisdictions/sweden/"))
        assert cite.url.endswith(f"?as_of={timezone.localdate().isoformat()}")

    def test_bibtex_ris_and_csl_json_carry_the_same_facts(self, client, atlas):
        cite = citation_of(client.get("/jurisdictions/sweden/", {"as_of": "2000-01-01"}))
        today = timezone.localdate()
        assert re.search(r"^@misc\{swla-sweden-[a-z0-9-]+,$", cite.bibtex.splitlines()[0])
        assert f"urldate = {{{today.isoformat()}}}" in cite.bibtex
        assert f"version = {{{dataset_version().label}}}" in cite.bibtex
        ris = dict(line.split("  - ", 1) for line in cite.ris.splitlines() if "  - " in line)
        assert ris["TY"] == "DATA" and ris["UR"] == cite.url and ris["ET"] == dataset_version().label
        assert ris["Y2"] == today.strftime("%Y/%m/%d") and cite.ris.splitlines()[-1] == "ER  -"
        [csl] = json.loads(cite.csl_json)
        assert csl["type"] == "dataset" and csl["URL"] == cite.url
        assert csl["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
        assert csl["title"] == "Sweden: sex-work law on 1 January 2000"

    def test_bibtex_escapes_special_characters(self, client, db):
        RegimePeriodFactory(jurisdiction=JurisdictionFactory(name="Trinidad & Tobago_{50%}", slug="tt"))
        bibtex = citation_of(client.get("/jurisdictions/tt/")).bibtex
        assert r"Trinidad \& Tobago\_\{50\%\}" in bibtex

    def test_compare_cites_every_column_with_its_date(self, client, atlas):
        response = client.get("/compare/?j=belgium@2021-01-01&j=belgium")
        cite = citation_of(response)
        today = timezone.localdate().isoformat()
        assert cite.url == f"http://testserver/compare/?j=belgium@2021-01-01&j=belgium@{today}"
        assert cite.title.startswith("Sex-work law compared: Belgium on 1 January 2021, Belgium on ")

    def test_model_and_browse_pages_cite_their_date(self, client, atlas):
        cite = citation_of(client.get("/models/nordic/", {"as_of": "2005-05-05"}))
        assert cite.title.endswith("jurisdictions on 5 May 2005") and cite.url.endswith("as_of=2005-05-05")
        cite = citation_of(client.get("/jurisdictions/", {"region": "europe", "page": "2"}))
        assert "region=europe" in cite.url and "page=" not in cite.url and "as_of=" in cite.url


class TestCodebook:
    def test_lists_every_field_and_value_with_the_dataset_version(self, client, atlas):
        response = client.get(reverse("models_compare:codebook"))
        assert response.status_code == 200
        body = response.content.decode()
        assert dataset_version().label in body and exports.SCHEMA_VERSION in body
        for fields in (exports.JURISDICTION_FIELDS, exports.PERIOD_FIELDS, exports.EVENT_FIELDS, exports.PANEL_FIELDS):
            for field_ in fields:
                assert f"<code>{field_.name}</code>" in body, field_.name
        for vocabulary in (LegalModelSlug, Treatment, ActivityStatus, EventKind):
            for value, label in vocabulary.choices:
                assert f"<code>{value}</code>" in body and str(label) in body, value

    def test_includes_the_coding_rules_of_data_md(self, client, db):
        data_md = (Path(settings.BASE_DIR) / "docs" / "DATA.md").read_text()
        rules = data_md[data_md.index("## Coding rules") :]
        found = re.search(r"\*\*(.+?)\*\*", rules)
        assert found is not None
        first_rule = found.group(1)
        body = client.get(reverse("models_compare:codebook")).content.decode()
        assert f"<strong>{first_rule}</strong>" in body
        download = client.get(reverse("models_compare:codebook_md"))
        assert download["Content-Type"].startswith("text/markdown")
        text = download.content.decode()
        assert f"**{first_rule}**" in text and "| `nordic` |" in text and dataset_version().label in text
        assert "File format" not in text  # only the rules, not the file format section
