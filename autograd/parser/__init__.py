"""Reading expressions such as ``"tanh(x*w + b)"`` into graphs of Values, without `eval`."""
