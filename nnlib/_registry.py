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


def from_config(kind: str, cls: type, config: dict) -> Any:
    """``cls(**config)``, with unexpected or mistyped settings as a ValueError instead of a TypeError."""
    try:
        return cls(**config)
    except TypeError as err:
        raise ValueError(f"bad {kind} config {config!r}: {err}") from None
