"""What a Playground config means as a network: one spec, from which the nnlib model the page trains, the
exported nnlib script and the Keras code are all made, so that an export can never disagree with the model.
No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import nnlib
from ui.core.config import Config

# name in the Config -> (optimizer class, its other arguments): the same names in nnlib and in Keras
OPTIMIZERS = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "rmsprop": ("RMSprop", {}),
              "adam": ("Adam", {})}
INITIALIZER_SPECS = {"random_uniform": {"name": "random_uniform", "minval": -0.5, "maxval": 0.5}}
OUTPUTS = {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}


@dataclass(frozen=True)
class Layer:
    kind: str  # "Dense" or "Dropout"
    units: int = 0
    activation: str = ""
    rate: float = 0.0  # Dropout only


@dataclass(frozen=True)
class NetworkSpec:
    n_inputs: int
    layers: tuple[Layer, ...]  # the output layer last
    initializer: str | dict  # an nnlib initializer name, or its config
    regularizer: tuple[str, float] | None  # ("l1" | "l2", rate) on every kernel
    optimizer: str  # "sgd" | "momentum" | "rmsprop" | "adam" (a key of OPTIMIZERS)
    learning_rate: float
    loss: str  # an nnlib (and Keras) loss name
    metric: str  # an nnlib metric name: "accuracy" or "r2_score"
    seed: int


def loss_name(config: Config, kind: str) -> str:
    """The loss for the chosen loss family and problem kind (cross-entropy needs classes)."""
    if kind == "regression":
        return "mae" if config.loss == "mae" else "mse"
    if config.loss == "mse":
        return "mse"
    return "binary_crossentropy" if kind == "binary" else "sparse_categorical_crossentropy"


def score_metric(kind: str) -> str:
    """The metric the Playground scores a model by: accuracy, or R² for regression."""
    return "r2_score" if kind == "regression" else "accuracy"


def network_spec(config: Config, kind: str, n_classes: int) -> NetworkSpec:
    layers = []
    for units, activation in zip(config.layers, config.activations):
        layers.append(Layer("Dense", units, activation))
        if config.dropout > 0:
            layers.append(Layer("Dropout", rate=config.dropout))
    layers.append(Layer("Dense", n_classes if kind == "multiclass" else 1, OUTPUTS[kind]))
    regularizer = None if config.regularization == "none" or config.reg_rate == 0 else \
        (config.regularization, config.reg_rate)
    return NetworkSpec(len(config.features), tuple(layers), INITIALIZER_SPECS.get(config.init, config.init),
                       regularizer, config.optimizer, config.learning_rate, loss_name(config, kind),
                       score_metric(kind), config.seed)


# --- the nnlib objects ---------------------------------------------------------------------------------------
def make_optimizer(optimizer: str, learning_rate: float) -> nnlib.optimizers.Optimizer:
    name, kwargs = OPTIMIZERS[optimizer]
    return getattr(nnlib.optimizers, name)(learning_rate, **kwargs)


def make_regularizer(spec: NetworkSpec):
    return None if spec.regularizer is None else nnlib.regularizers.get(dict([spec.regularizer]))


def build(spec: NetworkSpec) -> nnlib.Sequential:
    """The compiled, built nnlib model of ``spec``, its initial weights drawn from ``spec.seed``."""
    reg, layers, width = make_regularizer(spec), [], spec.n_inputs
    for layer in spec.layers:
        if layer.kind == "Dropout":
            layers.append(nnlib.Dropout(layer.rate))
            continue
        layers.append(nnlib.Dense(layer.units, layer.activation, kernel_initializer=spec.initializer,
                                  kernel_regularizer=reg, input_shape=(width,)))
        width = layer.units
    model = nnlib.Sequential(layers, seed=spec.seed)
    model.compile(optimizer=make_optimizer(spec.optimizer, spec.learning_rate), loss=spec.loss,
                  metrics=[spec.metric])
    model.build((spec.n_inputs,))
    return model


# --- the same objects as code --------------------------------------------------------------------------------
def optimizer_code(spec: NetworkSpec, prefix: str, rate_keyword: str = "") -> str:
    """The optimizer as a call: ``nnlib.optimizers.SGD(0.03, momentum=0.9)`` or, with ``rate_keyword``
    "learning_rate", Keras' ``tf.keras.optimizers.SGD(learning_rate=0.03, momentum=0.9)``."""
    name, kwargs = OPTIMIZERS[spec.optimizer]
    rate = f"{rate_keyword}={spec.learning_rate!r}" if rate_keyword else repr(spec.learning_rate)
    return f"{prefix}{name}({', '.join([rate, *(f'{k}={v!r}' for k, v in kwargs.items())])})"
