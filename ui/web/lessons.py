"""Workshops: the Lessons page, and the lesson banner and goal on the Playground.

The pure parts live in ui/core/lessons.py (the lessons, their goals and the URL's lesson=, hide=, lock=).
Loading a lesson goes through ui/web/playground/controls.py: the Lessons page leaves the lesson's name in
``state.PENDING_LESSON`` and switches page, and ``controls.read_url_once`` seeds the widgets with it
before they are drawn. Callbacks here run before the script, so they may seed widgets directly."""

from __future__ import annotations

import itertools
from dataclasses import replace

import streamlit as st

from ui.core import lessons
from ui.core.data import features
from ui.core.lessons import LESSONS, Lesson
from ui.core.run import PlaygroundRun
from ui.web import state
from ui.web.playground import controls

LINK_LESSON, LINK_HIDE, LINK_LOCK = "ls_link_lesson", "ls_link_hide", "ls_link_lock"  # the link builder
PLAYGROUND = "pages/playground.py"
# --- the Lessons page ---------------------------------------------------------------------------------------
def lesson_cards() -> None:
    """One card per lesson, each with a button that opens it on the Playground."""
    room = controls.classroom()
    if room.lock:
        st.info(f"Your instructor locked this session to the lesson “{LESSONS[room.lesson].title}”.",
                icon=":material/lock:")
    columns = st.columns(2)
    for i, (name, lesson) in enumerate(LESSONS.items()):
        with columns[i % 2].container(border=True):
            _card(name, lesson, active=name == room.lesson, locked=room.lock)


def _card(name: str, lesson: Lesson, active: bool, locked: bool) -> None:
    st.markdown(f"**{lesson.title}**" + (" · *in progress*" if active else ""))
    st.markdown(f":material/target: {lesson.goal}")
    st.caption(setup_text(lesson.config))
    if st.button("Open in the Playground", key=f"lesson_{name}", type="primary" if active else "secondary",
                 disabled=locked):
        start_lesson(name)


def setup_text(config) -> str:
    """One line describing a setup: data, features, network, optimizer."""
    runs = [(len(list(group)), layer) for layer, group in itertools.groupby(zip(config.layers, config.activations))]
    hidden = " · ".join(f"{n} layers of {u} {a}" if n > 1 else f"{u} {a}" for n, (u, a) in runs) or "no hidden layer"
    feats = ", ".join(features.label(f) for f in config.features)
    return (f"{config.dataset} · inputs {feats} · {hidden} · {config.optimizer} at learning rate "
            f"{config.learning_rate:g}")


def start_lesson(name: str) -> None:
    """Open lesson ``name`` on the Playground (called from a button, so this rerun ends here)."""
    st.session_state[state.PENDING_LESSON] = name
    state.LOOP.halt()
    st.session_state.pop(state.RUN, None)  # a lesson starts from fresh weights, without a reset notice
    st.session_state.pop(state.NOTICES, None)
    st.switch_page(PLAYGROUND, query_params={"lesson": name})


def instructor_links() -> None:
    """A builder for links that open a lesson with controls hidden or locked."""
    with st.expander("For instructors: links that open a lesson, hide controls or lock them"):
        st.markdown("Add these to the Playground's address: `lesson=NAME` opens a lesson; `hide=` takes control "
                    "names or the groups `data`, `features`, `network`, `training` (and `export` for the Export "
                    "/ import panel); `lock=1` shows every setting of the lesson disabled. Hidden controls still "
                    "take their values from the lesson and the link.")
        cols = st.columns([2, 3, 1], vertical_alignment="bottom")
        lesson = cols[0].selectbox("Lesson", list(LESSONS), key=LINK_LESSON, format_func=lambda n: LESSONS[n].title)
        hide = cols[1].multiselect("Hide", list(dict.fromkeys([*lessons.GROUPS, *lessons.CONTROLS])), key=LINK_HIDE)
        lock = cols[2].checkbox("Lock", key=LINK_LOCK)
        query = lessons.to_url(LESSONS[lesson].config, lessons.Classroom(lesson, tuple(hide), lock))
        st.code("?" + "&".join(f"{k}={v}" for k, v in query.items()), language=None)


# --- the banner on the Playground -------------------------------------------------------------------------
def lesson_banner() -> None:
    """The active lesson's goal, what to notice and the question, with restart / solution / leave buttons."""
    room = controls.classroom()
    if room.lesson not in LESSONS:
        return
    lesson = LESSONS[room.lesson]
    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="center", gap="small")
        row.markdown(f":material/school: **Lesson: {lesson.title}**", width="stretch")
        row.button("Restart lesson", on_click=_restart, args=(room.lesson,), type="tertiary", icon=":material/replay:",
                   help="Back to the lesson's settings, with fresh weights.")
        if lesson.solution is not None and not room.lock:
            row.button("Show a solution", on_click=_show_solution, args=(room.lesson,), type="tertiary",
                       icon=":material/lightbulb:", help="Load settings that reach the goal.")
        if not room.lock:
            row.button("Leave lesson", on_click=_leave, type="tertiary", icon=":material/close:",
                       help="Keep the settings, drop the lesson.")
        st.markdown(f"**Goal:** {lesson.goal}  \n**Notice:** {lesson.notice}  \n**Think about:** {lesson.question}")


def _load(config) -> None:
    controls.seed_widgets(config)
    st.session_state.pop(state.NOTICES, None)
    state.LOOP.touch()


def _show_solution(name: str) -> None:
    lesson = LESSONS[name]
    current = st.session_state.get(state.CONFIG, lesson.config)
    _load(lesson.solution)
    state.LOOP.halt()
    st.session_state.pop(state.RUN, None)  # a solution starts from fresh weights (a diverged run cannot go on)
    state.notify(f"Loaded a solution: {lessons.changes(current, lesson.solution) or 'nothing had to change'}.")


def goal_status(run: PlaygroundRun) -> None:
    """Inside the live fragment: says when the active lesson's goal is met, and at which epoch."""
    room = controls.classroom()
    if room.lesson not in LESSONS:
        return
    epoch = LESSONS[room.lesson].target.reached_at(run.history, run.config)
    if epoch is not None:
        st.success(f"Goal reached at epoch {epoch:,}: {LESSONS[room.lesson].goal}", icon=":material/flag:")


def _restart(name: str) -> None:
    _load(LESSONS[name].config)
    state.LOOP.halt()
    st.session_state.pop(state.RUN, None)  # run_for starts afresh from the lesson's seed


def _leave() -> None:
    room = controls.classroom()
    st.session_state[state.CLASSROOM] = replace(room, lesson=None, lock=False)
    state.LOOP.touch()


