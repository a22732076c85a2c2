"""Nothing a user supplies may reach pickle, eval or exec: scan the syntax trees of the code that ships."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [p for folder in ("nnlib", "ui", "pages") for p in (ROOT / folder).rglob("*.py")] + [ROOT / "app.py"]
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}


def unsafe_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if isinstance(node.func, ast.Name) and name in FORBIDDEN_CALLS:  # the builtins, not model.compile
                found.append(f"{name}(...)")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append("allow_pickle not False")
            if name == "load" and getattr(node.func, "value", None) is not None and \
                    getattr(node.func.value, "id", "") == "yaml":
                found.append("yaml.load(...)")
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unsafe_deserialisation_or_code_execution(path):
    assert unsafe_uses(path.read_text()) == []


@pytest.mark.parametrize("snippet", [
    "import pickle", "from pickle import loads", "eval(text)", "exec(code)", "np.load(f, allow_pickle=True)",
    "np.load(f, allow_pickle=flag)", "yaml.load(s)", "import marshal", "compile(src, 'x', 'exec')",
])
def test_the_scan_catches_what_it_exists_to_forbid(snippet):
    assert unsafe_uses(snippet)


def test_the_scan_allows_safe_code_and_prose():
    assert unsafe_uses('"""no pickle, no eval here"""\nnp.load(f, allow_pickle=False)  # never pickle') == []
    assert unsafe_uses("model.compile(optimizer='adam', loss='mse')") == []
    assert len(SHIPPED) > 10
