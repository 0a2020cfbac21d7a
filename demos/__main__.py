"""Run every demo in turn (what `make demo` does)."""

from demos import derivations, engine_tour, graphs, lessons
from demos import moons, pixel_digits, spiral, xor

engine_tour.main()
derivations.main()
print()
graphs.main()
print()
lessons.main()
for training_demo in (pixel_digits, xor, moons, spiral):
    print()
    training_demo.main()
