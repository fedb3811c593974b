"""The embeddable map on someone else's plain HTML page (another origin on this machine)."""

import functools
import http.server
import os
import threading

import pytest
from playwright.sync_api import expect

from .helpers import BROWSER

pytestmark = BROWSER

PLAIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A newsroom article</title></head>
<body><h1>Where buying sex is an offence</h1><p>The map below comes from the atlas.</p>
{snippet}
<p>End of the article.</p></body></html>"""


@pytest.fixture
def other_site(tmp_path):
    """A plain static web server on another port of 127.0.0.1: another origin, like a newsroom's site."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_map_embeds_on_a_plain_page(page, live_server, atlas, other_site):
    page.goto(live_server.url + "/embed/?model=nordic&as_of=2010-12-31&focus=europe")
    snippet = page.get_by_label("Paste this where the map should appear:").input_value()
    assert snippet.startswith("<iframe src=") and "/embed/map/?as_of=2010-12-31" in snippet

    folder, origin = other_site
    (folder / "article.html").write_text(PLAIN_PAGE.format(snippet=snippet))
    page.goto(f"{origin}/article.html")
    frame = page.frame_locator("iframe")
    expect(frame.locator(".embed-caption")).to_contain_text("Nordic model, Europe, 31 December 2010")
    expect(frame.get_by_role("link", name="Sex Work Law Atlas")).to_be_visible()
    expect(frame.get_by_role("link", name="Sweden — Nordic model since 1 January 1999")).to_be_attached()
    assert page.context.cookies() == []
    if os.environ.get("ATLAS_SCREENSHOTS"):
        page.set_viewport_size({"width": 1000, "height": 800})
        page.screenshot(path=os.path.join(os.environ["ATLAS_SCREENSHOTS"], "embedded-map.png"), full_page=True)
