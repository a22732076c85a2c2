"""Lessons in the URL, and the instructor's URL settings (lesson=, hide=, lock=). Pure: no Streamlit here.
The lessons themselves are in ui/core/lesson_catalogue.py.

URL rules (``from_url`` / ``to_url``):
  lesson=NAME     the lesson's config is the base; any other config parameter in the URL overrides it,
                  so the mirrored address bar reproduces a lesson the learner has since changed.
  hide=a,b        hide controls (Config field names) or whole groups (data, features, network, training),
                  or the export panel (export). Hidden controls keep the value from the URL or lesson.
  lock=1          with a lesson: every control that changes the lesson's config is shown disabled, except
                  the settings its goal asks the learner to change (``Lesson.learner_settings``).
Unknown or garbage values never raise: they become notices.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ui.core import config as cfg
from ui.core import limits
from ui.core.config import Config
from ui.core.lesson_catalogue import LESSONS, Lesson, Target  # noqa: F401 (lessons.Target: the API)


def changes(old: Config, new: Config) -> str:
    """What differs between two setups, in words: "learning_rate 3 → 0.3, optimizer sgd → adam"."""
    return ", ".join(f"{f.name} {cfg.query_text(f.name, getattr(old, f.name))} → "
                     f"{cfg.query_text(f.name, getattr(new, f.name))}"
                     for f in fields(Config) if getattr(old, f.name) != getattr(new, f.name))


def get(name: str) -> Lesson:
    try:
        return LESSONS[name]
    except KeyError:
        raise ValueError(f"unknown lesson {name!r}; choose one of {sorted(LESSONS)}") from None


# --- instructor settings ----------------------------------------------------------------------------------
GROUPS: dict[str, tuple[str, ...]] = {
    "data": ("dataset", "classes", "noise", "train_pct", "samples", "data_seed"),
    "features": ("features",),
    "network": ("layers", "activations", "dropout", "init", "off", "frozen"),
    "training": ("loss", "optimizer", "learning_rate", "regularization", "reg_rate", "batch_size",
                 "epochs_per_frame", "seed", "schedule", "schedule_epochs"),
    "stopping": cfg.STOP_FIELDS,
    "view": ("show_test", "discretize", "log_loss"),
}
EXPORT = "export"  # the Export / import panel
CONTROLS = (*(f.name for f in fields(Config)), EXPORT)
# the speed and the view toggles stay free under a lock
LOCKABLE = frozenset(f.name for f in fields(Config)) - {"epochs_per_frame", "show_test", "discretize", "log_loss"}
URL_KEYS = ("lesson", "hide", "lock")
LOCK_CAPTION = ":material/lock: Your instructor locked these settings to the lesson."
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Classroom:
    """The lesson in progress and what the instructor set through the URL."""

    lesson: str | None = None
    hide: tuple[str, ...] = ()  # control or group names, as accepted from hide=
    lock: bool = False  # only ever True with a lesson

    @property
    def hidden(self) -> frozenset[str]:
        return frozenset(name for token in self.hide for name in GROUPS.get(token, (token,)))

    def is_hidden(self, control: str) -> bool:
        return control in self.hidden

    def is_locked(self, control: str) -> bool:
        return self.lock and control in LOCKABLE - self.free

    @property
    def free(self) -> frozenset[str]:
        """Under a lock, what the learner may still change: the settings the lesson's goal is about."""
        return LESSONS[self.lesson].learner_settings if self.lesson in LESSONS else frozenset()

    @property
    def lock_caption(self) -> str:
        free = ", ".join(sorted(n.replace("_", " ") for n in self.free))
        return LOCK_CAPTION + (f" Yours to change: {free}." if free else "")

    def hides_group(self, group: str) -> bool:
        return set(GROUPS[group]) <= self.hidden


def _last(raw) -> str:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else ""
    return str(raw).strip()


def _short(text: str) -> str:
    return repr(text[:30] + ("…" if len(text) > 30 else ""))


def parse_hide(text: str) -> tuple[tuple[str, ...], list[str]]:
    """hide=a,b -> the known control and group names (in order, without repeats), plus notices."""
    if len(text) > limits.MAX_URL_VALUE_CHARS:
        return (), ["Ignored URL parameter hide: it is too long."]
    accepted, unknown = [], []
    for part in (p.strip().lower() for p in text.split(",")):
        if part in GROUPS or part in CONTROLS:
            if part not in accepted:
                accepted.append(part)
        elif part:
            unknown.append(part)
    notices = []
    if unknown:
        shown = ", ".join(_short(u) for u in unknown[:3])
        notices.append(f"hide: ignored {shown}; hide takes control names ({', '.join(CONTROLS)}) or groups "
                       f"({', '.join(GROUPS)}).")
    return tuple(accepted), notices


def from_url(params, upload_kind: str | None = None) -> tuple[Config, Classroom, list[str]]:
    """The Config, the Classroom and the notices for a URL's query parameters (str -> str or list of str).
    ``upload_kind``: the kind of the session's own data (a drawing the link carried), for dataset=upload."""
    params = {str(k): v for k, v in dict(params).items()}
    notices: list[str] = []
    base: dict[str, str] = {}
    lesson = None
    if "lesson" in params:
        name = _last(params.pop("lesson"))
        if name in LESSONS:
            lesson, base = name, cfg.to_query(LESSONS[name].config)
        else:
            notices.append(f"There is no lesson called {_short(name)}; the Lessons page lists them all.")
    hide, more = parse_hide(_last(params.pop("hide", "")))
    notices += more
    lock = _last(params.pop("lock", "")).lower()
    if lock not in _TRUE + _FALSE:
        notices.append(f"Ignored URL parameter lock: {_short(lock)} is not 1 or 0.")
    lock_on = lock in _TRUE
    if lock_on and lesson is None:
        notices.append("lock=1 only works together with lesson=NAME; nothing was locked.")
    if lock_on and lesson is not None:
        overridden = [name for name in params if name in LOCKABLE]
        if overridden:
            notices.append(f"This lesson is locked, so the link's {', '.join(overridden)} "
                           f"{'was' if len(overridden) == 1 else 'were'} ignored.")
        params = {k: v for k, v in params.items() if k not in LOCKABLE}
    config, more = cfg.from_query({**base, **params}, upload_kind=upload_kind)
    return config, Classroom(lesson, hide, lock_on and lesson is not None), notices + more


def to_url(config: Config, room: Classroom) -> dict[str, str]:
    """Query parameters that ``from_url`` turns back into ``config`` and ``room``; short: only what differs
    from the defaults, or, during a lesson, from the lesson's config."""
    if room.lesson in LESSONS:
        base = LESSONS[room.lesson].config
        query = {"lesson": room.lesson, **cfg.to_query(config, base)}
    else:
        query = cfg.to_query(config)
    if room.hide:
        query["hide"] = ",".join(room.hide)
    if room.lock:
        query["lock"] = "1"
    return query
