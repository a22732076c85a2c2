"""The lesson catalogue: each lesson is a complete Playground configuration with a goal, what to notice, a
question, and a ``claim`` about what happens with these settings (tests/ui/core/test_lessons.py trains every
lesson with nnlib and checks that the claim holds). Pure: no Streamlit here. ui/core/lessons.py reads the
lessons' URLs and the instructor's settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from ui.core import config as cfg
from ui.core.config import Config


@dataclass(frozen=True)
class Target:
    """A lesson's goal as the Playground checks it: a History curve above or below a threshold, within an
    epoch budget, while the setup keeps what the goal asks to keep ("keep six hidden layers")."""

    curve: str  # a History field: "loss", "val_loss" or "val_score"
    threshold: float
    above: bool
    within: int | None = None  # the goal must be met by this epoch
    after: int = 0  # only epochs after this one count (a goal about where training ends up)
    keeps: Callable[[Config], bool] = lambda config: True

    def reached_at(self, history, config: Config) -> int | None:
        """The first epoch at which the goal was met, or None."""
        if not self.keeps(config):
            return None
        values = getattr(history, self.curve)[: self.within]
        hits = (i for i, v in enumerate(values) if i >= self.after
                and (v > self.threshold if self.above else v < self.threshold))
        return next((history.epoch[i] for i in hits), None)


def _above(curve: str, threshold: float, **kwargs) -> Target:
    return Target(curve, threshold, above=True, **kwargs)


def _below(curve: str, threshold: float, **kwargs) -> Target:
    return Target(curve, threshold, above=False, **kwargs)


@dataclass(frozen=True)
class Lesson:
    title: str
    config: Config  # the full Playground setup the lesson opens with
    goal: str  # what to achieve by changing settings
    notice: str  # what to look at
    question: str  # something to think about
    claim: str  # what happens with these settings (checked by the tests)
    target: Target  # the goal, checked live
    solution: Config | None = None  # a setup that reaches the goal, if the lesson asks for a change

    @property
    def learner_settings(self) -> frozenset[str]:
        """The settings the goal asks the learner to change (those the solution changes): a lock leaves them free."""
        if self.solution is None:
            return frozenset()
        return frozenset(f.name for f in fields(Config)
                         if getattr(self.config, f.name) != getattr(self.solution, f.name))


def _tanh(*sizes: int) -> dict:
    return dict(layers=sizes, activations=("tanh",) * len(sizes))


_XOR = Config(dataset="xor", layers=(), activations=(), learning_rate=0.1, batch_size=10)
_SPIRAL = Config(dataset="spiral", **_tanh(4), optimizer="adam", learning_rate=0.03, batch_size=25)
_HIGH_LR = Config(dataset="plane", learning_rate=3.0)
_LOW_LR = Config(dataset="gauss", learning_rate=0.00001, batch_size=25)
_DEEP = Config(dataset="circle", layers=(8,) * 6, activations=("sigmoid",) * 6)
_ZEROS = Config(dataset="circle", layers=(4, 4), activations=("sigmoid", "sigmoid"), init="zeros",
                optimizer="adam", learning_rate=0.03, batch_size=25)
_OVERFIT = Config(dataset="circle", noise=0.25, train_pct=10, layers=(16, 16), activations=("relu", "relu"),
                  optimizer="adam", learning_rate=0.03, batch_size=10)
_SGD = Config(dataset="circle", **_tanh(8, 8), optimizer="sgd", learning_rate=0.01, batch_size=10)
_THREE = Config(dataset="spiral3", layers=(16, 16), activations=("relu", "relu"), optimizer="adam",
                learning_rate=0.03, batch_size=25)
_BUMPS = Config(dataset="multigauss", **_tanh(16, 16), optimizer="adam", learning_rate=0.03, batch_size=25)
_SQUARES = Config(dataset="circle", features=("x1sq", "x2sq"), layers=(), activations=())
_CRIPPLED = Config(dataset="circle", off=("1.2", "1.3", "1.4"))
_LINE = Config(dataset="gauss", layers=(), activations=(), learning_rate=0.1)

LESSONS: dict[str, Lesson] = {
    "xor_needs_hidden_layer": Lesson(
        title="XOR needs a hidden layer",
        config=_XOR,
        goal="Get the test accuracy above 90%.",
        notice="With no hidden layer the model draws one straight boundary, and no straight line puts both "
               "corners of one class on one side and both corners of the other class on the other. Accuracy "
               "hovers near 50%.",
        question="Why are a few hidden neurons enough? And which single input feature would solve XOR with "
                 "no hidden layer at all?",
        target=_above("val_score", 0.9),
        claim="With no hidden layer the test accuracy stays below 60% after 60 epochs; with one hidden layer "
              "of 4 tanh neurons it passes 90%.",
        solution=replace(_XOR, **_tanh(4)),
    ),
    "spiral_needs_depth": Lesson(
        title="A spiral needs depth, or better features",
        config=_SPIRAL,
        goal="Reach 85% test accuracy.",
        notice="One layer of 4 neurons splits the plane into a few smooth regions, but the two arms wind round "
               "each other more often than that. The boundary can't follow them.",
        question="More layers work, and so do the sin(X₁), sin(X₂) features. Which costs fewer weights? "
                 "Which would you trust on a spiral with more turns?",
        target=_above("val_score", 0.85),
        claim="One hidden layer of 4 stays below 70% test accuracy after 150 epochs; three layers of 8 pass 85%, "
              "and the single layer with sin(X₁), sin(X₂) added passes 90% in 100 epochs.",
        solution=replace(_SPIRAL, **_tanh(8, 8, 8)),
    ),
    "learning_rate_too_high": Lesson(
        title="Too high a learning rate blows up",
        config=_HIGH_LR,
        goal="Find the largest learning rate that still brings the test loss below 0.01.",
        notice="The loss grows instead of shrinking, then stops being a number and training halts. Every step "
               "overshoots the bottom of the valley and lands higher on the other side, and the next step "
               "overshoots even more.",
        question="On a classification set the same learning rate often just makes the loss jump about. Why does "
                 "regression with MSE blow up instead?",
        target=_below("val_loss", 0.01),
        claim="Learning rates 3 and 1 make the loss non-finite within 50 epochs; 0.3 brings the test loss below "
              "0.01 in 50 epochs.",
        solution=replace(_HIGH_LR, learning_rate=0.3),
    ),
    "learning_rate_too_low": Lesson(
        title="Too low a learning rate crawls",
        config=_LOW_LR,
        goal="Get the training loss below 0.05 within 100 epochs.",
        notice="The loss curve is flat. Each step points downhill but is so short that the weights barely "
               "move: at this rate the easiest set in the Playground would take tens of thousands of epochs.",
        question="A stuck run might have too low a learning rate or too small a model. How would you tell "
                 "which?",
        target=_below("loss", 0.05, within=100),
        claim="At learning rate 0.00001 the training loss moves by less than 1% in 50 epochs; at 0.03 it falls "
              "by more than half.",
        solution=replace(_LOW_LR, learning_rate=0.03),
    ),
    "vanishing_gradients": Lesson(
        title="Deep sigmoid networks: vanishing gradients",
        config=_DEEP,
        goal="Keep six hidden layers and get the test accuracy above 90%.",
        notice="For a long time nothing happens. A sigmoid passes back at most a quarter of the gradient it "
               "receives, so after six of them the first layers get almost nothing to learn from.",
        question="Why do ReLU and tanh keep the gradient alive through many layers where sigmoid doesn't?",
        target=_above("val_score", 0.9, keeps=lambda c: len(c.layers) == 6),
        claim="At the start, the first hidden layer's gradient norm is under a tenth of the output layer's with "
              "sigmoid, but not with ReLU.",
        solution=replace(_DEEP, activations=("relu",) * 6),
    ),
    "zero_init_symmetry": Lesson(
        title="Zero initialization: every neuron the same",
        config=_ZEROS,
        goal="Reach 95% test accuracy.",
        notice="Every neuron in a layer draws the same picture, and keeps drawing it. They start equal, so they "
               "get equal gradients and stay equal: each layer acts like a single neuron.",
        question="Would starting every weight at 0.1 instead of 0 help? What does random initialization "
                 "actually buy you?",
        target=_above("val_score", 0.95),
        claim="After 50 epochs from zero weights the neurons of each hidden layer still have identical weights "
              "(although the weights have moved); with glorot_uniform the test accuracy passes 95%.",
        solution=replace(_ZEROS, init="glorot_uniform"),
    ),
    "overfitting": Lesson(
        title="Overfitting, and how L2 reins it in",
        config=_OVERFIT,
        goal="Have the test loss below 0.5 after epoch 200, without adding data.",
        notice="The training loss falls to almost zero while the test loss climbs. With 50 noisy points and "
               "hundreds of weights, the network memorises the noise and grows bubbles around single points.",
        question="L2 and dropout both help. How does each stop the network from memorising? What happens if "
                 "you give it 50% of the data instead?",
        target=_below("val_loss", 0.5, after=200,
                      keeps=lambda c: c.samples * c.train_pct <= _OVERFIT.samples * _OVERFIT.train_pct),
        claim="Without regularization the training loss falls below 0.05 and the test loss is over 10 times "
              "higher after 200 epochs; with L2 at 0.01 the gap shrinks to under a third and the test accuracy "
              "rises.",
        solution=replace(_OVERFIT, regularization="l2", reg_rate=0.01),
    ),
    "adam_vs_sgd": Lesson(
        title="Adam against plain SGD",
        config=_SGD,
        goal="Get the training loss below 0.1 in as few epochs as you can, without touching the network.",
        notice="SGD moves every weight by the same multiple of its gradient, so a learning rate small enough "
               "to be safe is slow for all of them.",
        question="Adam scales each weight's step by how large its recent gradients were. Is it always better? "
                 "Try Adam at learning rate 1.",
        target=_below("loss", 0.1, keeps=lambda c: (c.layers, c.activations) == (_SGD.layers, _SGD.activations)),
        claim="At the same learning rate Adam brings the training loss below 0.1 within 30 epochs; SGD is still "
              "above 0.1 at epoch 30.",
        solution=replace(_SGD, optimizer="adam"),
    ),
    "multiclass_spirals": Lesson(
        title="Three classes at once",
        config=_THREE,
        goal="Keep the test accuracy above 90% with fewer neurons.",
        notice="The output layer has one softmax unit per class. Each colour shows where its class wins, and "
               "the loss is cross-entropy over all three.",
        question="With three classes, what accuracy does guessing get? So what does 60% mean here?",
        target=_above("val_score", 0.9, keeps=lambda c: sum(c.layers) < sum(_THREE.layers)),
        claim="Two hidden layers of 16 ReLU pass 90% test accuracy within 100 epochs, with a 3-unit softmax "
              "output.",
    ),
    "regression_bumps": Lesson(
        title="Regression: fitting a surface",
        config=_BUMPS,
        goal="Get the test R² above 0.8.",
        notice="There are no classes here. The output is one number from a linear unit, the loss is MSE, and "
               "the score is R²: 1 is a perfect fit, 0 is no better than predicting the average.",
        question="Why would a sigmoid output be a poor choice for targets that run from -1 to 1?",
        target=_above("val_score", 0.8),
        claim="Two hidden layers of 16 pass a test R² of 0.75 within 150 epochs; with no hidden layer the "
              "model is a flat plane and R² stays below 0.1.",
    ),
    "features_vs_depth": Lesson(
        title="Features against depth",
        config=_SQUARES,
        goal="Stay above 95% test accuracy with no hidden layer.",
        notice="With X₁² and X₂² as inputs the circle becomes a straight line: x1² + x2² < r² is linear in the "
               "squares. Three weights do what otherwise takes a hidden layer.",
        question="Which features would let you drop the hidden layer for XOR? Is there one for the spiral?",
        target=_above("val_score", 0.95, keeps=lambda c: not c.layers),
        claim="With X₁², X₂² and no hidden layer the test accuracy passes 95% within 30 epochs; with X₁, X₂ "
              "and no hidden layer it stays below 70%.",
    ),
    "neurons_that_carry_the_decision": Lesson(
        title="Which neurons carry the decision",
        config=_CRIPPLED,
        goal="Pass 90% test accuracy with at least one neuron still switched off.",
        notice="Three of the first layer's four neurons are switched off (greyed: their output is held at 0). "
               "One tanh neuron draws one straight line, so the network can only cut the plane in bands, and "
               "no band holds the disc. Shift-click a grey neuron (or use the Neuron tab) to switch it back on.",
        question="Each first-layer neuron draws one edge of the boundary. How many edges does a closed shape "
                 "need? Once it has learned, switch one neuron off at a time: which one does the loss miss most?",
        target=_above("val_score", 0.9, keeps=lambda c: len(c.off) >= 1),
        claim="With one first-layer neuron on the test accuracy stays below 65% after 100 epochs, with two on "
              "below 85%; with three on it passes 95% within 100 epochs.",
        solution=replace(_CRIPPLED, off=("1.4",)),
    ),
    "draw_what_a_line_cannot_split": Lesson(
        title="Draw what a line cannot split",
        config=_LINE,
        goal="Draw a set this network cannot learn, then change the network until it passes 90% test accuracy "
             "on your drawing.",
        notice="With no hidden layer the boundary is one straight line. Pick a class beside the plane and draw "
               "(∅ starts from an empty plane): two blobs of each class on opposite corners, a ring round a "
               "core, a stripe. Watch the accuracy stall, then add a hidden layer with + above the diagram: "
               "the run keeps training on your points.",
        question="What is the smallest network that learns your drawing? Could a feature such as X₁X₂ do it "
                 "with no hidden layer at all?",
        target=_above("val_score", 0.9, keeps=lambda c: c.dataset == cfg.UPLOAD and  # on a drawing, with
                      (c.layers != _LINE.layers or c.features != _LINE.features)),  # a network that changed
        claim="On a drawn XOR (four clusters) no hidden layer stays below 70% test accuracy after 100 epochs; one "
              "hidden layer of 4 tanh neurons passes 90% within 200 epochs.",
    ),
}
