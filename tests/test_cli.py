"""The ``playbook`` command: summaries in both languages, explain, exit codes, no tracebacks."""

import subprocess
import sys

from playbook import __version__
from playbook.cli.commands import main


def run(*args):
    """Run the real command in a subprocess, as a user or CI would."""
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], capture_output=True, text=True)


def test_rules_prints_the_summary_in_english(capsys):
    assert main(["rules", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The rule set is valid:")
    assert "Opportunity stages (in order) (opportunity_stages): 5" in out
    assert "AHP opportunity_grade_weights: λmax = " in out
    assert "Forecast revenue (forecast_revenue): 0.220" in out


def test_rules_prints_the_summary_in_chinese(capsys):
    assert main(["--lang", "zh", "rules"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("规则集有效：")
    assert "商机阶段（按顺序） (opportunity_stages): 5" in out
    assert "层次分析法 opportunity_grade_weights" in out


def test_explain_shows_an_item_in_the_chosen_language(capsys):
    assert main(["explain", "target", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Target opportunity (目标商机)  [target]"
    assert "Verification marks:\n  - Technical solution accepted [solution_acceptance]\n  - Quotation [quotation]" in out


def test_explain_an_unknown_id_suggests_the_closest(capsys):
    assert main(["explain", "targt", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == "playbook: no item has the id 'targt' (did you mean 'target'?)"


def test_a_broken_rule_file_gives_one_line_per_problem_and_exit_2(tmp_path):
    (tmp_path / "x.yaml").write_text("kind: opportunities\nthresholds:\n  - id: grading_score_max\n    value: [\n")
    result = run("rules", "--rules", str(tmp_path), "--lang", "en")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path}/x.yaml:5:1: YAML syntax error:")
    assert lines[-1] == "the rule set has 1 problem(s)"


def test_the_same_error_in_chinese(tmp_path):
    (tmp_path / "x.yaml").write_text("kind: opportunities\nthresholds:\n  - id: grading_score_max\n    valu: 3\n")
    result = run("rules", "--rules", str(tmp_path), "--lang", "zh")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"{tmp_path}/x.yaml:4:5: 未知的键 'valu'（是否想写 'value'？）"


def test_usage_errors_exit_2():
    assert run("frobnicate").returncode == 2
    assert run("rules", "--lang", "fr").returncode == 2


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"playbook {__version__}"
