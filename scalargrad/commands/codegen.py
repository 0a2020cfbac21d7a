"""`scalargrad codegen SPEC.json`: print the straight-line forward and backward code that a network spec implies.

The spec's network (see `nn.spec`) is traced once by `autograd.compile`, with
the spec's inputs as inputs and its weights and biases as parameters (targets
are constants), and the generated source is printed: the delta rule written
out for this one network, with the textbook's names. A ``__main__`` block
with the spec's numbers follows, so ``scalargrad codegen spec.json -o step.py
&& python step.py`` runs the spec's gradient-descent steps with nothing but
that code. With ``--language js`` the same function is printed as JavaScript,
followed by a block that runs the same steps under Node
(``scalargrad codegen spec.json --language js -o step.js && node step.js``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import autograd
from scalargrad.arguments import CommandError, check_output_folder, load_spec_argument
from autograd.compiler.inert import comment, string_literal
from autograd.files import write_atomically
from autograd.value import Value
from nn.losses import LOSSES
from nn.teaching.spec import Spec
from autograd.i18n import N_, Catalog
from nn._json_files import os_reason

_ = Catalog("scalargrad")

_EXAMPLE = N_(
    """examples:
  scalargrad codegen demos/examples/yehoshua_2023_two_hidden_layers.json
  scalargrad codegen demos/examples/mazur_2015_2_2_2.json -o mazur_step.py && python mazur_step.py
  scalargrad codegen demos/examples/mazur_2015_2_2_2.json --language js -o mazur_step.js && node mazur_step.js

The spec format is the one of `scalargrad derive` (see its --help)."""
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `codegen` subcommand."""
    parser = subparsers.add_parser(
        "codegen",
        help=_("print the generated forward-and-backward Python code of a network spec"),
        description=_("Trace the network, loss and data of SPEC.json with autograd.compile and print the\n"
        "straight-line Python it generates: every weighted input z, activation a, delta and weight\n"
        "gradient as a local variable, each backward line commented with its local derivative."),
        epilog=_(_EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC.json", help=_("the spec file (see demos/examples/)"))
    parser.add_argument("--input-gradients", action="store_true", help=_("also compute ∂C/∂x for every network input"))
    parser.add_argument(
        "--language",
        choices=("python", "js", "javascript"),
        default="python",
        help=_("the language of the generated code (default python; js is the same function as JavaScript)"),
    )
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write the code to FILE instead of the terminal"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the spec and the output path, trace and generate, then print or write."""
    if args.output is not None:
        check_output_folder("-o", args.output)
    spec = load_spec_argument(args.spec)
    try:
        text = generate_script(spec, args.spec, input_gradients=args.input_gradients, language=args.language)
    except (ArithmeticError, ValueError) as error:
        raise CommandError(_("{spec}: the computation failed: {error}").format(spec=args.spec, error=error)) from None
    if args.output is None:
        print(text, end="")
        return 0
    try:
        write_atomically(Path(args.output), text.encode("utf-8"))
    except OSError as error:
        raise CommandError(_("cannot write {output}: {strerror}").format(output=args.output, strerror=os_reason(error))) from None
    print(_("wrote {output}").format(output=args.output))
    return 0


def generate_script(spec: Spec, origin: str, *, input_gradients: bool = False, language: str = "python") -> str:
    """The compiled source of the spec's loss, a header naming the spec, and a block that runs the spec's steps.

    `language` is ``'python'`` (a ``__main__`` block) or ``'js'``/``'javascript'`` (a block for Node).
    """
    model = spec.model()
    loss = LOSSES[spec.loss]

    def network_loss(inputs: list) -> Value:
        examples = inputs if spec.batch else [inputs]
        return loss([model(x) for x in examples], spec.targets, reduction=spec.reduction)

    example_inputs = spec.inputs if spec.batch else spec.inputs[0]
    parameters = model.parameters()
    compiled = autograd.compile(network_loss, example_inputs, params=parameters, input_gradients=input_gradients)
    if language in ("js", "javascript"):
        return _javascript_script(spec, origin, compiled, parameters)
    header = [
        "# " + comment(f"scalargrad codegen {origin}" + (f": {spec.name}" if spec.name else "")),
        "# " + comment(f"loss C = {spec.loss} (reduction {spec.reduction!r})")
        + " of the network's output and the spec's target(s);",
        "# forward_and_backward(inputs, params) takes flat lists of floats (in the order they are unpacked)",
        "# and returns C, ∂C/∂inputs (or None), ∂C/∂params, ().",
        "",
    ]
    main = [
        "",
        "",
        'if __name__ == "__main__":',
        "    # The spec's numbers; each step is the update w ← w − α·∂C/∂w of every parameter.",
        f"    inputs = {[x for example in spec.inputs for x in example]!r}  # example by example",
        f"    params = {[p.data for p in parameters]!r}",
        f"    names = [{', '.join(_python_text(p.name) for p in parameters)}]",
        f"    learning_rate = {spec.learning_rate!r}",
        f"    for step in range(1, {spec.steps + 1}):",
        "        loss, _, gradients, _ = forward_and_backward(inputs, params)",
        '        print(f"step {step}: C = {loss!r}")',
        "        for name, gradient in zip(names, gradients):",
        '            print(f"    ∂C/∂{name} = {gradient!r}")',
        "        params = [p - learning_rate * g for p, g in zip(params, gradients)]",
        "",
    ]
    return "\n".join(header) + compiled.source + "\n".join(main)


def _python_text(name: str | None) -> str:
    """A parameter's name as a Python literal: inert, whatever characters it holds."""
    return "None" if name is None else string_literal(name, "python")


def _javascript_script(spec: Spec, origin: str, compiled: autograd.CompiledFunction, parameters: list[Value]) -> str:
    """The JavaScript source with a header, and a block that runs the spec's steps when Node runs the file."""
    names = ", ".join(string_literal(p.name or "", "javascript") for p in parameters)
    header = [
        "// " + comment(f"scalargrad codegen {origin}" + (f": {spec.name}" if spec.name else "")),
        f"// loss C = {spec.loss} (reduction {spec.reduction!r}) of the network's output and the spec's target(s);",
        "// forward_and_backward(inputs, params) takes flat arrays of numbers (in the order they are unpacked)",
        "// and returns [C, ∂C/∂inputs (or null), ∂C/∂params, []].",
        "",
    ]
    main = [
        "",
        'if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {',
        "    // The spec's numbers; each step is the update w ← w − α·∂C/∂w of every parameter.",
        f"    const inputs = {json.dumps([x for example in spec.inputs for x in example])};  // example by example",
        f"    let params = {json.dumps([p.data for p in parameters])};",
        f"    const names = [{names}];",
        f"    const learningRate = {spec.learning_rate!r};",
        f"    for (let step = 1; step <= {spec.steps}; step++) {{",
        "        const [loss, , gradients] = forward_and_backward(inputs, params);",
        '        console.log("step " + step + ": C = " + loss);',
        '        names.forEach((name, i) => console.log("    ∂C/∂" + name + " = " + gradients[i]));',
        "        params = params.map((p, i) => p - learningRate * gradients[i]);",
        "    }",
        "}",
        "",
    ]
    return "\n".join(header) + compiled.javascript + "\n".join(main)
