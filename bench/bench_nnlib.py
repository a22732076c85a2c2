"""nnlib's fit() against the hand-written NumPy loop, PyTorch and scikit-learn, in one run.

Workloads from ../shared/bench/baseline.py (imported from there, so the baseline is never copied):
  W1 playground: 500 spiral points, 2 -> [8,8,8,8] tanh -> 1 sigmoid, batch 10, SGD lr 0.03
  W2 digits:     1797 x 64, 64 -> 64 relu -> 10 softmax, batch 32, Adam lr 1e-3
  W3 boundary:   one forward pass of the W1 net over a 100 x 100 grid

Prints epochs/s for each and nnlib's ratio to the hand-written loop (>= 1.0 is the goal).
Timings interleave the contenders round by round, so a noisy neighbour hurts them alike.

    python bench/bench_nnlib.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnlib import Dense, Sequential  # noqa: E402
from nnlib.optimizers import SGD, Adam  # noqa: E402

BASELINE = ROOT.parent / "shared" / "bench" / "baseline.py"


def load_baseline():
    spec = importlib.util.spec_from_file_location("baseline", BASELINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nnlib_w1():
    model = Sequential([Dense(8, "tanh", input_shape=(2,)), Dense(8, "tanh"), Dense(8, "tanh"), Dense(8, "tanh"),
                        Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer=SGD(0.03), loss="binary_crossentropy")
    return model


def nnlib_w2():
    model = Sequential([Dense(64, "relu", input_shape=(64,)), Dense(10, "softmax")], seed=0)
    model.compile(optimizer=Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


def contenders(base):
    """name -> (workload, one-epoch function). Each keeps its own state across calls."""
    X1, y1 = base.spiral()
    X2, t2 = base.digits_like()
    Y2 = np.eye(10)[t2]
    rng = np.random.default_rng(0)
    h1, h2 = base.HandW1([2, 8, 8, 8, 8, 1]), base.HandW2()
    m1, m2 = nnlib_w1(), nnlib_w2()
    g = np.linspace(-1, 1, 100)
    grid = np.array(np.meshgrid(g, g)).reshape(2, -1).T
    runs = {
        ("W1", "numpy-hand"): lambda: base.epoch(lambda a, b: h1.step(a, b, 0.03), X1, y1[:, None], 10, rng),
        ("W1", "nnlib"): lambda: m1.fit(X1, y1, epochs=1, batch_size=10, verbose=0),
        ("W2", "numpy-hand"): lambda: base.epoch(h2.step, X2, Y2, 32, rng),
        ("W2", "nnlib"): lambda: m2.fit(X2, t2, epochs=1, batch_size=32, verbose=0),
        ("W3", "numpy-hand"): lambda: h1.forward(grid),
        ("W3", "nnlib"): lambda: m1.predict(grid),
    }
    runs.update(torch_contenders(X1, y1, X2, t2, grid))
    runs.update(sklearn_contenders(X1, y1, X2, t2, grid))
    return runs


def sklearn_contenders(X1, y1, X2, t2, grid):
    """MLPClassifier.partial_fit: one pass over the data per call, as in the baseline."""
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return {}
    warnings.filterwarnings("ignore", module="sklearn")
    c1 = MLPClassifier((8, 8, 8, 8), activation="tanh", solver="sgd", momentum=0.0, learning_rate_init=0.03,
                       batch_size=10, alpha=0.0, random_state=0)
    c1.partial_fit(X1, y1, classes=[0, 1])
    c2 = MLPClassifier((64,), activation="relu", solver="adam", learning_rate_init=1e-3, batch_size=32, alpha=0.0,
                       random_state=0)
    c2.partial_fit(X2, t2, classes=list(range(10)))
    return {
        ("W1", "sklearn"): lambda: c1.partial_fit(X1, y1),
        ("W2", "sklearn"): lambda: c2.partial_fit(X2, t2),
        ("W3", "sklearn"): lambda: c1.predict_proba(grid),
    }


def torch_contenders(X1, y1, X2, t2, grid):
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(1)
    torch.manual_seed(0)
    nn = torch.nn
    net1 = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(),
                         nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
    opt1, bce = torch.optim.SGD(net1.parameters(), lr=0.03), nn.BCEWithLogitsLoss()
    net2 = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt2, ce = torch.optim.Adam(net2.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    tX1, ty1 = torch.tensor(X1, dtype=torch.float32), torch.tensor(y1[:, None], dtype=torch.float32)
    tX2, tt2 = torch.tensor(X2, dtype=torch.float32), torch.tensor(t2)
    tgrid = torch.tensor(grid, dtype=torch.float32)

    def epoch(net, opt, lossf, X, y, bs):
        idx = torch.randperm(len(X))
        for s in range(0, len(X), bs):
            j = idx[s:s + bs]
            opt.zero_grad()
            lossf(net(X[j]), y[j]).backward()
            opt.step()

    def forward_grid():
        with torch.no_grad():
            net1(tgrid)

    return {
        ("W1", "torch-cpu"): lambda: epoch(net1, opt1, bce, tX1, ty1, 10),
        ("W2", "torch-cpu"): lambda: epoch(net2, opt2, ce, tX2, tt2, 32),
        ("W3", "torch-cpu"): forward_grid,
    }


def measure(runs: dict, rounds: int) -> dict:
    """Median seconds per call; each round times every contender once, in turn."""
    times = {key: [] for key in runs}
    repeats = {key: (20 if key[0] == "W3" else 1) for key in runs}
    for fn in runs.values():
        fn()  # warm-up
    for _ in range(rounds):
        for key, fn in runs.items():
            start = time.perf_counter()
            for _ in range(repeats[key]):
                fn()
            times[key].append((time.perf_counter() - start) / repeats[key])
    return {key: statistics.median(ts) for key, ts in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    results = measure(contenders(load_baseline()), args.rounds)
    print(f"nnlib on numpy {np.__version__}; median of {args.rounds} interleaved rounds")
    print("last column: how many times faster nnlib is than that contender (>= 1.0 is the goal)\n")
    print(f"{'workload':10s}{'contender':12s}{'rate':>14s}{'nnlib speed-up':>17s}")
    for (workload, name), seconds in results.items():
        nn_seconds = results[(workload, "nnlib")]
        unit = "ms/grid" if workload == "W3" else "epochs/s"
        rate = seconds * 1000 if workload == "W3" else 1 / seconds
        print(f"{workload:10s}{name:12s}{rate:10.2f} {unit:8s}{seconds / nn_seconds:8.2f}x")


if __name__ == "__main__":
    main()
