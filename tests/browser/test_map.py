"""The world map in a real browser: screenshots at desktop and phone widths, links, and the year slider."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .helpers import BROWSER, visit

pytestmark = BROWSER
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_map_fits_the_window_and_names_each_country(browser, browser_context_args, live_server, atlas, viewport):
    context = browser.new_context(**{**browser_context_args, "viewport": viewport})
    page = context.new_page()
    visit(page, live_server, "/")
    world = page.locator("#world-map svg").first
    expect(world).to_be_visible()
    box = world.bounding_box()
    assert box["width"] > 0.8 * min(viewport["width"], 1200) - 40 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    sweden = page.locator("#world-map svg a[aria-label^='Sweden']")
    expect(sweden).to_have_attribute("aria-label", re.compile(r"Sweden — Nordic model since 1 January 1999"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"test-map-{viewport['width']}.png"
    world.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000  # a drawn map, not an empty box
    context.close()


def test_country_shape_is_a_keyboard_reachable_link(page, live_server, atlas):
    visit(page, live_server, "/")
    link = page.locator("#world-map svg a[aria-label^='New Zealand']")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/jurisdictions/new-zealand/$"))


def test_year_slider_redraws_the_map_and_keeps_the_url(page, live_server, atlas):
    visit(page, live_server, "/")
    slider = page.locator("#map-year")
    expect(slider).to_be_visible()  # shown only when JavaScript runs
    slider.fill("1998")
    expect(page).to_have_url(re.compile(r"\?as_of=1998-12-31$"))
    expect(page.locator("#world-map svg a[aria-label^='Sweden']")).to_have_attribute(
        "aria-label", re.compile(r"Partial criminalisation")
    )
    expect(page.locator(".map-years a[aria-current]")).to_have_text("1998")


def test_year_slider_starts_a_paged_list_again_at_its_first_page(page, live_server, atlas):
    visit(page, live_server, "/models/nordic/?page=2")
    page.locator("#map-year").fill("1998")
    expect(page).to_have_url(re.compile(r"/models/nordic/\?as_of=1998-12-31$"))


def test_year_links_work_without_javascript(browser, browser_context_args, live_server, atlas):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    visit(page, live_server, "/")
    expect(page.locator("#map-year")).to_be_hidden()
    page.locator(".map-years").get_by_role("link", name="2000", exact=True).click()
    expect(page).to_have_url(re.compile(r"as_of=2000-12-31"))
    expect(page.locator("#world-map svg a[aria-label^='Sweden']")).to_have_attribute(
        "aria-label", re.compile(r"Nordic model")
    )
    context.close()
