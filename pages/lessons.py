"""Lessons: ready-made Playground setups, each with a goal, something to notice and a question."""

import streamlit as st

from ui.web import lessons as lessons_page
from ui.web import routing

routing.through_app()

st.title("Lessons")
st.caption("Each lesson opens the Playground with a complete setup. Press Play, watch, then change settings "
           "to reach the goal. A lesson can also be shared as a link: add `?lesson=NAME` to the Playground's address.")
lessons_page.lesson_cards()
lessons_page.instructor_links()
