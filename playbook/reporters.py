"""Findings for a person (text), for tools (JSON), for CI servers (JUnit XML, SARIF 2.1.0) and
for GitHub Actions (workflow-command annotations)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

from . import __version__, i18n
from .checker import SEVERITIES, Finding
from .ruleset import RuleSet

FORMATS = ("text", "json", "junit", "sarif", "github")
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    files: list[str]  # every plan checked, clean or not
    rules: RuleSet
    lang: str
    site_url: str
    today: str  # ISO date of the run: reports are reproducible
    portfolio: list = ()  # portfolio.StageFigures, stage by stage

    def url(self, check: str) -> str:
        """The page that explains a check (its entry in the checks section of the site)."""
        return f"{self.site_url.rstrip('/')}/checks/#{check}"


def render(fmt: str, report: Report) -> str:
    return {"text": text, "json": as_json, "junit": junit, "sarif": sarif, "github": github}[fmt](report)


def text(report: Report) -> str:
    lang = report.lang
    severity = {s: i18n.text(f"severity_{s}", lang) for s in SEVERITIES}
    lines = [f"{f.location}: {severity[f.severity]} [{f.check}] {f.message[lang]}  {report.url(f.check)}"
             for f in report.findings]
    if any(row.reached for row in report.portfolio):
        lines.append(i18n.text("portfolio_title", lang))
        for row in report.portfolio:
            name = report.rules.find(row.stage)[1]["name"][lang]
            lines.append(i18n.text("portfolio_row", lang, stage=name, reached=row.reached,
                                   pass_rate=_percent(row.pass_rate), win_rate=_percent(row.win_rate),
                                   preset=_percent(row.preset)))
    counts = Counter(f.severity for f in report.findings)
    lines.append(i18n.text("check_summary", lang, plans=len(report.files), errors=counts["error"],
                           warnings=counts["warning"], infos=counts["info"]))
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def as_json(report: Report) -> str:
    return json.dumps({
        "plans": len(report.files),
        "portfolio": [{"stage": r.stage, "reached": r.reached, "moved_on": r.moved_on, "won": r.won,
                       "pass_rate": r.pass_rate, "win_rate": r.win_rate, "preset_win_rate": r.preset}
                      for r in report.portfolio],
        "findings": [{"file": f.location.file, "line": f.location.line, "column": f.location.column,
                      "severity": f.severity, "check": f.check, "message": f.message[report.lang],
                      "url": report.url(f.check)} for f in report.findings],
    }, ensure_ascii=False, indent=2)


def github(report: Report) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    def escape(value: str, prop: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value

    return "\n".join(
        f"::{GITHUB_LEVEL[f.severity]} file={escape(f.location.file, True)},line={f.location.line},"
        f"col={f.location.column},title={escape(f.check, True)}::{escape(f.message[report.lang])}"
        for f in report.findings)


def junit(report: Report) -> str:
    """One test suite per plan, one failing test case per finding (a clean plan: one passing case).
    Follows the strict Ant JUnit schema, which CI servers read."""
    by_file: dict[str, list[Finding]] = {path: [] for path in report.files}
    for f in report.findings:
        by_file.setdefault(f.location.file, []).append(f)
    root = ET.Element("testsuites")
    for i, (path, findings) in enumerate(by_file.items()):
        failing = [f for f in findings if f.severity == "error"]
        suite = ET.SubElement(root, "testsuite", {
            "name": path, "package": "playbook", "id": str(i), "timestamp": f"{report.today}T00:00:00",
            "hostname": "localhost", "tests": str(max(len(findings), 1)), "failures": str(len(failing)),
            "errors": "0", "skipped": str(len(findings) - len(failing)), "time": "0"})
        ET.SubElement(suite, "properties")
        for f in findings:
            case = ET.SubElement(suite, "testcase", {
                "name": f"{f.check} {f.location.line}:{f.location.column}", "classname": path, "time": "0"})
            if f.severity == "error":
                failure = ET.SubElement(case, "failure", {"message": f.message[report.lang], "type": f.check})
                failure.text = f"{f.location}: {f.message[report.lang]}\n{report.url(f.check)}"
            else:  # warnings and info are reported, not failed
                ET.SubElement(case, "skipped", {"message": f"{f.severity}: {f.message[report.lang]}"})
        if not findings:
            ET.SubElement(suite, "testcase", {"name": "plan", "classname": path, "time": "0"})
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def sarif(report: Report) -> str:
    """SARIF 2.1.0: the checks as rules of the tool's driver, each finding a result."""
    lang, rules = report.lang, report.rules
    checks = rules.items("checks")
    index = {c["id"]: i for i, c in enumerate(checks)}
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "playbook",
                "version": __version__,
                "informationUri": report.url("").removesuffix("checks/#"),
                "rules": [{
                    "id": c["id"],
                    "name": c["id"],
                    "shortDescription": {"text": c["name"][lang]},
                    "fullDescription": {"text": c["description"][lang]},
                    "help": {"text": c["rationale"][lang]},
                    "helpUri": report.url(c["id"]),
                    "defaultConfiguration": {"level": SARIF_LEVEL[c["severity"]]},
                } for c in checks],
            }},
            "results": [{
                "ruleId": f.check,
                **({"ruleIndex": index[f.check]} if f.check in index else {}),
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": f.message[lang]},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.location.file},
                    "region": {"startLine": f.location.line, "startColumn": f.location.column},
                }}],
            } for f in report.findings],
        }],
    }, ensure_ascii=False, indent=2)
