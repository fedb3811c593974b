"""The Content-Security-Policy holds: public pages and the admin pages editors use run without
a single violation (no inline style or script, nothing from another origin)."""

import io
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import BROWSER, visit
from .pages import PAGES

pytestmark = BROWSER
PASSWORD = "a-long-enough-passphrase-2026"
REPORT = Path(__file__).resolve().parents[2] / "var" / "csp-report.txt"

# Collects every violation the page reports, including those raised before load.
LISTEN = """
window.__cspViolations = window.__cspViolations || [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${(event.sourceFile || "").split("/").pop()}:${event.lineNumber}`
    + (event.target && event.target.tagName ? ` on <${event.target.tagName.toLowerCase()}`
       + `${event.target.className && event.target.className.baseVal === undefined ? "." + event.target.className : ""}>` : "")
    + (event.sample ? ` (${event.sample})` : ""));
});
"""


# Besides the pages every browser check visits: the codebook, the map as an image opened on its
# own, a unit's page, a page that does not exist, and a jurisdiction seen on a past date.
MORE_PAGES = [
    ("codebook", "/codebook/", 200),
    ("standalone map (image/svg+xml)", "/map.svg?as_of=2000-12-31", 200),
    ("unit", "/jurisdictions/province/", 200),
    ("not found", "/no-such-page/", 404),
    ("jurisdiction as of 1995", "/jurisdictions/new-zealand/?as_of=1995-01-01", 200),
]


class Recorder:
    """Violations per page, as the page's ``securitypolicyviolation`` events report them."""

    def __init__(self, page):
        self.page = page
        self.results: dict[str, list[str]] = {}
        page.add_init_script(LISTEN)

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.results[name] = self.page.evaluate("window.__cspViolations || []")

    def report(self) -> str:
        lines = [
            f"{name}: {len(found)} violation(s)" + "".join(f"\n    {v}" for v in found)
            for name, found in self.results.items()
        ]
        return "\n".join(lines)


def upload(page, csv_text: str) -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": "sources.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}
    )
    page.locator("select[name=format]").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()


def test_public_and_admin_pages_run_without_violations(page, live_server, atlas):
    from django.contrib.auth.models import Group, User

    from jurisdictions.models import Jurisdiction

    recorder = Recorder(page)
    for name, path, status in [*PAGES, *MORE_PAGES]:
        visit(page, live_server, path, status)
        recorder.check(name)
    # The map's year slider swaps in a fragment: the swapped-in map must hold too.
    visit(page, live_server, "/")
    if page.locator("#map-year").count():
        page.locator("#map-year").fill("2000")
        page.wait_for_timeout(600)
    recorder.check("home, after moving the map's year slider")

    call_command("setup_roles", stdout=io.StringIO())
    reviewer = User.objects.create_user(username="reviewer", password=PASSWORD, is_staff=True)
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    visit(page, live_server, reverse("admin:login"))
    recorder.check("admin login")
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    recorder.check("admin index (review queue)")

    sweden = Jurisdiction.objects.get(slug="sweden")
    visit(page, live_server, reverse("admin:jurisdictions_jurisdiction_changelist"))
    recorder.check("change list")
    visit(page, live_server, reverse("admin:jurisdictions_jurisdiction_change", args=[sweden.pk]))
    page.locator("#events-group .add-row a").click()
    page.locator("#regime_periods-group .add-row a").click()
    # The widgets editors use: a source autocomplete (select2) and a date picker.
    page.locator(".select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill("a")
    page.keyboard.press("Escape")
    page.locator(".datetimeshortcuts a").first.click()
    recorder.check("change form with inlines (rows added, autocomplete and calendar opened)")
    events = page.get_by_role("link", name="Events")
    if events.count():
        events.first.click()
        recorder.check("the record's events (change history)")
    from jurisdictions import history, services

    period = sweden.regime_periods.order_by("start_date").last()
    assert period is not None
    revision = services.propose_revision(
        record=period, changes={"notes": "Checked against the 2024 consolidation."}, author=reviewer, note="Re-read."
    )
    assert revision is not None
    visit(page, live_server, reverse("admin:jurisdictions_revision_change", args=[revision.pk]))
    recorder.check("pending revision to review (field-by-field diff)")
    visit(page, live_server, history.history_url(sweden))
    recorder.check("readable change history")
    visit(page, live_server, reverse("admin:jurisdictions_regimeperiod_add"))
    recorder.check("regime period add form")
    visit(page, live_server, reverse("admin:jurisdictions_jurisdiction_history", args=[sweden.pk]))
    recorder.check("object history")
    visit(page, live_server, reverse("admin:jurisdictions_jurisdictionhistory_changelist"))
    recorder.check("change history list (restore)")
    visit(page, live_server, reverse("admin:jurisdictions_jurisdiction_export"))
    page.locator(".select-toggle").uncheck()
    assert page.locator(".selectable-field-export-row input[type=checkbox]:checked").count() == 0
    recorder.check("export form (select all cleared)")

    visit(page, live_server, reverse("admin:jurisdictions_source_import"))
    recorder.check("import form")
    header = "slug,title,url,publisher,kind,published_on,accessed_on,notes\n"
    upload(page, header + "new-act,New Act,https://example.org/new,,statute,,,\n")
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    recorder.check("import preview (new rows)")
    visit(page, live_server, reverse("admin:jurisdictions_source_import"))
    upload(page, header + "bad-kind,Bad kind,https://example.org/bad,,rumour,,,\n")
    expect(page.get_by_text("Some rows failed to validate")).to_be_visible()
    page.locator(".errors").first.hover()
    recorder.check("import preview (a row error, its details shown)")

    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(recorder.report() + "\n")
    print("\nCSP report\n" + recorder.report())
    assert not any(recorder.results.values()), recorder.report()
