"""简体中文: the message catalogs, the language choice, and every teaching output in Chinese.

The rule for "no English prose" in a Chinese output (`english_words`): after
removing what may stay in any language (LaTeX commands, code identifiers and
node labels the output itself defines, the names of functions, activations and
losses, calls in code such as ``train(steps, learningRate)``, key names, file extensions), no word of two or more Latin letters may
remain.
"""

from __future__ import annotations

import ast
import gettext
import html
import io
import json
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from wcwidth import wcswidth

from autograd import Value
from autograd.i18n import ENVIRONMENT_VARIABLE, compiled_catalog, current_language, default_language, language
from autograd.views.draw import draw
from autograd.views.explain import TERMINAL_WIDTH, explain
from autograd.views.lesson import lesson
from nn.teaching.lesson import lesson as network_lesson
from nn.teaching.spec import load_spec, parse_spec
import scalargrad.commands
from scalargrad.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "scalargrad")
SEED001 = ROOT / "tests" / "i18n_seed001_two_hidden_layers.json"  # a copy: the demos may be renamed


def po_path(package: str) -> Path:
    return ROOT / package / "locale" / "zh_CN" / "LC_MESSAGES" / "scalargrad.po"


def catalog(package: str):  # type: ignore[no-untyped-def]
    with po_path(package).open("rb") as file:
        return read_po(file)


def messages(package: str) -> dict[str, str]:
    return {message.id: message.string for message in catalog(package) if message.id}


# ---------------------------------------------------------------- the catalogs


@pytest.mark.parametrize("package", PACKAGES)
def test_the_catalog_holds_exactly_the_messages_of_the_source(package: str) -> None:
    extracted = {
        message
        for _, _, message, *_ in extract_from_dir(ROOT / package, method_map=[("**.py", "python")])
        if isinstance(message, str)
    }
    in_catalog = set(messages(package))
    assert not extracted - in_catalog, f"missing from {package}'s catalog (run make catalogs and translate)"
    assert not in_catalog - extracted, f"stale in {package}'s catalog (run make catalogs)"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_message_is_translated_and_none_is_fuzzy(package: str) -> None:
    entries = [message for message in catalog(package) if message.id]
    assert entries
    assert [m.id for m in entries if not m.string] == []
    assert [m.id for m in entries if m.fuzzy] == []


@pytest.mark.parametrize("package", PACKAGES)
def test_a_translation_keeps_every_placeholder_of_its_message(package: str) -> None:
    placeholder = re.compile(r"\{\w*(?:![rsa])?(?::[^}]*)?\}|%\(\w+\)[rsd]|%[sdr]")  # {x}, {x!r}, {x:g}
    for message, translation in messages(package).items():
        assert sorted(placeholder.findall(message)) == sorted(placeholder.findall(translation)), message
    assert [(message.id, errors) for message, errors in catalog(package).check()] == []  # Babel's own checks


@pytest.mark.parametrize("package", PACKAGES)
def test_the_compiled_catalog_that_ships_is_the_po_compiled(package: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog(package))
    fresh = gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))
    shipped = gettext.GNUTranslations(io.BytesIO(compiled_catalog(package, "zh")))
    assert shipped._catalog == fresh._catalog, f"{package}'s .mo is stale: run make catalogs"  # type: ignore[attr-defined]


# Each English term of docs/GLOSSARY_zh.md and its one Chinese translation.
# A message that uses the term must use the translation (one term, one translation, everywhere).
GLOSSARY = {
    r"forward pass": "前向传播",
    r"backward pass": "反向传播",
    r"chain[- ]rule": "链式法则",
    r"computation graph": "计算图",
    r"leaf|leaves": "叶节点",
    r"operands?": "操作数",
    r"gradients?": "梯度",
    r"upstream": "上游梯度",
    r"contributions?": "贡献",
    r"neurons?": "神经元",
    r"weights?": "权重",
    r"bias": "偏置",
    r"weighted input": "加权输入",
    r"delta rule": "δ 递推公式",
    r"learning rate": "学习率",
    r"gradient descent": "梯度下降",
    r"loss": "损失",
    r"parameters?": "参数",
    r"constant": "常数",
    r"vanishing gradients": "梯度消失",
    r"(?<!same )seed(?! must)": "初始梯度",  # the seed ∂L/∂L; "the same seed", "seed must be" (random numbers) are 种子
    r"lesson": "课程演示",
    r"log scale": "对数坐标",
}
FORBIDDEN = {
    "偏差": "bias is 偏置 (偏差 also means statistical bias)",
    "神经单元(?!误差)": "neuron is 神经元",
    "加权和": "z is 加权输入",
}
SEED_NAMES_OF_DELTA = ("神经单元误差", "误差信号")


def all_messages() -> list[tuple[str, str, str]]:
    return [(package, message, translation) for package in PACKAGES for message, translation in messages(package).items()]


def test_each_glossary_term_has_one_translation_in_every_catalog() -> None:
    for package, message, translation in all_messages():
        # placeholders, code (loss.backward(), .grad), options and identifiers are not words
        words = re.sub(r"\{\w*(?:![rsa])?(?::[^}]*)?\}|%\(\w+\)\w|\S*[./]\S*|\"[^\"]*\"|scalargrad \w+|--[\w-]+|\b[a-z]+_\w+|\S+,\S+|\S*=\S*", " ", message)
        for english, chinese in GLOSSARY.items():
            if re.search(rf"\b(?:{english})\b", words, re.IGNORECASE):
                assert chinese in translation, f"{package}: {message!r} uses {english!r}, so its translation {chinese}"


def test_no_catalog_uses_a_variant_the_glossary_rules_out() -> None:
    for package, message, translation in all_messages():
        for variant, why in FORBIDDEN.items():
            assert not re.search(variant, translation), f"{package}: {translation!r}: {why}"


def test_the_seeds_names_for_delta_appear_once_in_the_introductions() -> None:
    naming = [translation for _, _, translation in all_messages() if SEED_NAMES_OF_DELTA[0] in translation]
    assert naming and all(all(name in text for name in SEED_NAMES_OF_DELTA) for text in naming)
    assert all(text.count(SEED_NAMES_OF_DELTA[0]) == 1 for text in naming)


# ---------------------------------------------------------------- the language choice


def test_the_default_is_english_and_the_environment_variable_chooses_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # the system locale is not consulted
    assert default_language() == "en"
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "zh_CN.UTF-8")
    assert default_language() == "zh"
    assert "前向传播" in str(explain(Value(2.0, name="x") * 3))
    with language("en"):
        assert current_language() == "en"
    assert current_language() == "zh"


def test_a_bad_language_is_refused_naming_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="lang must be one of 'en', 'zh'.*'fr'"):
        explain(Value(1.0), lang="fr")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "klingon")
    with pytest.raises(ValueError, match="SCALARGRAD_LANG must be one of"):
        default_language()


# ---------------------------------------------------------------- no English prose in Chinese output

ALLOWED_WORDS = {
    # functions, activations and losses by their code names
    "tanh", "sigmoid", "relu", "leaky", "softplus", "softmax", "logsumexp", "exp", "ln", "log", "sin", "cos",
    "sqrt", "sign", "max", "min", "clamp", "linear", "half", "sse", "mse", "bce", "with", "logits", "cross",
    "entropy", "hinge", "sum", "mean", "out", "low", "high", "slope", "cross_entropy", "bce_with_logits",
    "half_sse", "leaky_relu", "COMMAND", "Python", "HTML", "NUMBER", "abs",
    # option values: training modes, optimizers, forms
    "batch", "sgd", "minibatch", "momentum", "nesterov", "rmsprop", "adam", "matrix", "both",
    # code the text names: attributes, functions, the program, the engine's types
    "grad", "backward", "Value", "nn", "derive", "compile", "autograd", "scalargrad", "loss", "JavaScript",
    "SPEC", "json", "md", "tex", "txt", "svg", "png", "pdf", "dot", "html", "demos", "examples", "var", "EXPR",
    "NAME", "FILE", "PATH", "ALPHA", "DIGITS", "Markdown", "LaTeX", "help", "format", "steps", "lang", "zh", "en", "English",
    "text", "markdown", "latex", "LR", "TB", "RL", "BT", "null", "layers", "activation", "weights", "biases",
    "input", "inputs", "target", "targets", "learning_rate", "reduction", "codegen", "graph", "lesson", "py",
    "python", "file", "SCALARGRAD_LANG", "mazur_step", "neuron", "seed001_two_hidden_layers", "mazur_2_2_2",
    "pixel_digits_step", "bias", "as", "weight", "max_nodes", "learning", "rate", "rankdir", "title", "group",
    "no", "highlight", "precision", "output", "source", "spec", "expression", "version", "command", "nodes",
    # keys on the keyboard
    "Home", "End", "Enter", "Space",
    # numbers as the engine and the page write them
    "inf", "nan",
}


def english_words(text: str, labels: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """The Latin words of two or more letters left once commands, labels and allowed names are taken out."""
    text = re.sub(r"\\(?:begin|end)\{[^}]*\}|\\[A-Za-z]+(?:\[[^\]]*\])?", " ", text)  # LaTeX commands, options
    text = re.sub(r"\{\w+\}", " ", text)  # placeholders a page fills in
    text = re.sub(r"\b[A-Za-z_]\w*\([^()\s]*(?:,\s*[^()\s]*)*\)", " ", text)  # calls in code: train(steps, learningRate), abs()
    text = re.sub(r"^\s*scalargrad (?:.*\\\n)*.*$", " ", text, flags=re.M)  # example command lines
    text = re.sub(r'"[^"\n]*"|\S+,\S+', " ", text)  # quoted code (JSON keys), option values such as a,b,c
    text = re.sub(r"\S*[./=]\S*|(?<![\w-])--?[a-z][\w-]*", " ", text)  # paths, file names, settings, options
    words = re.findall(r"[A-Za-z][A-Za-z_]*[A-Za-z0-9]|[A-Za-z]{2,}", text)
    words = [word for word in words if word not in labels]
    # x1, v12, o_k, C_n: math; SPEC, JSON: metavars; carried_forward, class7: identifiers
    symbols = r"[a-zA-Z]\d*|[a-z]_?[a-z]?|[A-Za-z]_\w*|[A-Z]{2,}|\w*_\w*|\w*\d"
    return [word for word in words if word not in ALLOWED_WORDS and not re.fullmatch(symbols, word)]


def test_the_rule_finds_english_prose_and_passes_math_and_names() -> None:
    assert english_words("the backward pass") == ["the", "pass"]
    assert english_words("∂C/∂w[2]_13 = δ[2]_1 · a[1]_3 = tanh(z) 前向传播 \\frac{a}{b}") == []
    assert english_words("隐藏 hidden1 的值", {"hidden1"}) == []
    assert english_words("见 demos/examples/x.json，选项 --bias-as-weight，SPEC") == []
    assert english_words("请先调用 train(steps, learningRate)，leaves() 会列出它们") == []
    assert english_words("点击 (the point) 打开") == ["the", "point"]


def neuron_graph() -> Value:
    x1, x2 = Value(2.0, name="x1"), Value(0.0, name="输入2")
    w1, w2, b = Value(-3.0, name="w1"), Value(1.0, name="w2"), Value(6.8813735870195432, name="b")
    out = (x1 * w1 + x2 * w2 + b).tanh() * x1 + abs(b).relu() - x1 / 2.0 + x2 ** 2
    return out


def test_explain_in_chinese_has_no_english_prose_in_any_format() -> None:
    derivation = explain(neuron_graph(), lang="zh")
    labels = set(derivation.gradients)
    for output in (str(derivation), derivation.to_markdown(), derivation.to_latex()):
        assert "前向传播" in output and "反向传播" in output
        assert english_words(output, labels) == []
    rules = [step["rule"] for step in derivation.to_dict()["backward"] if step["kind"] == "edge"]
    assert all(english_words(rule) == [] for rule in rules)


def seed001_derivation(lang: str):  # type: ignore[no-untyped-def]
    """Yehoshua's example without its title and source: they are the spec's own (English) text, not ours."""
    data = json.loads(SEED001.read_text(encoding="utf-8"))
    for key in ("name", "source", "notes"):
        data.pop(key, None)
    return parse_spec(data).derive(lang=lang)


def test_derive_in_chinese_has_no_english_prose_in_any_format() -> None:
    derivation = seed001_derivation("zh")
    for output in (str(derivation), derivation.to_markdown(), derivation.to_latex()):
        assert "误差项" in output and "递推公式" in output
        assert english_words(output) == []


def test_derive_of_a_batch_with_every_loss_form_in_chinese_has_no_english_prose() -> None:
    from nn.layers import MLP
    from nn.teaching.derive import derive

    for activation, loss, targets in (
        ("linear", "cross_entropy", [0, 1]),
        ("linear", "hinge", [[1.0, -1.0], [-1.0, 1.0]]),
        ("tanh", "mse", [[0.5, -0.5], [0.1, 0.2]]),
        ("linear", "bce_with_logits", [[1.0, 0.0], [0.0, 1.0]]),
    ):
        model = MLP.from_weights([[[0.1, -0.2], [0.3, 0.4]], [[0.5, -0.6], [0.7, 0.2]]], [[0.1, 0.0], None], ["relu", activation])
        derivation = derive(model, [[1.0, 2.0], [0.5, -1.0]], targets, loss, 0.1, reduction="mean", bias_as_weight=True, lang="zh")
        for output in (str(derivation), derivation.to_markdown(), derivation.to_latex()):
            assert english_words(output) == [], (loss, output)


def lesson_texts(data: dict) -> list[str]:  # type: ignore[type-arg]
    texts = [data["title"], *data["words"].values()]
    for step in data["steps"]:
        texts += [step["phase_name"], step["heading"], step["equation"], step["numbers"], *step["details"]]
        texts += [cell for row in step["table"] for cell in row] + [change[2] for change in step["changes"]]
    return texts


def test_a_chinese_lesson_has_no_english_prose_in_its_steps_words_or_drawing() -> None:
    spec = load_spec(SEED001)
    page = network_lesson(spec.model(), spec.inputs, spec.targets, spec.loss, spec.learning_rate, lang="zh")
    labels = {node["label"] for node in page.data["nodes"]}
    texts = lesson_texts(page.data)
    assert any("神经单元误差" in text for text in texts)
    for text in texts:
        assert english_words(text, labels - {"English"}) == [], text
    drawing = re.findall(r"<text\b[^>]*>(.*?)</text>", page.html)
    assert english_words(" ".join(drawing), labels) == []
    visible = html.unescape(re.sub(r"<script.*?</script>|<style.*?</style>|<svg.*?</svg>|<[^>]+>", " ", page.html, flags=re.S))
    assert english_words(visible, labels) == []
    assert '<html lang="zh-Hans">' in page.html


def test_an_expression_lesson_in_chinese_has_no_english_prose() -> None:
    page = lesson(neuron_graph(), learning_rate=0.1, lang="zh")
    labels = {node["label"] for node in page.data["nodes"]}
    for text in lesson_texts(page.data):
        assert english_words(text, labels) == [], text


def test_a_chinese_drawing_labels_its_boxes_edges_layers_and_neurons_in_chinese() -> None:
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    source = draw(x / y - x ** y, lang="zh").source
    for word in ("值", "梯度", "左", "右", "底数", "指数"):
        assert word in source
    assert not re.search(r"\b(data|grad|left|right|base|exponent)\b", source)
    spec = load_spec(SEED001)
    page = network_lesson(spec.model(), spec.inputs, spec.targets, spec.loss, 0.5, group=True, lang="zh")
    assert "第 1 层" in page.html and "神经元 1" in page.html and ">layer" not in page.html
    collapsed = draw(spec.derive().graph_loss(), collapse=True, lang="zh").source
    assert ">输入<" in collapsed and ">input<" not in collapsed


# ---------------------------------------------------------------- numbers and structure are the same


def without(data: object, text_keys: set[str]) -> object:
    if isinstance(data, dict):
        return {key: without(value, text_keys) for key, value in data.items() if key not in text_keys}
    if isinstance(data, list):
        return [without(item, text_keys) for item in data]
    return data


def test_explains_data_is_the_same_in_both_languages_outside_its_text() -> None:
    english, chinese = explain(neuron_graph(), lang="en").to_dict(), explain(neuron_graph(), lang="zh").to_dict()
    assert english != chinese  # the rules with words differ…
    assert without(english, {"rule"}) == without(chinese, {"rule"})  # …and nothing else


def test_derives_json_is_identical_in_both_languages() -> None:
    assert json.dumps(seed001_derivation("en").to_dict()) == json.dumps(seed001_derivation("zh").to_dict())


def test_a_lessons_data_is_the_same_in_both_languages_outside_its_text() -> None:
    spec = load_spec(SEED001)
    pages = [
        network_lesson(spec.model(), spec.inputs, spec.targets, spec.loss, spec.learning_rate, lang=lang).data
        for lang in ("en", "zh")
    ]
    text = {"title", "lang", "words", "phase_name", "heading", "equation", "numbers", "details", "table", "rule", "live"}
    for page in pages:
        for step in page["steps"]:
            step["changes"] = [change[:2] + change[3:] for change in step["changes"]]
    assert pages[0]["live"] == pages[1]["live"]  # the page's program: code, inputs, values
    assert without(pages[0], text) == without(pages[1], text)  # "live" of a step: its text templates
    assert [s["numbers"].split("=")[-1] for s in pages[0]["steps"]] == [s["numbers"].split("=")[-1] for s in pages[1]["steps"]]


# ---------------------------------------------------------------- layout: terminal columns, LaTeX, HTML


def test_explains_columns_line_up_in_terminal_columns_with_chinese_names() -> None:
    a, b = Value(1.5, name="权重"), Value(-2.0, name="b")
    text = str(explain((a * b + a).sigmoid() * Value(3.0, name="偏置项b"), lang="zh"))
    forward = text.split("\n\n")[0].splitlines()[1:]
    columns = {wcswidth(line[: line.index("=")]) for line in forward}
    assert len(columns) == 1, forward  # every '=' in the same terminal column
    ends = {wcswidth(line) for line in forward if line.rstrip().endswith(("叶节点",)) is False}
    assert len(ends) == 1  # the right-aligned values end in one column


def test_derives_text_fits_the_terminal_in_chinese() -> None:
    text = str(seed001_derivation("zh"))
    assert max(wcswidth(line) for line in text.splitlines()) <= TERMINAL_WIDTH
    lines = text.splitlines()
    underline = next(i for i, line in enumerate(lines) if line and set(line) == {"="})
    assert "第 1 步" in lines[underline - 1]
    assert wcswidth(lines[underline - 1]) == len(lines[underline])  # the underline is as wide as the title on screen


def test_a_chinese_derivation_compiles_with_xelatex_and_ctex(tmp_path: Path) -> None:
    if shutil.which("xelatex") is None or shutil.which("kpsewhich") is None:
        pytest.skip("xelatex is not installed here (CI installs texlive-xetex, texlive-lang-chinese, fonts-noto-cjk)")
    if subprocess.run(["kpsewhich", "ctex.sty"], capture_output=True).returncode != 0:
        pytest.skip("the ctex package is not installed here (CI installs texlive-lang-chinese)")
    document = seed001_derivation("zh").to_latex()
    assert document.startswith("\\documentclass{ctexart}")
    body = explain(neuron_graph(), lang="zh").to_latex()
    (tmp_path / "d.tex").write_text(document.replace("\\end{document}", body + "\\end{document}"), encoding="utf-8")
    result = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "d.pdf", "-"], cwd=tmp_path, capture_output=True).stdout.decode()
        assert "误差项" in text and "前向传播" in text  # the Chinese glyphs are in the PDF, not dropped


def test_pages_name_system_cjk_fonts_with_fallbacks_and_fetch_nothing() -> None:
    page = lesson(Value(2.0, name="x") * Value(3.0, name="y"), lang="zh").html
    for font in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"):
        assert font in page
    assert not re.search(r"(src|href)=\"https?:|@import|url\(http|@font-face", page)


def test_a_page_in_two_languages_has_a_toggle_and_one_language_has_none() -> None:
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    both = lesson(x * y + x, lang=("zh", "en"))
    assert set(both.data["translations"]) == {"zh", "en"} and both.data["lang"] == "zh"
    assert len(both.data["translations"]["en"]["steps"]) == len(both.steps)
    assert 'id="language"' in both.html
    assert lesson(x * y, lang="zh").data["translations"] == {}


# ---------------------------------------------------------------- the command line


COMMANDS = sorted(module.name for module in pkgutil.iter_modules(scalargrad.commands.__path__))


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_commands_help_in_chinese_has_no_english_prose(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main([*command.split(), "--lang", "zh", "--help"])
    assert exit.value.code == 0
    help_text = capsys.readouterr().out
    assert "用法" in help_text and "--lang" in help_text
    assert english_words(help_text, set(COMMANDS)) == [], help_text


def test_a_usage_error_in_chinese_is_one_chinese_line_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["derive", "--lang", "zh"])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("scalargrad：错误：缺少以下参数：SPEC.json")


def test_the_command_line_writes_a_chinese_derivation_with_lang_or_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["derive", str(SEED001), "--lang", "zh"]) == 0
    chinese = capsys.readouterr().out
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "zh")
    assert main(["derive", str(SEED001)]) == 0
    assert capsys.readouterr().out == chinese
    assert main(["derive", str(SEED001), "--lang", "en"]) == 0
    assert "Forward, layer 1" in capsys.readouterr().out
    assert main(["derive", str(SEED001), "--lang", "fr"]) == 2
    assert "--lang must be one of" in capsys.readouterr().err



# ---------------------------------------------------------------- worksheets and grading

MAZUR = ROOT / "tests" / "worksheet_mazur_2_2_2.json"
# The template's own title and source (user text, printed as given) may stay English in a Chinese key.
SPEC_WORDS = {
    word
    for key in ("name", "source")
    for word in re.findall(r"[A-Za-z]+", str(json.loads(MAZUR.read_text(encoding="utf-8")).get(key, "")))
}


def chinese_class():  # type: ignore[no-untyped-def]
    import nn

    return nn.worksheet(MAZUR, students=2, seed=7, title="反向传播练习", lang="zh")


def test_a_chinese_worksheet_has_no_english_prose_in_its_sheets_keys_and_pages() -> None:
    from nn.worksheets.files import render_worksheet

    files = render_worksheet(chinese_class())
    sheet_files = [path for path in files if path.startswith(("sheets/", "keys/"))]
    assert len(sheet_files) == 8
    for path in sheet_files:
        text = files[path]
        if path.endswith(".html"):
            data = json.loads(re.search(r'id="sheet-data">(.*?)</script>', text, re.S)[1])  # type: ignore[index]
            assert '<html lang="zh-Hans">' in text and "Noto Sans CJK SC" in text
            text = " ".join([data["instructions"], *data["words"].values(), *(w for w, _ in data["givens"])])
        assert english_words(text, SPEC_WORDS) == [], (path, english_words(text, SPEC_WORDS))
    assert "题目" in files["sheets/s1.md"] and "误差项" in files["keys/s1.md"]


def test_a_worksheets_key_and_numbers_are_the_same_in_both_languages() -> None:
    import nn
    from nn.worksheets.key import key_data

    english = key_data(nn.worksheet(MAZUR, students=2, seed=7, title="t", lang="en"))
    chinese = key_data(nn.worksheet(MAZUR, students=2, seed=7, title="t", lang="zh"))
    assert english == chinese


def test_a_chinese_sheet_compiles_with_xelatex(tmp_path: Path) -> None:
    if shutil.which("xelatex") is None or subprocess.run(["kpsewhich", "ctex.sty"], capture_output=True).returncode:
        pytest.skip("xelatex or ctex is not installed here (CI installs texlive-xetex and texlive-lang-chinese)")
    from nn.worksheets.files import render_worksheet

    (tmp_path / "s1.tex").write_text(render_worksheet(chinese_class())["sheets/s1.tex"], encoding="utf-8")
    result = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "s1.tex"], cwd=tmp_path, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]


def test_grading_feedback_and_summary_in_chinese() -> None:
    import nn
    from nn.worksheets import Answers
    from nn.worksheets.misconceptions import MISCONCEPTIONS

    worksheet = chinese_class()
    sheet = worksheet.students[0]
    answers = {q.id: q.answer for q in sheet.questions}
    first, second = sheet.questions[0], sheet.questions[1]
    answers[first.id] = 123.0  # matches no misconception
    del answers[second.id]
    marks = nn.grade(worksheet, [Answers(sheet.student, answers, "test")], lang="zh")
    feedback = {m.question: m.feedback for m in marks.marks}
    assert feedback[first.id].startswith("错误，而且没有哪种常见错误会得出 123")
    assert feedback[second.id].startswith("未作答；")
    assert feedback[sheet.questions[2].id] == "正确"
    identifiers = set(MISCONCEPTIONS) | {"carried_forward"}
    for text in [*feedback.values(), marks.summary()]:
        assert english_words(text, identifiers) == [], text
    assert "按学生" in marks.summary()
    english = nn.grade(worksheet, [Answers(sheet.student, answers, "test")], lang="en")
    assert [(m.credit, m.verdict) for m in english.marks] == [(m.credit, m.verdict) for m in marks.marks]


def test_the_language_toggle_swaps_every_word_in_a_browser(tmp_path: Path, chromium_flags: list[str]) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"{chromium} is absent (Debian: apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is absent; install the test extra")
    x, w = Value(2.0, name="x"), Value(-3.0, name="w")
    page_file = lesson((x * w + x).tanh(), learning_rate=0.1, lang=("zh", "en")).save(tmp_path / "both.html")
    state = """() => ({
      lang: document.documentElement.lang,
      counter: document.getElementById('counter').textContent,
      heading: document.getElementById('heading').textContent,
      toggle: document.getElementById('language').textContent,
      next: document.getElementById('next').textContent,
      drawing: [...document.querySelectorAll('#graph svg text')].map((t) => t.textContent).join(' '),
    })"""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=chromium_flags)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_file.as_uri())
        page.keyboard.press("ArrowRight")
        chinese = page.evaluate(state)
        page.click("#language")
        english = page.evaluate(state)
        page.click("#language")
        again = page.evaluate(state)
        browser.close()
    assert errors == []
    assert chinese["lang"] == "zh-Hans" and english["lang"] == "en"
    assert chinese["counter"].startswith("第 2 步") and english["counter"].startswith("Step 2 /")
    assert chinese["heading"].startswith("第 1 个节点") and english["heading"].startswith("node 1 of")
    assert (chinese["toggle"], english["toggle"]) == ("English", "中文")
    assert "下一步" in chinese["next"] and "Next" in english["next"]
    assert "值" in chinese["drawing"] and "data" in english["drawing"] and "值" not in english["drawing"]
    assert again == chinese  # and back, with nothing left over


def _binds_and_calls_underscore(function: ast.AST) -> bool:
    """Whether a function both assigns the name ``_`` and calls ``_(...)`` (comprehensions have scopes of their own)."""
    binds = calls = False
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue  # judged on its own
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
            binds = True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            calls = True
        stack.extend(ast.iter_child_nodes(node))
    return binds and calls


def test_no_function_hides_the_translation_function_behind_a_throwaway_variable() -> None:
    """``for a, _ in pairs:`` in a function that also calls ``_("...")`` would call the throwaway value."""
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _binds_and_calls_underscore(node)
            ]
    assert offenders == []


def test_descend_in_chinese_has_no_english_prose_and_the_same_numbers() -> None:
    from autograd.views.descend import descend

    chinese = descend(lambda v: v["x"] ** 2 + v["y"] ** 2, {"x": 3.0, "y": -1.0}, 0.25, 3, "x**2 + y**2", lang="zh")
    english = descend(lambda v: v["x"] ** 2 + v["y"] ** 2, {"x": 3.0, "y": -1.0}, 0.25, 3, "x**2 + y**2", lang="en")
    for output in (str(chinese), chinese.to_markdown(), chinese.to_latex()):
        assert "梯度下降" in output and english_words(output, {"ctexart", "longtable", "amsmath", "geometry"}) == []
    assert without(chinese.to_dict(), {"rule"}) == without(english.to_dict(), {"rule"})
