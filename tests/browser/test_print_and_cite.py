"""A printed comparison and jurisdiction page (print media, and Chromium's print-to-PDF), and the
cite box as a reader uses it."""

import json
import re

from playwright.sync_api import expect

from .helpers import BROWSER, visit

pytestmark = BROWSER


def printed(page):
    page.emulate_media(media="print")


def test_printed_comparison_has_no_navigation_or_forms_and_prints_source_urls(page, live_server, atlas):
    visit(page, live_server, "/compare/?j=new-zealand@2000-01-01&j=new-zealand")
    printed(page)
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("form.picker")).to_be_hidden()
    expect(page.get_by_role("heading", name="Change the comparison")).to_be_hidden()
    expect(page.locator("table.compare")).to_be_visible()
    source = page.locator("table.compare a[rel~='external']").first
    href = source.get_attribute("href")
    after = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert href in after, after
    # The citation starts a new page; its sentence is printed, the BibTeX/RIS/CSL boxes are not.
    assert page.locator("#cite").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    expect(page.locator(".cite-sentence")).to_be_visible()
    expect(page.locator(".cite-format").first).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2


def test_printed_jurisdiction_page_breaks_between_sections(page, live_server, atlas):
    visit(page, live_server, "/jurisdictions/new-zealand/")
    printed(page)
    expect(page.locator("form.as-of, .as-of").first).to_be_hidden()
    expect(page.get_by_label("Compare New Zealand with")).to_be_hidden()
    breaks = page.locator("main > section").evaluate_all("els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks[0] != "page" and "page" in breaks[1:], breaks


def test_cite_box_offers_every_format(page, live_server, atlas):
    visit(page, live_server, "/jurisdictions/sweden/?as_of=2000-01-01")
    cite = page.get_by_role("region", name="Cite this page")
    expect(cite).to_contain_text("“Sweden: sex-work law on 1 January 2000”")
    expect(cite).to_contain_text("/jurisdictions/sweden/?as_of=2000-01-01")
    cite.get_by_text("BibTeX", exact=True).click()
    expect(cite.get_by_label("BibTeX entry")).to_contain_text("@misc{swla-sweden")
    cite.get_by_text("CSL-JSON (Zotero, Pandoc)").click()
    [record] = json.loads(cite.get_by_label("CSL-JSON record").inner_text())
    assert record["type"] == "dataset" and record["URL"].endswith("/jurisdictions/sweden/?as_of=2000-01-01")
