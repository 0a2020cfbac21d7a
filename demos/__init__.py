"""Runnable demonstrations; `python -m demos` (or `make demo`) runs them all in order."""
