"""Inside the network in a real browser: the diagram paints while training plays, hover shows values,
a click on a neuron inspects it, and no exception appears."""

from conftest import assert_no_exception, wait_for_app

DIAGRAM = ".nnpg-net canvas.diagram"
# The component lives in a shadow root; its root element keeps what it drew in `.state`.
ROOT_JS = """(() => {
    const host = [...document.querySelectorAll('*')]
        .find((el) => el.shadowRoot && el.shadowRoot.querySelector('.nnpg-net'));
    return (host ? host.shadowRoot : document).querySelector('.nnpg-net');
})()"""


def network_frames(page) -> int:
    return page.evaluate("window.nnpgNetworkFrames || 0")


def test_diagram_paints_while_playing_and_answers_hover_and_click(page, app_url):
    page.goto(app_url + "/?layers=6,4")
    wait_for_app(page)
    page.wait_for_selector(".nnpg-live canvas")
    page.get_by_text("Inside the network").click()
    page.wait_for_selector(DIAGRAM)
    page.wait_for_function("(window.nnpgNetworkFrames || 0) >= 1")
    assert page.locator(DIAGRAM).is_visible()

    page.get_by_role("button", name="Play").click()
    page.wait_for_function("(window.nnpgLiveFrames || 0) >= 4")
    live0, net0 = page.evaluate("window.nnpgLiveFrames"), network_frames(page)
    page.wait_for_function(f"(window.nnpgNetworkFrames || 0) >= {net0 + 2}", timeout=30_000)
    live1, net1 = page.evaluate("window.nnpgLiveFrames"), network_frames(page)
    assert live1 > live0 and net1 >= net0 + 2
    assert net1 - net0 <= live1 - live0 + 1  # throttled: never more often than the live view
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector('button:has-text("Play"):not([disabled])')
    page.wait_for_timeout(800)

    # hover the third neuron of hidden layer 1: its tooltip gives its values
    canvas = page.locator(DIAGRAM)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    node = page.evaluate(f"(() => {{ const n = {ROOT_JS}.state.layout.byColumn[1][2]; return {{x: n.x, y: n.y}}; }})()")
    page.mouse.move(box["x"] + node["x"], box["y"] + node["y"])
    tip = page.locator(".nnpg-net .tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert "layer 1, neuron 3" in tip.inner_text() and "bias" in tip.inner_text()

    page.mouse.click(box["x"] + node["x"], box["y"] + node["y"])  # inspect it: the selectors and the big view follow
    page.wait_for_function(f"JSON.stringify({ROOT_JS}.state.data.selected) === '[1,2]'")
    assert page.evaluate(f"{ROOT_JS}.state.data.large.title") == "Layer 1, neuron 3 (tanh)"
    selected = [box.input_value() for box in page.locator('[data-testid="stSelectbox"] input').all()]
    assert "Layer 1, neuron 3 (tanh)" in selected
    assert_no_exception(page)


def test_the_legend_of_a_network_without_hidden_layers_says_what_its_colours_mean(page, app_url):
    page.goto(app_url + "/?layers=none")
    wait_for_app(page)
    page.get_by_text("Inside the network").click()
    page.wait_for_function("(window.nnpgNetworkFrames || 0) >= 1")
    row = page.evaluate(f"""(() => [...{ROOT_JS}.querySelectorAll('.legend > span')]
        .map((el) => [el.getBoundingClientRect().left, el.classList.contains('bar') ? '[bar]' : el.innerText])
        .sort((a, b) => a[0] - b[0]).map((pair) => pair[1]).filter(Boolean).join(' '))()""")
    assert row == "negative weight [bar] positive weight", row  # was "[bar] < 0 · 0 · > 0"
    assert_no_exception(page)
