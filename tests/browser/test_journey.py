"""A visitor's journey: browse, filter, open a jurisdiction, compare, export what was filtered."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from .helpers import BROWSER, visit

pytestmark = BROWSER


def test_browse_filter_compare_and_export(page, live_server, atlas):
    visit(page, live_server, "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jurisdictions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jurisdictions")
    results = page.locator("table.jurisdictions tbody")
    expect(results.get_by_role("link", name="Sweden")).to_be_visible()

    # Filter by one legal model, without JavaScript: tick a box and submit the form.
    page.get_by_role("checkbox", name="Decriminalisation").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"legal_model=decriminalization"))
    expect(page.get_by_role("checkbox", name="Decriminalisation")).to_be_checked()
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results.get_by_role("link", name="New Zealand")).to_be_visible()
    expect(results.get_by_role("link", name="Province")).to_be_visible()
    expect(results.get_by_role("link", name="Sweden")).to_have_count(0)

    # Open one of the results.
    results.get_by_role("link", name="New Zealand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New Zealand")
    expect(page.locator("#regime-heading + .model-line")).to_contain_text("Decriminalisation")

    # "Compare with" another jurisdiction: type part of its name and pick a suggestion.
    picker = page.get_by_role("combobox", name="Compare New Zealand with")
    picker.press_sequentially("swe", delay=50)
    expect(page.get_by_role("option", name=re.compile(r"^Sweden"))).to_be_visible()
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value("Sweden")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare/\?j=new-zealand&j=sweden$"))
    table = page.locator("table.compare")
    expect(table.get_by_role("columnheader")).to_contain_text(["Aspect", "New Zealand", "Sweden"])
    expect(table.get_by_role("row", name=re.compile(r"^Legal model"))).to_contain_text("Differs")

    # Back to the filtered list, and download exactly those rows.
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/jurisdictions/\?.*legal_model=decriminalization"))
    with page.expect_download() as download_info:
        page.locator(".downloads").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(row["slug"] for row in rows) == ["new-zealand", "province"]
    assert {row["legal_model"] for row in rows} == {"decriminalization"}
