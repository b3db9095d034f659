"""Findings for a person (text), for tools (JSON), for CI servers (JUnit XML, SARIF 2.1.0) and
for GitHub Actions (workflow-command annotations).

Each format is a writer fed file by file, so that a run over thousands of plans writes its report
as it goes instead of holding it: ``add(path, findings)`` for every plan checked, then
``finish(portfolio_findings, portfolio_table)``.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from . import __version__, i18n
from .checker import SEVERITIES, Finding
from .ruleset import RuleSet

FORMATS = ("text", "json", "junit", "sarif", "github")
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


@dataclass(frozen=True)
class Context:
    rules: RuleSet
    lang: str
    site_url: str
    today: str  # ISO date of the run: reports are reproducible

    def url(self, check: str) -> str:
        """The site's page that explains a check."""
        return f"{self.site_url.rstrip('/')}/checks/{check}/"


class Writer:
    def __init__(self, ctx: Context, out: TextIO):
        self.ctx, self.out = ctx, out
        self.counts: Counter = Counter()
        self.plans = 0

    def start(self) -> None:
        pass

    def add(self, path: str, findings: list[Finding]) -> None:
        self.plans += 1
        self.counts.update(f.severity for f in findings)
        self.file(path, findings)

    def finish(self, portfolio_findings: list[Finding], table: list) -> None:
        self.counts.update(f.severity for f in portfolio_findings)
        self.end(portfolio_findings, table)

    def file(self, path: str, findings: list[Finding]) -> None:
        raise NotImplementedError

    def end(self, portfolio_findings: list[Finding], table: list) -> None:
        raise NotImplementedError


class Text(Writer):
    def line(self, f: Finding) -> str:
        severity = i18n.text(f"severity_{f.severity}", self.ctx.lang)
        return f"{f.location}: {severity} [{f.check}] {f.message[self.ctx.lang]}  {self.ctx.url(f.check)}"

    def file(self, path, findings):
        for f in findings:
            print(self.line(f), file=self.out)

    def end(self, portfolio_findings, table):
        lang = self.ctx.lang
        self.file("", portfolio_findings)
        if any(row.reached for row in table):
            print(i18n.text("portfolio_title", lang), file=self.out)
            for row in table:
                print(i18n.text("portfolio_row", lang, stage=self.ctx.rules.find(row.stage)[1]["name"][lang],
                                reached=row.reached, pass_rate=_percent(row.pass_rate),
                                win_rate=_percent(row.win_rate), preset=_percent(row.preset)), file=self.out)
        print(i18n.text("check_summary", lang, plans=self.plans, errors=self.counts["error"],
                        warnings=self.counts["warning"], infos=self.counts["info"]), file=self.out)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


class Json(Writer):
    def start(self):
        self.out.write('{\n  "findings": [')
        self.first = True

    def file(self, path, findings):
        for f in findings:
            item = {"file": f.location.file, "line": f.location.line, "column": f.location.column,
                    "severity": f.severity, "check": f.check, "message": f.message[self.ctx.lang],
                    "url": self.ctx.url(f.check)}
            self.out.write(("\n    " if self.first else ",\n    ") + json.dumps(item, ensure_ascii=False))
            self.first = False

    def end(self, portfolio_findings, table):
        self.file("", portfolio_findings)
        rows = [{"stage": r.stage, "reached": r.reached, "moved_on": r.moved_on, "won": r.won,
                 "pass_rate": r.pass_rate, "win_rate": r.win_rate, "preset_win_rate": r.preset} for r in table]
        self.out.write(("\n  ],\n" if not self.first else "],\n") + f'  "plans": {self.plans},\n'
                       f'  "portfolio": {json.dumps(rows, ensure_ascii=False)}\n}}\n')


class GitHub(Writer):
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""

    @staticmethod
    def escape(value: str, prop: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value

    def file(self, path, findings):
        for f in findings:
            print(f"::{GITHUB_LEVEL[f.severity]} file={self.escape(f.location.file, True)},line={f.location.line},"
                  f"col={f.location.column},title={self.escape(f.check, True)}::{self.escape(f.message[self.ctx.lang])}",
                  file=self.out)

    def end(self, portfolio_findings, table):
        self.file("", portfolio_findings)


class JUnit(Writer):
    """One test suite per plan, one test case per finding (a clean plan: one passing case); errors
    fail, warnings and info are reported as skipped. Follows the strict Ant JUnit schema."""

    def start(self):
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')

    def file(self, path, findings):
        lang = self.ctx.lang
        failing = sum(1 for f in findings if f.severity == "error")
        suite = ET.Element("testsuite", {
            "name": path, "package": "playbook", "id": str(self.plans - 1), "timestamp": f"{self.ctx.today}T00:00:00",
            "hostname": "localhost", "tests": str(max(len(findings), 1)), "failures": str(failing),
            "errors": "0", "skipped": str(len(findings) - failing), "time": "0"})
        ET.SubElement(suite, "properties")
        for f in findings:
            case = ET.SubElement(suite, "testcase", {
                "name": f"{f.check} {f.location.line}:{f.location.column}", "classname": path, "time": "0"})
            if f.severity == "error":
                failure = ET.SubElement(case, "failure", {"message": f.message[lang], "type": f.check})
                failure.text = f"{f.location}: {f.message[lang]}\n{self.ctx.url(f.check)}"
            else:
                ET.SubElement(case, "skipped", {"message": f"{f.severity}: {f.message[lang]}"})
        if not findings:
            ET.SubElement(suite, "testcase", {"name": "plan", "classname": path, "time": "0"})
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
        ET.indent(suite, level=1)
        self.out.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def end(self, portfolio_findings, table):
        if portfolio_findings:
            self.plans += 1
            self.file("portfolio", portfolio_findings)
        self.out.write("</testsuites>\n")


class Sarif(Writer):
    """SARIF 2.1.0: the checks as rules of the tool's driver, each finding a result."""

    MARK = '"results": []'

    def start(self):
        lang = self.ctx.lang
        checks = self.ctx.rules.items("checks")
        self.index = {c["id"]: i for i, c in enumerate(checks)}
        document = json.dumps({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "playbook",
                    "version": __version__,
                    "informationUri": self.ctx.site_url,
                    "rules": [{
                        "id": c["id"],
                        "name": c["id"],
                        "shortDescription": {"text": c["name"][lang]},
                        "fullDescription": {"text": c["description"][lang]},
                        "help": {"text": c["rationale"][lang]},
                        "helpUri": self.ctx.url(c["id"]),
                        "defaultConfiguration": {"level": SARIF_LEVEL[c["severity"]]},
                    } for c in checks],
                }},
                "results": [],
            }],
        }, ensure_ascii=False, indent=2)
        head, self.tail = document.split(self.MARK)
        self.out.write(head + '"results": [')
        self.first = True

    def file(self, path, findings):
        for f in findings:
            result = {
                "ruleId": f.check,
                **({"ruleIndex": self.index[f.check]} if f.check in self.index else {}),
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": f.message[self.ctx.lang]},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.location.file},
                    "region": {"startLine": f.location.line, "startColumn": f.location.column},
                }}],
            }
            self.out.write(("\n" if self.first else ",\n") + json.dumps(result, ensure_ascii=False))
            self.first = False

    def end(self, portfolio_findings, table):
        self.file("", portfolio_findings)
        self.out.write("]" + self.tail + "\n")


WRITERS = {"text": Text, "json": Json, "junit": JUnit, "sarif": Sarif, "github": GitHub}


def writer(fmt: str, ctx: Context, out: TextIO) -> Writer:
    w = WRITERS[fmt](ctx, out)
    w.start()
    return w


def render(fmt: str, ctx: Context, by_file: list[tuple[str, list[Finding]]],
           portfolio_findings: list[Finding] = (), table: list = ()) -> str:
    """A whole report as one string (for tests and small runs)."""
    out = io.StringIO()
    w = writer(fmt, ctx, out)
    for path, findings in by_file:
        w.add(path, findings)
    w.finish(list(portfolio_findings), list(table))
    return out.getvalue().rstrip("\n")
