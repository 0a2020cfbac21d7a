"""The subcommands of `scalargrad`, one module each, each defining ``register(subparsers)``."""
