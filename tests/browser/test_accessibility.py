"""axe-core on every page type, and the keyboard path into the content."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .helpers import BROWSER, blocking_axe_problems, visit
from .pages import PAGES

pytestmark = BROWSER

AXE = Axe()
# Violations and "needs review" results, so that `pytest -rP` also lists the minor ones.
AXE_OPTIONS = {"resultTypes": ["violations", "incomplete"]}


@pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_or_critical_axe_problems(page, live_server, atlas, name, path, status):
    visit(page, live_server, path, status)
    results = AXE.run(page, options=AXE_OPTIONS)
    for rule in results.response["violations"]:
        print(f"{name}: {rule['id']} ({rule['impact']}): {rule['help']} ({len(rule['nodes'])} nodes)")
    problems = blocking_axe_problems(results)
    assert not problems, f"{name} {path}:\n" + "\n".join(problems)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, live_server, atlas):
    visit(page, live_server, "/jurisdictions/sweden/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


# What the focused element looks like: the site's focus ring is a black outline and a yellow halo.
FOCUS_SHOWN = """() => { const el = document.activeElement, style = getComputedStyle(el);
    return [el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.textContent || '').trim().slice(0, 30),
            style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 || style.boxShadow !== 'none']; }"""


@pytest.mark.parametrize("path", ["/events/?kind=law_in_force", "/embed/", "/compare/"])
def test_every_tab_stop_shows_the_focus_ring(page, live_server, atlas, path):
    """Through the header and the whole form, including each part of a date box (day, month, year
    and its calendar button, where Chromium's :focus-visible stops matching)."""
    visit(page, live_server, path)
    unmarked = []
    for _ in range(45):
        page.keyboard.press("Tab")
        name, shown = page.evaluate(FOCUS_SHOWN)
        if name.startswith(("body", "iframe")):  # the end of the page, or into the embed's preview
            break
        if not shown:
            unmarked.append(name)
    assert not unmarked, f"{path}: focus not shown on {unmarked}"


def test_the_codebooks_scrolling_tables_are_landmarks_with_names_of_their_own(page, live_server, atlas):
    visit(page, live_server, "/codebook/")
    results = AXE.run(page, options={"runOnly": ["landmark-unique"]})
    assert not results.response["violations"], [v["nodes"][0]["target"] for v in results.response["violations"]]
