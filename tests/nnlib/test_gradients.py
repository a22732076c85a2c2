"""Backprop against central differences in float64: every activation x loss x regularizer, plus the
non-fused output paths, plus negative controls that the same checker must reject."""

import numpy as np
import pytest

import nnlib
from nnlib import Activation, Dense, Dropout, Sequential
from nnlib.activations import Tanh
from nnlib.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)

ACTIVATIONS = nnlib.activations.names()
LOSSES = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
REGULARIZERS = {"none": None, "l1": nnlib.regularizers.L1(0.03), "l2": nnlib.regularizers.L2(0.05),
                "l1l2": nnlib.regularizers.L1L2(l1=0.02, l2=0.04)}
KINKED = {"relu", "leaky_relu", "elu"}  # derivative (or its derivative) jumps at z = 0
# an output layer that suits each loss: (units, activation)
OUTPUT = {"mse": (2, "linear"), "mae": (2, "linear"), "binary_crossentropy": (2, "sigmoid"),
          "categorical_crossentropy": (3, "softmax"), "sparse_categorical_crossentropy": (3, "softmax")}
H = 1e-5  # central-difference step: truncation ~h^2, rounding ~1e-16/h, both far below the tolerance
TOL = 1e-6
MARGIN = 1e-3  # no pre-activation (or MAE residual) this close to a kink, so +-H never crosses it


def targets(loss: str, n: int, rng: np.random.Generator, k: int | None = None) -> np.ndarray:
    k = OUTPUT[loss][0] if k is None else k
    if loss in ("mse", "mae"):
        return rng.normal(size=(n, k))
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    labels = rng.integers(0, k, size=n)
    return np.eye(k)[labels] if loss == "categorical_crossentropy" else labels


def numeric_gradients(model: Sequential, x, y, h: float = H) -> list[np.ndarray]:
    """d evaluate(x, y) / d weight by central differences, one weight at a time."""
    base = model.get_weights()
    grads = []
    for i, w in enumerate(base):
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            values = []
            for step in (h, -h):
                trial = [a.copy() for a in base]
                trial[i][idx] += step
                model.set_weights(trial)
                values.append(model.evaluate(x, y))
            g[idx] = (values[0] - values[1]) / (2 * h)
        grads.append(g)
    model.set_weights(base)
    return grads


def relative_error(analytic: list[np.ndarray], numeric: list[np.ndarray]) -> float:
    """The worst, over weight arrays, of |a - n| / (|a| + |n|) in the 2-norm (0 when both vanish)."""
    worst = 0.0
    for a, n in zip(analytic, numeric, strict=True):
        assert a.shape == n.shape
        scale = np.linalg.norm(a) + np.linalg.norm(n)
        if scale > 1e-12:
            worst = max(worst, float(np.linalg.norm(a - n) / scale))
    return worst


def gradient_error(model: Sequential, x, y, perturb=None) -> float:
    """How far ``loss_and_gradients`` is from central differences of ``evaluate``."""
    loss, analytic = model.loss_and_gradients(x, y)
    assert np.isclose(loss, model.evaluate(x, y), rtol=1e-10, atol=1e-12)  # same function
    if perturb is not None:
        analytic = perturb(analytic)
    return relative_error(analytic, numeric_gradients(model, x, y))


def away_from_kinks(model: Sequential, x, y, loss_name: str) -> bool:
    outs = model.layer_outputs(x)
    for out, layer in zip(outs, model.layers):
        if getattr(layer, "activation", None) is not None and layer.activation.name in KINKED:
            if np.abs(out["z"]).min() < MARGIN:
                return False
    if loss_name == "mae" and np.abs(outs[-1]["a"] - y).min() < MARGIN:
        return False
    return all(np.abs(w).min() > MARGIN for w in model.get_weights())  # L1's kink at w = 0


def tiny_net(activation, loss, reg, seed: int, out_activation=None) -> tuple[Sequential, np.ndarray, np.ndarray]:
    """3 inputs -> 4 hidden (``activation``) -> an output that suits ``loss``; kink-free data."""
    units, out_act = OUTPUT[loss] if isinstance(loss, str) else loss
    for attempt in range(50):
        rng = np.random.default_rng(1000 * seed + attempt)
        model = Sequential([
            Dense(4, activation, input_shape=(3,), kernel_regularizer=reg, bias_regularizer=reg,
                  kernel_initializer=nnlib.initializers.random_normal(stddev=0.8),
                  bias_initializer=nnlib.initializers.random_uniform(-0.5, 0.5)),
            Dense(units, out_activation or out_act, kernel_regularizer=reg, bias_regularizer=reg,
                  kernel_initializer=nnlib.initializers.random_normal(stddev=0.8),
                  bias_initializer=nnlib.initializers.random_uniform(-0.5, 0.5)),
        ], seed=rng)
        x = rng.normal(size=(6, 3))
        name = loss if isinstance(loss, str) else "mse"
        y = targets(name, 6, rng, units)
        model.compile(optimizer="sgd", loss=name)
        if away_from_kinks(model, x, y, name):
            return model, x, y
    raise AssertionError("no kink-free draw in 50 attempts")


@pytest.mark.parametrize("reg", list(REGULARIZERS), ids=list(REGULARIZERS))
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backprop_matches_central_differences(activation, loss, reg):
    seed = ACTIVATIONS.index(activation) * 100 + LOSSES.index(loss) * 10 + list(REGULARIZERS).index(reg)
    model, x, y = tiny_net(activation, loss, REGULARIZERS[reg], seed)
    assert gradient_error(model, x, y) < TOL


class _Unfused:
    """Hide a loss's fused gradient, so the model goes through value_and_grad and the activation."""

    fused_activation = None


class UnfusedBCE(_Unfused, BinaryCrossentropy):
    pass


class UnfusedCCE(_Unfused, CategoricalCrossentropy):
    pass


class UnfusedSparse(_Unfused, SparseCategoricalCrossentropy):
    pass


@pytest.mark.parametrize("loss_cls, name", [(UnfusedBCE, "binary_crossentropy"),
                                            (UnfusedCCE, "categorical_crossentropy"),
                                            (UnfusedSparse, "sparse_categorical_crossentropy")])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_unfused_cross_entropies_and_sigmoid_softmax_backward(loss_cls, name, activation):
    model, x, y = tiny_net(activation, name, None, seed=7)
    assert model._backprop_plan().fused  # the ordinary model takes the fused path ...
    model.compile(optimizer="sgd", loss=loss_cls())
    assert not model._backprop_plan().fused  # ... this one goes through the softmax/sigmoid Jacobian
    assert gradient_error(model, x, y) < TOL


@pytest.mark.parametrize("out_activation", ["softmax", "sigmoid", "tanh", "softplus"])
def test_mse_through_any_output_activation(out_activation):
    model, x, y = tiny_net("tanh", (3, out_activation), nnlib.regularizers.L2(0.01), seed=3)
    assert gradient_error(model, x, y) < TOL


@pytest.mark.parametrize("loss", ["binary_crossentropy", "sparse_categorical_crossentropy"])
def test_separate_activation_layer_and_dropout_at_inference(loss):
    """Dense(linear) + Activation(...) output is fused like Dense(..., activation); Dropout is identity."""
    units, out = OUTPUT[loss]
    rng = np.random.default_rng(5)
    model = Sequential([Dense(5, "swish", input_shape=(3,)), Dropout(0.5), Dense(4, use_bias=False),
                        Activation("gelu"), Dense(units), Activation(out)], seed=rng)
    model.compile(optimizer="adam", loss=loss)
    assert model._backprop_plan().fused
    x, y = rng.normal(size=(7, 3)), targets(loss, 7, rng)
    assert gradient_error(model, x, y) < TOL


def test_deeper_net_with_mixed_layers_and_regularizers():
    rng = np.random.default_rng(11)
    model = Sequential([
        Dense(5, "tanh", input_shape=(4,), kernel_regularizer="l2"),
        Dense(5, "softplus", bias_regularizer=nnlib.regularizers.L1(0.1)),
        Dense(4, "sigmoid", use_bias=False, kernel_regularizer=nnlib.regularizers.L1L2(0.01, 0.01)),
        Dense(3, "softmax"),
    ], seed=rng)
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.set_weights([w + rng.uniform(0.1, 0.3, w.shape) for w in model.get_weights()])  # no w at 0
    x, y = rng.normal(size=(8, 4)), targets("categorical_crossentropy", 8, rng)
    assert gradient_error(model, x, y) < TOL


# --- negative controls: the checker must catch a wrong gradient --------------------------------------

def test_checker_rejects_slightly_perturbed_gradients():
    model, x, y = tiny_net("tanh", "mse", None, seed=1)
    assert gradient_error(model, x, y) < TOL
    bumped = gradient_error(model, x, y, perturb=lambda gs: [g * 1.01 for g in gs])
    assert bumped > 1e-3  # a 1 % error in every gradient is 1000x the tolerance

    def nudge_one_entry(gs):
        gs = [g.copy() for g in gs]
        gs[0].flat[0] += 1e-3
        return gs

    assert gradient_error(model, x, y, perturb=nudge_one_entry) > TOL


class WrongTanh(Tanh):
    """tanh with a plausible but wrong derivative (1 - a instead of 1 - a^2)."""

    name = "wrong_tanh"

    def derivative(self, z, a):
        return 1.0 - a

    def backward(self, da, z, a):
        return da * self.derivative(z, a)


class MissingFactorTwoMSE(MeanSquaredError):
    def value_and_grad(self, a, y):
        value, grad = super().value_and_grad(a, y)
        return value, grad / 2.0


class BiasForgettingL2(nnlib.regularizers.Regularizer):
    """Counts the penalty in the loss but forgets its gradient."""

    def gradient(self, w):
        return np.zeros_like(w)


def test_checker_rejects_a_wrong_activation_derivative():
    model, x, y = tiny_net(WrongTanh(), "mse", None, seed=2)
    assert gradient_error(model, x, y) > 1e-3


def test_checker_rejects_a_wrong_loss_gradient():
    model, x, y = tiny_net("tanh", "mse", None, seed=3)
    model.compile(optimizer="sgd", loss=MissingFactorTwoMSE())
    assert gradient_error(model, x, y) > 0.1


def test_checker_rejects_a_penalty_without_its_gradient():
    model, x, y = tiny_net("tanh", "mse", BiasForgettingL2(l2=0.5), seed=4)
    assert gradient_error(model, x, y) > 1e-3
