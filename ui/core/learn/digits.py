"""The tutorial's Keras model on the UCI 8x8 digits, with nnlib: data split, model, code listing and the
results the Digits page draws (confusion matrix, precision and recall, mistakes). Pure: no Streamlit.

Shapes: n images, 64 pixels each (8x8, row by row), 10 classes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nnlib import Dense, Dropout, Sequential
from nnlib import optimizers as _optimizers
from nnlib.datasets import load_digits, train_test_split

TEST_RATIO = 0.25
SPLIT_SEED = 0
MODEL_SEED = 0
N_CLASSES = 10
SIDE = 8
MIN_SCALE = 0.1  # per-pixel spread floor: a pixel that is almost always blank must not blow up when drawn

OPTIMIZERS = ("adam", "sgd", "rmsprop", "adamw")
HIDDEN_CHOICES = (8, 16, 32, 64, 128, 256)
BATCH_CHOICES = (8, 16, 32, 64, 128)
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)


@dataclass(frozen=True)
class DigitsConfig:
    """Everything that decides a training run. The defaults are the tutorial's."""

    hidden: int = 64
    dropout: float = 0.2
    optimizer: str = "adam"
    learning_rate: float = 0.001
    epochs: int = 10
    batch_size: int = 32
    standardize: bool = True

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of {list(OPTIMIZERS)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), received dropout={self.dropout!r}")
        if self.hidden < 1 or self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"hidden, epochs and batch_size must be >= 1, received {self.hidden}, "
                             f"{self.epochs}, {self.batch_size}")


# --- data -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Split:
    """The 75/25 stratified split, and the per-pixel scaling learned from the training part only."""

    X_train: np.ndarray  # (n_train, 64) raw pixels in [0, 1]
    X_val: np.ndarray    # (n_val, 64)
    y_train: np.ndarray  # (n_train,) int
    y_val: np.ndarray    # (n_val,)
    mean: np.ndarray     # (64,) subtracted before the model sees a pixel row
    scale: np.ndarray    # (64,) divided after; mean 0 and scale 1 mean "unchanged"

    def prepare(self, X: np.ndarray) -> np.ndarray:
        """Raw pixel rows (n, 64) in [0, 1] -> what the model takes."""
        return (np.asarray(X, dtype=float) - self.mean) / self.scale


@functools.lru_cache(maxsize=2)
def load_split(standardize: bool = True) -> Split:
    X, y = load_digits()
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_ratio=TEST_RATIO, seed=SPLIT_SEED)
    if standardize:
        mean, scale = X_train.mean(axis=0), np.maximum(X_train.std(axis=0), MIN_SCALE)
    else:
        mean, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
    for array in (X_train, X_val, y_train, y_val, mean, scale):
        array.flags.writeable = False  # cached and shared by every session
    return Split(X_train, X_val, y_train, y_val, mean, scale)


# --- the model and its code -------------------------------------------------------------------------------
def build_model(config: DigitsConfig) -> Sequential:
    """The tutorial's model with nnlib, compiled; the same structure that ``model_code`` prints."""
    layers = [Dense(config.hidden, activation="relu", input_shape=(SIDE * SIDE,))]
    if config.dropout > 0:
        layers.append(Dropout(config.dropout))
    layers.append(Dense(N_CLASSES, activation="softmax"))
    model = Sequential(layers, seed=MODEL_SEED)
    optimizer = _optimizers.get({"name": config.optimizer, "learning_rate": config.learning_rate})
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _optimizer_class(name: str) -> str:
    return _optimizers.OPTIMIZERS[name].__name__


def model_code(config: DigitsConfig) -> str:
    """A runnable script that trains exactly what the page trains (``exec`` it and compare: a test does)."""
    opt = _optimizer_class(config.optimizer)
    scaling = (
        "# scale each pixel to mean 0 and spread 1, using the training images only\n"
        f"mean, scale = X_train.mean(axis=0), np.maximum(X_train.std(axis=0), {MIN_SCALE})\n"
        "X_train, X_test = (X_train - mean) / scale, (X_test - mean) / scale\n\n"
    ) if config.standardize else ""
    dropout = f"    Dropout({config.dropout:g}),\n" if config.dropout > 0 else ""
    return (
        "import numpy as np\n"
        "from nnlib import Sequential, Dense, Dropout\n"
        f"from nnlib.optimizers import {opt}\n"
        "from nnlib.datasets import load_digits, train_test_split\n\n"
        "X, y = load_digits()  # 1,797 images of 8x8 pixels, flattened to 64 values in [0, 1]\n"
        "X_train, X_test, y_train, y_test = train_test_split(\n"
        f"    X, y, test_ratio={TEST_RATIO}, seed={SPLIT_SEED})  # stratified: every digit 75/25\n\n"
        f"{scaling}"
        "model = Sequential([\n"
        f"    Dense({config.hidden}, activation='relu', input_shape=(64,)),\n"
        f"{dropout}"
        "    Dense(10, activation='softmax')\n"
        f"], seed={MODEL_SEED})\n\n"
        f"model.compile(optimizer={opt}(learning_rate={config.learning_rate:g}),\n"
        "              loss='sparse_categorical_crossentropy',\n"
        "              metrics=['accuracy'])\n\n"
        f"history = model.fit(X_train, y_train, epochs={config.epochs}, batch_size={config.batch_size},\n"
        "                    validation_data=(X_test, y_test))\n"
    )


def fit(model: Sequential, split: Split, config: DigitsConfig, callbacks=None):
    """Train as ``model_code`` does; returns nnlib's History."""
    return model.fit(split.prepare(split.X_train), split.y_train, epochs=config.epochs,
                     batch_size=config.batch_size, validation_data=(split.prepare(split.X_val), split.y_val),
                     verbose=0, callbacks=callbacks)


# --- results ----------------------------------------------------------------------------------------------
def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = N_CLASSES) -> np.ndarray:
    """(n_classes, n_classes) int counts: row = true class, column = predicted class."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"confusion_matrix needs two (n,) label arrays, "
                         f"received {y_true.shape} and {y_pred.shape}")
    for label, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{label} must hold class ids 0..{n_classes - 1}, received {y.min()}..{y.max()}")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def precision_recall(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Per class, from a confusion matrix. precision = right / predicted as this class;
    recall = right / truly this class. A class never predicted (or never present) gets NaN."""
    cm = np.asarray(cm, dtype=float)
    right = np.diag(cm)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, right / predicted, np.nan)
        recall = np.where(actual > 0, right / actual, np.nan)
    return {"precision": precision, "recall": recall, "support": actual.astype(np.int64)}


@dataclass(frozen=True)
class Results:
    """What the page draws after training, all on the validation part."""

    probabilities: np.ndarray  # (n_val, 10)
    predicted: np.ndarray      # (n_val,)
    confusion: np.ndarray      # (10, 10)
    precision: np.ndarray      # (10,)
    recall: np.ndarray         # (10,)
    support: np.ndarray        # (10,)
    accuracy: float
    wrong: np.ndarray          # indices into the validation part, misclassified

    @property
    def n_val(self) -> int:
        return int(self.confusion.sum())


def evaluate(model: Sequential, split: Split) -> Results:
    probs = model.predict(split.prepare(split.X_val))
    predicted = probs.argmax(axis=1)
    cm = confusion_matrix(split.y_val, predicted)
    pr = precision_recall(cm)
    return Results(probs, predicted, cm, pr["precision"], pr["recall"], pr["support"],
                   float(np.mean(predicted == split.y_val)), np.flatnonzero(predicted != split.y_val))


def first_layer_images(model: Sequential, limit: int = 64) -> np.ndarray:
    """The first Dense layer's kernel, one 8x8 image per hidden unit (the weights from each pixel):
    (min(units, limit), 8, 8)."""
    W = model.layers[0].W  # (64, units)
    return W.T[:limit].reshape(-1, SIDE, SIDE).copy()


def predict_drawn(model: Sequential, split: Split, levels: np.ndarray) -> np.ndarray:
    """A drawn digit, (64,) or (8, 8) grey levels 0..16 as in the UCI digits, through the trained model:
    (10,) probabilities."""
    row = np.asarray(levels, dtype=float).reshape(1, N_PIXELS) / MAX_INK  # the model was fed X / 16
    return model.predict(split.prepare(row))[0]


# --- the drawing pad --------------------------------------------------------------------------------------
MAX_INK = 16  # the UCI digits' grey levels: 0 is blank, 16 full ink
N_PIXELS = SIDE * SIDE
BLANK = np.zeros((SIDE, SIDE), dtype=np.int64)
BLANK.flags.writeable = False


def validation_digit(index: int) -> tuple[np.ndarray, int]:
    """Validation image ``index`` (wrapping around) as (8, 8) int grey levels 0..16, and its true label."""
    split = load_split(True)  # raw pixels and labels: the same whatever the scaling
    i = index % len(split.y_val)
    return np.rint(split.X_val[i] * MAX_INK).astype(np.int64).reshape(SIDE, SIDE), int(split.y_val[i])


@dataclass(frozen=True)
class PadReading:
    """What the drawing pad sent, checked. ``pixels`` is None when the value was rejected; ``problem`` says
    what was wrong (None for a clean value), in words the page can show."""

    pixels: np.ndarray | None  # (8, 8) int grey levels 0..16
    problem: str | None = None


def read_pad(value) -> PadReading:
    """The pad's value, which should be 64 numbers 0..16 row by row, as grey levels. A browser can send
    anything: a value that is not a list of 64 finite numbers is rejected, numbers outside 0..16 are
    clamped, fractions rounded. Never raises."""
    kept = "the drawing is kept as it was."
    if not isinstance(value, list):
        return PadReading(None, f"The drawing pad sent {_describe(value)}, not a list of {N_PIXELS} numbers; "
                                f"{kept}")
    if len(value) != N_PIXELS:
        return PadReading(None, f"The drawing pad sent {len(value)} values, expected {N_PIXELS} (8×8); {kept}")
    numbers = [_finite(v) for v in value]
    if None in numbers:
        where = numbers.index(None)
        return PadReading(None, f"The drawing pad sent {_describe(value[where])} at pixel {where + 1}, where a "
                                f"number 0..{MAX_INK} belongs; {kept}")
    levels = np.rint(np.array(numbers))
    outside = int(np.count_nonzero((levels < 0) | (levels > MAX_INK)))
    pixels = np.clip(levels, 0, MAX_INK).astype(np.int64).reshape(SIDE, SIDE)
    pixels.flags.writeable = False
    if outside:
        return PadReading(pixels, f"The drawing pad sent {outside} value{'s' * (outside > 1)} outside "
                                  f"0..{MAX_INK}; clamped to the nearest end.")
    return PadReading(pixels)


def _finite(value) -> float | None:
    """``value`` as a finite float, or None (not a number, a bool, NaN, infinite, or too big for a float)."""
    if type(value) not in (int, float):
        return None
    try:
        number = float(value)
    except OverflowError:  # a JSON integer with hundreds of digits
        return None
    return number if np.isfinite(number) else None


def _describe(value) -> str:
    """A value that is not what the pad should send, in words (never echoed: it could be anything)."""
    if value is None:
        return "null"
    if type(value) in (int, float):
        return "a number" if _finite(value) is not None else "a number that is not finite"  # NaN, inf, 10**400
    names = {bool: "true/false", str: "text", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)
