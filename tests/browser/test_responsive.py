"""At phone width (375 px) no page scrolls sideways; wide tables scroll inside .table-wrap."""

import pytest

from .helpers import BROWSER, PHONE, visit
from .pages import PAGES

pytestmark = BROWSER


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True,
                                     "has_touch": True, "device_scale_factor": 1})
    yield context.new_page()
    context.close()


def test_no_horizontal_scroll_at_phone_width(phone, live_server, atlas):
    too_wide = {}
    for name, path, status in PAGES:
        visit(phone, live_server, path, status)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = (width, phone.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > limit && !el.closest('.table-wrap'))
                    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))""",
                PHONE["width"],
            ))
    assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"
