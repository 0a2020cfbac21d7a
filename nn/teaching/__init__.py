"""What `nn` writes for people: the textbook derivation of training steps, its spec files and lessons.

* `derive`: computes every number of a step with the textbook formulas and
  checks them against the engine; `records` holds them;
* `formulas`: the closed-form deltas of each loss and activation, as numbers and text;
* `render`: lays a derivation out as text, Markdown and LaTeX, from the pieces of `blocks`;
* `optimizer_steps`: the update rules of `nn.optim` written out with their state;
* `regime_blocks`: the blocks of training regimes (the batch as a table, the
  optimizer's update, the forward pass after it, the loss over the steps);
* `matrix_form`: the step with W[l], δ[l] and a row per example;
* `notation_options`: a textbook's conventions (layers from 1, η, E, w_jk);
* `loss_curves`: the loss over the steps as a plot, and learning rates compared;
* `spec`: network spec files (JSON) for the command line;
* `lesson`: the lesson page of one training step;
* `neuron_steps`: its steps neuron by neuron, for networks too big to step node by node.
"""
