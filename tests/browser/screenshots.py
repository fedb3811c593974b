"""Full-page screenshots of every page type at desktop and phone width, for visual review.

Not a test (pytest only collects test_*.py): it starts nothing itself. Run a server with data
first, for example::

    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_atlas --path fixtures/oceania
    .venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload &
    .venv/bin/python tests/browser/screenshots.py [--base-url http://127.0.0.1:8000] [--out var/screenshots] [--axe]

The default pages suit the Oceania data (New Zealand, Australia and its states); pass
``--page name=/path`` (repeatable) to shoot other ones instead.
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
WIDTHS = {"desktop": 1280, "phone": 375}
PAGES = {
    "home": "/",
    "browse": "/jurisdictions/",
    "browse-filtered": "/jurisdictions/?legal_model=decriminalization&region=oceania",
    "browse-invalid-filter": "/jurisdictions/?changed_since=last+week&as_of=1800-01-01",
    "jurisdiction": "/jurisdictions/new-zealand/",
    "jurisdiction-with-units": "/jurisdictions/australia/",
    "compare": "/compare/?j=new-zealand&j=new-south-wales&j=western-australia",
    "compare-before-after": "/compare/?j=new-zealand@2003-01-01&j=new-zealand",
    "compare-errors": "/compare/?j=new-zealand&j=atlantis",
    "models": "/models/",
    "model-detail": "/models/decriminalization/",
    "models-over-time": "/models/over-time/",
    "events": "/events/",
    "events-filtered": "/events/?model_change=true&date_from=2000-01-01",
    "codebook": "/codebook/",
    "about": "/about/",
    "search": "/search/?q=wales",
    "embed-builder": "/embed/",
    "not-found": "/jurisdictions/atlantis/",
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument(
        "--axe", action="store_true", help="also run axe-core on each page and list serious and critical problems"
    )
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="NAME=/PATH",
        help="shoot this page instead of the defaults (repeatable)",
    )
    args = parser.parse_args(argv)
    pages = dict(item.split("=", 1) for item in args.page) if args.page else PAGES
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.base_url.rstrip("/")
    problems = []
    axe = None
    if args.axe:
        from axe_playwright_python.sync_playwright import Axe

        axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for label, width in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": 900}, locale="en-GB", is_mobile=width < 500, has_touch=width < 500
            )
            page = context.new_page()
            for name, path in pages.items():
                response = page.goto(base + path)
                status = response.status if response else "no response"
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                target = args.out / f"{name}-{label}.png"
                page.screenshot(path=str(target), full_page=True)
                note = f" (page is {scroll_width} px wide!)" if scroll_width > width else ""
                if note:
                    problems.append(f"horizontal scroll: {name} at {width} px{note}")
                if axe is not None:
                    for rule in axe.run(page).response["violations"]:
                        if rule["impact"] in {"serious", "critical"}:
                            targets = "; ".join(" ".join(map(str, n["target"])) for n in rule["nodes"][:5])
                            problems.append(f"axe: {name} at {width} px: {rule['id']} ({rule['impact']}) {targets}")
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: HTTP {status}{note}")
            context.close()
        browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
