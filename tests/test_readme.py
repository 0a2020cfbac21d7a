"""The README's REPL examples are run as doctests, so what a newcomer pastes gives what the README shows.

README.zh.md, the README in Chinese, carries the same code examples (a test compares them) and they run too.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_ZH = ROOT / "README.zh.md"


def code_blocks(readme: Path) -> list[str]:
    """Every fenced code block of a README, with its language, in order."""
    return re.findall(r"^```\w*\n.*?^```", readme.read_text(encoding="utf-8"), re.S | re.M)


def python_blocks_with_prompts(readme: Path = README) -> list[tuple[int, str]]:
    """(line number, text) of each ```python block of the README that holds `>>>` examples."""
    text = readme.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
        if ">>>" in match.group(1):
            blocks.append((text.count("\n", 0, match.start()) + 2, match.group(1)))
    return blocks


def with_blank_lines_marked(block: str) -> str:
    """Doctest ends an expected output at a blank line; a blank line between two output lines is part of it.

    The README shows such output as it prints (see `explain`), so the marker
    doctest needs, ``<BLANKLINE>``, is put in here rather than in the README.
    """
    lines = block.split("\n")
    for i in range(1, len(lines) - 1):
        before, after = lines[i - 1], lines[i + 1]
        if not lines[i].strip() and before.strip() and after.strip() and not after.startswith(">>>"):
            lines[i] = "<BLANKLINE>"
    return "\n".join(lines)


def test_the_readme_has_repl_examples() -> None:
    assert len(python_blocks_with_prompts()) >= 5


def test_the_chinese_readme_carries_the_same_code_examples_and_each_links_the_other() -> None:
    assert code_blocks(README_ZH) == code_blocks(README), "README.zh.md must carry README.md's code blocks, in order"
    assert "(README.zh.md)" in README.read_text(encoding="utf-8")
    assert "(README.md)" in README_ZH.read_text(encoding="utf-8")


@pytest.mark.parametrize("readme", [README, README_ZH], ids=lambda path: path.name)
def test_every_readme_repl_example_gives_the_output_shown(readme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples name files such as demos/examples/*.json
    monkeypatch.delenv("SCALARGRAD_LANG", raising=False)  # the examples show the default, English
    globs: dict[str, object] = {}  # shared, as in one REPL session read top to bottom
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for line, block in python_blocks_with_prompts(readme):
        name = f"{readme.name} block at line {line}"
        test = parser.get_doctest(with_blank_lines_marked(block), globs, name, str(readme), line)
        runner.run(test, clear_globs=False)
        globs.update(test.globs)
    assert runner.failures == 0, "a README example no longer gives the output it shows (see the report above)"


def test_every_evaluate_in_the_readme_uses_the_reduction_its_fit_trained_with() -> None:
    # evaluate's default is reduction="sum": after fit(..., reduction="mean") it would print another number
    text = README.read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M) if "evaluate(" in block]
    assert blocks
    for block in blocks:
        trained = re.search(r"fit\([^)]*?reduction=\"(\w+)\"", block, re.S)
        evaluated = re.search(r"evaluate\([^)]*?reduction=\"(\w+)\"", block, re.S)
        assert (trained and trained[1]) == (evaluated and evaluated[1]) or (trained is None and evaluated is None)


def test_make_notebook_installs_jupyterlab_and_opens_the_tour() -> None:
    import shutil
    import subprocess

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^notebook = \[[^\]]*"jupyterlab', pyproject, re.M)
    assert "make notebook" in README.read_text(encoding="utf-8")
    if shutil.which("make") is None:
        pytest.skip("make is not installed here; the extra and the README were checked")
    # -n: print the commands without running them; the stamp is up to date, so only the target's own show
    plan = subprocess.run(["make", "-n", "-o", ".venv/.installed", "notebook"], cwd=ROOT, capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    assert "-e '.[notebook]'" in plan.stdout and "jupyter lab demos/tour.ipynb" in plan.stdout
    assert (ROOT / "demos" / "tour.ipynb").exists()
