"""Neural networks built only from `autograd.Value`s."""

from nn import losses
from nn.layers import MLP, Layer, Neuron
from nn.module import Module

__all__ = ["MLP", "Layer", "Module", "Neuron", "losses"]
