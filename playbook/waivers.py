"""Waivers: the `# playbook: ignore[...]` comments in plans, read once for the checker, the
``playbook waivers`` report and the site.

One comment, at the end of the finding's line or alone on the line above it:

    # playbook: ignore[check_a, check_b] the reason until=2026-12-31 by=王总

The reason comes first; then, in either order, ``until=YYYY-MM-DD`` (the last day it applies) and
``by=NAME`` (who approved it; the name runs to the next field or the end of the line). Any
``word=`` in ASCII letters after a space or Chinese text is read as a field, so a misspelt
``expires=`` is reported rather than taken for part of the reason and never expiring. A waiver
whose fields cannot be read suppresses nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import i18n
from .problems import Problem
from .yamlload import Location, YamlError, read

SUPPRESSION = re.compile(r"(?:^|\s)#\s*playbook:\s*ignore\[([^\]]*)\]\s*(.*)$")
# `key=` after a space, or straight after Chinese text (not inside a link's `?id=`); the full-width ＝ too
FIELD = re.compile(r"(?<![\x21-\x7e])([A-Za-z_]+)[=＝]")
FIELDS = ("until", "by")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Waiver:
    covers: int  # the line whose findings it suppresses
    location: Location  # where the comment starts
    ids: tuple[str, ...]
    reason: str
    until: dt.date | None = None
    by: str | None = None
    invalid: tuple[str, ...] = ()  # fields as written that cannot be read

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and self.until < today

    def in_force(self, today: dt.date) -> bool:
        return not self.invalid and not self.expired(today)

    def days_left(self, today: dt.date) -> int | None:
        return None if self.until is None else (self.until - today).days


def read_date(text: str) -> dt.date | None:
    """A real date written YYYY-MM-DD, else None."""
    if not DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse(raw: bytes, path: str) -> list[Waiver]:
    """Every waiver in a plan file's bytes, in the order of its lines."""
    if b"playbook:" not in raw:  # nearly every plan: nothing to look for
        return []
    found = []
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), 1):
        match = SUPPRESSION.search(line)
        if match is None:
            continue
        alone = line[: match.start()].strip() == ""
        ids = tuple(i.strip() for i in match.group(1).split(",") if i.strip())
        where = Location(path, number, match.start() + 1 + (line[match.start()] != "#"))
        found.append(_waiver(number + 1 if alone else number, where, ids, match.group(2).strip()))
    return found


def _waiver(covers: int, where: Location, ids: tuple[str, ...], text: str) -> Waiver:
    fields = list(FIELD.finditer(text))
    values, invalid = {}, []
    for field, following in zip(fields, [*fields[1:], None]):
        end = following.start() if following else len(text)
        key, value = field.group(1), text[field.end(): end].strip()
        date = read_date(value) if key == "until" else None
        if key not in FIELDS or key in values or not value or (key == "until" and date is None):
            invalid.append(text[field.start(): end].strip())
        else:
            values[key] = date or value
    reason = text[: fields[0].start()].strip() if fields else text
    return Waiver(covers, where, ids, reason, values.get("until"), values.get("by"), tuple(invalid))


def collect(files: list[str]) -> tuple[list[Waiver], list[Problem]]:
    """The waivers of every plan file, and a problem for each file that cannot be read."""
    found, problems = [], []
    for path in files:
        try:
            found += parse(read(path), path)
        except YamlError as e:
            problems.append(e.problem)
    return found, problems


def report(found: list[Waiver], plans: int, today: dt.date, lang: str, fmt: str) -> str:
    """``playbook waivers``: expired first, then the soonest to expire, then those without a date;
    plan text escaped as in the check's reports."""
    from .reporters import json_text, shown  # here: the reporters import the checker, which imports this

    found = sorted(found, key=lambda w: (w.until is None, w.until or today, w.location.file, w.location.line))
    if fmt == "json":
        return json_text({"today": today.isoformat(), "plans": plans, "waivers": [{
            "file": w.location.file, "line": w.location.line, "column": w.location.column, "checks": list(w.ids),
            "reason": w.reason, "approver": w.by, "until": w.until and w.until.isoformat(),
            "days_left": w.days_left(today), "expired": w.expired(today), "malformed": list(w.invalid)}
            for w in found]}, indent=2)
    lines = [shown(_line(w, today, lang)) for w in found]
    lines.append(i18n.text("waivers_summary", lang, count=len(found), plans=plans,
                           expired=sum(w.expired(today) for w in found),
                           open=sum(w.until is None for w in found)))
    return "\n".join(lines)


def _line(w: Waiver, today: dt.date, lang: str) -> str:
    t = lambda code, **params: i18n.text(code, lang, **params)  # noqa: E731
    days = w.days_left(today)
    if days is None:
        expiry = t("waivers_no_expiry")
    elif days < 0:
        expiry = t("waivers_expired", days=-days, until=w.until)
    else:
        expiry = t("waivers_left", days=days, until=w.until)
    parts = [f"{w.location.file}:{w.location.line}: [{', '.join(w.ids)}] {w.reason or t('waivers_no_reason')}",
             t("waivers_by", name=w.by) if w.by else t("waivers_no_approver"), expiry]
    if w.invalid:
        parts.append(t("waivers_malformed", written=", ".join(w.invalid)))
    return " · ".join(parts)
