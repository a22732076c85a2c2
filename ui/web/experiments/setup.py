"""What the Compare and Sweeps pages start from: the Playground's setup and its very data arrays."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from ui.core import config as cfg
from ui.core.config import DEFAULT, Config
from ui.core.run import Data, problem_text
from ui.web import state


# --- shared: the Playground's setup --------------------------------------------------------------------------
def base_setup() -> tuple[Config, Data]:
    """The Playground's last config (or the defaults) and its data: the very arrays of the Playground's
    run (state.data_for makes them once per data setting), or of an uploaded CSV if there is one."""
    config = st.session_state.get(state.CONFIG, DEFAULT)
    if config.dataset == "upload" and state.upload_kind() is None:
        config = replace(config, dataset=DEFAULT.dataset)
    return config, state.data_for(config)


def same_data(a: Data, b: Data) -> bool:
    """The same points (the very same arrays, or equal ones)."""
    names = ("X_train", "y_train", "X_test", "y_test")
    return a is b or all(np.array_equal(getattr(a, n), getattr(b, n)) for n in names)


def setup_caption(config: Config, data: Data) -> None:
    kind = problem_text(data)
    layers = ", ".join(map(str, config.layers)) or "none"
    st.caption(
        f"Base setup, from the Playground: **{config.dataset}** ({kind}, noise {config.noise:g}, "
        f"{len(data.y_train)} training and {len(data.y_test)} test points) · features "
        f"{', '.join(config.features)} · hidden layers {layers} ({', '.join(config.activations) or '–'}) · "
        f"{cfg.OPTIMIZERS[config.optimizer]}, learning rate {config.learning_rate:g} · batch {config.batch_size} · "
        f"seed {config.seed}. Every run uses the same data and seed; change the base on the Playground.")
