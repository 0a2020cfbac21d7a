"""scalargrad's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, name="x")
>>> y = x * x + x.tanh()
>>> y.backward()
>>> round(x.grad, 6)   # 2x + 1 - tanh(x)^2
4.070651

Where things live. The engine is the package root:

* `value`: the node, `Value`, and each operation's forward rule with its local derivative;
* `backprop`: the topological order and the chain rule, in one place;
* `functions`: exp, log, sum, softmax, ... on Values or numbers;
* `scalar`: the float forward rules with their domain errors;
* `modes`: no_grad, enable_grad, detect_anomaly; `gradcheck`: central differences;
* `collector`: `cyclic_gc_paused`, for loops that build large graphs.

Built on the engine, one job per subpackage:

* `views`: `draw`, `explain` and `lesson`, which show a graph;
* `compiler`: `compile`, which traces a graph and runs it as generated code;
* `parser`: expressions such as ``"tanh(x*w + b)"`` read into Values.
"""

from autograd.backprop import grad, topological_order
from autograd.collector import cyclic_gc_paused
from autograd.compiler.trace import CompiledFunction, TracingError, compile
from autograd.functions import (
    clamp,
    cos,
    exp,
    leaky_relu,
    log,
    log_softmax,
    logsumexp,
    relu,
    sigmoid,
    sin,
    softmax,
    softplus,
    sqrt,
    sum,
    tanh,
)
from autograd.gradcheck import GradcheckError, gradcheck, numeric_gradient
from autograd.modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.value import Value
from autograd.views.draw import Graph, draw
from autograd.views.explain import Derivation, explain
from autograd.views.lesson import Lesson, lesson

__version__ = "0.1.0"

__all__ = [
    "CompiledFunction",
    "Derivation",
    "GradcheckError",
    "Graph",
    "Lesson",
    "TracingError",
    "Value",
    "__version__",
    "clamp",
    "compile",
    "cos",
    "cyclic_gc_paused",
    "detect_anomaly",
    "enable_grad",
    "draw",
    "exp",
    "explain",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "leaky_relu",
    "lesson",
    "log",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "numeric_gradient",
    "relu",
    "sigmoid",
    "sin",
    "softmax",
    "softplus",
    "sqrt",
    "sum",
    "tanh",
    "topological_order",
]
