"""The layers depend one way: the domain never imports the public site; config imports no app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module imported by each Python file of a package (migrations left out: they are history)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("jurisdictions", ("models_compare",)),
        ("config", ("jurisdictions", "models_compare")),
    ],
)
def test_no_import_against_the_layers(package, forbidden):
    offending = {
        path: sorted(name for name in names if name.split(".")[0] in forbidden)
        for path, names in imported_modules(package).items()
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_check_sees_imports():
    # The walk must find the site's own imports of the domain, or the test above proves nothing.
    assert any("jurisdictions.models" in names for names in imported_modules("models_compare").values())
