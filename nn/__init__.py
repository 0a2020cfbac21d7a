"""Neural networks built only from `autograd.Value`s."""

from nn import datasets, losses, optim, train
from nn.derive import NetworkDerivation, derive
from nn.layers import MLP, Layer, Neuron
from nn.lesson import lesson
from nn.module import Module

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "NetworkDerivation",
    "Neuron",
    "datasets",
    "derive",
    "lesson",
    "losses",
    "optim",
    "train",
]
