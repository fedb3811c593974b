"""One date per page: the year slider moves everything on the home page that depends on the date,
and the address holds it; screenshots at desktop and phone widths after using it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .helpers import BROWSER, visit

pytestmark = BROWSER
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_slider_moves_the_whole_home_page_to_one_date(browser, browser_context_args, live_server, atlas, viewport):
    context = browser.new_context(**{**browser_context_args, "viewport": viewport})
    page = context.new_page()
    visit(page, live_server, "/?focus=europe")
    page.locator("#map-year").fill("2000")
    expect(page).to_have_url(re.compile(r"\?focus=europe&as_of=2000-12-31$"))
    expect(page.locator(".map-caption strong")).to_have_text("31 December 2000")
    expect(page.locator("#counts-heading")).to_have_text(re.compile("31 December 2000"))
    expect(page.locator("#events-heading")).to_have_text(re.compile("31 December 2000"))
    expect(page.locator(".page-date strong")).to_have_text("31 December 2000")
    expect(page.locator("#id_as_of")).to_have_value("2000-12-31")
    # New Zealand's 2003 law is not among the events up to 2000, and the counts are 2000's.
    expect(page.locator("section[data-live=events]")).not_to_contain_text("Prostitution Reform Act")
    nordic = page.locator("table.counts tr", has_text="Nordic model")
    expect(nordic.locator("td").first).to_have_text("1")  # Sweden
    # The links that carry the date follow it, and keep the map's region.
    expect(page.locator(".map-years a[data-year='1995']")).to_have_attribute("href", "?focus=europe&as_of=1995-12-31")
    expect(page.locator(".map-focus a", has_text="Asia")).to_have_attribute(
        "href", re.compile(r"^\?(?=.*\bas_of=2000-12-31\b)(?=.*\bfocus=asia\b)")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-after-slider-{viewport['width']}.png"), full_page=True)
    context.close()
