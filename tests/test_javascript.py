"""The JavaScript target of the code generator: the engine's numbers, from the same statements, run in Chromium.

Oracle: the eager engine (``Value.backward``) on the same random graphs
(`graph_strategies`: every operation of the README's table, reused nodes,
diamonds, constants on both sides), and the Python target for the shape of
the code. The generated scripts run in one Chromium page (Playwright driving
Debian's /usr/bin/chromium), loaded once for the whole module.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from autograd.compiler import codegen, javascript
from graph_strategies import engine_leaves, engine_output, for_every_operation, recipes
from nn.losses import LOSSES
from nn.teaching.spec import load_spec
from scalargrad.cli import main
from tests.spec_engine import engine_run

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"

# Runs a generated script and calls its function; what it throws comes back as {"error": message}.
RUN = """([source, inputs, params]) => {
  try {
    const run = new Function(source + "\\nreturn forward_and_backward;")();
    return run(inputs, params);
  } catch (error) {
    return {error: error.constructor.name + ": " + error.message};
  }
}"""

HOSTILE = 'a\nglobalThis.pwned = 1; //\r\u2028globalThis.pwned = 2;\u2029"\'\\ </script><script>globalThis.pwned = 3</script>'
"""User text that would run code or end the script if it were pasted into JavaScript unescaped."""


@pytest.fixture(scope="module")
def page(chromium: Any) -> Iterator[Any]:
    opened = chromium.new_page()
    opened.set_content("<!DOCTYPE html><title>generated JavaScript</title>")
    yield opened
    opened.close()


def run_in_browser(page: Any, source: str, inputs: list[float], params: list[float] = ()) -> Any:
    return page.evaluate(RUN, [source, list(inputs), list(params)])


def assert_same_number(actual: float, expected: float, what: str) -> None:
    assert math.isclose(actual, expected, rel_tol=1e-12, abs_tol=0.0), f"{what}: JavaScript {actual!r}, engine {expected!r}"


@for_every_operation
@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_javascript_gives_the_engines_value_and_gradients(op: str, data: st.DataObject, page: Any) -> None:
    """23 operations × 10 graphs of up to 8 steps: value and every input gradient within 1e-12 relative."""
    recipe = data.draw(recipes(required=op, max_steps=8))
    leaves = engine_leaves(recipe)
    output = engine_output(recipe, leaves)
    output.backward()
    source = codegen.generate(output, leaves, language="javascript").source
    value, gradients, parameter_gradients, extra = run_in_browser(page, source, list(recipe.inputs))
    assert_same_number(value, output.data, "value")
    for leaf, gradient in zip(leaves, gradients, strict=True):
        assert_same_number(gradient, leaf.grad, f"∂out/∂{leaf.name}")
    assert parameter_gradients == [] and extra == []


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(recipe=recipes(max_steps=8))
def test_report_gives_every_value_gradient_and_local_derivative_the_engine_records(recipe: Any, page: Any) -> None:
    """report=: the values, gradients and per-edge local derivatives of explain's records, in both languages."""
    leaves = engine_leaves(recipe)
    output = engine_output(recipe, leaves)
    derivation = autograd.explain(output)
    order = autograd.topological_order(output)
    all_leaves = [node for node in order if not node.parents]
    numbers = [leaf.data for leaf in all_leaves]
    python = codegen.generate(output, all_leaves, report=order).source
    namespace: dict = {}
    exec(python, namespace)
    script = codegen.generate(output, all_leaves, language="javascript", report=order).source
    for where, result in (
        ("Python", namespace["forward_and_backward"](numbers, [])),
        ("JavaScript", run_in_browser(page, script, numbers)),
    ):
        values, gradients, locals_ = result[4], result[5], result[6]
        for node, value, gradient in zip(order, values, gradients, strict=True):
            label = derivation.label(node)
            assert_same_number(value, node.data, f"{where} value of {label}")
            assert_same_number(gradient, derivation.gradient(node), f"{where} gradient of {label}")
        edges = derivation.edges()
        assert len(locals_) == len(edges)
        for local, edge in zip(locals_, edges):
            assert_same_number(local, edge.local, f"{where} ∂{edge.node}/∂{edge.parent}")


def code_shape(source: str, comment_start: str) -> list[tuple[str, str]]:
    """(assigned name, comment) of every statement of the generated function, whatever the language."""
    shape = []
    for line in source.splitlines():
        match = re.match(rf"\s*(?:let )?(\w+) = [^\n]*?(?:  {re.escape(comment_start)} (.*))?$", line)
        if match:
            shape.append((match[1], match[2] or ""))
    return shape


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(recipe=recipes(max_steps=8))
def test_both_languages_have_the_same_statements_names_and_rule_comments(recipe: Any) -> None:
    leaves = engine_leaves(recipe)
    output = engine_output(recipe, leaves)
    python = codegen.generate(output, leaves).source
    script = codegen.generate(output, leaves, language="js").source
    function = script[script.index("function forward_and_backward") :]
    assert code_shape(function, "//") == code_shape(python, "#")
    assert len(code_shape(python, "#")) >= len(recipe.steps) // 2


def test_a_network_reads_like_the_delta_rule_in_javascript() -> None:
    spec = load_spec(EXAMPLES / "yehoshua_2023_two_hidden_layers.json")
    model = spec.model()
    loss = LOSSES[spec.loss]([model(x) for x in spec.inputs], spec.targets, reduction=spec.reduction)
    x = [Value(v, name=f"x_{j}") for j, v in enumerate(spec.inputs[0], start=1)]
    loss = LOSSES[spec.loss]([model(x)], spec.targets, reduction=spec.reduction)
    lines = [line.strip() for line in codegen.generate(loss, x, model.parameters(), language="js").source.splitlines()]
    assert "let z1_1 = w1_11 * x_1 + w1_12 * x_2 + b1_1;" in lines
    assert "let grad_w3_11 = delta3_1 * a2_1;  // ∂(a·b)/∂a = b" in lines


def test_compiled_function_offers_its_javascript(page: Any) -> None:
    weight = Value(0.5, name="w")
    compiled = autograd.compile(lambda x: (x[0] * weight).tanh() + x[1].log(), [1.0, 2.0], params=[weight])
    weight.data = -2.0  # a new parameter value: both versions read it as an argument
    value, input_gradients, parameter_gradients, _ = run_in_browser(page, compiled.javascript, [0.3, 4.0], [-2.0])
    expected_value, expected_gradients = compiled([0.3, 4.0])
    assert_same_number(value, expected_value, "value")
    for actual, expected in zip(input_gradients, expected_gradients, strict=True):
        assert_same_number(actual, expected, "input gradient")
    tanh = math.tanh(0.3 * -2.0)
    assert_same_number(parameter_gradients[0], (1 - tanh * tanh) * 0.3, "∂/∂w (by hand)")


@pytest.mark.parametrize(
    "build, inputs, message",
    [
        (lambda x: x.log(), [-2.0], "RangeError: log is defined only for positive numbers, got -2"),
        (lambda x: x.sqrt(), [-1.0], "RangeError: sqrt is defined only for numbers >= 0, got -1"),
        (lambda x: x ** Value(2.0), [-3.0], "RangeError: a Value exponent needs a positive base, got base -3"),
        (lambda x: x**0.5, [-4.0], "RangeError: -4 ** 0.5 is not a real number"),
        (lambda x: x.exp(), [800.0], "RangeError: exp(800) is too large for a float"),
    ],
    ids=["log", "sqrt", "value-exponent", "power", "exp"],
)
def test_out_of_domain_inputs_throw_the_engines_message(page: Any, build: Any, inputs: list, message: str) -> None:
    x = Value(1.0, name="x")
    source = codegen.generate(build(x), [x], language="javascript").source
    result = run_in_browser(page, source, inputs)
    assert message in result["error"]


def test_names_that_are_javascript_words_get_an_underscore_in_both_languages(page: Any) -> None:
    this, new = Value(2.0, name="this"), Value(3.0, name="new")
    math_node = this * new
    math_node.name = "Math"
    output = math_node.exp() + this
    python = codegen.generate(output, [this, new]).source
    script = codegen.generate(output, [this, new], language="javascript").source
    assert "this_, new_ = inputs" in python and "let [this_, new_] = inputs;" in script
    value, gradients, _, _ = run_in_browser(page, script, [2.0, 3.0])
    assert_same_number(value, math.exp(6.0) + 2.0, "value")
    assert_same_number(gradients[0], 3.0 * math.exp(6.0) + 1.0, "∂/∂this")


def test_user_text_stays_a_comment_in_generated_javascript(page: Any) -> None:
    def fn(x: list) -> Value:
        return x[0] * x[0]

    fn.__name__ = HOSTILE
    compiled = autograd.compile(fn, [3.0])
    source = compiled.javascript
    assert source.splitlines()[0].startswith("// Forward and backward pass of a\\x0aglobalThis.pwned = 1;")
    for line in source.splitlines():
        assert not line.lstrip().startswith("globalThis"), line
    assert not any(separator in source for separator in "\r\u2028\u2029")
    result = page.evaluate(
        "([source]) => { globalThis.pwned = 0; const f = new Function(source + '\\nreturn forward_and_backward;')();"
        " return [f([3], []), globalThis.pwned]; }",
        [source],
    )
    assert result == [[9.0, [6.0], [], []], 0]


def test_user_text_stays_a_string_in_generated_python() -> None:
    """The Python target's docstring is a string literal of the name: a quote in it cannot end it."""

    def fn(x: list) -> Value:
        return x[0] * x[0]

    fn.__name__ = HOSTILE + '"""; pwned = True; """'
    compiled = autograd.compile(fn, [3.0])
    namespace: dict = {}
    exec(compiled.source, namespace)
    assert "pwned" not in namespace
    assert HOSTILE in namespace["forward_and_backward"].__doc__
    assert compiled([2.0]) == (4.0, [4.0])


@pytest.mark.parametrize("text", ["line\nbreak", "carriage\rreturn", "sep\u2028arator", 'quote"s\'', "back\\slash", "</script>"])
def test_string_literals_of_user_text_evaluate_to_the_text(page: Any, text: str) -> None:
    literal = javascript_literal(text)
    assert literal.isascii() and "\n" not in literal
    assert page.evaluate(f"() => {literal}") == text


def javascript_literal(text: str) -> str:
    from autograd.compiler.inert import string_literal

    return string_literal(text, "javascript")


@pytest.mark.parametrize("spec_file", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_cli_javascript_computes_the_engines_loss_and_gradients(
    spec_file: Path, page: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codegen", str(spec_file), "--language", "js"]) == 0
    script = capsys.readouterr().out
    engine = engine_run(spec_file)
    value, input_gradients, gradients, _ = run_in_browser(page, script, engine.inputs, engine.parameters)
    assert input_gradients is None
    assert_same_number(value, engine.loss, "C")
    for name, gradient, expected in zip(engine.names, gradients, engine.gradients, strict=True):
        assert_same_number(gradient, expected, f"∂C/∂{name}")


def test_cli_javascript_header_keeps_a_hostile_spec_name_in_its_comment(
    tmp_path: Path, page: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = json.loads((EXAMPLES / "mazur_2015_2_2_2.json").read_text(encoding="utf-8"))
    spec["name"] = HOSTILE
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert main(["codegen", str(path), "--language", "js"]) == 0
    script = capsys.readouterr().out
    assert script.splitlines()[0].startswith("// scalargrad codegen")
    assert "globalThis.pwned" in script.splitlines()[0]  # kept, as text, inside the first comment line
    pwned = page.evaluate("([s]) => { globalThis.pwned = 0; new Function(s)(); return globalThis.pwned; }", [script])
    assert pwned == 0


def test_only_the_helpers_a_function_calls_are_written() -> None:
    x = Value(2.0, name="x")
    script = codegen.generate((x * x).sigmoid(), [x], language="javascript").source
    assert "function _sigmoid" in script
    assert "function _log" not in script and "_exp" not in script
    assert javascript.helper_definitions("return _logsumexp([a, b]);")[0].startswith("function _fsum")


@pytest.mark.parametrize(
    "left_to_right, expected", [(True, 0.0), (False, 1.0)], ids=["python-3.11", "python-3.12-compensated"]
)
def test_the_sum_helper_adds_as_the_generating_pythons_builtins_sum(page: Any, left_to_right: bool, expected: float) -> None:
    """1e16 + 1 − 1e16: one addition after another loses the 1 (Python ≤ 3.11); Neumaier's sum keeps it (3.12+)."""
    helpers = "\n".join(javascript.helper_definitions("_sum([])", left_to_right))
    assert page.evaluate(f"() => {{ {helpers}\n return _sum([1e16, 1.0, -1e16]); }}") == expected
    assert 1e16 + 1.0 - 1e16 == 0.0 and math.fsum([1e16, 1.0, -1e16]) == 1.0  # the two behaviours, in Python


def test_the_fsum_helper_is_exact_as_math_fsum(page: Any) -> None:
    helpers = "\n".join(javascript.helper_definitions("_logsumexp([])"))
    cases = [[1e100, 1.0, -1e100], [0.1] * 10, [1e-16, 1.0, 1e-16, -1.0]]
    for xs in cases:
        assert page.evaluate(f"(xs) => {{ {helpers}\n return _fsum(xs); }}", xs) == math.fsum(xs)


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    x = Value(2.0, name="x")
    with pytest.raises(ValueError, match="unknown language 'rust'.*'python', 'javascript'"):
        codegen.generate(x * x, [x], language="rust")
