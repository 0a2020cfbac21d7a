"""Run every demo in turn (what `make demo` does)."""

from demos import engine_tour

engine_tour.main()
