"""What a run's weights score beyond loss and accuracy: which points each class is predicted as (for the
confusion matrix the view draws), RMSE, MAE and R² for regression, and what an epoch costs to compute."""

from __future__ import annotations

import base64
import math

import numpy as np

from nnlib import metrics

FLOPS_PER_MAC = 2  # a multiply and an add
TRAINING_PASSES = 3  # a forward pass, and a backward pass costing about two (input and weight gradients)


def predicted_labels(outputs: np.ndarray) -> np.ndarray:
    """The class each output row predicts: the largest probability, or class 1 above 0.5 for one output."""
    return outputs.argmax(axis=1) if outputs.shape[1] > 1 else (outputs[:, 0] > 0.5).astype(int)


def label_bits(n_classes: int) -> int:
    return max(1, math.ceil(math.log2(max(n_classes, 2))))


def pack_labels(labels: np.ndarray, n_classes: int) -> str:
    """Labels (0 .. n_classes - 1) as base64 bit planes: plane b holds bit b of every label, 8 labels a byte,
    the first in the byte's highest bit (numpy's packbits). 500 labels of 2 classes: 84 characters."""
    labels = np.asarray(labels, dtype=np.int64)
    planes = [np.packbits((labels >> b) & 1) for b in range(label_bits(n_classes))]
    return base64.b64encode(np.concatenate(planes).tobytes()).decode("ascii")


def unpack_labels(text: str, n: int, n_classes: int) -> np.ndarray:
    """The inverse of ``pack_labels`` for ``n`` labels (as the view does it)."""
    raw = np.frombuffer(base64.b64decode(text), dtype=np.uint8)
    per_plane = (n + 7) // 8
    labels = np.zeros(n, dtype=np.int64)
    for b in range(label_bits(n_classes)):
        labels |= np.unpackbits(raw[b * per_plane:(b + 1) * per_plane])[:n].astype(np.int64) << b
    return labels


def regression_scores(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """RMSE, MAE and R² (nnlib's, as Keras computes them); NaN for an empty set."""
    if not len(y):
        return {"rmse": math.nan, "mae": math.nan, "r2": math.nan}
    predicted = predicted.reshape(len(y), -1)
    return {"rmse": metrics.root_mean_squared_error(y, predicted), "mae": metrics.mean_absolute_error(y, predicted),
            "r2": metrics.r2_score(y, predicted)}


def multiply_adds(n_inputs: int, layers: list[int]) -> int:
    """Multiply-adds of one forward pass of one sample through Dense layers of these sizes."""
    total, fan_in = 0, n_inputs
    for units in layers:
        total, fan_in = total + fan_in * units, units
    return total


def flops_per_epoch(n_inputs: int, layers: list[int], training_points: int) -> int:
    """Floating-point operations of one training epoch: 2 per multiply-add, times 3 passes (forward, and a
    backward pass worth two), times the training points. Activations, the loss and the optimizer's update are
    left out (a few per unit or weight, not per multiply-add), and so is scoring the epoch."""
    return FLOPS_PER_MAC * TRAINING_PASSES * multiply_adds(n_inputs, layers) * training_points


FLOPS_RULE = ("FLOPs per epoch = 2 × multiply-adds of one forward pass × 3 (forward + backward) × training "
              "points; activations, loss and updates left out")
