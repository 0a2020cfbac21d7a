"""简体中文 on the `nn` side: every kind of `derive` output, the learning-rate comparison, and the errors.

The rule for English prose is `test_i18n.english_words`. What it is given
besides the output: the names of `nn.optim`'s optimizers and hyper-parameters
(keywords of the code, as the spec and ``--optimizer`` write them), and, for
an error message, the keys of the spec format it quotes.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from wcwidth import wcswidth

from autograd.i18n import language
from autograd.views.explain import TERMINAL_WIDTH
from nn.teaching.loss_curves import compare_learning_rates, loss_plot
from nn.teaching.notation_options import Notation
from nn.teaching.spec import OPTIONAL_KEYS, REQUIRED_KEYS, parse_spec
from scalargrad.cli import main
from test_i18n import english_words

ROOT = Path(__file__).resolve().parent.parent
MAZUR = ROOT / "tests" / "worksheet_mazur_2_2_2.json"  # a copy of the demo: the demos may be renamed

# nn.optim's names, as a derivation's header lists the optimizer's settings: code, not prose
OPTIMIZER_WORDS = {"Adam", "RMSProp", "Nesterov", "betas", "eps", "dampening", "alpha", "centered", "true", "false", "True"}
NOTATION_WORDS = {"alpha", "eta", "w_kj", "w_jk"}
SPEC_KEYS = {*REQUIRED_KEYS, *OPTIONAL_KEYS, "input", "inputs", "target", "targets", "weights", "biases", "activation"}


def mazur() -> dict:  # type: ignore[type-arg]
    """The Mazur spec without its title and source (the spec's own English text, not ours)."""
    data = json.loads(MAZUR.read_text(encoding="utf-8"))
    for key in ("name", "source", "notes"):
        data.pop(key, None)
    return data


def wide_batch() -> dict:  # type: ignore[type-arg]
    """14 inputs → 3 sigmoid → 2 sigmoid on 4 examples: its matrices are too wide for a line and are cut in columns."""
    weights = [[round(((7 * k + 3 * j) % 11 - 5) / 10, 2) for j in range(14)] for k in range(3)]
    inputs = [[float((n + j) % 3 == 0) for j in range(14)] for n in range(4)]
    return {
        "layers": [
            {"activation": "sigmoid", "weights": weights, "biases": [0.1, -0.2, 0.3]},
            {"activation": "sigmoid", "weights": [[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1]], "biases": [0.05, -0.05]},
        ],
        "inputs": inputs,
        "targets": [[1, 0], [0, 1], [1, 0], [0, 1]],
        "loss": "half_sse",
        "learning_rate": 0.5,
    }


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def spec_file(tmp_path: Path, data: object, name: str = "spec.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


DERIVE_CASES = {
    "matrix form, one example": (mazur, ["--form", "matrix"], ["矩阵形式的前向传播（列向量）", "已核对"]),
    "matrix form, a batch cut in columns": (wide_batch, ["--form", "matrix"], ["每个样本一行", "（第 1–", "列）"]),
    "both forms, a mini-batch": (wide_batch, ["--form", "both", "--mode", "minibatch", "--batch-size", "2", "--steps", "2"], ["矩阵形式的误差项和梯度"]),
    "sgd, shuffled, with momentum": (wide_batch, ["--mode", "sgd", "--shuffle-seed", "3", "--optimizer", "momentum", "--steps", "2"], ["动量"]),
    "nesterov with weight decay": (mazur, ["--optimizer", "nesterov:weight_decay=0.1", "--steps", "2"], ["Nesterov"]),
    "centered rmsprop": (mazur, ["--optimizer", "rmsprop:centered=true:momentum=0.5", "--steps", "2"], ["RMSProp"]),
    "adam, matrix form": (wide_batch, ["--optimizer", "adam", "--form", "matrix", "--steps", "2"], ["Adam"]),
    "another textbook's notation": (
        mazur,
        ["--input-layer", "1", "--rate-symbol", "eta", "--cost-symbol", "E", "--weights", "w_jk", "--form", "both"],
        ["记号约定：输入是 a[1]（第 1 层）；学习率 η；代价 E；w[l]_jk 从神经元 j 连到神经元 k"],
    ),
    "the default notation written out": (mazur, ["--weights", "w_kj", "--cost-symbol", "L"], ["记号约定：输入是 a[0]"]),
    "bias as a weight": (mazur, ["--bias-as-weight"], ["常数输入 1"]),
}


@pytest.mark.parametrize("case", DERIVE_CASES)
@pytest.mark.parametrize("output_format", ["text", "markdown", "latex"])
def test_every_kind_of_chinese_derivation_has_no_english_prose(
    case: str, output_format: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, options, phrases = DERIVE_CASES[case]
    code, out, err = run(capsys, "derive", spec_file(tmp_path, data()), *options, "--format", output_format, "--lang", "zh")
    assert (code, err) == (0, "")
    assert english_words(out.replace("\\_", "_"), OPTIMIZER_WORDS) == []  # weight\\_decay reads weight_decay
    for phrase in phrases:
        if output_format == "latex":  # its symbols are in math mode: the Chinese words before them are as written
            phrase = re.match(r"[^\x00-\x7f]*", phrase)[0]  # type: ignore[index]
        if output_format == "markdown":  # its formulas are code spans: the words around them are as written
            out = out.replace("`", "")
        assert phrase in out.replace("--", "–"), phrase  # LaTeX writes the dash of "1–9" as --


@pytest.mark.parametrize("case", DERIVE_CASES)
def test_every_kind_of_derivation_has_the_same_json_in_both_languages(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, options, _phrases = DERIVE_CASES[case]
    path = spec_file(tmp_path, data())
    outputs = [run(capsys, "derive", path, *options, "--format", "json", "--lang", lang)[1] for lang in ("en", "zh")]
    assert outputs[0] == outputs[1] and json.loads(outputs[0])["steps"]


def test_a_chinese_matrix_form_fits_the_terminal_and_its_column_slices_line_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "derive", spec_file(tmp_path, wide_batch()), "--form", "matrix", "--lang", "zh")
    lines = out.splitlines()
    assert max(wcswidth(line) for line in lines) <= TERMINAL_WIDTH
    sliced = [i for i, line in enumerate(lines) if "（第 1–" in line]
    assert sliced
    for index in sliced:  # the bracket after the label sits in the same screen column as on the lines around it
        block = lines[index - 1 : index + 2]
        columns = {wcswidth(line[: re.search("[⎡⎢⎣]", line).start()]) for line in block if re.search("[⎡⎢⎣]", line)}  # type: ignore[union-attr]
        assert len(columns) == 1, block


def test_the_notation_line_is_chinese_for_every_convention() -> None:
    for input_layer in (0, 1):
        for weights in ("w_kj", "w_jk"):
            notation = Notation(input_layer, "η", "E", weights)
            with language("zh"):
                chinese = notation.describe()
            with language("en"):
                english = notation.describe()
            assert chinese.startswith("记号约定：") and english_words(chinese) == []
            assert english.startswith("Conventions: the input is a[")  # English unchanged


# ---------------------------------------------------------------- the learning-rate comparison


LINE = {  # one linear neuron learning y = 2x + 1: a rate of 2 makes its steps grow until they overflow
    "layers": [{"activation": "linear", "weights": [[0.0]], "biases": [0.0]}],
    "inputs": [[0.0], [1.0], [2.0], [3.0]],
    "targets": [[1.0], [3.0], [5.0], [7.0]],
    "loss": "half_sse",
    "learning_rate": 0.05,
}


def comparison(lang: str):  # type: ignore[no-untyped-def]
    spec = parse_spec(LINE)
    return compare_learning_rates(lambda rate: spec.derive(400, learning_rate=rate, stop_when_diverged=True, lang=lang), [2.0, 0.05], 400)


def test_the_learning_rate_comparison_in_chinese_has_no_english_prose_and_lines_up() -> None:
    chinese = comparison("zh")
    text = str(chinese)
    for output in (text, chinese.to_markdown(), chinese.to_latex()):
        assert english_words(output) == [], output
    assert "损失从 " in text and "降到" in text
    table = [line for line in text.splitlines() if re.match(r"(步|0（起点）|\d+ )", line)]
    assert table[0].startswith("步") and table[1].startswith("0（起点）")
    assert len({wcswidth(line) for line in table[:3]}) == 1  # right-aligned numbers end in one screen column
    assert chinese.to_latex().startswith("\\documentclass{ctexart}")
    assert comparison("en").to_latex().startswith("\\documentclass{article}")
    assert chinese.to_dict() == comparison("en").to_dict()


def test_the_loss_plots_are_labelled_in_chinese() -> None:
    labels = re.compile(r'label="([^"]*)"')
    plot = comparison("zh").plot().source
    words = " ".join(labels.findall(plot))
    assert "（对数坐标）" in words and "步" in words
    assert english_words(words) == []
    english = " ".join(labels.findall(comparison("en").plot().source))
    assert "(log scale)" in english and "step" in english
    single = " ".join(labels.findall(loss_plot(parse_spec(mazur()).derive(3, lang="zh")).source))
    assert "这个样本上的损失" in single and english_words(single) == []


def test_a_plot_writes_its_notes_in_the_current_language() -> None:
    from autograd.i18n import language
    from autograd.views.plot import line_plot

    with language("zh"):
        plot = line_plot([("α = 2", [1.0, 10.0, 1e4, math.inf])], title="t", x_label="步", y_label="C").source
    assert 'label="C（对数坐标）"' in plot and 'label="第 2 步之后发散"' in plot


def test_a_chinese_matrix_form_compiles_with_xelatex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("xelatex") is None or subprocess.run(["kpsewhich", "ctex.sty"], capture_output=True).returncode:
        pytest.skip("xelatex or ctex is not installed here (CI installs texlive-xetex and texlive-lang-chinese)")
    path = spec_file(tmp_path, wide_batch())
    code, _, _ = run(capsys, "derive", path, "--form", "both", "--format", "latex", "-o", str(tmp_path / "m.tex"), "--lang", "zh")
    assert code == 0
    result = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "m.tex"], cwd=tmp_path, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "m.pdf", "-"], cwd=tmp_path, capture_output=True).stdout.decode()
        assert "矩阵形式的前向传播" in text and "列）" in text


# ---------------------------------------------------------------- the worksheet page without its script


def test_a_chinese_worksheet_page_reads_in_chinese_before_its_script_runs() -> None:
    import nn
    from nn.worksheets.files import render_worksheet

    files = render_worksheet(nn.worksheet(mazur(), students=1, seed=7, title="练习", lang="zh"))
    page = next(text for path, text in files.items() if path.startswith("sheets/") and path.endswith(".html"))
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert "题目" in visible and "保存我的答案" in visible and "<title>练习 · " in page
    assert english_words(visible) == []


# ---------------------------------------------------------------- error messages


def mutated(change):  # type: ignore[no-untyped-def]
    data = mazur()
    change(data)
    return data


BAD_SPECS = {
    "an unknown key, misspelt": (
        lambda d: d.__setitem__("lerning_rate", d.pop("learning_rate")),
        "lerning_rate：未知的键（是不是 'learning_rate'？）；规格文件的键只有",
    ),
    "an unknown key of a layer": (
        lambda d: d["layers"][1].__setitem__("activaton", "relu"),
        "layers[1].activaton：未知的键（是不是 'activation'？）；一层的键只有",
    ),
    "a key that is no name": (lambda d: d["layers"][0].__setitem__("", 1), "layers[0] 的键 ''：未知的键"),
    "a string for a number": (lambda d: d.__setitem__("learning_rate", "fast"), "learning_rate：应为数，实际是 str 'fast'"),
    "a negative learning rate": (lambda d: d.__setitem__("learning_rate", -1), "learning_rate：应为正数，实际是 -1.0"),
    "a row of weights too short": (lambda d: d["layers"][1]["weights"].__setitem__(0, [0.4]), "layers[1].weights[0]：应有 2 个数，实际有 1 个"),
    "an unknown loss": (lambda d: d.__setitem__("loss", "mse2"), "loss：未知的损失 'mse2'；可用的名称有"),
    "an optimizer without that hyper-parameter": (
        lambda d: d.__setitem__("optimizer", {"name": "adam", "beta": [0.9, 0.99]}),
        "optimizer.beta：adam 没有超参数 'beta'；它的超参数有 betas, eps, weight_decay",
    ),
    "a bad hyper-parameter value": (
        lambda d: d.__setitem__("optimizer", {"name": "adam", "eps": -1}),
        "optimizer：eps 必须是 (0.0, inf) 内的有限数，实际是 -1.0",
    ),
    "a bad notation": (lambda d: d.__setitem__("notation", {"rate": "gamma"}), "notation.rate：应为 'alpha' 或 'eta'（或 α、η），实际是 str 'gamma'"),
    "a mini-batch without its size": (lambda d: d.__setitem__("mode", "minibatch"), "mode.batch_size：mode 'minibatch' 需要每一步的样本数"),
    "a target outside the loss's range": (
        lambda d: d.update(loss="bce", target=[0.5, 2.0]),
        "target：二元交叉熵的目标值必须在 [0, 1] 内，实际是 2.0",
    ),
    "both input and inputs": (lambda d: d.__setitem__("inputs", [d["input"]]), "inputs：给出 'input'（一个样本）或 'inputs'（一个批量），不能两个都给"),
    "not an object": (lambda d: d.clear(), "layers：缺少这个键"),
}


@pytest.mark.parametrize("case", BAD_SPECS)
def test_a_bad_spec_gets_a_chinese_message_with_its_json_path_and_exit_code_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, expected = BAD_SPECS[case]
    path = spec_file(tmp_path, mutated(change))
    code, out, err = run(capsys, "derive", path, "--lang", "zh")
    assert (code, out) == (2, "")
    assert err.startswith(f"scalargrad：错误：{path}：") and expected in err, err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    quoted = {"activaton", "lerning_rate", "beta", "gamma", "fast", "str", "NoneType", "None", "inf"}  # keys, values, types
    assert english_words(err.replace(path, " "), SPEC_KEYS | OPTIMIZER_WORDS | NOTATION_WORDS | quoted) == []
    english = run(capsys, "derive", path, "--lang", "en")
    assert english[0] == 2 and english[2].startswith(f"scalargrad: error: {path}: ")


def test_the_english_message_of_a_bad_spec_is_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = spec_file(tmp_path, mutated(BAD_SPECS["an unknown key of a layer"][0]))
    assert run(capsys, "derive", path)[2] == (
        f"scalargrad: error: {path}: layers[1].activaton: unknown key (did you mean 'activation'?); "
        "a layer has activation, biases, weights\n"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "：无法读取文件：没有这个文件或文件夹"),
        ('{"layers": [1, 2,]}', "：不是有效的 JSON：第 1 行第 18 列，这里应有一个值"),
        ('{"layers": [] "loss": 1}', "：不是有效的 JSON：第 1 行第 15 列，缺少分隔符 ','"),
        ("[1, 2]", "：（顶层）：应为含有键 layers, loss, learning_rate 的 JSON 对象，实际是 list [1, 2]"),
        (b"\xff\xfe{}", "：不是 UTF-8 文本文件"),
    ],
)
def test_a_spec_file_that_cannot_be_read_gets_a_chinese_message(
    content: str | bytes | None, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spec.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "derive", str(path), "--lang", "zh")
    assert code == 2 and err == f"scalargrad：错误：{path}{expected}\n"


def test_worksheet_and_grade_input_errors_are_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = spec_file(tmp_path, wide_batch(), "batch.json")
    code, _, err = run(capsys, "worksheet", batch, "--students", "2", "--seed", "1", "-o", str(tmp_path / "w"), "--lang", "zh")
    assert code == 2 and f"{batch}：inputs：练习题只针对一个样本" in err
    misspelt = spec_file(tmp_path, mutated(BAD_SPECS["an unknown key, misspelt"][0]), "misspelt.json")
    code, _, err = run(capsys, "worksheet", misspelt, "--students", "2", "--seed", "1", "-o", str(tmp_path / "w"), "--lang", "zh")
    assert code == 2 and err.startswith(f"scalargrad：错误：{misspelt}：lerning_rate：未知的键")
    assert run(capsys, "worksheet", spec_file(tmp_path, mazur()), "--students", "2", "--seed", "1", "-o", str(tmp_path / "w"))[0] == 0
    key = str(tmp_path / "w" / "key.json")
    first = json.loads(Path(key).read_text(encoding="utf-8"))["questions"][0]["id"]
    answers = tmp_path / "a.csv"
    answers.write_text(f"{first},abc\n", encoding="utf-8")
    code, _, err = run(capsys, "grade", key, str(answers), "--lang", "zh")
    assert (code, err) == (2, f"scalargrad：错误：{answers}：第 1 行：'abc' 不是数\n")
    answers.write_text('{"student": "s1", "answers": {"zz": 1}}', encoding="utf-8")
    code, _, err = run(capsys, "grade", key, str(answers), "--lang", "zh")
    assert (code, err) == (2, f"scalargrad：错误：{answers}：键 answers[\"zz\"]：未知的题号；题号见 key.json\n")


def test_a_table_with_chinese_and_ascii_cells_lines_up_in_terminal_columns() -> None:
    from nn.teaching.blocks import Table, table_text

    lines = table_text(Table(["名称", "值 C", "x"], [["权重w1", "1.5", "-2"], ["b", "-0.25", "3"], ["输入", "10", "0"]]), indent="")
    assert lines[0].startswith("名称    ")  # 名称 is 4 columns wide, padded to 权重w1's 6, then two spaces
    assert len({wcswidth(line) for line in lines}) == 1  # the right-aligned last column ends in one place
    assert {wcswidth(line[: line.index(cell) + len(cell)]) for line, cell in zip(lines, ["值 C", "1.5", "-0.25", "10"])} == {6 + 2 + 5}


# ---------------------------------------------------------------- a spec's own text in Chinese


def described(**text: str) -> dict:  # type: ignore[type-arg]
    return {**mazur(), **text}


def test_a_specs_chinese_title_and_source_are_shown_in_chinese_and_only_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = spec_file(tmp_path, described(name="Mazur's step", source="a blog", name_zh="马祖尔的一步", source_zh="一篇博客"))
    chinese = run(capsys, "derive", path, "--lang", "zh")[1].splitlines()
    english = run(capsys, "derive", path, "--lang", "en")[1].splitlines()
    assert chinese[:2] == ["马祖尔的一步", "来源：一篇博客"]
    assert english[:2] == ["Mazur's step", "Source: a blog"]
    only_english = spec_file(tmp_path, described(name="Mazur's step"), "english.json")
    assert run(capsys, "derive", only_english, "--lang", "zh")[1].startswith("Mazur's step\n")  # nothing else to show


def test_a_worksheet_and_a_lesson_take_the_chinese_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import nn

    data = described(name="Mazur's step", name_zh="马祖尔的一步")
    assert nn.worksheet(data, students=1, seed=1, lang="zh").title == "马祖尔的一步"
    assert nn.worksheet(data, students=1, seed=1, lang="en").title == "Mazur's step"
    page = tmp_path / "lesson.html"
    assert run(capsys, "lesson", spec_file(tmp_path, data), "-o", str(page), "--lang", "zh")[0] == 0
    assert "<title>马祖尔的一步" in page.read_text(encoding="utf-8")


def test_a_translated_title_must_be_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = spec_file(tmp_path, described(name_zh=["马祖尔"]))
    code, _, err = run(capsys, "derive", path, "--lang", "zh")
    assert code == 2 and f"{path}：name_zh：应为字符串，实际是 list ['马祖尔']" in err


def test_every_demo_example_has_its_title_source_and_notes_in_chinese() -> None:
    examples = sorted((ROOT / "demos" / "examples").glob("*.json"))
    assert examples
    for example in examples:
        data = json.loads(example.read_text(encoding="utf-8"))
        for key in ("name", "source", "notes"):
            if key in data:
                assert re.search(r"[\u4e00-\u9fff]", data.get(f"{key}_zh", "")), (example.name, key)


def test_another_input_layer_numbers_the_chinese_layers_as_the_english_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = spec_file(tmp_path, mazur())
    steps = [re.split(r"\n=+\n", run(capsys, "derive", path, "--input-layer", "1", "--lang", lang)[1], maxsplit=1)[1] for lang in ("en", "zh")]
    english, chinese = steps  # the steps, after the header that names the convention
    layers = re.findall(r"\blayer (\d+)", english)
    assert layers and "1" not in layers[:3]  # the input is layer 1, so the first weights are layer 2
    assert re.findall(r"第 (\d+) 层", chinese) == layers


def test_nn_derive_with_lang_zh_refuses_bad_arguments_in_chinese() -> None:
    from nn.layers import MLP
    from nn.teaching.derive import derive

    model = MLP.from_weights([[[0.1, 0.2]]], [[0.0]], ["linear"])
    with pytest.raises(ValueError, match=r"^reduction 必须是 'sum' 或 'mean'，实际是 'avg'$"):
        derive(model, [1.0, 2.0], [1.0], "mse", 0.1, reduction="avg", lang="zh")
    with pytest.raises(ValueError, match=r"^reduction must be 'sum' or 'mean', got 'avg'$"):
        derive(model, [1.0, 2.0], [1.0], "mse", 0.1, reduction="avg", lang="en")


def test_a_lesson_too_big_for_a_batch_is_refused_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = spec_file(tmp_path, wide_batch())
    code, _, err = run(capsys, "lesson", path, "--max-nodes", "20", "-o", str(tmp_path / "l.html"), "--lang", "zh")
    assert code == 2 and err.startswith(f"scalargrad：错误：{path}：计算图有 ")
    assert "超过了 max_nodes=20，而批量有 4 个样本" in err and not (tmp_path / "l.html").exists()


def test_nn_s_python_errors_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    import nn
    from nn.init import make_rng

    model = nn.MLP.from_weights([[[0.1, 0.2]]], [[0.0]], ["linear"])
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    with language("zh"):
        with pytest.raises(ValueError, match=r"^请给出 seed= 或 rng= 之一，不能两个都给$"):
            make_rng(seed=1, rng=__import__("random").Random(1))
        with pytest.raises(ValueError, match=r"^inputs 为空：训练至少需要一个样本$"):
            nn.train.fit(model, [], [], loss="mse", optimizer=optimizer, epochs=1)
    monkeypatch.setenv("SCALARGRAD_LANG", "zh")  # the environment chooses too
    with pytest.raises(ValueError, match=r"^layers\[0\]\.weights\[1\]：应有 2 个数，实际有 1 个$"):
        nn.MLP.from_dict({"layers": [{"activation": "linear", "weights": [[0.1, 0.2], [0.3]], "biases": None}]})
    monkeypatch.delenv("SCALARGRAD_LANG")
    with pytest.raises(ValueError, match=r"^inputs is empty: training needs at least one example$"):
        nn.train.fit(model, [], [], loss="mse", optimizer=optimizer, epochs=1)


def test_chinese_markdown_sets_chinese_words_as_text_and_only_formulas_as_code(capsys: pytest.CaptureFixture[str]) -> None:
    """Chinese punctuation touches formulas without a space ('学习率：α = 0.5'): the words must stay out of the code spans."""
    code, markdown, _ = run(capsys, "derive", str(MAZUR), "--format", "markdown", "--lang", "zh")
    assert code == 0
    spans = re.findall(r"`([^`]+)`", markdown)
    assert spans and not [span for span in spans if re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", span)]
    assert "学习率：`α = 0.5`" in markdown
