"""The Playground's settings as one frozen value, and its round trip through URL query parameters.

``from_query`` never raises: an unknown, garbage or out-of-range value is dropped or clamped, and a
plain-words notice says what happened. ``to_query`` writes only what differs from the defaults, so a
shared link is short and readable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from nnlib import activations, datasets
from ui.core import limits
from ui.core.data import features
from ui.core.training.schedules import SCHEDULES

OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD + momentum", "rmsprop": "RMSprop", "adam": "Adam"}
LOSSES = {"auto": "Auto", "crossentropy": "Cross-entropy", "mse": "MSE", "mae": "MAE"}
# The losses that fit each kind of problem; "auto" is the first of the rest (cross-entropy or MSE).
FITTING_LOSSES = {"binary": ("auto", "crossentropy", "mse"), "multiclass": ("auto", "crossentropy", "mse"),
                  "regression": ("auto", "mse", "mae")}
REGULARIZATIONS = {"none": "None", "l1": "L1", "l2": "L2"}
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal", "random_uniform",
                "zeros")
HIDDEN_ACTIVATIONS = tuple(name for name in activations.names() if name != "softmax")
# TensorFlow Playground's learning-rate ladder, plus the values in between
LEARNING_RATES = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DATASET_NAMES = tuple(datasets.DATASETS)
UPLOAD = "upload"  # the dataset name of the user's CSV; a link cannot carry the file itself


@dataclass(frozen=True)
class Config:
    dataset: str = "circle"
    classes: int = 3  # only used by datasets that take a class count (blobs)
    noise: float = 0.0
    train_pct: int = 50
    samples: int = 500
    batch_size: int = 10
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    dropout: float = 0.0
    init: str = "glorot_uniform"
    loss: str = "auto"
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    regularization: str = "none"
    reg_rate: float = 0.0
    epochs_per_frame: int = 8
    seed: int = 0  # the initial weights' seed, and the data's while data_seed is 0
    data_seed: int = 0  # 0: the data follow seed (as links made before Regenerate kept the weights' seed)
    off: tuple[str, ...] = ()  # hidden neurons switched off, "layer.neuron" from 1 ("1.2": layer 1, neuron 2)
    frozen: tuple[str, ...] = ()  # hidden neurons whose weights training leaves as they are, the same way
    schedule: str = "constant"  # the learning-rate schedule (ui/core/training/schedules.py), over epochs
    schedule_epochs: int = 200  # its period: halve every so many epochs, one cosine, one cycle
    stop_loss: float = 0.0  # stop once the test loss is at most this (0: no target)
    stop_score: float = 0.0  # stop once the test accuracy (R² for regression) is at least this (0: no target)
    stop_epochs: int = 0  # stop after this many epochs (0: no budget)
    early_stopping: bool = False  # stop when the test loss has not improved for `patience` epochs
    patience: int = 20
    restore_best: bool = True  # early stopping puts back the best epoch's weights
    show_test: bool = False  # view settings: change what is drawn, never the run
    discretize: bool = False
    log_loss: bool = False

    @property
    def points_seed(self) -> int:
        """The seed the data are drawn and split with."""
        return self.data_seed or self.seed

    # Which settings a change of restarts training from fresh weights; the rest keep the weights.
    def data_key(self) -> tuple:
        return (self.dataset, self.classes, self.noise, self.train_pct, self.samples, self.points_seed)

    def stop_key(self) -> tuple:
        return tuple(getattr(self, name) for name in STOP_FIELDS)

    def without_stops(self) -> Config:
        """These settings with no stop condition: Compare and Sweeps train every run the same epochs."""
        return replace(self, **{name: getattr(DEFAULT, name) for name in STOP_FIELDS})

    def numbers(self) -> Config:
        """The settings that change what training computes: without the speed, the view toggles and the stop
        conditions (they end training, they change none of its numbers)."""
        return replace(self.without_stops(), epochs_per_frame=0, show_test=False, discretize=False, log_loss=False)

    def network_key(self) -> tuple:
        return self.features, self.layers, self.activations, self.dropout, self.init, self.loss

    def model_key(self) -> tuple:
        return (*self.data_key(), *self.network_key())


DEFAULT = Config()
STOP_FIELDS = ("stop_loss", "stop_score", "stop_epochs", "early_stopping", "patience", "restore_best")


def loss_label(loss: str, kind: str) -> str:
    """A loss choice in words; "auto" says what it picks for this kind of problem."""
    return f"Auto ({LOSSES[FITTING_LOSSES[kind][1]]})" if loss == "auto" else LOSSES[loss]


def loss_from_label(choice: str) -> str:
    """The loss a widget value names: a browser sends back the label it was shown, and a label of an earlier
    kind of problem ("Auto (MSE)") is no option of the next one, so it comes back as text."""
    labels = {loss_label(loss, kind): loss for kind, fitting in FITTING_LOSSES.items() for loss in fitting}
    return labels.get(choice, choice)


def dataset_kind(dataset: str, upload_kind: str | None = None) -> str:
    return upload_kind if dataset == UPLOAD and upload_kind else datasets.DATASETS[dataset].kind


# --- parsing one value ----------------------------------------------------------------------------------
class _Reject(ValueError):
    """A query value that cannot be used at all."""


def _one(raw) -> str:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else ""
    text = str(raw).strip()
    if len(text) > limits.MAX_URL_VALUE_CHARS:
        raise _Reject("it is too long")
    return text


def _number(text: str, kind=float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _Reject(f"{text[:20]!r} is not a number") from None
    if not math.isfinite(value):
        raise _Reject(f"{text[:20]!r} is not a finite number")
    if kind is int:
        if value != int(value):
            raise _Reject(f"{text[:20]!r} is not a whole number")
        return int(value)
    return value


def _choice(text: str, choices) -> str:
    key = text.lower()
    if key not in choices:
        raise _Reject(f"{text[:20]!r} is not one of {', '.join(choices)}")
    return key


def _nearest(value: float, ladder) -> float:
    return min(ladder, key=lambda step: abs(math.log10(step + 1e-12) - math.log10(value + 1e-12)))


def _clamp(value, low, high, label: str, notices: list[str]):
    clamped = min(max(value, low), high)
    if clamped != value:
        notices.append(f"{label} = {value} is outside {low}…{high}; using {clamped}.")
    return clamped


def _flag(text: str) -> bool:
    key = text.lower()
    if key not in ("1", "true", "0", "false"):
        raise _Reject(f"{text[:20]!r} is not 1 or 0")
    return key in ("1", "true")


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


# --- the whole config -------------------------------------------------------------------------------------
def from_query(params, *, upload_kind: str | None = None, train_size: int | None = None) -> tuple[Config, list[str]]:
    """A Config from query parameters (a mapping of str -> str or list of str), plus notices.

    ``upload_kind``: the kind of the user's uploaded CSV, when there is one (then dataset=upload is valid).
    ``train_size``: the training points of the data, when known: the batch is clamped to it.
    """
    notices: list[str] = []
    values: dict = {}
    known = [f.name for f in fields(Config)]  # in field order, so notices always read the same
    for key in params:
        if key not in known and key not in _IGNORED_KEYS:
            notices.append(f"Ignored unknown URL parameter {str(key)[:30]!r}.")
    for name in known:
        if name not in params:
            continue
        try:
            if name == "dataset" and upload_kind and _one(params[name]).lower() == UPLOAD:
                values[name] = UPLOAD
            else:
                values[name] = _PARSERS[name](_one(params[name]), notices)
        except _Reject as why:
            notices.append(f"Ignored URL parameter {name}: {why}.")
    config = replace(DEFAULT, **values)
    return _consistent(config, notices, upload_kind, train_size), notices


def _consistent(config: Config, notices: list[str], upload_kind: str | None, train_size: int | None) -> Config:
    """Make per-layer activations match the layer count, the loss fit the problem, the batch the data."""
    acts = tuple(config.activations[: len(config.layers)])
    acts += (acts[-1] if acts else "tanh",) * (len(config.layers) - len(acts))
    config = replace(config, activations=acts, loss=fitting_loss(config, upload_kind, notices),
                     off=_existing_neurons(config.off, config.layers, "off", notices),
                     frozen=_existing_neurons(config.frozen, config.layers, "frozen", notices))
    if train_size is not None and config.batch_size > train_size:
        notices.append(f"Batch size {config.batch_size} is more than the {train_size} training points; "
                       f"using {train_size}.")
        config = replace(config, batch_size=train_size)
    return config


def fitting_loss(config: Config, upload_kind: str | None, notices: list[str]) -> str:
    """``config.loss`` if it fits the problem, else "auto", with a notice saying what is used and why."""
    why = loss_misfit(config.loss, dataset_kind(config.dataset, upload_kind), config.dataset)
    if why:
        notices.append(why)
    return "auto" if why else config.loss


def loss_misfit(loss: str, kind: str, dataset: str) -> str | None:
    """Why ``loss`` does not fit this kind of problem and what is used instead, or None when it fits."""
    if loss in FITTING_LOSSES[kind]:
        return None
    problem = "regression" if kind == "regression" else "classification"
    used = LOSSES[FITTING_LOSSES[kind][1]]
    return f"The {LOSSES.get(loss, loss)} loss does not fit {problem} ({dataset}); using {used} instead."


def neuron_name(layer: int, unit: int) -> str:
    """(hidden layer, neuron), both from 0 -> "layer.neuron" from 1, as the URL and Config write it."""
    return f"{layer + 1}.{unit + 1}"


def neuron_index(name: str) -> tuple[int, int]:
    """The inverse of ``neuron_name``."""
    layer, unit = name.split(".")
    return int(layer) - 1, int(unit) - 1


def _parse_neurons(text: str, notices) -> tuple[str, ...]:
    """"1.2,2.1": hidden neurons by layer and number from 1, each once, in order."""
    names = set()
    for part in _list(text)[: limits.MAX_HIDDEN_LAYERS * limits.MAX_NEURONS]:
        layer, dot, unit = part.partition(".")
        if not (dot and _counting(layer) and _counting(unit)):
            raise _Reject(f"{part[:20]!r} is not layer.neuron, such as 1.2")
        names.add(neuron_name(int(layer) - 1, int(unit) - 1))
    return tuple(sorted(names, key=neuron_index))


def parse_neurons(names: list[str]) -> tuple[str, ...] | None:
    """``names`` ("layer.neuron" from 1) in Config's form, or None if any is not one (or there are too many)."""
    if len(names) > limits.MAX_HIDDEN_LAYERS * limits.MAX_NEURONS:
        return None
    try:
        return _parse_neurons(",".join(names), [])
    except _Reject:
        return None


def _counting(text: str) -> bool:
    """A number from 1 in plain digits (not "²" or "١", which str.isdigit also takes)."""
    return text.isascii() and text.isdigit() and int(text) >= 1


def _has_neuron(layers: tuple[int, ...], name: str) -> bool:
    layer, unit = neuron_index(name)
    return layer < len(layers) and unit < layers[layer]


def _existing_neurons(names: tuple[str, ...], layers: tuple[int, ...], label: str, notices) -> tuple[str, ...]:
    """The neurons of ``names`` that the hidden ``layers`` have; a notice names the others."""
    kept = tuple(n for n in names if _has_neuron(layers, n))
    if len(kept) < len(names):
        gone = ", ".join(n for n in names if n not in kept)
        notices.append(f"Ignored {label} neurons {gone}: the network has no such hidden neuron.")
    return kept


def _parse_layers(text: str, notices) -> tuple[int, ...]:
    if text in ("", "-", "none"):
        return ()
    sizes = [_number(part, int) for part in _list(text)]
    if len(sizes) > limits.MAX_HIDDEN_LAYERS:
        notices.append(f"At most {limits.MAX_HIDDEN_LAYERS} hidden layers; kept the first {limits.MAX_HIDDEN_LAYERS}.")
        sizes = sizes[: limits.MAX_HIDDEN_LAYERS]
    return tuple(_clamp(s, 1, limits.MAX_NEURONS, "neurons", notices) for s in sizes)


def _parse_activations(text: str, notices) -> tuple[str, ...]:
    return tuple(_choice(part, HIDDEN_ACTIVATIONS) for part in _list(text)[: limits.MAX_HIDDEN_LAYERS])


def _parse_features(text: str, notices) -> tuple[str, ...]:
    names = []
    for part in _list(text)[: limits.MAX_FEATURES]:
        name = _choice(part, features.FEATURES)
        if name not in names:
            names.append(name)
    if not names:
        raise _Reject("no known feature was listed")
    return tuple(names)


def _parse_dataset(text: str, notices) -> str:
    if text.lower() == UPLOAD:  # only reached without an upload in this session
        raise _Reject("a link cannot carry an uploaded CSV; upload the file again (the default set is shown)")
    return _choice(text, DATASET_NAMES)


def _ranged(kind, low, high, label):
    return lambda text, notices: _clamp(_number(text, kind), low, high, label, notices)


def _laddered(ladder, label):
    """Snap to the nearest rung (on a log scale), and say so when the value was not on the ladder."""
    def parse(text, notices):
        value = _number(text)
        if value <= 0 and 0.0 in ladder:
            return 0.0
        if value <= 0:
            raise _Reject(f"{value:g} is not a positive number")
        step = _nearest(max(value, 1e-12), [rung for rung in ladder if rung > 0])
        if not math.isclose(step, value):
            notices.append(f"{label} = {value:g} is not one of the offered values; using {step:g}.")
        return step
    return parse


_PARSERS = {
    "dataset": _parse_dataset,
    "classes": _ranged(int, 3, 6, "classes"),
    "noise": _ranged(float, 0.0, datasets.MAX_NOISE, "noise"),
    "train_pct": _ranged(int, 10, 90, "train_pct"),
    "samples": _ranged(int, limits.MIN_SAMPLES, limits.MAX_SAMPLES, "samples"),
    "batch_size": _ranged(int, 1, limits.MAX_BATCH_SIZE, "batch_size"),
    "features": _parse_features,
    "layers": _parse_layers,
    "activations": _parse_activations,
    "dropout": _ranged(float, 0.0, 0.9, "dropout"),
    "init": lambda text, notices: _choice(text, INITIALIZERS),
    "loss": lambda text, notices: _choice(text, LOSSES),
    "optimizer": lambda text, notices: _choice(text, OPTIMIZERS),
    "learning_rate": _laddered(LEARNING_RATES, "learning_rate"),
    "regularization": lambda text, notices: _choice(text, REGULARIZATIONS),
    "reg_rate": _laddered(REG_RATES, "reg_rate"),
    "epochs_per_frame": _ranged(int, 1, limits.MAX_EPOCHS_PER_FRAME, "epochs_per_frame"),
    "seed": _ranged(int, 0, limits.MAX_SEED, "seed"),
    "data_seed": _ranged(int, 0, limits.MAX_SEED, "data_seed"),
    "off": _parse_neurons,
    "frozen": _parse_neurons,
    "schedule": lambda text, notices: _choice(text, SCHEDULES),
    "schedule_epochs": _ranged(int, limits.MIN_SCHEDULE_EPOCHS, limits.MAX_SCHEDULE_EPOCHS, "schedule_epochs"),
    "stop_loss": _ranged(float, 0.0, 10.0, "stop_loss"),
    "stop_score": _ranged(float, 0.0, 1.0, "stop_score"),
    "stop_epochs": _ranged(int, 0, limits.MAX_EPOCHS_PER_RUN, "stop_epochs"),
    "early_stopping": lambda text, notices: _flag(text),
    "patience": _ranged(int, 0, limits.MAX_PATIENCE, "patience"),
    "restore_best": lambda text, notices: _flag(text),
    "show_test": lambda text, notices: _flag(text),
    "discretize": lambda text, notices: _flag(text),
    "log_loss": lambda text, notices: _flag(text),
}
_IGNORED_KEYS = {"lesson", "hide", "embed", "embed_options", "points"}  # owned by other features, not by Config


def query_text(name: str, value) -> str:
    """One Config value as URL text, as from_query reads it back."""
    if name == "layers" and not value:
        return "none"
    if name in ("off", "frozen") and not value:
        return ""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


def to_query(config: Config, base: Config = DEFAULT) -> dict[str, str]:
    """The settings that differ from ``base`` (the defaults), as strings for st.query_params."""
    return {f.name: query_text(f.name, getattr(config, f.name)) for f in fields(Config)
            if getattr(config, f.name) != getattr(base, f.name)}
