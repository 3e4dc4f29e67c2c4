"""What the activation guides say, as data: per-function pros and cons and the advice on where to
use what, each with the lab evidence that tests it.

The guides are the five texts in ../shared/seeds/ (docs/guide-coverage.md lists every checkable
statement of theirs; ``row`` points there). Quotes are shortened. Evidence is one of: a claim of
``actlab claims`` (``claim``; its verdict is read from a results file when the page is built), a
property checked by ``actlab check`` (``check``; the page shows the spec's value of it), a lab
monitor or the benchmarks (``monitor``/``bench``: measured, not judged), or ``none`` with why.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ADVICE", "SEEDS", "STATEMENTS", "Statement", "TOPICS", "claim_functions", "for_function"]

SEEDS = {
    "000": (
        "000_3c6bc9447ea15838.txt",
        "Mate Labs, 'Secret sauce behind the beauty of deep learning' (2017)",
    ),
    "001": ("001_06525698177372ba.txt", "compilation page 'Relu activation function example'"),
    "002": ("002_c2d098110a57230d.txt", "ML_101 notes, 'Activation function'"),
    "003": ("003_5cb0df118655b8fb.txt", "blog post on step, linear, sigmoid, tanh and ReLU (Keras-oriented)"),
    "004": ("004_d3e8efcabc1ead49.txt", "transcript of a Keras course lecture"),
}


@dataclass(frozen=True)
class Statement:
    seeds: tuple[str, ...]
    quote: str
    functions: tuple[str, ...]  # catalog names the statement is about
    stance: str  # "pro", "con", "fact" (a property stated), or an advice topic (see TOPICS)
    evidence: str  # "claim", "check", "monitor", "bench", "none"
    ref: str = ""  # claim key, or the checked property (range, derivative range, zero-centred, ...)
    row: int = 0  # row of docs/guide-coverage.md
    note: str = ""  # what the evidence does not cover, or why there is none
    task: str = ""  # output_activation's task the statement is about (binary, multi-class, regression)


TOPICS = {
    "hidden": "Hidden layers",
    "binary": "Binary classification output",
    "multi-class": "Multi-class output",
    "regression": "Regression output",
}

# in guide-coverage.md order
S = Statement
STATEMENTS: tuple[Statement, ...] = (
    S(
        ("000", "004"),
        "output is proportional to the input; f(2) = 2, f(-4) = -4",
        ("identity",),
        "fact",
        "check",
        "worked examples",
        1,
    ),
    S(
        ("000", "003"),
        "its derivative is a constant ... the descent is on a constant gradient",
        ("identity",),
        "con",
        "check",
        "derivative range",
        2,
    ),
    S(
        ("003", "004"),
        "a layer is a linear operation; activations are there to add non-linearity (stacked linear "
        "layers stay linear)",
        ("identity",),
        "con",
        "check",
        "stays linear",
        3,
    ),
    S(
        ("000",),
        "range {0 or 1}; f(2) = 1, f(-4) = 0, f(0) = 0",
        ("binary_step",),
        "fact",
        "check",
        "range",
        4,
    ),
    S(
        ("000",),
        "only useful within single-layer perceptrons, where the data is linearly separable",
        ("binary_step",),
        "con",
        "claim",
        "step_perceptron",
        5,
    ),
    S(
        ("003",),
        "can't handle multiple classes",
        ("binary_step",),
        "con",
        "claim",
        "step_multiclass",
        6,
    ),
    S(("003",), "simple to understand", ("binary_step",), "pro", "none", "", 0, "not testable"),
    S(
        ("000", "002", "004"),
        "range between 0 and 1; f(4) = 0.982, f(-3) = 0.0474",
        ("sigmoid",),
        "fact",
        "check",
        "range",
        7,
    ),
    S(
        ("000",),
        "errors are squeezed by (at least) a quarter at each layer",
        ("sigmoid",),
        "con",
        "claim",
        "sigmoid_gradient",
        8,
    ),
    S(
        ("000", "003"),
        "the network refuses to learn, or learns very slowly, after certain epochs",
        ("sigmoid",),
        "con",
        "claim",
        "sigmoid_stalls",
        9,
        "the saturated share per layer is reported beside it",
    ),
    S(
        ("000", "001"),
        "prone to saturation of the later layers, making training harder",
        ("sigmoid", "tanh"),
        "con",
        "monitor",
        "saturated share per layer",
        10,
        "measured at init and every epoch; not yet judged",
    ),
    S(
        ("002", "003"),
        "outputs are not zero-centred, which makes optimisation harder",
        ("sigmoid",),
        "con",
        "claim",
        "sigmoid_centring",
        11,
        "against sigmoid(x) - 1/2: same shape and derivative, zero-centred; the property itself is checked",
    ),
    S(("003",), "it has a smooth gradient", ("sigmoid",), "pro", "check", "smoothness", 0),
    S(
        ("000", "003"),
        "good for a classifier; used for binary classification",
        ("sigmoid",),
        "pro",
        "claim",
        "output_activation",
        29,
        task="binary",
    ),
    S(
        ("002", "003"),
        "its output is zero-centred, range [-1, 1]",
        ("tanh",),
        "pro",
        "check",
        "zero-centred",
        12,
    ),
    S(
        ("000",),
        "tanh(2) = 0.9640, tanh(-0.567) = -0.5131, tanh(0) = 0",
        ("tanh",),
        "fact",
        "check",
        "worked examples",
        13,
    ),
    S(("000",), "looks like a scaled sigmoid", ("tanh",), "fact", "check", "tanh-sigmoid identity", 14),
    S(("004",), "sigmoid and tanh are symmetric", ("tanh",), "fact", "check", "odd symmetry", 15),
    S(
        ("000",),
        "tanh converges faster than sigmoid",
        ("tanh",),
        "pro",
        "claim",
        "tanh_vs_sigmoid_speed",
        16,
    ),
    S(
        ("003",),
        "the gradient is stronger for tanh than sigmoid (steeper derivative)",
        ("tanh",),
        "pro",
        "check",
        "derivative range",
        17,
    ),
    S(
        ("003",),
        "tanh also has the vanishing gradient problem",
        ("tanh",),
        "con",
        "monitor",
        "saturated share per layer",
        10,
        "measured, not judged",
    ),
    S(("000", "002", "003"), "trains 6 times faster than tanh", ("relu",), "pro", "claim", "relu_speed", 18),
    S(
        ("000",),
        "f(-5) = 0, f(0) = 0, f(5) = 5; range [0, inf)",
        ("relu",),
        "fact",
        "check",
        "worked examples",
        19,
    ),
    S(
        ("002", "003"),
        "units can be fragile during training and can die",
        ("relu",),
        "con",
        "claim",
        "dying_relu",
        20,
    ),
    S(
        ("001",),
        "a unit that never activates initially is never adjusted",
        ("relu",),
        "con",
        "claim",
        "born_dead",
        21,
        "born dead (a full pass at initialisation) vs died later is reported beside it",
    ),
    S(
        ("002", "003"),
        "cheaper than tanh and sigmoid: a threshold at zero, no exponentials",
        ("relu",),
        "pro",
        "bench",
        "time per step (docs/benchmarks.md)",
        31,
    ),
    S(
        ("003",),
        "the range is [0, inf), so it can blow up the activation",
        ("relu",),
        "con",
        "check",
        "range",
        0,
    ),
    S(
        ("000", "003"),
        "allows a small, non-zero gradient when the unit is not active (0.01)",
        ("leaky_relu",),
        "pro",
        "check",
        "derivative range",
        22,
    ),
    S(
        ("002",),
        "reduces death during training compared with ReLU",
        ("leaky_relu",),
        "pro",
        "claim",
        "dying_relu",
        20,
        "the claim's verdict is on ReLU dying; leaky units are reported, not judged",
    ),
    S(
        ("003",),
        "leaky variants let the gradient stay non-zero and recover during training",
        ("leaky_relu",),
        "pro",
        "claim",
        "leaky_recovery",
        23,
        "stuck-negative units that recover, leaky ReLU against ReLU",
    ),
    S(
        ("000", "001"),
        "mean activations closer to zero speed up learning",
        ("elu",),
        "pro",
        "claim",
        "elu_mean",
        24,
    ),
    S(
        ("000",),
        "ELUs can reach higher classification accuracy than ReLUs",
        ("elu",),
        "pro",
        "claim",
        "elu_accuracy",
        25,
    ),
    S(
        ("000",),
        "the derivative of softplus is the logistic function",
        ("softplus",),
        "fact",
        "check",
        "derivative",
        26,
    ),
    S(
        ("000",),
        "ReLU and softplus are largely similar, except near 0",
        ("softplus",),
        "fact",
        "none",
        "",
        27,
        "not testable as stated ('largely similar' has no measure)",
    ),
    S(
        ("000",),
        "ReLU and its derivative are cheaper to compute than softplus (log and exp)",
        ("softplus",),
        "con",
        "bench",
        "time per step (docs/benchmarks.md)",
        31,
    ),
    S(
        ("000", "004"),
        "outputs between 0 and 1 that sum to 1",
        ("softmax",),
        "fact",
        "check",
        "sums to one",
        28,
    ),
    S(
        ("004",),
        "softmax as the final output for classification",
        ("softmax",),
        "pro",
        "claim",
        "output_activation",
        29,
        task="multi-class",
    ),
    S(("004",), "softsign goes between minus 1 and 1", ("softsign",), "fact", "check", "range", 32),
    S(
        ("001",),
        "swish is smooth and non-monotonic",
        ("swish", "silu"),
        "fact",
        "check",
        "smoothness, monotonic",
        33,
    ),
)

ADVICE: tuple[Statement, ...] = (
    S(
        ("000", "003"),
        "sigmoid and tanh suffer from vanishing gradients and should not be used in hidden layers; "
        "ReLUs are best for hidden layers",
        ("relu", "sigmoid", "tanh"),
        "hidden",
        "claim",
        "hidden_activation",
        30,
    ),
    S(
        ("000",),
        "if ReLU is causing neurons to be dead, use leaky ReLUs or other variants",
        ("relu", "leaky_relu"),
        "hidden",
        "claim",
        "dying_relu",
        20,
    ),
    S(
        ("000",),
        "ReLUs are faster to train",
        ("relu",),
        "hidden",
        "claim",
        "relu_speed",
        31,
        "per step: docs/benchmarks.md; in epochs: this claim",
    ),
    S(
        ("000",),
        "ELUs bring mean activations closer to zero, which speeds up learning",
        ("elu",),
        "hidden",
        "claim",
        "elu_mean",
        24,
    ),
    S(
        ("003",),
        "use another activation in the hidden layers; a step function can go in the final layer",
        ("binary_step",),
        "hidden",
        "claim",
        "step_perceptron",
        5,
    ),
    S(
        ("000", "003"),
        "sigmoid is used for binary classification",
        ("sigmoid",),
        "binary",
        "claim",
        "output_activation",
        29,
        "the binary task of the claim",
    ),
    S(
        ("004",),
        "use softmax as the final output of a multi-class classifier",
        ("softmax",),
        "multi-class",
        "claim",
        "output_activation",
        29,
        "the multi-class task of the claim",
    ),
    S(
        (),
        "a linear output for regression (the claim's reading of the guides' output advice; the guides do not "
        "say it in words)",
        ("identity",),
        "regression",
        "claim",
        "output_activation",
        29,
        "the regression task of the claim",
    ),
)
del S

# output_activation's tasks, by advice topic
TASK_OF_TOPIC = {"binary": "binary", "multi-class": "multi-class", "regression": "regression"}


def for_function(name: str) -> list[Statement]:
    return [s for s in STATEMENTS + ADVICE if name in s.functions]


def claim_functions() -> dict[str, tuple[str, ...]]:
    """Which catalog functions each claim of ``actlab claims`` exercises (for 'lab claims' per page)."""
    return {
        "relu_speed": ("relu", "tanh"),
        "sigmoid_gradient": ("sigmoid",),
        "elu_mean": ("elu", "relu"),
        "selu_fixed_point": ("selu", "relu", "tanh"),
        "he_vs_xavier": ("relu", "prelu"),
        "dying_relu": ("relu", "leaky_relu"),
        "output_activation": ("sigmoid", "softmax", "identity", "relu"),
        "tanh_vs_sigmoid_speed": ("tanh", "sigmoid"),
        "elu_accuracy": ("elu", "relu"),
        "hidden_activation": ("relu", "sigmoid", "tanh"),
        "sigmoid_stalls": ("sigmoid", "relu"),
        "step_perceptron": ("binary_step",),
        "step_multiclass": ("binary_step",),
        "sigmoid_centring": ("sigmoid",),
        "born_dead": ("relu",),
        "leaky_recovery": ("leaky_relu", "relu"),
    }
