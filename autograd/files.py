"""Writing output files so that an error never leaves a half-written one behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it over `target` in one step.

    A file that already exists keeps its permissions; a new one gets 0o644.
    On any error the temporary file is removed and `target` is left as it was.
    A target that exists but is no regular file (a device such as /dev/full, a
    FIFO, a folder) is refused: renaming over it would replace it.
    """
    if target.exists() and not target.is_file():
        raise FileExistsError(f"{target} exists and is not a regular file (a folder, device or FIFO); give a file path")
    directory = target.parent
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
