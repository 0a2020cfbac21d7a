"""Shared pytest set-up."""

from __future__ import annotations

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
