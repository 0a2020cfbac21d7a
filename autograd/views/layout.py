"""Graphviz layout in a child process, with a time and a memory limit, so that no graph can take the caller down.

`render(source, output_format, program)` sends DOT text to one long-lived worker
process (`autograd.views.layout_worker`), started on first use and reused, so
that only the first picture pays for starting it. If Graphviz crashes in
there (a segmentation fault on a huge chain), runs out of its memory limit, or
takes longer than the time limit, the worker is ended and `render` raises
`LayoutError` saying what happened; the next picture starts a fresh worker.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

TIME_LIMIT_SECONDS = 120.0
"""Longest a layout may take (a 3,000-node chain takes about a minute)."""

MEMORY_LIMIT_BYTES = 4 * 1024**3
"""Address space the worker may use (Graphviz included)."""

_WORKER_COMMAND = [sys.executable, "-m", "autograd.views.layout_worker"]
"""How the worker is started; its one argument is the memory limit in bytes."""


_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
"""The folder that holds the `autograd` package."""


class LayoutError(RuntimeError):
    """Graphviz could not lay out the graph: it crashed, ran out of memory or time, or refused the DOT text."""


class _Worker:
    """The one worker process, its pipes, and the lock that gives it one request at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None

    def render(self, source: str, output_format: str, program: str) -> bytes:
        with self.lock:
            process = self.process if self.process is not None and self.process.poll() is None else self._start()
            stdin, stdout = _pipes(process)
            payload = source.encode("utf-8")
            try:
                request = {"format": output_format, "program": program, "length": len(payload)}
                stdin.write(json.dumps(request).encode() + b"\n" + payload)
                stdin.flush()
                header = _read_line(stdout, time.monotonic() + TIME_LIMIT_SECONDS)
                if header is None:
                    raise self._failure(process, timed_out=True)
                if not header:
                    raise self._failure(process, timed_out=False)
                answer = json.loads(header)
                data = _read_exactly(stdout, answer["length"])
            except (BrokenPipeError, ConnectionError):
                raise self._failure(process, timed_out=False) from None
        messages: list[str] = answer["messages"]
        if messages:
            print("\n".join(messages), file=sys.stderr)
        if not data or any(message.startswith("Error") for message in messages):
            details = " ".join(messages) or answer["error"] or "no output"
            raise LayoutError(f"Graphviz could not render the graph ({details}); please report this as a bug")
        return data

    def _start(self) -> subprocess.Popen[bytes]:
        environment = dict(os.environ)  # the worker imports this very package, installed or not
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, environment.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [*_WORKER_COMMAND, str(MEMORY_LIMIT_BYTES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # the worker's own failures (a Python traceback in there) reach the caller's stderr
            env=environment,
        )
        return self.process

    def _failure(self, process: subprocess.Popen[bytes], timed_out: bool) -> LayoutError:
        """End the worker and describe why it gave no picture."""
        process.kill()
        code = process.wait()
        self.process = None
        advice = "draw fewer nodes (a smaller max_nodes, or collapse=True for a network) or save the .dot text instead"
        if timed_out:
            return LayoutError(f"Graphviz took longer than {TIME_LIMIT_SECONDS:g} s to lay out the graph; {advice}")
        if code < 0:
            try:
                reason = signal.Signals(-code).name
            except ValueError:
                reason = f"signal {-code}"
            return LayoutError(f"Graphviz crashed ({reason}) while laying out the graph; {advice}")
        return LayoutError(
            f"Graphviz stopped (exit code {code}) while laying out the graph, probably out of its memory limit "
            f"of {MEMORY_LIMIT_BYTES // 1024**2} MiB; {advice}"
        )

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    assert process.stdin is not None and process.stdout is not None  # started with both pipes
    return process.stdin, process.stdout


def _read_line(stream: IO[bytes], deadline: float) -> bytes | None:
    """The next line of `stream` (b"" at its end), or None if none arrives before `deadline`."""
    descriptor, line = stream.fileno(), b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
            return None
        chunk = os.read(descriptor, 1)
        if not chunk:
            return b""
        line += chunk
    return line


def _read_exactly(stream: IO[Any], length: int) -> bytes:
    descriptor, parts, received = stream.fileno(), [], 0
    while received < length:
        chunk = os.read(descriptor, min(1 << 20, length - received))
        if not chunk:
            raise ConnectionError("the layout worker ended in the middle of its answer")
        parts.append(chunk)
        received += len(chunk)
    return b"".join(parts)


_WORKER = _Worker()
atexit.register(_WORKER.close)


PROGRAMS = ("dot", "neato")
"""The Graphviz layout programs: ranked graphs, and pictures whose positions are given (plots)."""


def render(source: str, output_format: str, program: str = "dot") -> bytes:
    """Lay out with `program` and render DOT text in the worker process.

    Raises `LayoutError` if Graphviz crashes, overruns its limits or refuses the text.
    """
    if program not in PROGRAMS:
        raise ValueError(f"the layout program must be one of {', '.join(map(repr, PROGRAMS))}, got {program!r}")
    return _WORKER.render(source, output_format, program)
