"""One lookup rule for every name-or-object argument: activations, losses, optimizers, ..."""

from __future__ import annotations

from typing import Any


def lookup(kind: str, registry: dict[str, Any], name: str) -> Any:
    """``registry[name]``, or a ValueError that lists the choices."""
    key = name.lower() if isinstance(name, str) else name
    try:
        return registry[key]
    except (KeyError, TypeError):
        choices = sorted(k for k in registry if isinstance(k, str))
        raise ValueError(f"unknown {kind} {name!r}; choose one of {choices}") from None
