"""Layout defects that once reached the public pages: a select box too narrow for the choice it
shows, the embed builder's fields out of line, and words broken in the middle on a phone."""

import pytest

from .conftest import DESKTOP
from .helpers import BROWSER, PHONE, visit

pytestmark = BROWSER

# For each <select> in the content: the widest choice, as the same box would draw it if it were
# sized to that choice (CSS field-sizing), against the box's real width. A choice wider than its
# box is shown cut short ("Only events th…").
CUT_SHORT_CHOICES = """() => [...document.querySelectorAll('main select')].flatMap(select => {
    const probe = select.cloneNode(true);
    probe.removeAttribute('id');
    probe.style.cssText = 'field-sizing: content; width: auto; min-width: 0; max-width: none; position: absolute;';
    select.after(probe);
    const width = select.getBoundingClientRect().width;
    const cut = [...probe.options].map(option => {
        probe.value = option.value;
        return [option.text, probe.getBoundingClientRect().width];
    }).filter(([, needed]) => needed > width + 0.5)
      .map(([text, needed]) => `${select.name}: "${text}" needs ${Math.ceil(needed)} px of ${Math.floor(width)}`);
    probe.remove();
    return cut;
})"""

# Words of an element's text drawn on more than one line (broken in the middle of the word).
BROKEN_WORDS = """(selector) => [...document.querySelectorAll(selector)].flatMap(cell => {
    const broken = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(/[^\\s-]+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (lines.size > 1) broken.push(match[0]);
        }
    }
    return broken;
})"""

FILTER_PAGES = [
    "/jurisdictions/?workers=regulated&kind=legal_jurisdiction&sort=-since",
    "/events/?model_change=false",
    "/embed/?focus=caribbean&model=partial_criminalization",
]


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", FILTER_PAGES)
def test_every_choice_fits_its_select_box_on_desktop_and_phone(page, phone, live_server, atlas, path):
    cut = {}
    for width, tab in ((DESKTOP["width"], page), (PHONE["width"], phone)):
        visit(tab, live_server, path)
        if found := tab.evaluate(CUT_SHORT_CHOICES):
            cut[width] = found
    assert not cut, f"{path}: choices cut short, by window width: {cut}"


def test_the_embed_builder_lines_up_labels_boxes_and_button(page, live_server, atlas):
    visit(page, live_server, "/embed/")
    form = page.locator("form.embed-form")
    tops = form.evaluate("""form => ({
        labels: [...form.querySelectorAll('label')].map(el => el.getBoundingClientRect().top),
        boxes: [...form.querySelectorAll('select, input')].map(el => el.getBoundingClientRect().top),
        heights: [...form.querySelectorAll('select, input, button')].map(el => el.getBoundingClientRect().height),
        button: form.querySelector('button').getBoundingClientRect().top,
    })""")
    assert len(tops["labels"]) == len(tops["boxes"]) == 3
    assert max(tops["labels"]) - min(tops["labels"]) < 1, f"labels at different heights: {tops['labels']}"
    assert max(tops["boxes"]) - min(tops["boxes"]) < 1, f"boxes at different heights: {tops['boxes']}"
    assert max(tops["heights"]) - min(tops["heights"]) < 1, f"boxes and button of different heights: {tops['heights']}"
    assert abs(tops["button"] - tops["boxes"][0]) < 1, "the button is not level with the boxes"


def test_a_before_and_after_comparison_breaks_no_word_on_a_phone(phone, live_server, atlas):
    visit(phone, live_server, "/compare/?j=new-zealand@2003-01-01&j=new-zealand")
    # Every row but the sources (long titles may break): the aspects and the codings, whole words.
    broken = phone.evaluate(BROKEN_WORDS, "table.compare tbody tr:not(:last-child) > *")
    assert not broken, f"words broken across lines at {PHONE['width']} px: {broken}"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_events_page_says_how_many_events_match_and_offers_them_for_download(page, live_server, atlas):
    visit(page, live_server, "/events/?kind=law_in_force")
    count = page.locator("#events-count")
    shown = page.locator("ol.timeline > li.event").count()
    assert shown > 0
    assert count.inner_text().startswith(f"{shown} event{'s' if shown != 1 else ''}, newest first.")
    for name in ("CSV", "JSON"):
        assert "kind=law_in_force" in (count.get_by_role("link", name=name).get_attribute("href") or "")


# Filter-form labels whose text runs past the form's inner edge (into its padding or border).
LABELS_PAST_THE_EDGE = """() => [...document.querySelectorAll('form.filters')].flatMap(form => {
    const style = getComputedStyle(form);
    const edge = form.getBoundingClientRect().right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
    return [...form.querySelectorAll('label, legend')].flatMap(label => {
        const range = document.createRange();
        range.selectNodeContents(label);
        const right = Math.max(...[...range.getClientRects()].map(r => r.right));
        return right > edge + 0.5 ? [`${label.textContent.trim()}: ${Math.ceil(right - edge)} px past the edge`] : [];
    });
})"""


@pytest.mark.parametrize("path", ["/jurisdictions/", "/events/"])
def test_filter_labels_stay_inside_the_form_on_a_phone(phone, live_server, atlas, path):
    visit(phone, live_server, path)
    past = phone.evaluate(LABELS_PAST_THE_EDGE)
    assert not past, f"{path} at {PHONE['width']} px: {past}"
