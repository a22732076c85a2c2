"""nnlib.callbacks by Keras 3's rules: EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN,
CSVLogger. Most tests drive a callback by hand with scripted logs, as fit would; the stop epochs and rates in
the comments are worked out from Keras' rules. The last section runs them through Sequential.fit."""

import io
import math

import numpy as np
import pytest

from nnlib import Dense, Sequential
from nnlib.callbacks import Callback, CSVLogger, EarlyStopping, LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN
from nnlib.optimizers import SGD


class StubOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate


class StubModel:
    """What a callback touches: stop_training, the weights, and the optimizer's learning rate."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = StubOptimizer(learning_rate)
        self.weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def drive(callback, values, key="val_loss", model=None):
    """One epoch per value, as fit runs them: begin, "train" (epoch e's weights are [e, e]), end; stop when
    the callback says so. Returns (the epoch it stopped at or None, the model, every epoch's logs)."""
    model = model or StubModel()
    callback.set_model(model)
    callback.on_train_begin({})
    stopped, all_logs = None, []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch, {})
        model.weights = [np.full(2, float(epoch))]
        logs = {key: value, "grad_norms": [1.0]}
        callback.on_epoch_end(epoch, logs)
        all_logs.append(logs)
        if model.stop_training:
            stopped = epoch
            break
    callback.on_train_end({})
    return stopped, model, all_logs


def stop_epoch(values, key="val_loss", **early):
    return drive(EarlyStopping(monitor=key, **early), values, key)[0]


# --- EarlyStopping ---------------------------------------------------------------------------------------

def test_early_stopping_the_worked_example():
    # each epoch: wait += 1, then an improvement sets best and wait = 0, else stop if wait >= patience
    # e0 1.0: best 1.0, wait 0 | e1 0.9: best 0.9, wait 0 | e2 0.95: wait 1 | e3 0.96: wait 2 >= 2: stop
    stop = EarlyStopping(patience=2)
    stopped, *_ = drive(stop, [1.0, 0.9, 0.95, 0.96, 0.97])
    assert stopped == 3 and stop.stopped_epoch == 3 and stop.wait == 2
    assert stop.best == 0.9 and stop.best_epoch == 1


@pytest.mark.parametrize("patience, stopped", [(0, 3), (1, 3), (2, 4), (3, 5), (4, None)])
def test_early_stopping_patience(patience, stopped):
    # improvements at e0, e1, e2 (best 3); e3, e4, e5 do not improve (3.0 is not < 3); e6 2.9 does; e7 not.
    # wait is counted before the check, so patience 0 and 1 both stop at the first epoch without progress
    # (wait 1); patience 4 never gets there: wait is 3 at e5, 0 at e6, 1 at e7
    values = [5, 4, 3, 3.5, 3.2, 3.0, 2.9, 3.1]
    stop = EarlyStopping(monitor="loss", patience=patience)
    assert drive(stop, values, "loss")[0] == stopped
    assert stop.stopped_epoch == (stopped or 0)  # Keras leaves 0 when it never stopped


def test_an_equal_value_is_no_improvement():
    # e1 1.0 is not < 1.0: wait 1 >= 0, and epoch 1 > 0: stop
    assert stop_epoch([1.0, 1.0, 0.5]) == 1


@pytest.mark.parametrize("min_delta", [0.1, -0.1])
def test_early_stopping_min_delta_its_sign_does_not_matter(min_delta):
    # improvement means value + 0.1 < best
    # e0 1.0: best | e1 0.95+0.1 = 1.05, not < 1.0: wait 1 | e2 0.85+0.1 = 0.95 < 1.0: best 0.85, wait 0
    # e3 0.90 not < 0.85: wait 1 | e4 0.89: wait 2 >= 2: stop at 4
    values = [1.0, 0.95, 0.85, 0.80, 0.79]
    assert stop_epoch(values, min_delta=min_delta, patience=2) == 4
    assert stop_epoch(values, patience=2) is None  # without min_delta every epoch improves


def test_early_stopping_mode_max_and_auto():
    # max: e1 0.6 > 0.5, e2 0.7 > 0.6, e3 0.65 is not: wait 1 >= 0: stop at 3
    values = [0.5, 0.6, 0.7, 0.65]
    assert stop_epoch(values, "val_accuracy", patience=0) == 3
    assert stop_epoch(values, "score", mode="max", patience=0) == 3
    assert stop_epoch(values, "val_accuracy", mode="min", patience=0) == 1  # min: 0.6 is worse than 0.5
    # max with min_delta: improvement means value - 0.1 > best; e1 0.55 - 0.1 is not > 0.5: stop at 1
    assert stop_epoch([0.5, 0.55, 0.7], "accuracy", min_delta=0.1, patience=0) == 1


@pytest.mark.parametrize("name", ["loss", "val_loss", "val_mean_squared_error", "mse", "val_mae"])
def test_auto_mode_minimizes_losses_and_errors(name):
    assert EarlyStopping(monitor=name).minimize


@pytest.mark.parametrize("name", ["accuracy", "val_acc", "binary_accuracy", "auc", "val_precision", "recall",
                                  "f1_score", "val_r2_score"])
def test_auto_mode_maximizes_scores(name):
    assert not EarlyStopping(monitor=name).minimize


def test_early_stopping_baseline_beaten_by_the_best_but_never_by_itself_never_stops():
    # e0: wait 1, 1.0 improves on nothing: best 1.0, but it does not beat 0.5, so wait stays 1; return.
    # every later epoch also improves on the best (and returns before the stop check), so no stop at all
    stop = EarlyStopping(baseline=0.5, patience=1)
    assert drive(stop, [1.0, 0.9, 0.8, 0.7])[0] is None
    assert stop.wait == 4 and stop.best == 0.7


def test_early_stopping_baseline_counts_the_first_epoch():
    # with baseline 0.5: e0 wait 1 (1.0 is the best but not under 0.5) | e1 1.1: wait 2 >= 2: stop at 1
    # without: e0 wait 0 | e1 wait 1 | e2 wait 2: stop at 2
    assert stop_epoch([1.0, 1.1, 1.2], baseline=0.5, patience=2) == 1
    assert stop_epoch([1.0, 1.1, 1.2], patience=2) == 2


def test_early_stopping_once_the_baseline_is_beaten_it_counts_as_usual():
    # e0 0.6: wait 1 (not under 0.5) | e1 0.4: best, under 0.5: wait 0 | e2 0.45: wait 1 | e3 0.5: wait 2: stop
    assert stop_epoch([0.6, 0.4, 0.45, 0.5, 0.55], baseline=0.5, patience=2) == 3


def test_early_stopping_start_from_epoch_ignores_the_warm_up():
    # e0, e1 ignored | e2 3.0: best | e3 2.5: best | e4 2.6: wait 1 >= 1: stop at 4
    stop = EarlyStopping(patience=1, start_from_epoch=2)
    assert drive(stop, [1.0, 2.0, 3.0, 2.5, 2.6, 2.7])[0] == 4
    assert stop.best == 2.5 and stop.best_epoch == 3
    assert stop_epoch([1.0, 2.0, 3.0, 2.5, 2.6, 2.7], patience=1) == 1  # e1 2.0 is worse than 1.0


def test_restore_best_weights_at_train_end_not_at_the_stop():
    # e0 5, e1 4, e2 2: best at e2 | e3, e4, e5: wait 1, 2, 3 >= 3: stop at 5; on_train_end puts e2's back
    stop = EarlyStopping(patience=3, restore_best_weights=True)
    model = StubModel()
    stop.set_model(model)
    stop.on_train_begin()
    for epoch, value in enumerate([5, 4, 2, 3, 3, 3]):
        model.weights = [np.full(2, float(epoch))]
        stop.on_epoch_end(epoch, {"val_loss": value})
    assert model.stop_training and stop.stopped_epoch == 5 and stop.best_epoch == 2
    np.testing.assert_array_equal(model.weights[0], [5.0, 5.0])  # nothing restored yet
    stop.on_train_end()
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])


def test_restore_best_weights_also_when_training_ran_to_the_end():
    # Keras 3 restores in on_train_end whether or not it stopped: best at e2
    stopped, model, _ = drive(EarlyStopping(patience=5, restore_best_weights=True), [3, 2, 1, 2])
    assert stopped is None
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])
    _, model, _ = drive(EarlyStopping(patience=5), [3, 2, 1, 2])  # without the flag the last weights stay
    np.testing.assert_array_equal(model.weights[0], [3.0, 3.0])


def test_restore_best_weights_when_the_baseline_is_never_beaten():
    # baseline 0.5: e0 wait 1, best 1.0 | e1 1.2: wait 2 | e2 0.9: wait 3, best (no reset) | e3 1.1: wait 4: stop
    stop = EarlyStopping(patience=3, baseline=0.5, restore_best_weights=True)
    stopped, model, _ = drive(stop, [1.0, 1.2, 0.9, 1.1, 1.0])
    assert stopped == 3 and stop.best_epoch == 2
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])


def test_early_stopping_warns_and_skips_when_the_monitor_is_missing():
    stop = EarlyStopping(monitor="val_accuracy", patience=0)
    with pytest.warns(UserWarning, match=r"'val_accuracy', which is not in the logs; available: \['val_loss'\]"):
        stopped, *_ = drive(stop, [1.0, 2.0, 3.0])
    assert stopped is None and stop.wait == 0 and stop.best is None


def test_early_stopping_can_be_reused_across_fits():
    stop = EarlyStopping(patience=0)
    assert drive(stop, [1.0, 2.0])[0] == 1
    assert drive(stop, [3.0, 2.0, 1.0])[0] is None  # the old best 1.0 is forgotten
    assert stop.stopped_epoch == 0 and stop.best == 1.0 and stop.best_epoch == 2


def test_early_stopping_verbose_says_when_and_what_it_restores(capsys):
    drive(EarlyStopping(patience=1, verbose=1, restore_best_weights=True), [1.0, 0.5, 0.7, 0.8])
    assert capsys.readouterr().out == ("Epoch 3: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 2.\n")


@pytest.mark.parametrize("make, match", [
    (lambda: EarlyStopping(patience=-1), r"EarlyStopping needs patience >= 0 \(an int\), received patience=-1"),
    (lambda: EarlyStopping(patience=1.5), r"received patience=1.5"),
    (lambda: EarlyStopping(start_from_epoch=-2), r"start_from_epoch >= 0 \(an int\), received start_from_epoch=-2"),
    (lambda: EarlyStopping(mode="up"), r"EarlyStopping mode must be 'auto', 'min' or 'max', received 'up'"),
    (lambda: EarlyStopping(monitor="score"), r"received monitor='score', but cannot tell .* pass mode='min'"),
    (lambda: EarlyStopping(monitor="val_los"), r"received monitor='val_los', but cannot tell"),
    (lambda: EarlyStopping(monitor=3), r"monitor must be the name of a logged value, received 3"),
    (lambda: EarlyStopping(min_delta="a"), r"a number for min_delta, received min_delta='a'"),
    (lambda: EarlyStopping(baseline="low"), r"a number for baseline, received baseline='low'"),
    (lambda: ReduceLROnPlateau(factor=1.0), r"does not support a factor >= 1.0, received factor=1.0"),
    (lambda: ReduceLROnPlateau(factor=2), r"does not support a factor >= 1.0, received factor=2.0"),
    (lambda: ReduceLROnPlateau(factor=-0.5), r"needs a factor >= 0, received factor=-0.5"),
    (lambda: ReduceLROnPlateau(patience=-1), r"ReduceLROnPlateau needs patience >= 0"),
    (lambda: ReduceLROnPlateau(cooldown=-1), r"cooldown >= 0 \(an int\), received cooldown=-1"),
    (lambda: ReduceLROnPlateau(mode="down"), r"ReduceLROnPlateau mode must be .* received 'down'"),
    (lambda: LearningRateScheduler(0.1), r"needs a callable schedule, received 0.1"),
    (lambda: CSVLogger("log.csv", separator="::"), r"separator must be one character, received separator='::'"),
    (lambda: CSVLogger(42), r"needs a path or a stream with .write, received 42"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# --- ReduceLROnPlateau -----------------------------------------------------------------------------------

def rates(callback, values, key="val_loss", learning_rate=0.1):
    """The learning_rate each epoch logged, and the model."""
    _, model, all_logs = drive(callback, values, key, StubModel(learning_rate))
    return [logs["learning_rate"] for logs in all_logs], model


def test_reduce_lr_with_cooldown_and_min_lr():
    # factor 0.5, patience 2, cooldown 2, min_lr 0.02; nothing improves after e0. Each epoch logs the rate
    # it trained with, then: in cooldown, count down and wait = 0; an improvement resets wait; otherwise,
    # unless still in cooldown, wait += 1 and at wait >= 2 cut the rate, start the cooldown, wait = 0.
    # e0 best | e1 wait 1 | e2 wait 2: 0.1 -> 0.05, cooldown 2 | e3 cooldown 1: skipped | e4 cooldown 0: wait 1
    # e5 wait 2: 0.05 -> 0.025 | e6 skipped | e7 wait 1 | e8 wait 2: max(0.0125, 0.02) = 0.02 | e9 skipped
    # e10 wait 1 | e11 wait 2, but 0.02 is not above min_lr: no cut, no cooldown | e12 wait 3: no cut
    reduce = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_lr=0.02, min_delta=0)
    logged, model = rates(reduce, [1.0] * 13)
    assert logged == [0.1] * 3 + [0.05] * 3 + [0.025] * 3 + [0.02] * 4
    assert model.optimizer.learning_rate == 0.02 and reduce.wait == 3 and reduce.cooldown_counter == 0


@pytest.mark.parametrize("cooldown, logged", [(1, [0.8, 0.8, 0.4, 0.2, 0.1, 0.05]),
                                               (3, [0.8, 0.8, 0.4, 0.4, 0.4, 0.2])])
def test_reduce_lr_a_cooldown_of_n_pauses_n_minus_one_epochs(cooldown, logged):
    # the count-down comes first, so the cooldown's last epoch is counted again. Patience 1, a cut at e1:
    # cooldown 1: e2 counts 1 -> 0, wait 1: cut | e3 cut | e4 cut
    # cooldown 3: e2 3 -> 2 and e3 2 -> 1 are skipped | e4 1 -> 0, wait 1: cut
    reduce = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=cooldown)
    assert rates(reduce, [1.0] * 6, learning_rate=0.8)[0] == logged


def test_reduce_lr_an_improvement_resets_wait_and_min_delta_sets_the_bar():
    # default min_delta 1e-4: e1 0.99995 + 1e-4 is not < 1.0: wait 1 | e2 0.5 improves: wait 0 | e3 wait 1
    # | e4 wait 2 >= 2: cut 0.1 -> 0.01 (logged from e5)
    reduce = ReduceLROnPlateau(patience=2)
    logged, model = rates(reduce, [1.0, 0.99995, 0.5, 0.5, 0.5, 0.5])
    assert logged[:5] == [0.1] * 5 and logged[5] == pytest.approx(0.01)
    assert reduce.best == 0.5


def test_reduce_lr_mode_max():
    # val_accuracy is maximized: e1 0.6 improves | e2 0.6 does not: wait 1 >= 1: 0.1 -> 0.01
    logged, model = rates(ReduceLROnPlateau(monitor="val_accuracy", patience=1), [0.5, 0.6, 0.6], "val_accuracy")
    assert logged == [0.1, 0.1, 0.1] and model.optimizer.learning_rate == pytest.approx(0.01)


def test_reduce_lr_logs_the_rate_and_warns_when_the_monitor_is_missing():
    missing = r"ReduceLROnPlateau is conditioned on 'val_loss'.*\['learning_rate', 'loss'\]"
    with pytest.warns(UserWarning, match=missing):
        logged, model = rates(ReduceLROnPlateau(patience=0), [1.0, 2.0, 3.0], key="loss")
    assert logged == [0.1, 0.1, 0.1] and model.optimizer.learning_rate == 0.1


def test_reduce_lr_verbose(capsys):
    rates(ReduceLROnPlateau(factor=0.5, patience=0, verbose=1), [1.0, 2.0], learning_rate=0.5)
    assert capsys.readouterr().out == "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.25.\n"


class ScheduleHoldingOptimizer:
    """As a Keras optimizer built with a schedule: reading gives a float, setting a float raises."""

    @property
    def learning_rate(self):
        return 0.1

    @learning_rate.setter
    def learning_rate(self, value):
        raise TypeError("This optimizer was created with a `LearningRateSchedule` object")


def test_rate_setters_let_the_optimizers_type_error_through():
    model = StubModel()
    model.optimizer = ScheduleHoldingOptimizer()
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        drive(ReduceLROnPlateau(patience=0), [1.0, 2.0], model=model)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        drive(LearningRateScheduler(lambda epoch, lr: lr * 0.5), [1.0], model=model)


# --- LearningRateScheduler -------------------------------------------------------------------------------

def test_scheduler_with_epoch_and_rate():
    # set at each epoch begin: e0 0.1 (kept) | e1 0.1 * 0.5 | e2 0.05 * 0.5
    scheduler = LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr * 0.5)
    logged, model = rates(scheduler, [0.0] * 3)
    assert logged == [0.1, 0.05, 0.025] and model.optimizer.learning_rate == 0.025


def test_scheduler_with_epoch_only():
    def schedule(epoch):  # schedule(epoch, lr) raises TypeError, so Keras calls schedule(epoch)
        return 0.4 / (epoch + 1)
    logged, _ = rates(LearningRateScheduler(schedule), [0.0] * 3)
    assert logged == [0.4, 0.2, pytest.approx(0.4 / 3)]


def test_scheduler_accepts_numpy_floats_and_stores_a_float():
    _, model = rates(LearningRateScheduler(lambda epoch, lr: np.float32(0.5)), [0.0])
    assert type(model.optimizer.learning_rate) is float and model.optimizer.learning_rate == 0.5


@pytest.mark.parametrize("value", [1, "0.1", None])
def test_scheduler_refuses_a_non_float(value):
    with pytest.raises(ValueError, match=rf"The output of the `schedule` function should be a float. Got: {value!r}"):
        rates(LearningRateScheduler(lambda epoch, lr: value), [0.0])


def test_scheduler_a_type_error_inside_a_two_argument_schedule_is_retried_with_one():
    # Keras catches any TypeError from schedule(epoch, lr), so a bug in the schedule ends as this one
    def buggy(epoch, lr):
        return lr + "0.1"
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'lr'"):
        rates(LearningRateScheduler(buggy), [0.0])


def test_scheduler_verbose_and_an_optimizer_without_a_rate(capsys):
    rates(LearningRateScheduler(lambda epoch, lr: 0.5, verbose=1), [0.0])
    assert capsys.readouterr().out == "\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"
    model = StubModel()
    model.optimizer = object()
    with pytest.raises(ValueError, match=r'must have a "learning_rate" attribute, received object'):
        drive(LearningRateScheduler(lambda epoch, lr: 0.5), [0.0], model=model)


# --- TerminateOnNaN --------------------------------------------------------------------------------------

@pytest.mark.parametrize("hook", ["on_train_batch_end", "on_batch_end"])
def test_terminate_on_nan_at_batch_end(hook, capsys):
    model = StubModel()
    terminate = TerminateOnNaN()
    terminate.set_model(model)
    getattr(terminate, hook)(0, {"loss": 1.0})
    getattr(terminate, hook)(1, {})
    assert not model.stop_training
    getattr(terminate, hook)(2, {"loss": math.nan})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"
    terminate.on_epoch_end(0, {"loss": math.nan})  # already said
    assert capsys.readouterr().out == ""


def test_terminate_on_nan_raise_error():
    terminate = TerminateOnNaN(raise_error=True)
    terminate.set_model(StubModel())
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch 3. Loss value: inf"):
        terminate.on_train_batch_end(3, {"loss": math.inf})


def test_terminate_on_nan_also_reads_the_epoch_loss(capsys):
    # nnlib's fit ends the epoch at a non-finite batch before the batch hooks see it; the epoch's mean has it
    assert drive(TerminateOnNaN(), [0.5, -math.inf, 0.5], key="loss")[0] == 1
    assert capsys.readouterr().out == "Epoch 1: Invalid loss, terminating training\n"


# --- CSVLogger -------------------------------------------------------------------------------------------

def log_epochs(logger, rows):
    logger.set_model(StubModel())
    logger.on_train_begin({})
    for epoch, logs in enumerate(rows):
        logger.on_epoch_end(epoch, dict(logs, grad_norms=[1.0, 2.0]))
    logger.on_train_end({})


def test_csv_logger_to_a_stream_adds_val_columns_and_leaves_out_grad_norms():
    # Keras: "epoch", then the names sorted; with no val_ name it adds one per name, written "NA"
    stream = io.StringIO()
    log_epochs(CSVLogger(stream), [{"loss": 0.5, "accuracy": 0.75}, {"loss": 0.25, "accuracy": 0.875}])
    assert stream.getvalue() == ("epoch,accuracy,loss,val_accuracy,val_loss\r\n"
                                 "0,0.75,0.5,NA,NA\r\n"
                                 "1,0.875,0.25,NA,NA\r\n")
    assert not stream.closed  # not ours to close


def test_csv_logger_values_as_keras_writes_them():
    # lists and arrays become one quoted "[a, b]" cell (csv then doubles its quotes); a 0-d array, text and
    # numbers as str() has them; a name missing later is "NA"; a name that shows up later has no column
    stream = io.StringIO()
    log_epochs(CSVLogger(stream, separator=";"), [
        {"loss": np.float64(0.5), "val_loss": np.array(0.625), "sizes": [1, 2], "note": "a;b"},
        {"loss": 0.25, "extra": 1.0},
    ])
    assert stream.getvalue() == ('epoch;loss;note;sizes;val_loss\r\n'
                                 '0;0.5;"a;b";"""[1, 2]""";0.625\r\n'
                                 '1;0.25;NA;NA;NA\r\n')


def raw_text(path):
    with open(path, newline="") as f:  # keep the "\r\n" as written
        return f.read()


def test_csv_logger_to_a_file_overwrites_or_appends(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old\n")
    logger = CSVLogger(path)
    log_epochs(logger, [{"loss": 0.5, "val_loss": 0.75}])
    assert logger.csv_file.closed
    first = "epoch,loss,val_loss\r\n0,0.5,0.75\r\n"
    assert raw_text(path) == first
    log_epochs(CSVLogger(str(path), append=True), [{"loss": 0.25, "val_loss": 0.5}])  # no second header
    assert raw_text(path) == first + "0,0.25,0.5\r\n"
    log_epochs(CSVLogger(path), [{"loss": 1.0, "val_loss": 2.0}])
    assert raw_text(path) == "epoch,loss,val_loss\r\n0,1.0,2.0\r\n"


def test_csv_logger_append_to_an_empty_file_or_stream_writes_the_header(tmp_path):
    log_epochs(CSVLogger(tmp_path / "new.csv", append=True), [{"loss": 0.5}])
    assert raw_text(tmp_path / "new.csv") == "epoch,loss,val_loss\r\n0,0.5,NA\r\n"
    stream = io.StringIO()
    logger = CSVLogger(stream, append=True)
    log_epochs(logger, [{"loss": 0.5}])
    log_epochs(logger, [{"loss": 0.25}])  # a second fit: the stream has text, so rows only
    assert stream.getvalue() == "epoch,loss,val_loss\r\n0,0.5,NA\r\n0,0.25,NA\r\n"


# --- in fit ----------------------------------------------------------------------------------------------

def circles(n=120, seed=0):
    rng = np.random.default_rng(seed)
    r = np.concatenate([rng.uniform(0, 0.4, n // 2), rng.uniform(0.6, 1.0, n - n // 2)])
    t = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([r * np.cos(t), r * np.sin(t)]), (r > 0.5).astype(int)


def small_model(learning_rate=0.1):
    model = Sequential([Dense(8, "tanh", input_shape=(2,)), Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    return model


class Feed(Callback):
    """Puts a scripted value into the logs, before the callbacks that read it."""

    def __init__(self, values, key):
        self.values, self.key = values, key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


def test_fit_stops_where_early_stopping_says():
    # the worked example again, fed in as val_score (maximized: "score" alone is unreadable, so mode="max")
    # 0.1, 0.2 improve | 0.15: wait 1 | 0.12: wait 2 >= 2: stop at epoch 3, after 4 epochs
    X, y = circles()
    stop = EarlyStopping(monitor="val_score", mode="max", patience=2)
    history = small_model().fit(X, y, epochs=10, verbose=0,
                                callbacks=[Feed([0.1, 0.2, 0.15, 0.12] + [0.0] * 6, "val_score"), stop])
    assert stop.stopped_epoch == 3 and history.epoch == [0, 1, 2, 3]
    assert len(history.history["loss"]) == 4 and history.history["val_score"] == [0.1, 0.2, 0.15, 0.12]


def test_fit_early_stopping_on_real_validation_loss_restores_the_best():
    X, y = circles(200)
    model = small_model(learning_rate=0.5)
    stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(X, y, epochs=300, batch_size=16, verbose=0, validation_split=0.3, callbacks=[stop])
    val = history.history["val_loss"]
    assert len(val) < 300 and stop.stopped_epoch == len(val) - 1
    best = int(np.argmin(val))
    assert stop.best_epoch == best and len(val) - 1 - best == 2  # stopped `patience` epochs after the best
    assert model.evaluate(X[-60:], y[-60:])[0] == pytest.approx(val[best], rel=1e-12)


def test_fit_warns_once_per_epoch_when_the_monitor_is_missing():
    # val_loss without validation data; (a misspelt "val_los" in "auto" mode is refused at construction)
    X, y = circles(40)
    with pytest.warns(UserWarning, match=r"'val_loss'.*available: \['accuracy', 'loss'\]") as caught:
        history = small_model().fit(X, y, epochs=3, verbose=0, callbacks=[EarlyStopping(monitor="val_loss")])
    assert len(history.epoch) == 3 and len(caught) == 3


def test_fit_records_reduce_lr_on_plateaus_rate_in_the_history():
    # min_delta 10: only e0 counts as an improvement | e1 wait 1: cut to 0.05 | e2 cut to 0.025 | e3 to 0.0125
    X, y = circles(40)
    model = small_model(learning_rate=0.1)
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10)
    history = model.fit(X, y, epochs=4, verbose=0, callbacks=[reduce])
    assert history.history["learning_rate"] == [0.1, 0.1, 0.05, 0.025]
    assert model.optimizer.learning_rate == 0.0125


def test_fit_with_a_scheduler_trains_at_the_scheduled_rate():
    X, y = circles(40)
    model = small_model()
    scheduler = LearningRateScheduler(lambda epoch: 0.0 if epoch else 0.2)
    history = model.fit(X, y, epochs=3, verbose=0, callbacks=[scheduler])
    assert history.history["learning_rate"] == [0.2, 0.0, 0.0]
    assert history.history["loss"][1] == history.history["loss"][2]  # rate 0: the weights stand still


def exploding_model():
    model = Sequential([Dense(1, input_shape=(1,))], seed=0)
    model.compile(optimizer=SGD(0.0), loss="mse")
    model.set_weights([np.array([[1e200]]), np.array([0.0])])  # the first batch's loss is inf
    return model, np.ones((4, 1)), np.zeros(4)


def test_fit_with_terminate_on_nan(capsys):
    model, X, y = exploding_model()
    with np.errstate(over="ignore"):
        history = model.fit(X, y, epochs=3, batch_size=1, verbose=0, callbacks=[TerminateOnNaN()])
    assert history.epoch == [0] and history.diverged and model.stop_training
    assert capsys.readouterr().out == "Epoch 0: Invalid loss, terminating training\n"
    with np.errstate(over="ignore"), pytest.raises(RuntimeError, match="NaN or Inf loss encountered at epoch 0"):
        model.fit(X, y, epochs=3, batch_size=1, verbose=0, callbacks=[TerminateOnNaN(raise_error=True)])


def test_fit_with_a_csv_logger_writes_what_the_history_holds():
    X, y = circles(40)
    stream = io.StringIO()
    history = small_model().fit(X, y, epochs=2, verbose=0, validation_data=(X, y), callbacks=[CSVLogger(stream)])
    lines = stream.getvalue().split("\r\n")
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss" and lines[-1] == "" and len(lines) == 4
    for epoch, line in enumerate(lines[1:3]):
        cells = [float(cell) for cell in line.split(",")]
        assert cells == [epoch, *(history.history[k][epoch] for k in ("accuracy", "loss", "val_accuracy", "val_loss"))]


def test_callback_reprs():
    assert repr(EarlyStopping(patience=2)) == "EarlyStopping(monitor='val_loss', patience=2, mode='auto', min_delta=0)"
    assert repr(ReduceLROnPlateau()) == ("ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=10, cooldown=0, "
                                         "min_lr=0)")
    assert repr(TerminateOnNaN()) == "TerminateOnNaN(raise_error=False)"
    assert repr(CSVLogger("log.csv")) == "CSVLogger('log.csv', separator=',', append=False)"
    assert repr(LearningRateScheduler(round)) == "LearningRateScheduler(round)"
