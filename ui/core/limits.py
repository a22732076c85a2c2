"""Every limit the public demo enforces, in one place (the live views' pace is ui/core/pacing.py).
Widgets use these as bounds, and the code that acts on a config clamps to them again, so a hand-made URL
or an injected widget value cannot exceed them."""

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16
MIN_SAMPLES, MAX_SAMPLES = 50, 2000
MAX_FEATURES = 9
MAX_EPOCHS_PER_FRAME = 50
MAX_EPOCHS_PER_RUN = 20_000
MAX_BATCH_SIZE = MAX_SAMPLES
GRID_RESOLUTION = 100  # boundary drawn on GRID x GRID points
MAX_SEED = 2**31 - 1
MAX_URL_VALUE_CHARS = 200  # longer query values are ignored outright

UPLOAD_MAX_BYTES = 2_000_000  # config.toml's maxUploadSize is this in whole MB (tests/test_hosting_config.py)
UPLOAD_MAX_ROWS = 5000
UPLOAD_MIN_ROWS = 10  # fewer leave an empty test (or training) set at some split
DRAW_MAX_POINTS = 1000  # points a drawn set may hold (the drawing tool on the plane); at least UPLOAD_MIN_ROWS
DRAW_LINK_MAX_POINTS = 300  # points a shared link carries (points=, 3 bytes each: 1,202 characters at most)
DRAW_LINK_MAX_CHARS = 1210  # a longer points= is ignored outright

MIN_SCHEDULE_EPOCHS, MAX_SCHEDULE_EPOCHS = 5, 5000  # a learning-rate schedule's period
MAX_PATIENCE = 1000  # early stopping's patience, in epochs

IDLE_PAUSE_SECONDS = 15 * 60  # playing stops after this long without a user action
HISTORY_POINTS = 300  # loss-curve points sent per frame, at most (older epochs are thinned)

# Experiments: compare runs, sweeps, time travel
MAX_COMPARE_RUNS = 4  # side-by-side runs on the Compare page (at least 2)
MAX_COMPARE_EPOCHS_PER_TICK = 20  # per run; a tick trains every run this many epochs at most
MAX_SWEEP_RUNS = 24  # runs in one sweep (a learning-rate sweep or a grid of two settings)
MAX_SWEEP_EPOCHS = 500  # epochs per sweep run
SNAPSHOT_BUDGET_BYTES = 2_000_000  # weight snapshots kept per run for time travel
SNAPSHOT_KEEP_ALL_EPOCHS = 50  # every epoch up to here is kept; later ones are thinned geometrically

