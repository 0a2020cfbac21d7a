"""The `scalargrad` command line: the one package that uses both the engine (`autograd`) and `nn`.

Run it as ``scalargrad COMMAND ...`` or ``python -m scalargrad COMMAND ...``;
`scalargrad.cli` assembles the subcommands of `scalargrad.commands`.
"""
