"""One ``.npz`` file per model: every weight array plus the model's JSON config.

Loading treats the file as hostile: it is never unpickled (``allow_pickle=False``), its declared
sizes are checked before anything is decompressed, and every problem becomes a ValueError that says
what was wrong, with nothing half-loaded.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np

FORMAT = "nnlib.Sequential"
VERSION = 1
MAX_UNCOMPRESSED_BYTES = 64_000_000  # far above any playground model; stops zip bombs
CONFIG_KEY = "config"


def save_model(model, path) -> None:
    """Write ``model`` to ``path`` (a filename or a binary file object)."""
    config = {"format": FORMAT, "version": VERSION, "model": model.to_config()}
    arrays = {CONFIG_KEY: np.array(json.dumps(config)),
              **{f"weight_{i}": w for i, w in enumerate(model.get_weights())}}
    if isinstance(path, (str, os.PathLike)):  # exactly this path: np.savez would append ".npz" to others
        with open(path, "wb") as file:
            np.savez_compressed(file, **arrays)
    else:
        np.savez_compressed(path, **arrays)


def model_to_bytes(model) -> bytes:
    buffer = io.BytesIO()
    save_model(model, buffer)
    return buffer.getvalue()


def load_model(source, *, max_bytes: int = MAX_UNCOMPRESSED_BYTES):
    """Read a model saved by ``save``; ``source`` is a path, bytes or a binary file object."""
    from nnlib.models import Sequential, _feature_count

    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    _check_archive(source, max_bytes)
    try:
        with np.load(source, allow_pickle=False) as archive:
            contents = {name: archive[name] for name in archive.files}
    except ValueError as err:  # object arrays need pickle, which we refuse
        raise ValueError(f"not a valid nnlib model file: {err}") from None
    except Exception as err:  # hostile bytes: BadZipFile, zlib.error, EOFError, MemoryError for a huge header, ...
        raise ValueError(f"not a valid nnlib model file ({type(err).__name__}: {err})") from None
    config = _read_config(contents)
    weights = _read_weights(contents)
    spec = {k: v for k, v in config["model"].items() if k != "input_dim"}
    model = Sequential.from_config(spec, seed=0)  # not built yet: nothing allocated before the check below
    input_dim = config["model"].get("input_dim")
    if input_dim is None and model.layers and model.layers[0].input_shape is not None:
        input_dim = model.layers[0].input_shape[0]
    if input_dim is None:
        raise ValueError("the model config does not say its input size")
    input_dim = _feature_count(input_dim)
    _check_weight_shapes(model.layers, input_dim, weights)
    model.build((input_dim,))
    model.set_weights(weights)
    return model


def _check_weight_shapes(layers, input_dim: int, weights: list[np.ndarray]) -> None:
    """The arrays must be exactly what the config's layers need (checked before allocating anything)."""
    expected = []
    for layer in layers:
        expected += layer.param_shapes(input_dim)
        input_dim = layer.output_dim(input_dim)
    if len(weights) != len(expected):
        raise ValueError(f"the model file has {len(weights)} weight arrays, but its config needs {len(expected)}")
    for i, (w, shape) in enumerate(zip(weights, expected)):
        if w.shape != tuple(shape):
            raise ValueError(f"weight_{i} has shape {w.shape}, but the model config needs {tuple(shape)}")


def _check_archive(source, max_bytes: int) -> None:
    """Refuse non-zip input and archives that would decompress to more than ``max_bytes``."""
    try:
        with zipfile.ZipFile(source) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise ValueError(f"not a valid nnlib model file: it is not an .npz archive ({err})") from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if declared > max_bytes:
        raise ValueError(f"model file would unpack to {declared:,} bytes; the limit is {max_bytes:,}")


def _read_config(contents: dict) -> dict:
    if CONFIG_KEY not in contents:
        raise ValueError("not an nnlib model file: it has no 'config' entry")
    raw = contents[CONFIG_KEY]
    if raw.dtype.kind != "U" or raw.shape != ():
        raise ValueError("not an nnlib model file: 'config' is not a JSON string")
    try:
        config = json.loads(str(raw))
    except (json.JSONDecodeError, RecursionError) as err:  # RecursionError: absurdly deep nesting
        raise ValueError(f"the model config is not valid JSON: {err}") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"not an nnlib model file: format is {_get(config, 'format')!r}, expected {FORMAT!r}")
    if config.get("version") != VERSION:
        raise ValueError(f"unsupported nnlib model version {config.get('version')!r}; "
                         f"this nnlib reads version {VERSION}")
    if not isinstance(config.get("model"), dict):
        raise ValueError("the model config has no 'model' section")
    return config


def _get(config, key):
    return config.get(key) if isinstance(config, dict) else None


def _read_weights(contents: dict) -> list[np.ndarray]:
    names = [k for k in contents if k != CONFIG_KEY]
    expected = [f"weight_{i}" for i in range(len(names))]
    if sorted(names) != sorted(expected):
        raise ValueError(f"the model file's arrays must be weight_0..weight_{len(names) - 1}, found {sorted(names)}")
    weights = [contents[name] for name in expected]
    for name, w in zip(expected, weights):
        if w.dtype.kind not in "fiu":
            raise ValueError(f"{name} must be numeric, found dtype {w.dtype}")
        if not np.isfinite(w).all():
            raise ValueError(f"{name} contains NaN or inf")
    return weights
