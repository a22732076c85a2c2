"""Every lesson's claim happens with its settings (trained with nnlib, no Streamlit), and lessons and the
instructor's URL settings survive the trip through the address bar."""

from dataclasses import fields, replace

import numpy as np
import pytest

import nnlib
from ui.core import config as cfg
from ui.core import lessons
from ui.core.config import Config
from ui.core.data import drawn
from ui.core.lessons import LESSONS, Classroom
from ui.core.run import PlaygroundRun, make_data


def trained(config: Config, epochs: int) -> PlaygroundRun:
    run = PlaygroundRun(config, make_data(config))
    while run.epoch < epochs and not run.diverged:
        run.train(epochs - run.epoch)
    return run


def test_acc(run: PlaygroundRun) -> float:
    return run.history.val_score[-1]


test_acc.__test__ = False  # a helper, not a test


def first_epoch_below(run: PlaygroundRun, target: float) -> int | None:
    return next((e for e, loss in zip(run.history.epoch, run.history.loss) if loss < target), None)


# --- one check per lesson: each asserts what the lesson's claim says -------------------------------------
def check_xor_needs_hidden_layer(lesson):
    assert test_acc(trained(lesson.config, 60)) < 0.6
    assert test_acc(trained(lesson.solution, 60)) > 0.9


def check_spiral_needs_depth(lesson):
    assert lesson.config.layers == (4,)
    assert test_acc(trained(lesson.config, 150)) < 0.7
    assert test_acc(trained(lesson.solution, 150)) > 0.85
    with_sin = replace(lesson.config, features=("x1", "x2", "sinx1", "sinx2"))
    assert test_acc(trained(with_sin, 100)) > 0.9


def check_learning_rate_too_high(lesson):
    for lr in (3.0, 1.0):
        run = trained(replace(lesson.config, learning_rate=lr), 50)
        assert run.diverged and run.epoch <= 50 and not np.isfinite(run.history.loss[-1])
    run = trained(lesson.solution, 50)
    assert not run.diverged and run.history.val_loss[-1] < 0.01


def check_learning_rate_too_low(lesson):
    for config, moved in ((lesson.config, lambda change: change < 0.01),
                          (lesson.solution, lambda change: change > 0.5)):
        run = PlaygroundRun(config, make_data(config))
        start = run.model.evaluate(run.inputs_train, run.targets_train)[0]
        run.train(50)
        assert moved((start - run.history.loss[-1]) / start), config.learning_rate


def _first_over_last_gradient(config: Config) -> float:
    run = PlaygroundRun(config, make_data(config))
    norms = run.model.gradient_norms(run.inputs_train, run.targets_train)  # one per Dense layer, input first
    assert len(norms) == len(config.layers) + 1
    return norms[0] / norms[-1]


def check_vanishing_gradients(lesson):
    assert lesson.config.activations == ("sigmoid",) * 6
    assert _first_over_last_gradient(lesson.config) < 0.1
    assert _first_over_last_gradient(lesson.solution) > 0.1  # relu


def check_zero_init_symmetry(lesson):
    run = trained(lesson.config, 50)
    hidden = [layer for layer in run.model.layers if isinstance(layer, nnlib.Dense)][:-1]
    assert len(hidden) == 2
    for layer in hidden:
        W, b = layer.params  # W: (fan_in, units)
        assert np.abs(W).max() > 0.1, "the weights should have moved away from zero"
        np.testing.assert_allclose(W, np.repeat(W[:, :1], W.shape[1], axis=1), atol=1e-12)
        np.testing.assert_allclose(b, np.full_like(b, b[0]), atol=1e-12)
    assert test_acc(trained(lesson.solution, 50)) > 0.95


def check_overfitting(lesson):
    plain, l2 = trained(lesson.config, 200), trained(lesson.solution, 200)
    train_loss, test_loss = plain.history.loss[-1], plain.history.val_loss[-1]
    assert train_loss < 0.05 and test_loss > 10 * train_loss
    gap, l2_gap = test_loss - train_loss, l2.history.val_loss[-1] - l2.history.loss[-1]
    assert l2_gap < gap / 3
    assert test_acc(l2) > test_acc(plain)


def check_adam_vs_sgd(lesson):
    assert (lesson.config.optimizer, lesson.solution.optimizer) == ("sgd", "adam")
    assert lesson.config.learning_rate == lesson.solution.learning_rate
    adam_epoch = first_epoch_below(trained(lesson.solution, 30), 0.1)
    assert adam_epoch is not None and adam_epoch <= 30
    assert first_epoch_below(trained(lesson.config, 30), 0.1) is None


def check_multiclass_spirals(lesson):
    run = trained(lesson.config, 100)
    assert run.data.kind == "multiclass" and run.model.output_dim == 3
    assert run.model.layers[-1].activation.name == "softmax"
    assert test_acc(run) > 0.9


def check_regression_bumps(lesson):
    run = trained(lesson.config, 150)
    assert run.data.kind == "regression"
    assert test_acc(run) > 0.75  # R²
    assert test_acc(trained(replace(lesson.config, layers=(), activations=()), 150)) < 0.1


def check_features_vs_depth(lesson):
    assert lesson.config.features == ("x1sq", "x2sq") and lesson.config.layers == ()
    assert test_acc(trained(lesson.config, 30)) > 0.95
    assert test_acc(trained(replace(lesson.config, features=("x1", "x2")), 30)) < 0.7


def check_neurons_that_carry_the_decision(lesson):
    assert lesson.config.layers[0] == 4 and len(lesson.config.off) == 3
    assert test_acc(trained(lesson.config, 100)) < 0.65
    assert test_acc(trained(replace(lesson.config, off=("1.3", "1.4")), 100)) < 0.85
    assert test_acc(trained(lesson.solution, 100)) > 0.95


def drawn_xor() -> tuple[np.ndarray, np.ndarray, str]:
    """What a learner might draw: four clusters of 15 points, the diagonal ones of the same class."""
    rng = np.random.default_rng(5)
    centres = np.array([[-3, 3], [3, -3], [3, 3], [-3, -3]])
    X = drawn.snap(np.repeat(centres, 15, axis=0) + rng.normal(0, 0.8, (60, 2)))
    return X, np.repeat([0, 0, 1, 1], 15), "binary"


def check_draw_what_a_line_cannot_split(lesson):
    assert lesson.config.layers == ()
    on_drawing = replace(lesson.config, dataset=cfg.UPLOAD)
    line = PlaygroundRun(on_drawing, make_data(on_drawing, drawn_xor()))
    line.train(100)
    assert test_acc(line) < 0.7
    hidden = replace(on_drawing, layers=(4,), activations=("tanh",))
    deeper = PlaygroundRun(hidden, make_data(hidden, drawn_xor()))
    while deeper.epoch < 200:
        deeper.train(200 - deeper.epoch)
    assert test_acc(deeper) > 0.9
    assert lesson.target.reached_at(deeper.history, deeper.config) is not None
    assert lesson.target.reached_at(deeper.history, lesson.config) is None  # not on the lesson's own set
    assert lesson.target.reached_at(deeper.history, on_drawing) is None  # nor with the network unchanged


CHECKS = {name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


def test_every_lesson_has_a_claim_check_and_there_are_at_least_ten():
    assert len(LESSONS) >= 10
    assert set(CHECKS) == set(LESSONS)


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_the_lesson_claim_holds(name):
    CHECKS[name](LESSONS[name])


def test_a_claim_check_can_fail():
    """Negative control: the xor check must reject a lesson whose 'no hidden layer' config has one."""
    lesson = LESSONS["xor_needs_hidden_layer"]
    with pytest.raises(AssertionError):
        check_xor_needs_hidden_layer(replace(lesson, config=lesson.solution))


# --- the goals, checked live --------------------------------------------------------------------------------
WITH_SOLUTION = sorted(name for name, lesson in LESSONS.items() if lesson.solution is not None)


@pytest.mark.parametrize("name", WITH_SOLUTION)
def test_the_solution_reaches_the_goal_and_the_lesson_setup_does_not_at_first(name):
    lesson = LESSONS[name]
    solved = trained(lesson.solution, 300)
    epoch = lesson.target.reached_at(solved.history, solved.config)
    assert epoch is not None, (name, solved.history.val_score[-3:], solved.history.loss[-3:])
    start = trained(lesson.config, 5)
    assert lesson.target.reached_at(start.history, start.config) is None


def test_the_goal_epoch_is_the_first_epoch_past_the_threshold():
    history = type("H", (), {"epoch": [1, 2, 3, 4], "val_score": [0.5, 0.95, 0.85, 0.97]})()
    target = lessons.Target("val_score", 0.9, above=True)
    assert target.reached_at(history, Config()) == 2
    assert lessons.Target("val_score", 0.96, above=True).reached_at(history, Config()) == 4
    assert lessons.Target("val_score", 0.96, above=True, within=3).reached_at(history, Config()) is None


def test_a_goal_that_asks_to_keep_the_network_is_not_reached_by_changing_it():
    lesson = LESSONS["features_vs_depth"]
    run = trained(replace(lesson.config, layers=(8,), activations=("tanh",)), 30)
    assert run.history.val_score[-1] > 0.95  # the score is there...
    assert lesson.target.reached_at(run.history, run.config) is None  # ...but the goal said "no hidden layer"


def test_changes_lists_what_a_solution_changed():
    lesson = LESSONS["learning_rate_too_high"]
    assert lessons.changes(lesson.config, lesson.solution) == "learning_rate 3 → 0.3"


# --- the registry and the texts ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(LESSONS))
def test_the_lesson_is_complete_and_round_trips_through_the_url(name):
    lesson = LESSONS[name]
    for text in (lesson.title, lesson.goal, lesson.notice, lesson.question, lesson.claim):
        assert isinstance(text, str) and len(text) > 10
    for config in filter(None, (lesson.config, lesson.solution)):
        back, notices = cfg.from_query(cfg.to_query(config))
        assert back == config and notices == []
    config, room, notices = lessons.from_url({"lesson": name})
    assert (config, room, notices) == (lesson.config, Classroom(lesson=name), [])


def test_get_lists_the_choices_for_an_unknown_name():
    assert lessons.get("overfitting") is LESSONS["overfitting"]
    with pytest.raises(ValueError, match="unknown lesson 'nope'.*xor_needs_hidden_layer"):
        lessons.get("nope")


def test_the_lessons_cover_the_topics():
    configs = [c for lesson in LESSONS.values() for c in (lesson.config, lesson.solution) if c]
    kinds = {cfg_.dataset for cfg_ in configs}
    assert {"xor", "spiral", "spiral3", "multigauss", "plane", "circle"} <= kinds
    assert any(c.init == "zeros" for c in configs)
    assert any(c.learning_rate >= 3 for c in configs) and any(c.learning_rate <= 1e-5 for c in configs)
    assert {"sgd", "adam"} <= {c.optimizer for c in configs}
    assert any(c.regularization == "l2" for c in configs)


# --- URL: lesson as base, overrides, hide and lock ---------------------------------------------------------
def test_url_parameters_override_the_lesson():
    config, room, notices = lessons.from_url({"lesson": "overfitting", "learning_rate": "0.1", "seed": "7"})
    assert config == replace(LESSONS["overfitting"].config, learning_rate=0.1, seed=7)
    assert room.lesson == "overfitting" and notices == []


@pytest.mark.parametrize("room", [
    Classroom(), Classroom(lesson="xor_needs_hidden_layer"), Classroom(hide=("learning_rate", "data")),
    Classroom(lesson="features_vs_depth", hide=("network",), lock=True),
])
@pytest.mark.parametrize("config", [
    Config(), LESSONS["features_vs_depth"].config, Config(layers=(), activations=()),
    replace(LESSONS["xor_needs_hidden_layer"].config, **{"layers": (4, 2), "activations": ("tanh", "tanh")}),
    replace(LESSONS["overfitting"].config, noise=0.0, train_pct=50, learning_rate=0.03, optimizer="sgd"),
])
def test_to_url_and_from_url_round_trip(config, room):
    if room.lock:  # a locked lesson's settings cannot differ from the lesson's, except the speed
        config = replace(LESSONS[room.lesson].config, epochs_per_frame=config.epochs_per_frame + 1)
    query = lessons.to_url(config, room)
    assert all(isinstance(v, str) for v in query.values())
    assert lessons.from_url(query) == (config, room, [])


def test_a_locked_lesson_ignores_settings_added_to_its_link():
    """?lesson=vanishing_gradients&lock=1&activations=relu used to load ReLU."""
    lesson = LESSONS["vanishing_gradients"].config
    config, room, notices = lessons.from_url({"lesson": "vanishing_gradients", "lock": "1",
                                              "activations": "relu", "learning_rate": "1", "epochs_per_frame": "3"})
    assert room.lock
    assert config == replace(lesson, epochs_per_frame=3)
    assert notices == ["This lesson is locked, so the link's activations, learning_rate were ignored."]


def test_the_url_of_an_unchanged_lesson_is_just_its_name():
    room = Classroom(lesson="overfitting")
    assert lessons.to_url(LESSONS["overfitting"].config, room) == {"lesson": "overfitting"}
    changed = replace(LESSONS["overfitting"].config, regularization="l2", reg_rate=0.01)
    assert lessons.to_url(changed, room) == {"lesson": "overfitting", "regularization": "l2", "reg_rate": "0.01"}


@pytest.mark.parametrize("params, notice", [
    ({"lesson": "nope"}, "There is no lesson called 'nope'"),
    ({"lesson": "x" * 5000}, "There is no lesson called"),
    ({"lesson": ["a", "b"]}, "There is no lesson called 'b'"),
    ({"hide": "learning_rate,bogus"}, "hide: ignored 'bogus'"),
    ({"hide": "x" * 500}, "hide: it is too long"),
    ({"lock": "1"}, "lock=1 only works together with lesson=NAME"),
    ({"lesson": "overfitting", "lock": "maybe"}, "lock: 'maybe' is not 1 or 0"),
])
def test_garbage_gives_a_notice_never_an_exception(params, notice):
    config, room, notices = lessons.from_url(params)
    assert isinstance(config, Config)
    assert any(notice in n for n in notices), notices
    assert not room.lock


def test_hide_accepts_controls_and_groups_and_lock_needs_a_lesson():
    _, room, notices = lessons.from_url({"hide": " Learning_Rate, data,data,export", "lesson": "overfitting",
                                         "lock": "1"})
    assert notices == [] and room.hide == ("learning_rate", "data", "export")
    assert room.hidden == {"learning_rate", "export", *lessons.GROUPS["data"]}
    assert room.hides_group("data") and not room.hides_group("training")
    assert room.lock and room.is_locked("optimizer") and not room.is_locked("epochs_per_frame")
    assert not Classroom(lesson="overfitting").is_locked("optimizer")


@pytest.mark.parametrize("name", LESSONS)
def test_a_locked_lesson_leaves_free_exactly_what_its_goal_asks_to_change(name):
    """A lock that disabled the learning rate made "find a learning rate that works" impossible."""
    lesson, room = LESSONS[name], Classroom(lesson=name, lock=True)
    free = {c for c in lessons.LOCKABLE if not room.is_locked(c)}
    if lesson.solution is None:
        assert free == set()
    else:
        assert free and free == {c for c in lessons.LOCKABLE
                                 if getattr(lesson.config, c) != getattr(lesson.solution, c)}
        assert all(c.replace("_", " ") in room.lock_caption for c in free)


def test_every_config_field_is_a_control_in_exactly_one_group():
    grouped = [name for names in lessons.GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(f.name for f in fields(Config))
