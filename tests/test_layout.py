"""Graphviz runs in a child process: its crash, runaway or memory blow-up is an error here, never the end of us.

The failures are made real: a worker that dies of SIGSEGV as Graphviz does on a
huge chain, one that never answers, and the real worker under a memory limit
too small to run it.
"""

from __future__ import annotations

import sys

import pytest

from autograd import Value, draw
from autograd.views import layout
from autograd.views.layout import LayoutError

READ_REQUEST = "import sys; sys.stdin.buffer.readline(); "


@pytest.fixture
def fresh_worker(monkeypatch: pytest.MonkeyPatch) -> layout._Worker:
    """A worker of this test's own, so the shared one is neither used nor disturbed."""
    worker = layout._Worker()
    monkeypatch.setattr(layout, "_WORKER", worker)
    yield worker
    worker.close()


def small_graph():  # type: ignore[no-untyped-def]
    x = Value(2.0, name="x")
    return draw(x * x + 1.0)


def test_a_graphviz_crash_is_a_layout_error_and_the_next_picture_works(
    fresh_worker: layout._Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashing = [sys.executable, "-c", READ_REQUEST + "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
    monkeypatch.setattr(layout, "_WORKER_COMMAND", crashing)
    with pytest.raises(LayoutError, match=r"Graphviz crashed \(SIGSEGV\).*max_nodes"):
        small_graph().svg()
    assert fresh_worker.process is None
    monkeypatch.undo()
    monkeypatch.setattr(layout, "_WORKER", fresh_worker)
    assert small_graph().svg().lstrip().startswith("<?xml")


def test_a_layout_that_runs_past_the_time_limit_is_stopped(
    fresh_worker: layout._Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(layout, "_WORKER_COMMAND", [sys.executable, "-c", READ_REQUEST + "import time; time.sleep(600)"])
    monkeypatch.setattr(layout, "TIME_LIMIT_SECONDS", 1.0)
    with pytest.raises(LayoutError, match="took longer than 1 s"):
        small_graph().svg()
    assert fresh_worker.process is None  # killed, not left running


def test_the_worker_runs_under_the_memory_limit(fresh_worker: layout._Worker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "MEMORY_LIMIT_BYTES", 20 * 1024**2)  # too little even to start Python and Graphviz
    with pytest.raises(LayoutError, match=r"memory limit of 20 MiB|crashed"):  # how it dies depends on the allocator
        small_graph().svg()


def test_pictures_are_rendered_by_one_reused_worker(fresh_worker: layout._Worker) -> None:
    small_graph().svg()
    first = fresh_worker.process
    small_graph().svg()
    assert first is not None and fresh_worker.process is first and first.poll() is None


def test_the_command_line_turns_a_graphviz_crash_into_exit_code_2(
    fresh_worker: layout._Worker, monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    from scalargrad.cli import main

    crashing = [sys.executable, "-c", READ_REQUEST + "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
    monkeypatch.setattr(layout, "_WORKER_COMMAND", crashing)
    assert main(["graph", "x*x", "--var", "x=2", "-o", str(tmp_path / "g.svg")]) == 2
    assert "Graphviz crashed (SIGSEGV)" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
