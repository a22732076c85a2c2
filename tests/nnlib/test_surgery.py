"""Neuron surgery in nnlib: a unit switched off (Dense.unit_mask) and a unit or layer frozen
(Dense.trainable_mask, Dense.trainable). Gradients against central differences; what training changes."""

import numpy as np
import pytest
from test_gradients import TOL, gradient_error, tiny_net

import nnlib
from nnlib import Dense, Sequential

ACTIVATIONS = ["tanh", "sigmoid", "gelu", "softplus"]  # smooth: no kink for the differences to cross


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy", "sparse_categorical_crossentropy"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_through_a_switched_off_unit_match_central_differences(activation, loss):
    model, x, y = tiny_net(activation, loss, None, seed=3)
    model.layers[0].unit_mask = [1, 0, 1, 0]
    assert gradient_error(model, x, y) < TOL
    _, grads = model.loss_and_gradients(x, y)
    W1, b1, W2 = grads[0], grads[1], grads[2]
    assert not W1[:, [1, 3]].any() and not b1[[1, 3]].any()  # nothing reaches an off unit's weights
    assert not W2[[1, 3], :].any()  # ... nor the weights leaving it: its output is 0


def test_a_switched_off_unit_outputs_zero_and_the_model_predicts_without_it():
    model, x, _ = tiny_net("tanh", "mse", None, seed=1)
    before = model.predict(x)
    model.layers[0].unit_mask = [1, 1, 0, 1]
    hidden = model.layer_outputs(x)[0]["a"]
    assert not hidden[:, 2].any() and hidden[:, [0, 1, 3]].all()
    W1, b1, W2, b2 = model.get_weights()
    by_hand = np.tanh(x @ W1 + b1) * [1, 1, 0, 1] @ W2 + b2  # the same network with the unit's row of W2 gone
    np.testing.assert_allclose(model.predict(x), by_hand, rtol=1e-12)
    model.layers[0].unit_mask = None
    np.testing.assert_allclose(model.predict(x), before, rtol=1e-12)  # switched on again: nothing was lost


@pytest.mark.parametrize("optimizer", ["sgd", "adam", nnlib.optimizers.SGD(0.1, momentum=0.9)], ids=str)
def test_training_leaves_a_frozen_unit_as_it_is_and_trains_the_rest(optimizer):
    model, x, y = tiny_net("tanh", "mse", None, seed=2)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=3, batch_size=2, verbose=0)  # momentum and moments under way
    model.layers[0].trainable_mask = [True, False, True, True]
    W1, b1, W2, _ = (w.copy() for w in model.get_weights())
    model.fit(x, y, epochs=5, batch_size=2, verbose=0)
    W1_after, b1_after, W2_after, _ = model.get_weights()
    np.testing.assert_array_equal(W1_after[:, 1], W1[:, 1])
    assert b1_after[1] == b1[1]
    assert not np.allclose(W1_after[:, [0, 2, 3]], W1[:, [0, 2, 3]]) and not np.allclose(W2_after, W2)


def test_a_frozen_layer_keeps_all_its_weights_as_in_keras():
    model, x, y = tiny_net("tanh", "mse", None, seed=4)
    model.layers[1].trainable = False
    frozen = [w.copy() for w in model.get_weights()[2:]]
    model.fit(x, y, epochs=3, batch_size=2, verbose=0)
    for before, after in zip(frozen, model.get_weights()[2:]):
        np.testing.assert_array_equal(after, before)
    assert not np.allclose(model.get_weights()[0], tiny_net("tanh", "mse", None, seed=4)[0].get_weights()[0])


def test_masks_survive_the_config_and_reject_nonsense():
    layer = Dense(3, "tanh", unit_mask=[1, 0, 1], trainable_mask=[True, True, False], trainable=False)
    config = layer.get_config()
    assert config["unit_mask"] == [1, 0, 1] and config["trainable_mask"] == [True, True, False]
    assert config["trainable"] is False
    again = Dense(**config)
    np.testing.assert_array_equal(again.unit_mask, [1, 0, 1])
    assert "unit_mask" not in Dense(3).get_config()  # nothing switched off: Keras' config as it is
    for bad in ([1, 0], [1, 0, 2], [0.5, 1, 1], "abc", [[1, 0, 1]]):
        with pytest.raises(ValueError, match="one 0/1"):
            Dense(3, unit_mask=bad)


def test_an_output_mask_with_a_fused_loss_is_refused_with_a_reason():
    model = Sequential([Dense(2, "tanh", input_shape=(2,)), Dense(1, "sigmoid", unit_mask=[0])])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(ValueError, match="hidden units"):
        model.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, verbose=0)
