"""Findings as text for a person, or as JSON for tools. More formats plug in here."""

from __future__ import annotations

import json
from collections import Counter

from . import i18n
from .checker import SEVERITIES, Finding

FORMATS = ("text", "json")


def url(site_url: str, check: str) -> str:
    """The page that explains a check (the checks section of the playbook site)."""
    return f"{site_url.rstrip('/')}/checks/#{check}"


def render(fmt: str, findings: list[Finding], plans: int, lang: str, site_url: str) -> str:
    return {"text": text, "json": as_json}[fmt](findings, plans, lang, site_url)


def text(findings: list[Finding], plans: int, lang: str, site_url: str) -> str:
    severity = {s: i18n.text(f"severity_{s}", lang) for s in SEVERITIES}
    lines = [f"{f.location}: {severity[f.severity]} [{f.check}] {f.message[lang]}  {url(site_url, f.check)}"
             for f in findings]
    counts = Counter(f.severity for f in findings)
    lines.append(i18n.text("check_summary", lang, plans=plans, errors=counts["error"],
                           warnings=counts["warning"], infos=counts["info"]))
    return "\n".join(lines)


def as_json(findings: list[Finding], plans: int, lang: str, site_url: str) -> str:
    return json.dumps({
        "plans": plans,
        "findings": [{"file": f.location.file, "line": f.location.line, "column": f.location.column,
                      "severity": f.severity, "check": f.check, "message": f.message[lang],
                      "url": url(site_url, f.check)} for f in findings],
    }, ensure_ascii=False, indent=2)
