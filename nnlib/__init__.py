"""nnlib: a small neural-network library in pure NumPy, with a Keras-compatible API.

    from nnlib import Sequential, Dense, Dropout
    model = Sequential([Dense(64, activation="relu", input_shape=(784,)), Dropout(0.2),
                        Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=10, batch_size=32, validation_data=(Xt, yt))
"""

from nnlib import activations, callbacks, datasets, initializers, losses, metrics, optimizers, regularizers
from nnlib.callbacks import Callback, EarlyStopping, History, LambdaCallback
from nnlib.layers import Activation, Dense, Dropout, Layer
from nnlib.models import Sequential
from nnlib.random import set_random_seed
from nnlib.saving import load_model, model_to_bytes

# Keras spells the namespace `layers`: nnlib.layers.Dense works as well as nnlib.Dense
from nnlib import layers  # noqa: E402  isort: skip

__all__ = [
    "Activation", "Callback", "Dense", "Dropout", "EarlyStopping", "History", "LambdaCallback", "Layer",
    "Sequential", "activations", "callbacks", "datasets", "initializers", "layers", "load_model",
    "losses", "metrics", "model_to_bytes", "optimizers", "regularizers", "set_random_seed",
]
