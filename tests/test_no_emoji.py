"""No emoji in what the app shows: they render as empty boxes where no emoji font is installed (headless
Chromium, many Linux desktops), and an emoji icon makes Streamlit load its emoji catalogue. Material
icons (":material/name:") ship with Streamlit."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted([*(ROOT / "ui").rglob("*.py"), *(ROOT / "ui").rglob("*.js"), *(ROOT / "pages").glob("*.py"),
                  ROOT / "app.py"])
# Pictographs, the emoji in the misc-technical and dingbat blocks, and the emoji presentation selector.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u231A\u231B\u23E9-\u23FA\u2614\u2615\u2648-\u2653\u26A1\u26BD\u26BE"
                   "\u26C4\u26C5\u26D4\u26EA\u26F2-\u26FA\u2705\u270A\u270B\u2728\u274C\u2753-\u2757\u2795-\u2797"
                   "\u2B50\u2B55\uFE0F]")


def emoji_in(text: str) -> list[str]:
    return EMOJI.findall(text)


def test_the_pattern_finds_emoji_and_spares_plain_symbols():
    assert emoji_in("⏪ Time travel 🧠 ✅") == ["⏪", "🧠", "✅"]
    assert emoji_in("X₁ · R² → ━ ╍ – ×") == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_emoji_in_shipped_code(path):
    found = [(n, emoji_in(line)) for n, line in enumerate(path.read_text().splitlines(), 1) if emoji_in(line)]
    assert found == [], f"use a Material icon instead: {found}"
