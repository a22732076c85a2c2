"""The lines the folder tree promises hold: scan every module's imports.

nnlib imports NumPy and the standard library only; ui/core imports neither Streamlit nor Plotly; ui/render
does not import Streamlit; neither of them imports ui/web. And the app's folders and modules stay small
enough to read (nnlib is a library a Keras user knows by its modules' names, so it keeps them).
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULES_PER_FOLDER = 12
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute (relative imports count as the package's own)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offenders(folder: str, allowed) -> list[str]:
    return [f"{p.relative_to(ROOT)}: {name}" for p in modules(folder) for name in sorted(imported(p))
            if not allowed(name)]


def top(name: str) -> str:
    return name.split(".")[0]


def test_nnlib_imports_nothing_but_numpy_and_the_standard_library():
    assert offenders("nnlib", lambda n: top(n) in {"numpy", "nnlib"} or top(n) in sys.stdlib_module_names) == []


def test_core_imports_neither_streamlit_nor_plotly_nor_the_web_side():
    assert offenders("ui/core", lambda n: top(n) not in {"streamlit", "plotly"} and not n.startswith("ui.web")) == []


def test_render_imports_no_streamlit_and_no_web_side():
    assert offenders("ui/render", lambda n: top(n) != "streamlit" and not n.startswith("ui.web")) == []


def test_the_scan_sees_a_forbidden_import(tmp_path):
    """Negative control: the scan above can fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nfrom plotly import graph_objects\nfrom ui.web import state\n")
    assert imported(bad) >= {"streamlit", "plotly", "ui.web", "ui.web.state"}


APP_FOLDERS = sorted({p.parent for p in modules("ui")} | {ROOT / "pages"})


@pytest.mark.parametrize("folder", APP_FOLDERS, ids=lambda f: str(f.relative_to(ROOT)))
def test_no_folder_holds_more_than_about_twelve_modules(folder):
    count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
    assert count <= MAX_MODULES_PER_FOLDER, f"{folder.relative_to(ROOT)} holds {count} modules"


def test_no_module_is_longer_than_about_four_hundred_lines():
    long = [f"{p.relative_to(ROOT)}: {n}" for p in modules("ui") + modules("pages")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES]
    assert long == []


def test_every_page_goes_through_the_apps_navigation_first():
    """ui/web/routing.py: a deep link on a fresh server must still run app.py's navigation."""
    for page in sorted((ROOT / "pages").glob("*.py")):
        calls = [n for n in ast.walk(ast.parse(page.read_text())) if isinstance(n, ast.Call)]
        first = next(c for c in calls if isinstance(c.func, ast.Attribute))
        assert ast.unparse(first.func) == "routing.through_app", f"{page.name} starts with {ast.unparse(first.func)}"


def test_no_function_is_longer_than_sixty_lines():
    long = [f"{p.relative_to(ROOT)}: {n.name} ({n.end_lineno - n.lineno + 1} lines)"
            for p in modules("ui") + modules("pages") + modules("nnlib") for n in ast.walk(ast.parse(p.read_text()))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno >= MAX_FUNCTION_LINES]
    assert long == []


APP_TESTS = ROOT / "tests" / "ui"


def module_under_test(test: Path) -> bool:
    """tests/ui/<dir>/test_<name>.py tests ui/<dir>/<name>.py; tests/ui/pages/test_<page>[_...].py a page
    (test_app.py: app.py)."""
    relative, name = test.parent.relative_to(APP_TESTS), test.stem.removeprefix("test_")
    if relative.parts[:1] == ("pages",):
        return name == "app" or any(name.startswith(page.stem) for page in (ROOT / "pages").glob("*.py"))
    return (ROOT / "ui" / relative / f"{name}.py").exists()


def test_every_app_test_file_is_named_after_the_module_it_tests():
    strays = [str(t.relative_to(ROOT)) for t in sorted(APP_TESTS.rglob("test_*.py")) if not module_under_test(t)]
    assert strays == []
