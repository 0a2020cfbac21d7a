"""Data shipped with the package: the 3×4-pixel digit images of seed 004 (`nn.datasets.pixel_digits`)."""
