"""Findings for a person (text), for tools (JSON), for CI servers (JUnit XML, SARIF 2.1.0) and
for GitHub Actions (workflow-command annotations).

Each format is a writer fed file by file, so that a run over thousands of plans writes its report
as it goes instead of holding it: ``add(path, findings)`` for every plan checked, then
``finish(portfolio_findings, portfolio_table)``.

Paths, messages (which quote the plans) and the rules' texts can hold anything, and a report may
be read in a terminal or printed in a GitHub Actions log, where the runner obeys workflow commands.
So the text, the annotations and the JUnit XML show each text on one line, controls escaped, and
start no command of their own; JSON and SARIF keep each text as it is, escaping what a terminal or
the runner would act on.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import quote, urlsplit

from . import __version__, i18n
from .checker import Finding, at_or_above
from .i18n import one_line
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
    fail_on: str = "error"  # the lowest severity that fails the run: JUnit reports those as failures

    def url(self, check: str) -> str:
        """The site's page that explains a check."""
        return f"{self.site_url.rstrip('/')}/checks/{check}/"

    def calendar(self, check: str) -> bool:
        """Whether only the passing of days causes the check's findings (``--calendar warning``)."""
        found = self.rules.find(check)
        return bool(found and found[1].get("calendar"))


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


def shown(text: str) -> str:
    """``text`` as a terminal shows it and as GitHub's runner reads it, should the report be printed
    in a workflow's log: on one line with controls and bidi overrides escaped (one_line), and no
    workflow command. The runner takes a line for a command when it starts with `::` once leading
    whitespace is trimmed, or when it holds `##[` anywhere."""
    text = one_line(text).replace("##[", "##\\x5b")
    start = len(text) - len(text.lstrip(" "))  # one_line leaves no whitespace but the space
    return text[:start] + "\\x3a" + text[start + 1:] if text.startswith("::", start) else text


class Text(Writer):
    def say(self, line: str) -> None:
        print(shown(line), file=self.out)

    def file(self, path, findings):
        for f in findings:
            severity = i18n.text(f"severity_{f.severity}", self.ctx.lang)
            self.say(f"{f.location}: {severity} [{f.check}] {f.message[self.ctx.lang]}  {self.ctx.url(f.check)}")

    def end(self, portfolio_findings, table):
        lang = self.ctx.lang
        self.file("", portfolio_findings)
        if any(row.reached for row in table):
            self.say(i18n.text("portfolio_title", lang))
            for row in table:
                self.say(i18n.text("portfolio_row", lang, stage=self.ctx.rules.find(row.stage)[1]["name"][lang],
                                   reached=row.reached, closed=row.closed, pass_rate=_percent(row.pass_rate),
                                   win_rate=_percent(row.win_rate), preset=_percent(row.preset)))
        self.say(i18n.text("check_summary", lang, plans=self.plans, errors=self.counts["error"],
                           warnings=self.counts["warning"], infos=self.counts["info"]))


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def json_text(value, **options) -> str:
    """JSON of ``value`` with the characters a terminal acts on (C1 controls, bidi overrides, line
    separators; json escapes C0 itself) and the `[` of `##[` (see shown) written as \\u escapes:
    the same data, safe to print. (`#` is found only in strings, and JSON lines never start with `::`.)"""
    text = json.dumps(value, ensure_ascii=False, **options).replace("##[", "##\\u005b")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\n" else json.dumps(c)[1:-1] for c in text)


class Json(Writer):
    def start(self):
        self.out.write('{\n  "findings": [')
        self.first = True

    def file(self, path, findings):
        for f in findings:
            item = {"file": f.location.file, "line": f.location.line, "column": f.location.column,
                    "severity": f.severity, "check": f.check, "message": f.message[self.ctx.lang],
                    "url": self.ctx.url(f.check), "calendar": self.ctx.calendar(f.check)}
            self.out.write(("\n    " if self.first else ",\n    ") + json_text(item))
            self.first = False

    def end(self, portfolio_findings, table):
        self.file("", portfolio_findings)
        rows = [{"stage": r.stage, "reached": r.reached, "moved_on": r.moved_on, "won": r.won, "closed": r.closed,
                 "pass_rate": r.pass_rate, "win_rate": r.win_rate, "preset_win_rate": r.preset} for r in table]
        self.out.write(("\n  ],\n" if not self.first else "],\n") + f'  "plans": {self.plans},\n'
                       f'  "portfolio": {json_text(rows)}\n}}\n')


def _github(value: str, prop: bool = False) -> str:
    """``value`` in a workflow command: on one line and free of controls (one_line), then
    escaped by GitHub's rules (one_line has left no line break to escape)."""
    value = one_line(value).replace("%", "%25")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


class GitHub(Writer):
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""

    def file(self, path, findings):
        for f in findings:
            print(f"::{GITHUB_LEVEL[f.severity]} file={_github(f.location.file, True)},line={f.location.line},"
                  f"col={f.location.column},title={_github(f.check, True)}::{_github(f.message[self.ctx.lang])}",
                  file=self.out)

    def end(self, portfolio_findings, table):
        self.file("", portfolio_findings)


class JUnit(Writer):
    """One test suite per plan, one test case per finding (a clean plan: one passing case); the
    findings at or above ``fail_on`` fail, as they fail the run, and the rest are reported as
    skipped. Follows the strict Ant JUnit schema. Texts are shown as in the text output (shown):
    XML 1.0 cannot hold most control characters at all, and the report may be printed in a log."""

    def start(self):
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')

    def file(self, path, findings):
        import xml.etree.ElementTree as ET  # for this format only

        lang, name = self.ctx.lang, shown(path)
        failing = at_or_above(self.ctx.fail_on)
        failures = sum(1 for f in findings if f.severity in failing)
        suite = ET.Element("testsuite", {
            "name": name, "package": "playbook", "id": str(self.plans - 1), "timestamp": f"{self.ctx.today}T00:00:00",
            "hostname": "localhost", "tests": str(max(len(findings), 1)), "failures": str(failures),
            "errors": "0", "skipped": str(len(findings) - failures), "time": "0"})
        ET.SubElement(suite, "properties")
        for f in findings:
            check, message = shown(f.check), shown(f.message[lang])
            case = ET.SubElement(suite, "testcase", {
                "name": f"{check} {f.location.line}:{f.location.column}", "classname": name, "time": "0"})
            if f.severity in failing:
                failure = ET.SubElement(case, "failure", {"message": message, "type": check})
                failure.text = f"{shown(str(f.location))}: {message}\n{shown(self.ctx.url(f.check))}"
            else:
                ET.SubElement(case, "skipped", {"message": f"{f.severity}: {message}"})
        if not findings:
            ET.SubElement(suite, "testcase", {"name": "plan", "classname": name, "time": "0"})
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
        ET.indent(suite, level=1)
        self.out.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def end(self, portfolio_findings, table):
        if portfolio_findings:
            self.plans += 1
            self.file("portfolio", portfolio_findings)
        self.out.write("</testsuites>\n")


def absolute_uri(url: str) -> str | None:
    """``url`` as an absolute URI (spaces and non-ASCII percent-encoded), or None when it has no
    scheme: a relative URL means nothing to whoever reads the report elsewhere."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%") if urlsplit(url).scheme else None


class Sarif(Writer):
    """SARIF 2.1.0: the checks as rules of the tool's driver, each finding a result.

    A result names its file by a URI relative to the repository (the working directory: base id
    %SRCROOT%; GitHub code scanning reads relative paths from the repository's root). A file
    outside it, such as the default rules of an installed playbook that the portfolio findings
    point into, is not named: the result is placed by what it is about instead. No
    originalUriBaseIds: it would write this machine's paths into the report, and neither the
    standard nor GitHub needs it."""

    MARK = '"results": []'

    def start(self):
        lang = self.ctx.lang
        self.root = Path.cwd()
        checks = self.ctx.rules.items("checks")
        self.index = {c["id"]: i for i, c in enumerate(checks)}
        site = absolute_uri(self.ctx.site_url)
        document = json_text({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "playbook",
                    "version": __version__,
                    **({"informationUri": site} if site else {}),
                    "rules": [{
                        "id": c["id"],
                        "name": c["id"],
                        "shortDescription": {"text": c["name"][lang]},
                        "fullDescription": {"text": c["description"][lang]},
                        "help": {"text": c["rationale"][lang]},
                        **({"helpUri": absolute_uri(self.ctx.url(c["id"]))} if site else {}),
                        "defaultConfiguration": {"level": SARIF_LEVEL[c["severity"]]},
                    } for c in checks],
                }},
                "results": [],
            }],
        }, indent=2)
        head, self.tail = document.split(self.MARK)
        self.out.write(head + '"results": [')
        self.first = True

    def location(self, f: Finding) -> dict:
        try:
            relative = Path(os.path.abspath(f.location.file)).relative_to(self.root)
        except ValueError:
            return {"logicalLocations": [{"name": f.key}]}
        return {"physicalLocation": {
            "artifactLocation": {"uri": quote(os.fsencode(relative.as_posix())), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": f.location.line, "startColumn": f.location.column},
        }}

    def file(self, path, findings):
        for f in findings:
            result = {
                "ruleId": f.check,
                **({"ruleIndex": self.index[f.check]} if f.check in self.index else {}),
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": f.message[self.ctx.lang]},
                "locations": [self.location(f)],
            }
            self.out.write(("\n" if self.first else ",\n") + json_text(result))
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
