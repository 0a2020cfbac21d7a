"""Views of a computation graph, built on the engine and changing nothing in it.

* `draw`: the graph as a Graphviz picture (SVG, PNG, PDF, DOT);
* `explain`: the forward pass and every chain-rule step as text, Markdown,
  LaTeX or data, recorded from `autograd.backprop.propagate`;
* `lesson`: a self-contained HTML page that steps through both;
* `live`: what makes that page live: its numbers as templates, its pass as generated JavaScript;
* `latex`: the LaTeX forms of names and formulas that `explain` and `nn` share;
* `plot`: line plots over steps, rendered by Graphviz (no matplotlib);
* `descend`: gradient descent on an expression, iterate by iterate.
"""
