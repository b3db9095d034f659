"""Every output format, held against the reference schemas in tests/testdata where there is one,
and none of them forged by what a plan, its file's name or the rules hold."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import jsonschema_rs
import pytest
import xmlschema
from jsonschema import Draft4Validator, FormatChecker

from playbook import portfolio, reporters
from playbook.checker import SEVERITIES, Checker, Finding, at_or_above
from playbook.i18n import one_line
from playbook.ruleset import load_rules
from playbook.yamlload import Location

TESTDATA = Path(__file__).resolve().parent / "testdata"
SARIF_SCHEMA = json.loads((TESTDATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# Draft 4 knows no uri-reference and jsonschema checks no URI without an extra package: both formats
# are checked by jsonschema_rs (RFC 3986).
URI_FORMATS = FormatChecker()
for _format in ("uri", "uri-reference"):
    URI_FORMATS.checks(_format)(jsonschema_rs.Draft7Validator({"format": _format}, validate_formats=True).is_valid)
RULES = load_rules()
CLEAN = "account: {id: clean, name: 清白客户, tier: ordinary_account, owner: li}\n"
BROKEN = """\
account: {id: acme, name: "ACME <&> \\"co\\"", tier: key_account, owner: zhang}
contacts: [{id: wang, name: 王总, social_style: driver}]
opportunities:
  - {id: op1, name: 产线改造, stage: valid, man: {money: false, authority: false, need: false}}
"""
# What a plan's text, a plan file's name or a company's rules might hold to forge a line: a workflow
# command on a line of its own, one already percent-encoded, terminal escapes (OSC title, clear
# screen), a carriage return, a right-to-left override, C1 NEL, the older `##[` command form.
FORGED = "\n::error file=x,line=1::forged"
HOSTILE = f"{FORGED} %0A::error::encoded \x1b]0;title\x07 \x1b[2J \r \u202e \x85 ##[error]legacy"
HOSTILE_SHOWN = (r"\n::error file=x,line=1::forged %0A::error::encoded \x1b]0;title\x07 \x1b[2J \r \u202e \x85 "
                 r"##\x5berror]legacy")  # as the text and the JUnit XML show it
# A name the plan format lets through (one line, no control character) that is hostile all the same.
NAME = "王总 ::error file=x,line=1::forged \u202e ##[error]legacy"
NAME_SHOWN = r"王总 ::error file=x,line=1::forged \u202e ##\x5berror]legacy"
HOSTILE_PATH = f"::warning file=y,line=2::{HOSTILE}.yaml"
HOSTILE_PATH_SHOWN = rf"\x3a:warning file=y,line=2::{HOSTILE_SHOWN}.yaml"


class Report:
    """One run in its own directory (the repository, and the working directory when rendering)."""

    def __init__(self, root: Path, files: list[str], rules=RULES, stages: Counter | None = None):
        self.root, self.files = root, files
        checker = Checker(rules, dt.date(2026, 6, 30))
        with contextlib.chdir(root):
            self.by_file = [(path, checker.check_file(path)) for path in files]
        self.table = portfolio.figures(rules, stages or Counter())
        self.portfolio_findings = portfolio.findings(rules, checker, self.table)
        self.ctx = reporters.Context(rules, "en", "https://playbook.intranet/", "2026-06-30")

    @property
    def findings(self) -> list[Finding]:
        return [f for _, found in self.by_file for f in found] + self.portfolio_findings

    def render(self, fmt: str, **context) -> str:
        with contextlib.chdir(self.root):
            return reporters.render(fmt, dataclasses.replace(self.ctx, **context), self.by_file,
                                    self.portfolio_findings, self.table)

    def under_github_actions(self) -> str:
        """Text and annotations on one stream, as `playbook check` writes them under GitHub Actions."""
        out = io.StringIO()
        writers = [reporters.writer(fmt, self.ctx, out) for fmt in ("text", "github")]
        for path, findings in self.by_file:
            for w in writers:
                w.add(path, findings)
        for w in writers:
            w.finish(self.portfolio_findings, self.table)
        return out.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("repository")
    (root / "accounts").mkdir()
    (root / "accounts" / "acme.yaml").write_text(BROKEN, encoding="utf-8")
    (root / "accounts" / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    report = Report(root, ["accounts/acme.yaml", "accounts/clean.yaml"])
    assert {f.severity for f in report.findings} == {"error", "warning"}
    return report


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A plan whose file's name starts with `::` and whose contact's name is hostile, a plan in a
    folder and file named with a space, `#`, `%` and Chinese, a company overlay that names a stage
    with hostile text, and a portfolio finding that points into the default rules, outside the
    repository (as with an installed playbook); plus a finding whose check id and message hold the
    worst (the writers do not count on the checker's or the rules' own care)."""
    root = tmp_path_factory.mktemp("repository")
    (root / "company").mkdir()
    name = json.dumps("  ::" + HOSTILE)
    (root / "company" / "names.yaml").write_text(
        f"kind: opportunities\nopportunity_stages:\n  - id: potential\n    name: {{en: {name}}}\n", encoding="utf-8")
    (root / "客户 #1").mkdir()
    (root / "客户 #1" / "100% 计划.yaml").write_text(BROKEN, encoding="utf-8")
    (root / HOSTILE_PATH).write_text("account: {id: acme, name: a, tier: key_account, owner: zhang}\n"
                                     f"contacts: [{{id: wang, name: {json.dumps(NAME)}, social_style: driver}}]\n",
                                     encoding="utf-8")
    with contextlib.chdir(root):
        rules = load_rules([Path("company")])
    report = Report(root, [HOSTILE_PATH, "客户 #1/100% 计划.yaml"], rules,
                    Counter({"potential": 30, (portfolio.LOST, "potential"): 30}))  # 30 lost: a win rate of 0
    path, findings = report.by_file[0]
    findings.append(Finding(Location(path, 1, 1), "error", f"plan_format{HOSTILE}", {"en": HOSTILE, "zh": HOSTILE}, ""))
    assert "contact_approach" in {f.check for f in findings}  # its message quotes the contact's name
    assert report.portfolio_findings and Path(report.portfolio_findings[0].location.file).is_absolute()
    return report


def printable_lines(output: str) -> list[str]:
    """The lines of ``output``, once it is seen to hold nothing a terminal or a log acts on:
    no control character (no line break but its own), no bidi override, no line separator."""
    assert [c for c in output if not c.isprintable() and c != "\n"] == []
    return output.split("\n")


DATA_ESCAPES = [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]
PROPERTY_ESCAPES = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]


def workflow_commands(output: str) -> list[tuple]:
    """The workflow commands GitHub's runner finds in ``output``, read as actions/runner reads them
    (src/Runner.Common/ActionCommand.cs): a line that starts with `::` once leading whitespace is
    trimmed, as (command, properties, data) unescaped; or the older form, `##[` anywhere in a line."""
    found = []
    for line in printable_lines(output):
        trimmed = line.lstrip()
        if trimmed.startswith("::") and "::" in trimmed[2:]:
            info, data = trimmed[2:].split("::", 1)
            command, _, properties = info.partition(" ")
            pairs = [p.split("=", 1) for p in properties.split(",") if "=" in p]
            found.append((command, {k: unescape(v, PROPERTY_ESCAPES) for k, v in pairs}, unescape(data, DATA_ESCAPES)))
        elif "##[" in line:
            found.append(("##[", {}, line))
    return found


def unescape(value: str, escapes: list) -> str:
    for code, char in escapes:
        value = value.replace(code, char)
    return value


def annotations(findings: list[Finding]) -> list[tuple]:
    """The commands that annotate ``findings``: exactly one each, and its text on one line."""
    return [(reporters.GITHUB_LEVEL[f.severity], {"file": one_line(f.location.file), "line": str(f.location.line),
                                                  "col": str(f.location.column), "title": one_line(f.check)},
             one_line(f.message["en"])) for f in findings]


def valid_sarif(text: str) -> dict:
    """The SARIF log, validated against the official schema, URIs checked by RFC 3986."""
    assert not URI_FORMATS.conforms("site/", "uri") and not URI_FORMATS.conforms("a b.yaml", "uri-reference")
    sarif = json.loads(text)
    Draft4Validator(SARIF_SCHEMA, format_checker=URI_FORMATS).validate(sarif)
    return sarif


def test_sarif_validates_against_the_official_schema(report):
    sarif = valid_sarif(report.render("sarif"))
    run = sarif["runs"][0]
    assert len(run["results"]) == len(report.findings)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    assert {r["level"] for r in run["results"]} == {"error", "warning"}
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "accounts/acme.yaml", "uriBaseId": "%SRCROOT%"}


def test_sarif_links_to_the_site_only_when_its_url_is_absolute(report):
    relative = valid_sarif(report.render("sarif", site_url="site/"))["runs"][0]["tool"]["driver"]
    assert "informationUri" not in relative and not any("helpUri" in r for r in relative["rules"])
    absolute = valid_sarif(report.render("sarif", site_url="https://playbook.intranet/销售 手册/"))
    driver = absolute["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://playbook.intranet/%E9%94%80%E5%94%AE%20%E6%89%8B%E5%86%8C/"
    assert all(r["helpUri"] == f"{driver['informationUri']}checks/{r['id']}/" for r in driver["rules"])


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


@pytest.mark.parametrize("fail_on", SEVERITIES)
def test_junit_fails_the_findings_that_fail_the_run(report, fail_on):
    xml = report.render("junit", fail_on=fail_on)
    xmlschema.XMLSchema(str(TESTDATA / "JUnit.xsd")).validate(xml)
    root = ET.fromstring(xml)
    suites = root.findall("testsuite")
    failing = [f for f in report.findings if f.severity in at_or_above(fail_on)]
    assert sum(int(s.get("failures")) for s in suites) == len(failing) == len(root.findall(".//failure"))
    assert sum(int(s.get("skipped")) for s in suites) == len(report.findings) - len(failing)


def test_github_annotations_escape_and_point_at_the_line(report):
    lines = report.render("github").splitlines()
    assert len(lines) == len(report.findings)
    stop = next(line for line in lines if "title=man_stop" in line)
    assert stop.startswith("::error file=") and ",line=4,col=" in stop
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert workflow_commands("\n".join(lines)) == annotations(report.findings)


def test_json_lists_every_finding_with_its_page(report):
    data = json.loads(report.render("json"))
    assert data["plans"] == 2
    assert [f["check"] for f in data["findings"]] == [f.check for f in report.findings]
    assert all(f["url"] == f"https://playbook.intranet/checks/{f['check']}/" for f in data["findings"])


def test_text_ends_with_a_summary(report):
    assert report.render("text").splitlines()[-1].startswith("2 plan(s) checked: ")


# --- hostile text ---------------------------------------------------------------------------------


def test_text_shows_hostile_text_escaped_on_its_own_line_and_starts_no_workflow_command(hostile):
    text = hostile.render("text")
    assert workflow_commands(text) == []
    lines = printable_lines(text)
    assert [line for line in lines if line.lstrip().startswith("::")] == []
    assert f"{HOSTILE_PATH_SHOWN}:2:29: warning [contact_approach] {NAME_SHOWN}'s style is known, but the plan gives " \
           "no approach  https://playbook.intranet/checks/contact_approach/" in lines
    assert f"{HOSTILE_PATH_SHOWN}:1:1: error [plan_format{HOSTILE_SHOWN}] {HOSTILE_SHOWN}  " \
           f"https://playbook.intranet/checks/plan_format{HOSTILE_SHOWN}/" in lines
    assert rf"    \x3a:{HOSTILE_SHOWN}: reached by 30, pass rate 0%; 30 closed, win rate 0% (preset 5%)" in lines


def test_annotations_are_the_findings_and_nothing_else(hostile):
    expected = annotations(hostile.findings)
    assert workflow_commands(hostile.render("github")) == expected
    assert workflow_commands(hostile.under_github_actions()) == expected  # the text beside adds none


def test_junit_of_hostile_text_is_well_formed_and_valid(hostile):
    xml = hostile.render("junit", fail_on="warning")
    xmlschema.XMLSchema(str(TESTDATA / "JUnit.xsd")).validate(xml)
    assert workflow_commands(xml) == []
    root = ET.fromstring(xml)
    assert [s.get("name") for s in root.findall("testsuite")] == [HOSTILE_PATH_SHOWN, "客户 #1/100% 计划.yaml",
                                                                    "portfolio"]
    assert {f.get("message") for f in root.iter("failure")} >= {
        HOSTILE_SHOWN, f"{NAME_SHOWN}'s style is known, but the plan gives no approach"}
    printable_lines("".join(root.itertext()) + "".join(v for e in root.iter() for v in e.attrib.values()))


def test_json_keeps_hostile_text_as_it_is_yet_shows_nothing_a_terminal_acts_on(hostile):
    text = hostile.render("json")
    assert workflow_commands(text) == []
    data = json.loads(text)
    assert [(f["file"], f["check"], f["message"]) for f in data["findings"]] == \
        [(f.location.file, f.check, f.message["en"]) for f in hostile.findings]


def test_sarif_names_files_inside_the_repository_only_by_relative_uris(hostile):
    text = hostile.render("sarif")
    assert workflow_commands(text) == []
    results = valid_sarif(text)["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == [f.message["en"] for f in hostile.findings]
    *in_plans, from_rules = results
    artifacts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in in_plans]
    assert {a["uriBaseId"] for a in artifacts} == {"%SRCROOT%"}
    assert [unquote(a["uri"]) for a in artifacts] == [f.location.file for f in hostile.findings[:-1]]
    assert "%E5%AE%A2%E6%88%B7%20%231/100%25%20%E8%AE%A1%E5%88%92.yaml" in {a["uri"] for a in artifacts}
    assert from_rules["ruleId"] == "portfolio_win_rate"
    assert from_rules["locations"] == [{"logicalLocations": [{"name": "potential"}]}]
    assert hostile.portfolio_findings[0].location.file not in text and "file://" not in text
