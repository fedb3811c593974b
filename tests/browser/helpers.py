"""Small helpers shared by the browser tests."""

import pytest

from .conftest import PHONE

# Every browser test needs committed data (the live server has its own connection) and must give
# back the rows the migrations created (the five legal models) to the tests that run after it.
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# axe impacts that fail a test. "incomplete" results are axe's "needs review"; the ones it cannot
# decide for visual reasons (contrast over patterned swatches) are left to the screenshots.
BLOCKING_IMPACTS = {"serious", "critical"}
# "needs review" results axe cannot settle here: contrast over patterns, and the content of an
# <iframe> (axe-playwright checks the top document only; framed pages are in PAGES on their own).
UNDECIDABLE = {"color-contrast", "frame-tested"}


def visit(page, live_server, path, status=200):
    """Open `path` on the live server and check the HTTP status."""
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"
    return response


def blocking_axe_problems(results) -> list[str]:
    """Serious or critical axe violations, and serious or critical "needs review" results
    (e.g. aria-describedby pointing at a missing id), as readable lines."""
    response = results.response
    found = [*response["violations"], *(r for r in response.get("incomplete", []) if r["id"] not in UNDECIDABLE)]
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in rule["nodes"][:5])
        for rule in found
        if rule["impact"] in BLOCKING_IMPACTS
    ]


__all__ = ["BROWSER", "PHONE", "blocking_axe_problems", "visit"]
