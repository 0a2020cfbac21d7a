"""The built wheel, installed into a fresh virtual environment, carries every package and data file it needs.

This runs what a user of ``pip install scalargrad`` runs, from the wheel and
not from this checkout: the command line, a lesson (which needs the HTML
template), and the pixel-digits data set (a JSON file in `nn.data`).
"""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode != 0 and "Could not find a version that satisfies" in built.stderr:
        pytest.skip(f"the build backend could not be fetched from PyPI: {built.stderr.strip()[-300:]}")
    assert built.returncode == 0, built.stderr
    (path,) = folder.glob("scalargrad-*.whl")
    return path


def test_the_wheel_holds_every_package_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {name.rsplit("/", 1)[0] for name in names if name.endswith("/__init__.py")}
    on_disk = {
        str(init.parent.relative_to(ROOT))
        for package in ("autograd", "nn", "scalargrad")
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert packages == on_disk
    assert {
        "autograd/views/lesson_template.html",
        "nn/data/pixel_digits.json",
        "autograd/py.typed",
        "nn/py.typed",
        *(
            f"{package}/locale/zh_CN/LC_MESSAGES/scalargrad.{suffix}"
            for package in ("autograd", "nn", "scalargrad")
            for suffix in ("po", "mo")
        ),
    } <= names
    assert not any(name.startswith(("tests/", "demos/", "benchmarks/")) for name in names)


def test_the_installed_wheel_runs_the_command_line_and_a_lesson(wheel: Path, tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True, timeout=900
    )
    assert installed.returncode == 0, installed.stderr
    outside = tmp_path / "elsewhere"  # not the checkout, so nothing is imported from it by accident
    outside.mkdir()

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(arguments, cwd=outside, capture_output=True, text=True, timeout=300)

    where = run(str(python), "-c", "import autograd, nn, scalargrad; print(autograd.__file__)")
    assert where.returncode == 0, where.stderr
    assert str(environment) in where.stdout and str(ROOT) not in where.stdout

    for command in ([str(environment / "bin" / "scalargrad"), "--help"], [str(python), "-m", "scalargrad", "--help"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr
        assert "lesson" in result.stdout and "derive" in result.stdout

    page = outside / "neuron.html"
    lesson = run(
        str(environment / "bin" / "scalargrad"), "lesson", "tanh(x*w + b)", "--var", "x=2", "--var", "w=-3",
        "--var", "b=6.88", "-o", str(page),
    )  # fmt: skip
    assert lesson.returncode == 0, lesson.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    chinese = run(str(environment / "bin" / "scalargrad"), "--lang", "zh", "--help")  # the catalogs were installed
    assert chinese.returncode == 0, chinese.stderr
    assert "用法" in chinese.stdout and "反向传播" in chinese.stdout

    digits = run(str(python), "-c", "import nn; print(len(nn.datasets.pixel_digits()[0]))")
    assert digits.returncode == 0, digits.stderr
    assert int(digits.stdout) > 0
