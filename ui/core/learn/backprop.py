"""One training step of a tiny 2 → h → 2 network, written out stage by stage in plain NumPy.

The Backprop page shows these arrays; a test checks that they equal what nnlib computes for the same
weights (``Sequential.layer_outputs``, ``loss_and_gradients`` and ``train_on_batch``). Nothing here calls
Streamlit.

Shapes: m samples in the batch, h hidden units, 2 inputs, 2 classes.
    X (m, 2)   y (m,) int   W1 (2, h)   b1 (h,)   W2 (h, 2)   b2 (2,)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlib import Dense, Sequential
from nnlib.datasets import generate
from nnlib.optimizers import SGD

DATASETS = ("xor", "circle", "gauss", "moons", "spiral")
HIDDEN_RANGE = (2, 5)
BATCH_RANGE = (2, 8)
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
PARAM_NAMES = ("W1", "b1", "W2", "b2")  # the order of Sequential.get_weights()
N_CLASSES = 2

Weights = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class WalkConfig:
    """What fixes the batch and the starting weights. The learning rate is not part of it: changing the
    learning rate keeps the weights, as in TensorFlow Playground."""

    dataset: str = "xor"
    hidden: int = 3
    batch: int = 4
    seed: int = 0

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset!r}; choose one of {list(DATASETS)}")
        checks = (("hidden", self.hidden, HIDDEN_RANGE), ("batch", self.batch, BATCH_RANGE))
        for label, value, (lo, hi) in checks:
            if not lo <= value <= hi:
                raise ValueError(f"{label} must be in {lo}..{hi}, received {label}={value!r}")


# --- the network, as nnlib builds it ----------------------------------------------------------------------
def make_batch(config: WalkConfig) -> tuple[np.ndarray, np.ndarray]:
    """The mini-batch: X (m, 2) raw coordinates in (-6, 6), y (m,) class ids 0/1."""
    return generate(config.dataset, n_samples=config.batch, noise=0.0, seed=config.seed)


def build_model(hidden: int, learning_rate: float, seed: int) -> Sequential:
    """The walk's network as an nnlib model: the page's arrays must agree with it."""
    model = Sequential([Dense(hidden, activation="relu", input_shape=(2,)),
                        Dense(N_CLASSES, activation="softmax")], seed=seed)
    model.compile(optimizer=SGD(learning_rate=learning_rate), loss="sparse_categorical_crossentropy")
    return model


def initial_weights(config: WalkConfig) -> Weights:
    """nnlib's own initialization (Glorot-uniform kernels, zero biases) for this seed."""
    return tuple(build_model(config.hidden, 0.1, config.seed).get_weights())


# --- one step, by hand ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """Every array of one forward and backward pass, named as in the equations."""

    X: np.ndarray
    y: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    z1: np.ndarray      # (m, h)
    a1: np.ndarray      # (m, h)
    z2: np.ndarray      # (m, 2)
    p: np.ndarray       # (m, 2) softmax probabilities
    Y: np.ndarray       # (m, 2) one-hot targets
    losses: np.ndarray  # (m,) -log p[true class], per sample
    loss: float         # their mean
    dz2: np.ndarray     # (m, 2)
    dW2: np.ndarray     # (h, 2)
    db2: np.ndarray     # (2,)
    da1: np.ndarray     # (m, h)
    relu_grad: np.ndarray  # (m, h) 1 where z1 > 0, else 0
    dz1: np.ndarray     # (m, h)
    dW1: np.ndarray     # (2, h)
    db1: np.ndarray     # (h,)

    @property
    def weights(self) -> Weights:
        return self.W1, self.b1, self.W2, self.b2

    @property
    def gradients(self) -> Weights:
        return self.dW1, self.db1, self.dW2, self.db2


def forward_backward(X: np.ndarray, y: np.ndarray, weights: Weights) -> Step:
    """The lines the page shows, stage by stage, in the same order."""
    W1, b1, W2, b2 = weights
    m = len(y)
    # 1. hidden layer
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    # 2. output layer and softmax (shifting by the row max changes nothing but avoids overflow)
    z2 = a1 @ W2 + b2
    p = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    # 3. cross-entropy: the mean of -log(probability given to the true class)
    losses = -np.log(p[np.arange(m), y])
    loss = float(losses.mean())
    # 4. gradient at the output's pre-activation (softmax and cross-entropy together)
    Y = np.eye(N_CLASSES)[y]
    dz2 = (p - Y) / m
    # 5. output-layer weights
    dW2 = a1.T @ dz2
    db2 = dz2.sum(axis=0)
    # 6. back through W2 and the ReLU
    da1 = dz2 @ W2.T
    relu_grad = (z1 > 0).astype(float)
    dz1 = da1 * relu_grad
    # 7. hidden-layer weights
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return Step(X, y, W1, b1, W2, b2, z1, a1, z2, p, Y, losses, loss, dz2, dW2, db2, da1, relu_grad, dz1,
                dW1, db1)


def sgd_update(step: Step, learning_rate: float) -> Weights:
    """8. Plain gradient descent: every weight moves against its gradient. Returns new arrays."""
    return tuple(w - learning_rate * g for w, g in zip(step.weights, step.gradients, strict=True))


def loss_of(X: np.ndarray, y: np.ndarray, weights: Weights) -> float:
    return forward_backward(X, y, weights).loss


# --- gradient check ---------------------------------------------------------------------------------------
def numeric_gradients(X: np.ndarray, y: np.ndarray, weights: Weights, eps: float = 1e-6) -> Weights:
    """Central differences (L(w + eps) - L(w - eps)) / 2 eps, one weight at a time, in float64."""
    estimates = []
    for k, w in enumerate(weights):
        est = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            shifted = [v.copy() for v in weights]
            shifted[k][idx] = w[idx] + eps
            up = loss_of(X, y, tuple(shifted))
            shifted[k][idx] = w[idx] - eps
            down = loss_of(X, y, tuple(shifted))
            est[idx] = (up - down) / (2 * eps)
        estimates.append(est)
    return tuple(estimates)


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-10) -> np.ndarray:
    """|a - n| / max(|a| + |n|, floor): 0 when both agree, 1 when they have nothing in common."""
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), floor)


def gradient_check_rows(step: Step, eps: float = 1e-6) -> list[dict]:
    """One row per weight: its name, analytic gradient, central-difference estimate, relative error."""
    numeric = numeric_gradients(step.X, step.y, step.weights, eps)
    rows = []
    for name, analytic, estimate in zip(PARAM_NAMES, step.gradients, numeric, strict=True):
        errors = relative_error(analytic, estimate)
        for idx in np.ndindex(analytic.shape):
            label = f"{name}[{', '.join(str(i + 1) for i in idx)}]"
            rows.append({"weight": label, "backprop": float(analytic[idx]),
                         "finite difference": float(estimate[idx]), "relative error": float(errors[idx])})
    return rows


# --- what each stage shows --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """One labelled matrix for a heatmap. Vectors are shown as one row."""

    name: str
    values: np.ndarray  # 2-D
    rows: tuple[str, ...]
    cols: tuple[str, ...]


def _samples(m: int) -> tuple[str, ...]:
    return tuple(f"#{i + 1}" for i in range(m))


def _units(h: int) -> tuple[str, ...]:
    return tuple(f"h{j + 1}" for j in range(h))


INPUTS = ("x₁", "x₂")
CLASSES = ("class 0", "class 1")


def _batch(name: str, values: np.ndarray, cols: tuple[str, ...]) -> Panel:
    return Panel(name, values, _samples(len(values)), cols)


def _row(name: str, values: np.ndarray, cols: tuple[str, ...]) -> Panel:
    return Panel(name, values[None, :], ("",), cols)


def _stage1(s: Step, lr: float) -> list[Panel]:
    h = _units(s.W1.shape[1])
    return [_batch("X", s.X, INPUTS), Panel("W1", s.W1, INPUTS, h), _row("b1", s.b1, h),
            _batch("z1", s.z1, h), _batch("a1 = relu(z1)", s.a1, h)]


def _stage2(s: Step, lr: float) -> list[Panel]:
    h = _units(s.W1.shape[1])
    return [_batch("a1", s.a1, h), Panel("W2", s.W2, h, CLASSES), _row("b2", s.b2, CLASSES),
            _batch("z2", s.z2, CLASSES), _batch("p = softmax(z2)", s.p, CLASSES)]


def _stage3(s: Step, lr: float) -> list[Panel]:
    return [_batch("p", s.p, CLASSES), _batch("y (one-hot)", s.Y, CLASSES),
            _batch("−log p[true class]", s.losses[:, None], ("loss",))]


def _stage4(s: Step, lr: float) -> list[Panel]:
    return [_batch("p", s.p, CLASSES), _batch("Y", s.Y, CLASSES), _batch("dz2 = (p − Y) / m", s.dz2, CLASSES)]


def _stage5(s: Step, lr: float) -> list[Panel]:
    h = _units(s.W1.shape[1])
    return [_batch("a1", s.a1, h), _batch("dz2", s.dz2, CLASSES), Panel("dW2 = a1ᵀ·dz2", s.dW2, h, CLASSES),
            _row("db2 = Σ dz2", s.db2, CLASSES)]


def _stage6(s: Step, lr: float) -> list[Panel]:
    h = _units(s.W1.shape[1])
    return [_batch("dz2", s.dz2, CLASSES), Panel("W2", s.W2, h, CLASSES), _batch("da1 = dz2·W2ᵀ", s.da1, h),
            _batch("relu′(z1)", s.relu_grad, h), _batch("dz1", s.dz1, h)]


def _stage7(s: Step, lr: float) -> list[Panel]:
    h = _units(s.W1.shape[1])
    return [_batch("X", s.X, INPUTS), _batch("dz1", s.dz1, h), Panel("dW1 = Xᵀ·dz1", s.dW1, INPUTS, h),
            _row("db1 = Σ dz1", s.db1, h)]


def _stage8(s: Step, lr: float) -> list[Panel]:
    h = _units(s.W1.shape[1])
    W1, b1, W2, b2 = sgd_update(s, lr)
    return [Panel("W1 − η·dW1", W1, INPUTS, h), _row("b1 − η·db1", b1, h),
            Panel("W2 − η·dW2", W2, h, CLASSES), _row("b2 − η·db2", b2, CLASSES)]


@dataclass(frozen=True)
class Stage:
    title: str
    latex: str
    code: str  # the two NumPy lines that compute it, exactly as forward_backward runs them
    explanation: str
    panels: Callable[[Step, float], list[Panel]]


STAGES: tuple[Stage, ...] = (
    Stage(
        "Hidden layer: weighted sums, then ReLU",
        r"z_1 = X W_1 + b_1, \qquad a_1 = \max(z_1,\ 0)",
        "z1 = X @ W1 + b1\na1 = np.maximum(z1, 0.0)",
        "Each row of X is one point of the batch. Multiplying by W1 gives every hidden unit a weighted sum "
        "of the two coordinates, and b1 shifts each unit's sum by its own constant. ReLU then keeps the "
        "positive sums and replaces the negative ones by zero: a unit with a negative sum is silent for that "
        "point. Look for zeros in a1; they will block the gradient in stage 6.",
        _stage1,
    ),
    Stage(
        "Output layer and softmax",
        r"z_2 = a_1 W_2 + b_2, \qquad p_{ik} = \frac{e^{z_{2,ik}}}{\sum_j e^{z_{2,ij}}}",
        "z2 = a1 @ W2 + b2\n"
        "p = np.exp(z2 - z2.max(axis=1, keepdims=True)); p = p / p.sum(axis=1, keepdims=True)",
        "The hidden activations are mixed again, this time into one score per class (the logits z2). Softmax "
        "turns each row of scores into probabilities: exponentiate, then divide by the row total, so every "
        "row of p is positive and sums to 1. Subtracting the row's largest score first does not change p; it "
        "only keeps the exponentials from overflowing.",
        _stage2,
    ),
    Stage(
        "The loss: cross-entropy",
        r"L = -\frac{1}{m}\sum_{i=1}^{m} \log p_{i,\,y_i}",
        "m = len(y)\nloss = -np.log(p[np.arange(m), y]).mean()",
        "For each point, the loss only looks at the probability the network gave to the correct class. A "
        "confident right answer (p near 1) costs almost nothing; a confident wrong one (p near 0) costs a "
        "lot, because −log p grows without bound. The batch loss is the average over the m points, which is "
        "what nnlib's sparse_categorical_crossentropy returns.",
        _stage3,
    ),
    Stage(
        "Gradient at the output: prediction minus target",
        r"\frac{\partial L}{\partial z_2} = \frac{1}{m}\,(p - Y)",
        "Y = np.eye(2)[y]\ndz2 = (p - Y) / m",
        "Softmax followed by cross-entropy has a remarkably simple derivative with respect to the "
        "logits: the predicted probabilities minus the one-hot target. The true class gets a negative "
        "entry (push its score up), the other class a positive one (push it down). The 1/m is there "
        "because the loss is a mean over the batch: nnlib puts the division here, once, so the weight "
        "gradients below need no further averaging (the tutorial divides dW2 and db2 by m instead, "
        "which gives the same numbers).",
        _stage4,
    ),
    Stage(
        "Gradients of the output weights",
        r"\frac{\partial L}{\partial W_2} = a_1^{\top}\, dz_2, \qquad "
        r"\frac{\partial L}{\partial b_2} = \sum_{i} dz_{2,i}",
        "dW2 = a1.T @ dz2\ndb2 = dz2.sum(axis=0)",
        "A weight from hidden unit j to class k matters in proportion to how active unit j was. So its "
        "gradient is unit j's activation times class k's error, summed over the batch: that sum of products "
        "is exactly the matrix product a1ᵀ·dz2. A bias is like a weight on an input that is always 1, so its "
        "gradient is just the column sum of dz2. Hidden units that were silent (a1 = 0) give no gradient to "
        "their outgoing weights.",
        _stage5,
    ),
    Stage(
        "Back through W2 and the ReLU",
        r"dz_1 = \left(dz_2\, W_2^{\top}\right) \odot \mathrm{relu}'(z_1), \qquad "
        r"\mathrm{relu}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
        "da1 = dz2 @ W2.T\ndz1 = da1 * (z1 > 0)",
        "This is the chain rule at work. Each hidden unit receives blame from both outputs, weighted by the "
        "connections it used on the way forward: dz2·W2ᵀ sends the output errors back along the same wires. "
        "Then the ReLU acts as a gate: where a unit was active, the gradient passes unchanged (slope 1); "
        "where it was silent, the slope is 0 and that point teaches the unit nothing. A unit silent for "
        "every point receives no gradient at all: a dead ReLU.",
        _stage6,
    ),
    Stage(
        "Gradients of the hidden weights",
        r"\frac{\partial L}{\partial W_1} = X^{\top}\, dz_1, \qquad "
        r"\frac{\partial L}{\partial b_1} = \sum_{i} dz_{1,i}",
        "dW1 = X.T @ dz1\ndb1 = dz1.sum(axis=0)",
        "The same pattern as stage 5, one layer further down: a weight's gradient is the input that fed it "
        "times the error signal arriving at its unit, summed over the batch. With the raw coordinates as "
        "inputs, a point far from the origin pushes harder on W1 than one near it.",
        _stage7,
    ),
    Stage(
        "The update: a small step downhill",
        r"W \leftarrow W - \eta\, \frac{\partial L}{\partial W} \quad \text{for } W_1, b_1, W_2, b_2",
        "W1, b1 = W1 - lr * dW1, b1 - lr * db1\nW2, b2 = W2 - lr * dW2, b2 - lr * db2",
        "Every gradient points in the direction that would increase the loss fastest, so each weight takes "
        "a step the other way, scaled by the learning rate η. This is plain SGD, what nnlib's "
        "SGD(learning_rate=η) does in train_on_batch. Too small an η barely moves; too large overshoots and "
        "the loss can go up. Press Apply update to make the step and see the loss before and after.",
        _stage8,
    ),
)


def clamp_stage(index: int) -> int:
    """Any requested stage index, clamped to 0..len(STAGES)-1."""
    return max(0, min(int(index), len(STAGES) - 1))
