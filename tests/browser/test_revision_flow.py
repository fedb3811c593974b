"""An editor corrects a published period; the public keeps the published version until a reviewer
approves the revision from its field-by-field diff; the change history shows who changed what."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .helpers import BROWSER, blocking_axe_problems, visit
from .test_editor_flow import log_in, log_out, make_user

pytestmark = BROWSER
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
NEW_NOTE = "Checked against the consolidated Criminal Code of 2024: purchase is an offence under ch. 6 s. 11."


def axe_problems(page) -> list[str]:
    """Serious axe problems in the page's content (Django's own navigation sidebar left out)."""
    options = {"resultTypes": ["violations", "incomplete"]}
    return blocking_axe_problems(Axe().run(page, context={"include": [["#content"]]}, options=options))


def shoot(page, name: str) -> None:
    """Full-page screenshots at desktop and phone width (var/screenshots/, for looking at)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_an_editors_revision_goes_live_only_when_a_reviewer_approves_it(page, live_server, atlas):
    from jurisdictions.models import RegimePeriod

    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    make_user("editor")
    make_user("reviewer")
    period = RegimePeriod.objects.get(jurisdiction__slug="sweden", legal_model__slug="nordic")

    # The editor corrects the published Nordic period of Sweden and explains why.
    log_in(page, live_server, "editor")
    visit(page, live_server, f"/admin/jurisdictions/regimeperiod/{period.pk}/change/")
    page.locator("#id_notes").fill(NEW_NOTE)
    page.locator("#id_confidence").select_option("medium")
    page.locator("#id_change_note").fill("Re-read the statute; the old note cited no section.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("waits for a reviewer")
    log_out(page)

    # The public still reads the published version.
    visit(page, live_server, "/jurisdictions/sweden/")
    expect(page.get_by_text(NEW_NOTE)).to_have_count(0)

    # The reviewer finds it in the review queue and reads the diff.
    log_in(page, live_server, "reviewer")
    page.get_by_role("link", name="Changes to published records waiting for review").click()
    page.get_by_role("link", name=str(period)).click()
    diff = page.locator("table.revision-diff")
    expect(diff.locator("tr", has_text="Notes").locator("ins")).to_have_text(NEW_NOTE)
    expect(diff.locator("tr", has_text="Confidence").locator("del")).to_have_text("High")
    expect(page.get_by_text("Re-read the statute; the old note cited no section.")).to_be_visible()
    expect(page.locator(".revision-facts")).to_contain_text("editor")
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)
    shoot(page, "revision-diff")
    page.get_by_label("Note for the editor (optional)").fill("Thanks: the section is right.")
    page.get_by_role("button", name="Approve and publish this change").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved")

    # The change history shows the approval, who made it, and the old and new values.
    visit(page, live_server, f"/admin/jurisdictions/regimeperiod/{period.pk}/change/")
    page.get_by_role("link", name="Change history").click()
    first = page.locator("table.history-list tbody tr").first
    expect(first).to_contain_text("reviewer")
    expect(first).to_contain_text("approved revision")
    expect(first.locator("ins").first).to_be_visible()
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)
    shoot(page, "history-list")
    log_out(page)

    # Now the public sees it.
    visit(page, live_server, "/jurisdictions/sweden/")
    expect(page.get_by_text(NEW_NOTE)).to_be_visible()
