"""The child process that lays out and renders DOT text with the Graphviz inside `pygraphviz`.

Graphviz is C code: on some graphs (a 100,000-node chain) it crashes, and on
others it runs for minutes. Running it here, in a process of its own, keeps
such a graph from taking the caller down (a Jupyter kernel, a REPL); see
`autograd.views.layout`, which starts this process, limits its time and
memory, and turns a crash into an error.

Protocol, over stdin and stdout, one request at a time: a JSON line
``{"format": "svg", "program": "dot", "length": n}`` followed by n bytes of DOT; the answer is a
JSON line ``{"length": m, "messages": [...], "error": "..."}`` followed by m
bytes of the picture. The process ends when stdin closes.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

# The fontconfig bundled with pygraphviz is older than the system's configuration
# files and warns about their newer elements, e.g. 'unknown element "reset-dirs"'.
# Fonts still load; only these lines are dropped, every other message is passed on.
_HARMLESS = re.compile(r'^Fontconfig warning: ".*", line \d+: unknown element ".*"$')


def _render(source: str, output_format: str, program: str) -> tuple[bytes, list[str], str]:
    """(picture, Graphviz's messages, error text) for one DOT text."""
    import pygraphviz

    data, rejected = b"", ""
    with graphviz_messages() as messages:
        try:
            data = pygraphviz.AGraph(string=source).draw(format=output_format, prog=program)
        except pygraphviz.DotError as error:
            rejected = str(error)
    return data, messages, rejected


@contextmanager
def graphviz_messages() -> Iterator[list[str]]:
    """Collect what Graphviz (C code, writing to file descriptor 2) prints while the block runs.

    Fontconfig's harmless complaints about configuration files newer than
    itself are dropped; the caller passes the other messages on.
    """
    messages: list[str] = []
    with tempfile.TemporaryFile() as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            yield messages
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode("utf-8", "replace").splitlines()
            messages.extend(line for line in lines if line.strip() and not _HARMLESS.match(line))


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    while True:
        header = requests.readline()
        if not header:
            return
        request = json.loads(header)
        source = requests.read(request["length"]).decode("utf-8")
        data, messages, error = _render(source, request["format"], request["program"])
        answers.write(json.dumps({"length": len(data), "messages": messages, "error": error}).encode() + b"\n")
        answers.write(data)
        answers.flush()


def main() -> None:
    """Limit this process's memory to the number of bytes given as the first argument, then serve requests."""
    if sys.platform != "win32":  # RLIMIT_AS is POSIX; elsewhere only the time limit applies
        import resource

        limit = int(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
