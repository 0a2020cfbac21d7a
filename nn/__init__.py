"""Neural networks built only from `autograd.Value`s."""

from nn import datasets, losses, optim, train
from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.teaching import spec
from nn.teaching.derive import NetworkDerivation, derive
from nn.teaching.lesson import lesson
from nn.worksheets import grade, worksheet

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "NetworkDerivation",
    "Neuron",
    "datasets",
    "derive",
    "grade",
    "lesson",
    "losses",
    "optim",
    "spec",
    "train",
    "worksheet",
]
