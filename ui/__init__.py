"""The Streamlit side of the playground.

Playground matrices are small (at most 10,000 × 16): OpenBLAS's worker threads cost more than they save
there, and on a busy 2-core host they fight the server's sessions for the CPU. This runs before NumPy
is first imported in the server (app.py and every page import ``ui`` first); a value set by whoever
launches the server wins.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
