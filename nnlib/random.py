"""Where nnlib's randomness comes from.

Every random draw in nnlib goes through an explicit ``np.random.Generator``. A model that is given no
seed takes a child generator from one module-level root, which ``set_random_seed`` re-creates; nothing
touches NumPy's legacy global state.
"""

from __future__ import annotations

import numpy as np

_root = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Make every later unseeded model, initializer and ``fit`` reproducible (like Keras)."""
    global _root
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed needs a non-negative int, received {seed!r}")
    _root = np.random.default_rng(int(seed))


def make_rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A generator from an int seed, a generator (returned as is), or None (a child of the root)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(_root.integers(2**63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, a Generator or None, received {seed!r}")
    return np.random.default_rng(int(seed))
