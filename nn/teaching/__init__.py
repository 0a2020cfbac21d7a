"""What `nn` writes for people: the textbook derivation of training steps, its spec files and lessons.

* `derive`: computes every number of a step with the textbook formulas and
  checks them against the engine; `records` holds them;
* `formulas`: the closed-form deltas of each loss and activation, as numbers and text;
* `render`: lays a derivation out as text, Markdown and LaTeX;
* `spec`: network spec files (JSON) for the command line;
* `lesson`: the lesson page of one training step;
* `neuron_steps`: its steps neuron by neuron, for networks too big to step node by node.
"""
