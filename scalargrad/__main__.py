"""``python -m scalargrad``: the same command line as the ``scalargrad`` script."""

import sys

from scalargrad.cli import main

sys.exit(main())
