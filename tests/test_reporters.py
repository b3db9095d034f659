"""Every output format, held against the reference schemas in shared/testdata where there is one."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from jsonschema import Draft4Validator

from playbook import reporters
from playbook.checker import Checker
from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = Path(__file__).resolve().parent / "testdata"
RULES = load_rules()
CLEAN = "account: {id: clean, name: 清白客户, tier: ordinary_account, owner: li}\n"
BROKEN = """\
account: {id: acme, name: "ACME <&> \\"co\\"", tier: key_account, owner: zhang}
contacts: [{id: wang, name: 王总, social_style: driver}]
opportunities:
  - {id: op1, name: 产线改造, stage: valid, man: {money: false, authority: false, need: false}}
"""


class Report:
    """One checked run, rendered in any format."""

    def __init__(self, files):
        checker = Checker(RULES, dt.date(2026, 6, 30))
        self.files = files
        self.by_file = [(path, checker.check_file(path)) for path in files]
        self.findings = [f for _, found in self.by_file for f in found]
        self.ctx = reporters.Context(RULES, "en", "https://playbook.intranet/", "2026-06-30")

    def render(self, fmt):
        return reporters.render(fmt, self.ctx, self.by_file)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("plans")
    (d / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    (d / "acme.yaml").write_text(BROKEN, encoding="utf-8")
    report = Report([str(d / "acme.yaml"), str(d / "clean.yaml")])
    assert {f.severity for f in report.findings} == {"error", "warning"}
    return report


def test_sarif_validates_against_the_official_schema(report):
    sarif = json.loads(report.render("sarif"))
    schema = json.loads((TESTDATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    assert len(run["results"]) == len(report.findings)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    assert {r["level"] for r in run["results"]} == {"error", "warning"}


def test_junit_validates_against_the_strict_ant_schema(report):
    xml = report.render("junit")
    xmlschema.XMLSchema(str(TESTDATA / "JUnit.xsd")).validate(xml)
    suites = ET.fromstring(xml).findall("testsuite")
    assert [s.get("name") for s in suites] == report.files
    clean = suites[1]
    assert clean.get("tests") == "1" and clean.get("failures") == "0"
    acme = suites[0]
    errors = sum(1 for f in report.findings if f.severity == "error")
    assert acme.get("failures") == str(errors)
    assert len(acme.findall("testcase/failure")) == errors


def test_github_annotations_escape_and_point_at_the_line(report):
    lines = report.render("github").splitlines()
    assert len(lines) == len(report.findings)
    stop = next(line for line in lines if "title=man_stop" in line)
    assert stop.startswith("::error file=") and ",line=4,col=" in stop
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_json_lists_every_finding_with_its_page(report):
    data = json.loads(report.render("json"))
    assert data["plans"] == 2
    assert [f["check"] for f in data["findings"]] == [f.check for f in report.findings]
    assert all(f["url"] == f"https://playbook.intranet/checks/{f['check']}/" for f in data["findings"])


def test_text_ends_with_a_summary(report):
    assert report.render("text").splitlines()[-1].startswith("2 plan(s) checked: ")
