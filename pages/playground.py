"""The Playground: pick data, features and a network, press Play, and watch it learn."""


from ui.web import lessons as lessons_page
from ui.web import routing, state
from ui.web.playground import controls, live, timetravel
from ui.web.playground import export as export_panel

routing.through_app()

controls.read_url_once()
config = controls.sidebar()
controls.write_url(config)
run = state.run_for(config)
lessons_page.lesson_banner()
controls.notices_box()
live.run_controls(run)
live.problem_caption(run)
live.training_panel()
timetravel.panel(run)
export_panel.export_panel(run)
