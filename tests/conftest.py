"""Shared pytest set-up."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def chromium_flags() -> list[str]:
    """The flags the browser tests start Chromium with: no sandbox or GPU (containers, CI), no network, no first run."""
    return [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium(chromium_flags: list[str]) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser is downloaded); skips, saying why, where either is absent.

    One per test module: Playwright's sync API allows one running instance, and other modules start their own.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian: apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is absent; install the test extra: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=chromium_flags)
        yield browser
        browser.close()


@pytest.fixture
def compile_latex(tmp_path: Path) -> Callable[[str], Path]:
    """A function that compiles a LaTeX document with pdflatex, fails the test on any error, and returns the PDF.

    The log lies next to the PDF (``d.log``). Skips (with the reason printed)
    where pdflatex is absent; CI installs it.
    """
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed here (CI installs it); the balanced-ASCII and math-parse tests stand in")

    def compile_document(document: str) -> Path:
        (tmp_path / "d.tex").write_text(document)
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]
        return tmp_path / "d.pdf"

    return compile_document
