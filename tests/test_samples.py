"""The sample plans pass with a few warnings; the broken examples trip every check, as the golden outputs say.

Golden files are the command's whole output; when a change of output is intended, regenerate them
with the command in each test and review the diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import xmlschema
from jsonschema import Draft4Validator

from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
TESTDATA = Path(__file__).parent / "testdata"
TODAY = "2026-11-20"  # the date the samples are written as of (Makefile: SAMPLES_TODAY)


def check(*args):
    return subprocess.run([sys.executable, "-m", "playbook.cli", "check", "--today", TODAY, *args],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_sample_plans_pass_with_a_few_realistic_warnings_and_cover_every_stage():
    """No errors; three warnings a manager would raise in a pipeline review, so that the site shows
    what a finding looks like: a stalled deal, a close date gone by, a next step left undone."""
    result = check("accounts/", "--lang", "en", "--format", "json")
    assert result.returncode == 0  # warnings do not fail the default --fail-on error
    report = json.loads(result.stdout)
    assert report["plans"] >= 6
    assert sorted((Path(f["file"]).name, f["severity"], f["check"]) for f in report["findings"]) == [
        ("jiangcheng_third_hospital.yaml", "warning", "close_date_passed"),
        ("jiangcheng_third_hospital.yaml", "warning", "stage_time_limit"),
        ("jingyun_taxi_fleet.yaml", "warning", "next_step_overdue")]
    assert all(row["reached"] for row in report["portfolio"])  # every stage has opportunities


@pytest.mark.parametrize("lang,fmt", [("en", "text"), ("zh", "text"), ("en", "github")])
def test_broken_examples_match_the_golden_output(lang, fmt):
    result = check("examples/broken/", "--lang", lang, "--format", fmt)
    assert result.returncode == 1
    suffix = lang if fmt == "text" else fmt
    assert result.stdout == (GOLDEN / f"broken.{suffix}.txt").read_text(encoding="utf-8")


def needs_history(check: dict) -> bool:
    """A check on a plan's history in git (check --history): its examples carry that history."""
    return any(isinstance(e, dict) and "history" in e for e in check["examples"]["fail"])


def test_broken_examples_trip_every_check():
    """Every check but those on a plan's history in git, which tests/test_history.py trips."""
    report = json.loads(check("examples/broken/", "--format", "json").stdout)
    checks = load_rules().items("checks")
    assert {f["check"] for f in report["findings"]} == {c["id"] for c in checks if not needs_history(c)}


def test_broken_examples_in_sarif_and_junit_validate():
    sarif = json.loads(check("examples/broken/", "--format", "sarif").stdout)
    Draft4Validator(json.loads((TESTDATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))).validate(sarif)
    xmlschema.XMLSchema(str(TESTDATA / "JUnit.xsd")).validate(check("examples/broken/", "--format", "junit").stdout)
