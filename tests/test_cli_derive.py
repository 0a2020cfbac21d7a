"""`scalargrad derive SPEC.json`: every format, --steps, --graph, and exit code 2 with nothing written on a bad spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scalargrad.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "demos" / "examples"
SEED001 = str(EXAMPLES / "yehoshua_2023_two_hidden_layers.json")


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(["derive", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_output_shows_the_seed001_step_and_fits_100_columns(capsys):
    code, out, _ = run(capsys, SEED001)
    assert code == 0
    assert "output o = [0.698076]  (before the step: [0.671846])" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_json_output_parses_and_carries_the_numbers(capsys):
    code, out, _ = run(capsys, SEED001, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema"] == "scalargrad.derive/2"
    assert data["steps"][0]["outputs_after"][0][0] == pytest.approx(0.698076, abs=1e-6)


def test_steps_overrides_the_specs_step_count(capsys):
    _, out, _ = run(capsys, SEED001, "--format", "json", "--steps", "3")
    assert [step["step"] for step in json.loads(out)["steps"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("suffix", "start"), [(".md", "# Yehoshua (2023)"), (".tex", "\\documentclass"), (".json", "{"), (".txt", "Yehoshua (2023)")]
)
def test_the_output_format_follows_the_files_extension(capsys, tmp_path, suffix, start):
    target = tmp_path / f"derivation{suffix}"
    code, out, _ = run(capsys, SEED001, "-o", str(target))
    assert code == 0 and out.startswith(f"wrote {target}")
    assert target.read_text(encoding="utf-8").startswith(start)


def test_format_wins_over_the_extension(capsys, tmp_path):
    target = tmp_path / "derivation.txt"
    run(capsys, SEED001, "--format", "markdown", "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("# Yehoshua (2023)")


def test_graph_writes_the_computation_graph(capsys, tmp_path):
    picture = tmp_path / "graph.svg"
    code, out, _ = run(capsys, SEED001, "--graph", str(picture), "-o", str(tmp_path / "d.md"))
    assert code == 0
    assert picture.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert f"wrote {picture}" in out


def test_a_large_network_is_drawn_collapsed(capsys, tmp_path):
    picture = tmp_path / "graph.dot"
    run(capsys, str(EXAMPLES / "wakui_pixel_digits_step.json"), "--graph", str(picture), "-o", str(tmp_path / "d.json"))
    assert "<TABLE" in picture.read_text(encoding="utf-8").upper()  # one table per neuron


def test_a_bad_spec_exits_with_2_names_the_json_path_and_writes_nothing(capsys, tmp_path):
    data = json.loads(Path(SEED001).read_text())
    data["layers"][1]["weights"][0] = [0.1, 0.2]
    spec = tmp_path / "bad.json"
    spec.write_text(json.dumps(data))
    output, picture = tmp_path / "out.md", tmp_path / "graph.svg"
    code, out, err = run(capsys, str(spec), "-o", str(output), "--graph", str(picture))
    assert code == 2
    assert "layers[1].weights[0]: expected 3 numbers, got 2" in err
    assert out == ""
    assert not output.exists() and not picture.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_an_output_folder_that_does_not_exist_exits_with_2(capsys, tmp_path):
    code, _, err = run(capsys, SEED001, "-o", str(tmp_path / "missing" / "d.md"))
    assert code == 2 and "does not exist" in err


def test_a_graph_file_without_a_picture_extension_exits_with_2(capsys, tmp_path):
    code, _, err = run(capsys, SEED001, "--graph", str(tmp_path / "graph.jpeg"))
    assert code == 2 and "--graph" in err and ".svg" in err


def test_steps_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["derive", SEED001, "--steps", "0"])
    assert exit_.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
