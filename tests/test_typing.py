"""The packages type-check: `mypy` reports no errors in `autograd` and `nn` (they ship ``py.typed``).

Oracle: mypy itself, run as a separate process from the project root, so its
cache (``.mypy_cache``) makes repeated runs take well under a second.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy (the 'test' extra) is not installed; the type check is skipped")

ROOT = Path(__file__).resolve().parent.parent


def test_autograd_nn_and_scalargrad_have_no_mypy_errors():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "autograd", "nn", "scalargrad"],
        cwd=ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
