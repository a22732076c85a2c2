"""Inside the network: the Playground's second panel (being built)."""

from __future__ import annotations

from ui.run import PlaygroundRun


def panel(run: PlaygroundRun, frame: int, playing: bool) -> None:
    """Draw the inside-the-network views for ``run``; called from the live fragment every frame."""
