"""``Sequential``: a stack of layers with Keras' compile / fit / evaluate / predict.

Beyond Keras, for a playground that shows learning: ``loss_and_gradients`` (no side effects),
``layer_outputs`` (every neuron's pre-activation and activation), per-layer gradient norms in the logs,
and a divergence flag instead of an exception when the loss stops being finite.
"""

from __future__ import annotations

import math
import sys
from typing import NamedTuple

import numpy as np

from nnlib import losses as _losses
from nnlib import metrics as _metrics
from nnlib import optimizers as _optimizers
from nnlib.callbacks import Callback, History
from nnlib.layers import LAYERS, Dense, Layer
from nnlib.random import make_rng


class _Plan(NamedTuple):
    fused: bool  # the loss supplies dL/dz of the output layer
    steps: list  # (layer, needs input gradient, receives dL/dz) from the output down
    regularized: list  # layers whose penalties join the loss
    frozen: np.ndarray | None  # indices into the flat parameters that training leaves as they are


PREDICT_CHUNK = 65_536  # rows per forward pass in predict/evaluate, to bound memory


class Sequential:
    def __init__(self, layers: list[Layer] | None = None, name: str = "sequential", seed=None):
        self.name = name
        self.layers: list[Layer] = []
        self.rng = make_rng(seed)
        self.optimizer: _optimizers.Optimizer | None = None
        self.loss: _losses.Loss | None = None
        self.metric_names: list[str] = []
        self.stop_training = False
        self.diverged = False
        self.history: History | None = None
        self._params = self._grads = None  # flat vectors, once built
        for layer in layers or []:
            self.add(layer)

    # --- building -----------------------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Sequential.add needs an nnlib layer, received {type(layer).__name__}")
        if layer.name is None:
            base = layer.kind.lower()
            taken = {existing.name for existing in self.layers}
            layer.name = next(n for n in (base, *(f"{base}_{i}" for i in range(1, 10_000))) if n not in taken)
        if not self.built:
            self.layers.append(layer)
            return
        kept = self.get_weights()  # growing a built model keeps the weights it already has
        self.layers.append(layer)
        self.build((self.input_dim,))
        for old, new in zip(kept, (p for layer in self.layers[:-1] for p in layer.params)):
            new[...] = old

    @property
    def built(self) -> bool:
        return self._params is not None

    def build(self, input_shape) -> None:
        """Allocate every parameter as a view into one flat vector, then initialize it."""
        input_dim = _feature_count(input_shape)
        dims, shapes = [input_dim], []
        for layer in self.layers:
            shapes.append(layer.param_shapes(dims[-1]))
            dims.append(layer.output_dim(dims[-1]))
        self._params, self._grads = _allocate_flat(shapes)
        for layer, dim, (params, grads) in zip(self.layers, dims, _split(self._params, self._grads, shapes)):
            layer.bind(dim, params, grads)
            layer.initialize(self.rng)
        self.input_dim, self.output_dim = input_dim, dims[-1]

    def _build_if_shape_known(self) -> None:
        """Like Keras: an ``input_shape`` on the first layer is enough to build."""
        if not self.built and self.layers and self.layers[0].input_shape is not None:
            self.build(self.layers[0].input_shape)

    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.layers:
            raise ValueError("the model has no layers; add at least one Dense layer")
        if not self.built:
            self.build((x.shape[1],))

    # --- compiling ----------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None) -> None:
        if loss is None:
            raise ValueError("compile needs a loss, e.g. loss='sparse_categorical_crossentropy'")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"compile needs metrics as a list such as ['accuracy'], received {metrics!r}")
        optimizer, loss, names = _optimizers.get(optimizer), _losses.get(loss), list(metrics or [])
        for name in names:  # fail now, not in the middle of fit
            _metrics.resolve(name, loss.name, 1)
        self.optimizer, self.loss, self.metric_names = optimizer, loss, names

    def _require_compiled(self, what: str) -> None:
        if self.loss is None:
            raise ValueError(f"call compile(optimizer, loss) before {what}")

    @property
    def _output_layer(self) -> Layer:
        return self.layers[-1]

    def _backprop_plan(self) -> _Plan:
        """What every training step needs to know, worked out once per call rather than per batch."""
        out = self.layers[-1]
        fused = self._is_fused()
        order = self.layers[::-1]
        steps = [(layer, layer is not self.layers[0], fused and layer is out) for layer in order]
        regularized = [layer for layer in self.layers if getattr(layer, "has_regularizer", False)]
        if fused and getattr(out, "unit_mask", None) is not None:
            raise ValueError(f"a unit_mask on the output layer cannot train with {self.loss.name}, whose gradient "
                             "is taken from the output's z: switch off hidden units instead")
        return _Plan(fused, steps, regularized, self._frozen_index())

    def _frozen_index(self) -> np.ndarray | None:
        """Where in the flat parameter vector training must leave the values as they are (frozen layers
        and units: ``Dense.trainable``, ``Dense.trainable_mask``); None when nothing is frozen."""
        masks = [m.ravel() for layer in self.layers for m in layer.frozen_params()]
        frozen = np.concatenate(masks) if masks else np.zeros(0, bool)
        return np.flatnonzero(frozen) if frozen.any() else None

    def _is_fused(self) -> bool:
        act = getattr(self.layers[-1], "activation", None)
        return act is not None and self.loss.fused_activation == act.name

    def _data_loss(self, a: np.ndarray, y: np.ndarray) -> float:
        """The loss (without penalties) of the forward pass that produced ``a``, computed as training
        computes it: from the output's z when the loss is fused, so evaluate and fit agree."""
        if self._is_fused():
            return self.loss.fused_value(self.layers[-1]._z, a, y)
        return self.loss.value(a, y)

    def _metric_objects(self) -> list[_metrics.Metric]:
        return [_metrics.resolve(name, self.loss.name, self.output_dim) for name in self.metric_names]

    # --- the core passes ----------------------------------------------------------------------------
    def _forward(self, x: np.ndarray, training: bool = False, rng: np.random.Generator | None = None):
        rng = self.rng if rng is None else rng
        for layer in self.layers:
            x = layer.forward(x, training, rng)
        return x

    def _loss_and_backward(self, a: np.ndarray, y: np.ndarray, plan: _Plan) -> float:
        """Loss (with penalties) of the last forward pass; fills every layer's grads."""
        if plan.fused:  # the loss hands back dL/dz of the output layer: prediction - target
            value, grad = self.loss.value_and_dz(self.layers[-1]._z, a, y)
        else:
            value, grad = self.loss.value_and_grad(a, y)
        for layer, need_input_grad, grad_is_dz in plan.steps:
            if grad_is_dz:
                grad = layer.backward(grad, need_input_grad, grad_is_dz=True)
            else:
                grad = layer.backward(grad, need_input_grad)
        for layer in plan.regularized:
            value += layer.penalty()
            layer.add_penalty_gradients()
        return value

    def _train_step(self, x: np.ndarray, y: np.ndarray, plan: _Plan, rng=None) -> tuple[float, np.ndarray]:
        a = self._forward(x, training=True, rng=rng)
        value = self._loss_and_backward(a, y, plan)
        if math.isfinite(value):  # a diverged step leaves the weights at their last finite values
            kept = None if plan.frozen is None else self._params[plan.frozen]
            self.optimizer.apply([self._params], [self._grads])
            if kept is not None:  # after the update, not by zeroing gradients: momentum would still move them
                self._params[plan.frozen] = kept
        return value, a

    # --- Keras' training API ------------------------------------------------------------------------
    def fit(self, x, y, epochs: int = 1, batch_size: int | None = 32, validation_data=None,
            validation_split: float = 0.0, shuffle: bool = True, verbose: int = 1, callbacks=None,
            initial_epoch: int = 0, seed=None) -> History:
        """Train for ``epochs - initial_epoch`` passes. Stops early, without raising, at the first
        non-finite loss: that loss is recorded and ``history.diverged`` / ``model.diverged`` are set."""
        self._require_compiled("fit")
        x, y = self._prepare(x, y, "x", "y")
        if validation_split and validation_data is None:
            x, y, validation_data = _split_off_validation(x, y, validation_split)
        elif validation_data is not None:
            validation_data = self._prepare(*_unpack_validation(validation_data), "validation x", "validation y")
        batch_size = _check_batch_size(batch_size, len(x))
        epochs, initial_epoch = _check_epochs(epochs, initial_epoch)
        rng = self.rng if seed is None else make_rng(seed)
        if callbacks is not None and not isinstance(callbacks, (list, tuple)):
            raise ValueError(f"callbacks must be a list of Callback objects, received {type(callbacks).__name__}")
        history = History()
        history.params = {"epochs": epochs, "steps": math.ceil(len(x) / batch_size), "verbose": verbose}
        hooks = _CallbackList([*(callbacks or []), history], self)  # last, as Keras: it sees what callbacks log
        self.history, self.stop_training, self.diverged = history, False, False
        metrics, plan = self._metric_objects(), self._backprop_plan()
        hooks.call("on_train_begin", {})
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, never raised or warned
            for epoch in range(initial_epoch, epochs):
                hooks.call("on_epoch_begin", epoch, {})
                logs = self._run_epoch(x, y, batch_size, shuffle, rng, metrics, hooks, plan)
                if validation_data is not None:
                    logs.update(self._validation_logs(validation_data, metrics))
                logs["grad_norms"] = self._last_batch_norms()
                hooks.call("on_epoch_end", epoch, logs)
                if verbose:
                    _print_epoch(epoch, epochs, logs)
                if self.diverged or self.stop_training:
                    break
        history.diverged = self.diverged
        hooks.call("on_train_end", {})
        return history

    def _validation_logs(self, validation_data, metrics) -> dict:
        if self.diverged:  # keep every history list the same length
            return {f"val_{name}": math.nan for name in ("loss", *(m.name for m in metrics))}
        return _prefixed("val_", self._evaluate_prepared(*validation_data, metrics))

    def _run_epoch(self, x, y, batch_size, shuffle, rng, metrics, hooks, plan) -> dict:
        if shuffle:
            order = rng.permutation(len(x))
            x, y = x[order], y[order]  # one gather per epoch; batches are then cheap slices
        n = len(x)
        total_loss, seen = 0.0, 0
        for metric in metrics:
            metric.reset_state()
        for batch, start in enumerate(range(0, n, batch_size)):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            if hooks.batch_hooks:
                hooks.call("on_train_batch_begin", batch, {})
            value, a = self._train_step(xb, yb, plan, rng)
            m = len(xb)
            total_loss += value * m
            for metric in metrics:
                metric.update_state(yb, a)
            seen += m
            if not math.isfinite(value):
                self.diverged = True
                break
            if hooks.batch_hooks:
                hooks.call("on_train_batch_end", batch, {"loss": value})
                if self.stop_training:  # as Keras: a batch hook can end the epoch at once
                    break
        loss = total_loss / seen
        if not math.isfinite(loss):  # every batch finite, their sum not: the loss has left float range
            self.diverged = True
        return {"loss": float(loss), **_results(metrics)}

    def train_on_batch(self, x, y):
        """One optimizer step on this batch; returns the loss (and metrics, if compiled with any)."""
        self._require_compiled("train_on_batch")
        x, y = self._prepare(x, y, "x", "y")
        value, a = self._train_step(x, y, self._backprop_plan())
        self.diverged = not math.isfinite(value)
        return self._as_keras_result(value, a, y)

    def test_on_batch(self, x, y):
        self._require_compiled("test_on_batch")
        x, y = self._prepare(x, y, "x", "y")
        a = self._forward(x)
        value = self._data_loss(a, y) + self._penalty()
        return self._as_keras_result(value, a, y)

    def _as_keras_result(self, value, a, y):
        metrics = self._metric_objects()
        for metric in metrics:
            metric.reset_state()
            metric.update_state(y, a)
        scores = list(_results(metrics).values())
        return [float(value), *scores] if scores else float(value)

    def evaluate(self, x, y, batch_size: int | None = None, verbose: int = 0, return_dict: bool = False):
        """Loss (with penalties) and metrics over the whole set, in inference mode."""
        self._require_compiled("evaluate")
        x, y = self._prepare(x, y, "x", "y")
        results = self._evaluate_prepared(x, y, self._metric_objects())
        if verbose:
            print(" - ".join(_formatted(results)))
        if return_dict:
            return results
        values = list(results.values())
        return values if len(values) > 1 else values[0]

    def _evaluate_prepared(self, x, y, metrics) -> dict:
        outputs, losses = [], []
        for i in range(0, len(x), PREDICT_CHUNK):  # chunks bound memory; each loss needs its own z
            outputs.append(self._forward(x[i:i + PREDICT_CHUNK]))
            losses.append(self._data_loss(outputs[-1], y[i:i + PREDICT_CHUNK]))
        a = outputs[0] if len(outputs) == 1 else np.concatenate(outputs)
        value = losses[0] if len(losses) == 1 else float(np.average(losses, weights=[len(o) for o in outputs]))
        for metric in metrics:
            metric.reset_state()
            metric.update_state(y, a)
        return {"loss": value + self._penalty(), **_results(metrics)}

    def _penalty(self) -> float:
        return sum(self.losses)

    @property
    def losses(self) -> list[float]:
        """The regularization penalties, one per layer that has any, as Keras' ``model.losses``: evaluate's
        loss is the data loss plus their sum."""
        return [p for p in (layer.penalty() for layer in self.layers) if p]

    def predict(self, x, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        x = self._check_x(x, "x")
        self._ensure_built(x)
        if batch_size is not None:
            batch_size = _check_batch_size(batch_size, len(x))
        return self._predict_array(x, batch_size)

    def _predict_array(self, x: np.ndarray, batch_size: int | None = None) -> np.ndarray:
        step = batch_size or PREDICT_CHUNK
        if len(x) <= step:
            return self._forward(x)
        return np.concatenate([self._forward(x[i:i + step]) for i in range(0, len(x), step)])

    # --- looking inside -----------------------------------------------------------------------------
    def loss_and_gradients(self, x, y) -> tuple[float, list[np.ndarray]]:
        """The loss (with penalties) and dLoss/dweight for every array of ``get_weights()``, in inference
        mode (dropout off). Changes neither the weights nor the optimizer."""
        self._require_compiled("loss_and_gradients")
        x, y = self._prepare(x, y, "x", "y")
        saved = self._grads.copy()
        try:
            value = self._loss_and_backward(self._forward(x), y, self._backprop_plan())
            grads = [g.copy() for layer in self.layers for g in layer.grads]
        finally:
            self._grads[...] = saved
        return value, grads

    def layer_outputs(self, x) -> list[dict]:
        """For each layer, in inference mode: ``{"name", "kind", "z", "a"}`` where z is the input to its
        activation (the pre-activation for Dense) and a its output, both (n, units)."""
        x = self._check_x(x, "x")
        self._ensure_built(x)
        outputs = []
        for layer in self.layers:
            a = layer.forward(x, False, self.rng)
            z = getattr(layer, "_z", x)
            outputs.append({"name": layer.name, "kind": layer.kind, "z": z, "a": a})
            x = a
        return outputs

    def gradient_norms(self, x, y) -> list[float]:
        """The L2 norm of dLoss/dW for each Dense layer, over the whole of (x, y)."""
        _, grads = self.loss_and_gradients(x, y)
        return [float(np.linalg.norm(g)) for g in grads if g.ndim == 2]

    def _last_batch_norms(self) -> list[float]:
        """Per-Dense-layer norm of dLoss/dW from the last training batch (free: already computed)."""
        return [float(np.linalg.norm(layer.grads[0])) for layer in self.layers if isinstance(layer, Dense)]

    # --- weights ------------------------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies, in Keras' order: W (fan_in, units), then b (units,), layer by layer."""
        self._require_built("get_weights")
        return [p.copy() for layer in self.layers for p in layer.params]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Replace every weight at once; nothing changes if any array has the wrong shape."""
        self._require_built("set_weights")
        targets = [p for layer in self.layers for p in layer.params]
        if len(weights) != len(targets):
            raise ValueError(f"set_weights needs {len(targets)} arrays, received {len(weights)}")
        arrays = [np.asarray(w, dtype=np.float64) for w in weights]
        for i, (w, p) in enumerate(zip(arrays, targets)):
            if w.shape != p.shape:
                raise ValueError(f"weight {i} must have shape {p.shape}, received {w.shape}")
        for w, p in zip(arrays, targets):
            p[...] = w

    def _require_built(self, what: str) -> None:
        self._build_if_shape_known()
        if not self.built:
            raise ValueError(f"{what} needs a built model: give the first layer input_shape, or call "
                             "build((features,)) or fit first")

    def count_params(self) -> int:
        self._build_if_shape_known()
        return int(self._params.size) if self.built else 0

    # --- describing ---------------------------------------------------------------------------------
    def summary(self, print_fn=None) -> str:
        """A text table of layers, output shapes and parameter counts; printed, and returned."""
        self._build_if_shape_known()
        rows = [("Layer (type)", "Output Shape", "Param #")]
        for layer in self.layers:
            shape = f"(None, {layer.units})" if layer.built else "(unbuilt)"
            rows.append((f"{layer.name} ({layer.kind})", shape, f"{layer.count_params():,}"))
        widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
        rule = "─" * sum(widths)
        lines = [f'Model: "{self.name}"', rule]
        lines += ["".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows[:1]]
        lines.append(rule)
        lines += ["".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows[1:]]
        lines += [rule, f"Total params: {self.count_params():,}"]
        text = "\n".join(lines)
        (print_fn or print)(text)
        return text

    def __repr__(self) -> str:
        self._build_if_shape_known()  # so a model given input_shape shows its sizes: Dense(2→8, tanh)
        return f"Sequential([{', '.join(map(repr, self.layers))}])"

    def to_config(self) -> dict:
        """Plain JSON-ready data that ``from_config`` turns back into the same architecture."""
        self._build_if_shape_known()
        config = {
            "name": self.name,
            "layers": [{"class_name": layer.kind, "config": layer.get_config()} for layer in self.layers],
            "input_dim": self.input_dim if self.built else None,
        }
        if self.loss is not None:
            config["compile"] = {"optimizer": _optimizers.serialize(self.optimizer), "loss": self.loss.name,
                                 "metrics": [_metrics.serialize(m) for m in self.metric_names]}
        return config

    @classmethod
    def from_config(cls, config: dict, seed=None) -> Sequential:
        """Rebuild a model (fresh weights) from ``to_config()`` output; bad configs raise ValueError."""
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise ValueError("a model config must be a dict with a 'layers' list")
        model = cls(name=str(config.get("name", "sequential")), seed=seed)
        for i, entry in enumerate(config["layers"]):
            model.add(_layer_from_config(i, entry))
        if config.get("input_dim") is not None and not model.built:
            model.build((config["input_dim"],))
        if config.get("compile"):
            spec = config["compile"]
            if not isinstance(spec, dict):
                raise ValueError("'compile' in a model config must be a dict")
            model.compile(optimizer=spec.get("optimizer", "rmsprop"), loss=spec.get("loss"),
                          metrics=_deserialized_metrics(spec.get("metrics")))
        return model

    def save(self, path) -> None:
        from nnlib.saving import save_model

        save_model(self, path)

    # --- input checks (once per call, never inside the batch loop) ----------------------------------
    def _check_x(self, x, label: str) -> np.ndarray:
        x = _as_float_matrix(x, label)
        self._build_if_shape_known()
        if self.built and x.shape[1] != self.input_dim:
            raise ValueError(f"{label} must have {self.input_dim} features per row to match the model's input, "
                             f"received shape {x.shape}")
        return x

    def _prepare(self, x, y, x_label: str, y_label: str) -> tuple[np.ndarray, np.ndarray]:
        x = self._check_x(x, x_label)
        self._ensure_built(x)
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != len(x):
            raise ValueError(f"{x_label} and {y_label} must have the same length, received {len(x)} and {y.shape}")
        return x, self.loss.prepare_targets(y, self.output_dim)


# --- helpers ------------------------------------------------------------------------------------------
def _feature_count(input_shape) -> int:
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else (input_shape,)
    if shape and shape[0] is None:  # Keras style (None, features)
        shape = shape[1:]
    if (len(shape) != 1 or isinstance(shape[0], bool) or not isinstance(shape[0], (int, np.integer))
            or shape[0] < 1):
        raise ValueError(f"input shape must be (features,), received {input_shape!r}")
    return int(shape[0])


def _allocate_flat(shapes: list[list[tuple[int, ...]]]) -> tuple[np.ndarray, np.ndarray]:
    total = sum(math.prod(s) for layer_shapes in shapes for s in layer_shapes)
    return np.zeros(total), np.zeros(total)


def _split(params: np.ndarray, grads: np.ndarray, shapes):
    """Cut the flat vectors into per-layer lists of reshaped views."""
    offset = 0
    for layer_shapes in shapes:
        p_views, g_views = [], []
        for shape in layer_shapes:
            size = math.prod(shape)
            p_views.append(params[offset:offset + size].reshape(shape))
            g_views.append(grads[offset:offset + size].reshape(shape))
            offset += size
        yield p_views, g_views


def _as_float_matrix(x, label: str) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be numeric, received {type(x).__name__}") from None
    if arr.ndim == 1:
        raise ValueError(f"{label} must be 2-D (samples, features), received shape {arr.shape}; "
                         "use x.reshape(-1, 1) for a single feature")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{label} must be 2-D (samples, features) with at least one row, received shape {arr.shape}")
    finite = np.isfinite(arr)
    if not finite.all():
        row = int(np.argmin(finite.all(axis=1)))
        raise ValueError(f"{label} contains NaN or inf (first at row {row})")
    return arr


def _unpack_validation(validation_data):
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (x_val, y_val)")
    return validation_data


def _split_off_validation(x, y, fraction: float):
    """Keras' rule: the last ``fraction`` of the samples, before any shuffling."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_split must be between 0 and 1, received {fraction}")
    cut = len(x) - int(len(x) * fraction)
    if cut < 1 or cut == len(x):
        raise ValueError(f"validation_split={fraction} leaves an empty training or validation set of {len(x)} samples")
    return x[:cut], y[:cut], (x[cut:], y[cut:])


def _check_batch_size(batch_size, n: int) -> int:
    if batch_size is None:
        return min(32, n)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, received {batch_size!r}")
    return min(int(batch_size), n)


def _check_epochs(epochs, initial_epoch) -> tuple[int, int]:
    for label, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{label} must be a non-negative int, received {value!r}")
    return int(epochs), int(initial_epoch)


def _deserialized_metrics(entries):
    return [_metrics.deserialize(m) for m in entries] if isinstance(entries, list) else entries


def _results(metrics) -> dict:
    """Each metric's result under its name: a float, or an array for per-class results (F1Score)."""
    return {m.name: (float(r) if np.ndim(r) == 0 else r) for m in metrics for r in [m.result()]}


def _prefixed(prefix: str, logs: dict) -> dict:
    return {prefix + k: v for k, v in logs.items()}


def _print_epoch(epoch: int, epochs: int, logs: dict) -> None:
    print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(_formatted(logs)), file=sys.stdout, flush=True)


def _formatted(logs: dict) -> list[str]:
    return [f"{k}: {np.round(v, 4)}" if np.ndim(v) else f"{k}: {v:.4f}" for k, v in logs.items()
            if k != "grad_norms"]


def _layer_from_config(i: int, entry) -> Layer:
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise ValueError(f"layer {i} in the config must be {{'class_name': ..., 'config': {{...}}}}")
    kind = entry.get("class_name")
    if kind not in LAYERS:
        raise ValueError(f"layer {i} has unknown class_name {kind!r}; choose one of {sorted(LAYERS)}")
    try:
        return LAYERS[kind](**entry["config"])
    except TypeError as err:  # unexpected or missing keys
        raise ValueError(f"layer {i} ({kind}) has a bad config: {err}") from None


class _CallbackList:
    def __init__(self, callbacks: list[Callback], model: Sequential):
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise ValueError(f"callbacks must be nnlib Callback objects, received {type(cb).__name__}")
            cb.set_model(model)
        self.callbacks = callbacks
        # only pay for per-batch calls when someone overrides the hook
        self._per_batch = {hook: [cb for cb in callbacks if _overrides(cb, hook)]
                           for hook in ("on_train_batch_begin", "on_train_batch_end")}
        self.batch_hooks = any(self._per_batch.values())

    def call(self, hook: str, *args) -> None:
        for cb in self._per_batch.get(hook, self.callbacks):
            getattr(cb, hook)(*args)


def _overrides(cb: Callback, hook: str) -> bool:
    return getattr(type(cb), hook, None) is not getattr(Callback, hook) or hook in vars(cb)
