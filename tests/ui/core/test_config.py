"""The Playground config and its URL round trip: garbage in, a usable config and notices out."""

import math
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.core import config as cfg
from ui.core import limits
from ui.core.config import DEFAULT, Config, from_query, to_query


def test_defaults_need_no_parameters():
    assert from_query({}) == (DEFAULT, [])
    assert to_query(DEFAULT) == {}


def test_round_trip_of_a_full_config():
    config = Config(dataset="spiral", noise=0.25, train_pct=70, samples=800, batch_size=20,
                    features=("x1", "x2", "sinx1"), layers=(8, 6, 4), activations=("relu", "tanh", "elu"),
                    dropout=0.1, init="he_normal", loss="mse", optimizer="adam", learning_rate=0.003,
                    regularization="l2", reg_rate=0.001, epochs_per_frame=12, seed=42)
    parsed, notices = from_query(to_query(config))
    assert notices == []
    assert parsed == config


def test_no_hidden_layers_round_trips():
    config = Config(layers=(), activations=())
    assert from_query(to_query(config))[0] == config


def test_out_of_range_values_are_clamped_with_a_notice():
    config, notices = from_query({"layers": "32,4,4,4,4,4,4,4", "noise": "2", "train_pct": "5"})
    assert config.layers == (16, 4, 4, 4, 4, 4)
    assert config.noise == 0.5 and config.train_pct == 10
    assert any("6 hidden layers" in n for n in notices)
    assert any("noise" in n for n in notices) and any("train_pct" in n for n in notices)


def test_unknown_choices_are_ignored_with_a_notice():
    config, notices = from_query({"dataset": "mnist", "optimizer": "lbfgs", "zzz": "1"})
    assert config.dataset == DEFAULT.dataset and config.optimizer == DEFAULT.optimizer
    assert len(notices) == 3
    assert any("'zzz'" in n for n in notices)


def test_learning_rate_snaps_to_the_ladder():
    config, notices = from_query({"learning_rate": "0.05"})
    assert config.learning_rate in cfg.LEARNING_RATES
    assert notices and "0.05" in notices[0]


@pytest.mark.parametrize("text", ["-3", "0"])
def test_a_learning_rate_that_is_not_positive_is_ignored_not_snapped(text):
    """-3 used to become the smallest rate, 1e-05, which looked like a frozen page."""
    config, notices = from_query({"learning_rate": text})
    assert config.learning_rate == DEFAULT.learning_rate
    assert notices == [f"Ignored URL parameter learning_rate: {text} is not a positive number."]


def test_activations_follow_the_layer_count():
    config, _ = from_query({"layers": "3,3,3", "activations": "relu"})
    assert config.activations == ("relu", "relu", "relu")
    config, _ = from_query({"layers": "3", "activations": "relu,tanh,elu"})
    assert config.activations == ("relu",)


def test_batch_size_never_exceeds_the_training_set_and_says_the_real_size():
    config, notices = from_query({"samples": "50", "train_pct": "10", "batch_size": "30"}, train_size=4)
    assert config.batch_size == 4
    assert notices == ["Batch size 30 is more than the 4 training points; using 4."]


def test_a_huge_batch_names_the_size_used_in_the_end():
    """batch_size=1e9 used to say "using 2000" and then use 250."""
    config, notices = from_query({"batch_size": "1e9"}, train_size=250)
    assert config.batch_size == 250
    assert notices[-1] == "Batch size 2000 is more than the 250 training points; using 250."


def test_very_long_values_are_refused():
    config, notices = from_query({"dataset": "s" * (limits.MAX_URL_VALUE_CHARS + 1)})
    assert config == DEFAULT and "too long" in notices[0]


def test_lists_take_the_last_value_like_a_browser():
    config, _ = from_query({"dataset": ["xor", "spiral"]})
    assert config.dataset == "spiral"


def test_the_reset_boundary():
    base = Config()
    assert base.model_key() == Config(learning_rate=1.0, optimizer="adam", reg_rate=0.1).model_key()
    assert base.model_key() != Config(layers=(4,)).model_key()
    assert base.model_key() != Config(seed=1).model_key()
    assert base.model_key() != Config(features=("x1",)).model_key()


text = st.one_of(st.text(max_size=40), st.sampled_from(["nan", "inf", "-1", "1e400", "0", "3,4", ",", "1.5"]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in fields(Config)] + ["junk"]),
                       st.one_of(text, st.lists(text, max_size=3)), max_size=8))
def test_any_query_gives_a_valid_config(params):
    config, notices = from_query(params)
    assert isinstance(notices, list)
    assert config.dataset in cfg.DATASET_NAMES
    assert len(config.layers) <= limits.MAX_HIDDEN_LAYERS
    assert all(1 <= u <= limits.MAX_NEURONS for u in config.layers)
    assert len(config.activations) == len(config.layers)
    assert 1 <= config.batch_size <= limits.MAX_BATCH_SIZE
    assert 1 <= config.epochs_per_frame <= limits.MAX_EPOCHS_PER_FRAME
    assert config.features and 0 <= config.seed <= limits.MAX_SEED
    assert math.isfinite(config.noise) and math.isfinite(config.learning_rate)
    assert from_query(to_query(config))[0] == config  # what we write, we read back


def test_a_loss_label_shown_for_any_kind_of_problem_reads_back_as_its_loss():
    assert cfg.loss_from_label("Auto (MSE)") == "auto"  # a regression's label, sent back after the kind changed
    assert cfg.loss_from_label("Auto (Cross-entropy)") == "auto"
    assert cfg.loss_from_label("MAE") == "mae" and cfg.loss_from_label("mse") == "mse"


def test_switched_off_and_frozen_neurons_round_trip_and_drop_what_the_network_lacks():
    config, notices = cfg.from_query({"layers": "4,2", "off": "2.1,1.3,1.3", "frozen": "1.1"})
    assert config.off == ("1.3", "2.1") and config.frozen == ("1.1",) and notices == []
    assert cfg.to_query(config)["off"] == "1.3,2.1"
    assert cfg.from_query(cfg.to_query(config))[0] == config
    config, notices = cfg.from_query({"layers": "4", "off": "1.5,2.1,1.4"})
    assert config.off == ("1.4",) and "1.5, 2.1" in notices[0]


@pytest.mark.parametrize("text", ["x", "1", "1.", ".2", "0.1", "1.0", "1.2.3", "².1", "1.١", "-1.2", "1e3.1"])
def test_a_malformed_neuron_is_refused_with_a_notice(text):
    config, notices = cfg.from_query({"off": text})
    assert config.off == () and "off" in notices[0]
    assert cfg.parse_neurons([text]) is None
