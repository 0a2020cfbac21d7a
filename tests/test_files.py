"""`write_atomically` replaces a file in one step, and never replaces what is not a regular file.

Oracle: the file system itself (stat) after the call.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from autograd.files import write_atomically
from scalargrad.cli import main

SEED001 = Path(__file__).resolve().parent.parent / "demos" / "examples" / "yehoshua_2023_two_hidden_layers.json"


def test_a_fifo_target_is_refused_and_left_a_fifo(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    os.mkfifo(target)
    with pytest.raises(FileExistsError, match="is not a regular file"):
        write_atomically(target, b"{}")
    assert stat.S_ISFIFO(target.stat().st_mode)
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]


def test_an_existing_file_is_replaced_with_its_permissions_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [["codegen", str(SEED001)], ["derive", str(SEED001)]])
def test_the_command_line_will_not_write_over_a_fifo(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    os.mkfifo(target)
    assert main([*command, "-o", str(target)]) == 2
    assert "is not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(target.stat().st_mode)
