"""At phone width (375 px) no page scrolls sideways and no element sticks out of the window (wide
tables and charts scroll inside .table-wrap and .chart-wrap), and axe finds nothing serious in the
phone layout either."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .helpers import BROWSER, PHONE, blocking_axe_problems, visit
from .pages import PAGES

pytestmark = BROWSER

# The elements that stick out of the window, outside the boxes that scroll sideways on purpose.
# An element can stick out without widening the page (inside a box that clips), so both are checked.
OVERFLOWING = """(limit) => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit + 1 && !el.closest('.table-wrap, .chart-wrap'))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className.replaceAll(' ', '.') : ''))"""


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
    )
    yield context.new_page()
    context.close()


def test_no_horizontal_scroll_and_no_axe_problems_at_phone_width(phone, live_server, atlas):
    too_wide, axe_problems, axe = {}, {}, Axe()
    for name, path, status in PAGES:
        visit(phone, live_server, path, status)
        width = phone.evaluate("document.documentElement.scrollWidth")
        sticking_out = phone.evaluate(OVERFLOWING, PHONE["width"])
        if width > PHONE["width"] or sticking_out:
            too_wide[name] = (width, sticking_out)
        if problems := blocking_axe_problems(axe.run(phone)):
            axe_problems[name] = problems
    assert not too_wide, f"pages wider than {PHONE['width']} px (scroll width, culprits): {too_wide}"
    assert not axe_problems, f"axe at {PHONE['width']} px: {axe_problems}"
