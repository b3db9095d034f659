"""``playbook check --against REV``: what a change does to the findings, before it is merged.

A pull request may change plans, company rules and the configuration at once; its reviewers need
the findings it brings and those it clears, and how many plans it turns red. REV's files are taken
out of git into a temporary directory (one ``git archive``: the working tree, the index and the
refs are left as they are) and checked there with REV's configuration and company rules, but with
the installed default rules and this run's ``--rules``, ``--today`` and ``--fail-on``. Both sides
run from the same relative directory, so that a finding shows the same path on both and so has the
same fingerprint (the baseline's: file, check, what it is about, never the line).

Findings are matched by fingerprint and severity, counted as the baseline counts them: a check
made stricter (a warning become an error) ends its old findings and brings new ones, as it turns
plans red, so that the exit code and the count of plans that go red always agree.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .. import batch, i18n, reporters
from ..baseline import fingerprint
from ..checker import Checker, Finding, at_or_above
from ..config import Config, check_ids, load_config
from ..paths import PlanPathError, plan_files
from ..problems import ProblemsError
from ..reporters import absolute_uri, json_text, shown
from ..rulecache import cached_rules
from ..ruleset import RuleSet, display_path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2  # as in cli
FORMATS = ("text", "markdown", "json", "github")  # JUnit and SARIF describe one tree, not a change
ABSENT, PASSING, FAILING = "absent", "passing", "failing"
MARKDOWN_FINDINGS = 20  # listed per check in Markdown: a pull-request comment holds 65,536 characters

Side = list[tuple[str, list[Finding]]]  # (plan, its findings) in order; "" for the portfolio's


class _Stop(Exception):
    """The comparison cannot be made; ``lines`` say why (stderr, exit 2)."""

    def __init__(self, lines: list[str]):
        super().__init__(lines)
        self.lines = lines


def _said(lang: str, code: str, **fields) -> list[str]:
    return [f"playbook: {i18n.text(code, lang, **fields)}"]


@dataclass
class Change:
    new: list[Finding]
    resolved: list[Finding]
    unchanged: int
    plans: dict[str, tuple[str, str]]  # plan -> (state at REV, state now), for those whose state changed

    def count(self, before: str | None = None, after: str | None = None) -> int:
        """How many plans went from ``before`` to ``after`` (None: any state)."""
        return sum(1 for b, a in self.plans.values() if before in (None, b) and after in (None, a))


def diff(before: Side, after: Side, fail_on: str) -> Change:
    """What changed from ``before`` (REV) to ``after`` (the working tree)."""
    key = lambda f: (fingerprint(f), f.severity)  # noqa: E731
    old = [f for _, found in before for f in found]
    left = Counter(map(key, old))
    new = []
    for f in (f for _, found in after for f in found):
        if left[key(f)]:
            left[key(f)] -= 1
        else:
            new.append(f)
    resolved = []
    for f in old:
        if left[key(f)]:
            left[key(f)] -= 1
            resolved.append(f)
    failing = at_or_above(fail_on)

    def states(side: Side) -> dict[str, str]:
        return {path: FAILING if any(f.severity in failing for f in found) else PASSING
                for path, found in side if path}

    was, now = states(before), states(after)
    plans = {}
    for path in [*now, *was]:
        pair = (was.get(path, ABSENT), now.get(path, ABSENT))
        if pair[0] != pair[1]:
            plans[path] = pair
    return Change(new, resolved, len(old) - len(resolved), plans)


def compare(rules: RuleSet, config: Config, args, lang: str) -> int:
    """``check --against``: exit 1 when the change brings findings at or above --fail-on."""
    if args.baseline or args.update_baseline:
        return _stop(_said(lang, "cli_against_with_baseline"))
    fmt = args.format or "text"
    if fmt not in FORMATS:
        return _stop(_said(lang, "cli_against_format", format=fmt))
    fail_on = args.fail_on or config.fail_on or "error"
    here = os.getcwd()
    try:
        top, prefix, commit = _revision(args.against, lang)
        place = lambda path: _relative(Path(path), top, here)  # noqa: E731
        paths = [place(p) for p in args.paths]
        try:
            found = plan_files(paths or [place(p) for p in config.plans] or [Path("accounts")])
        except PlanPathError as e:
            raise _Stop([f"playbook: {line}" for line in e.lines(lang)]) from None
        for skipped in found.skipped:
            print(f"playbook: {skipped.render(lang)}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="playbook-against-") as tree:
            _materialise(top, commit, tree, args.against, lang)
            before, rules_before = _check_revision(Path(tree, prefix), args, paths, place, lang)
    except _Stop as e:
        return _stop(e.lines)
    after = _findings(Checker(rules, args.today, config.severity, config.disable,
                              calendar_lower=args.calendar == "warning"), found.files, args.jobs)
    change = diff(before, after, fail_on)
    ctx = reporters.Context(rules, lang, args.site_url or config.site_url or "site/", args.today.isoformat(),
                            fail_on)
    report = Report(change, ctx, args.against, commit, rules_before)
    if fmt == "text":
        for line in report.text():
            print(shown(line))
    elif fmt == "markdown":
        print(report.markdown())
    elif fmt == "json":
        print(report.json())
    if fmt == "github" or (args.format is None and os.environ.get("GITHUB_ACTIONS") == "true"):
        github = reporters.writer("github", ctx, sys.stdout)  # on the new findings' lines
        github.add("", change.new)
        github.finish([], [])
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:  # appended, as GitHub expects of every step
            f.write(report.markdown() + "\n")
    return EXIT_FINDINGS if any(f.severity in at_or_above(fail_on) for f in change.new) else EXIT_OK


def _stop(lines: list[str]) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_USAGE


def _git(args: list[str], lang: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, encoding="utf-8",
                              errors="surrogateescape")
    except FileNotFoundError:
        raise _Stop(_said(lang, "cli_against_no_git")) from None


def _detail(stderr: str, code: int) -> str:
    """git's own last word on why it failed."""
    lines = stderr.strip().splitlines()
    return lines[-1].removeprefix("fatal: ") if lines else f"exit {code}"


def _revision(rev: str, lang: str) -> tuple[str, str, str]:
    """The repository's top directory, the working directory's place in it, and REV's commit."""
    where = _git(["rev-parse", "--show-toplevel", "--show-prefix"], lang)
    if where.returncode:
        raise _Stop(_said(lang, "cli_against_not_repo", detail=_detail(where.stderr, where.returncode)))
    top, prefix = where.stdout.split("\n")[:2]
    commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], lang)
    if commit.returncode:
        raise _Stop(_said(lang, "cli_against_unknown_revision", rev=rev))
    return top, prefix, commit.stdout.strip()


def _materialise(top: str, commit: str, tree: str, rev: str, lang: str) -> None:
    """The repository's files at ``commit``, streamed from ``git archive`` into ``tree``."""
    git = subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=top,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    broken = None
    try:
        with tarfile.open(fileobj=git.stdout, mode="r|") as archive:
            archive.extractall(tree, filter="tar")  # nothing is written outside ``tree``
    except tarfile.TarError as e:
        broken = str(e)
    finally:
        git.stdout.close()  # should extracting stop early, git stops too
        error = git.stderr.read().decode("utf-8", "replace")
        git.stderr.close()
        code = git.wait()
    if code or broken:
        raise _Stop(_said(lang, "cli_against_git_failed", rev=rev, detail=_detail(error, code) if code else broken))


def _relative(path: Path, top: str, here: str) -> Path:
    """``path`` relative to ``here`` (the working directory) when it is named absolutely inside the
    repository: REV's run then reads REV's copy of it, and both runs show it alike."""
    return Path(os.path.relpath(path, here)) if path.is_absolute() and path.is_relative_to(top) else path


def _check_revision(root: Path, args, paths: list[Path], place, lang: str) -> tuple[Side, RuleSet]:
    """REV's findings and rules, checked from ``root`` (REV's copy of the working directory) with
    its configuration and company rules. A configuration, rule directory or plan path that the
    change adds is not there: REV had none."""
    root.mkdir(parents=True, exist_ok=True)  # the working directory itself may be new
    with contextlib.chdir(root):
        named = place(args.config) if getattr(args, "config", None) else None
        try:
            config = Config() if named and not os.path.lexists(named) else load_config(named and str(named))
            layers = [place(p) for p in [*config.rules, *getattr(args, "rules", [])]]
            rules = cached_rules([p for p in layers if os.path.lexists(p)])
            check_ids(config, rules)
        except ProblemsError as e:
            raise _Stop([p.render(lang) for p in e.problems]
                        + _said(lang, "cli_against_invalid", rev=args.against, count=len(e.problems))) from None
        files = []
        for path in paths or [place(p) for p in config.plans] or [Path("accounts")]:
            if not os.path.lexists(path):
                continue
            try:
                files += plan_files([path]).files
            except PlanPathError as e:
                if e.code != "cli_no_plans_in":
                    raise _Stop([f"playbook: {i18n.text('cli_against_at', lang, rev=args.against, detail=line)}"
                                 for line in e.lines(lang)]) from None
        side = _findings(Checker(rules, args.today, config.severity, config.disable,
                              calendar_lower=args.calendar == "warning"), files, args.jobs)
    *plans, (_, portfolio) = side
    return [*plans, ("", [_shown_here(f) for f in portfolio])], rules


def _shown_here(finding: Finding) -> Finding:
    """A portfolio finding placed in a rule file outside REV's tree (the installed default rules)
    shows its absolute path there; shown as this run shows it, it matches its counterpart."""
    file = finding.location.file
    if not os.path.isabs(file):
        return finding
    return replace(finding, location=replace(finding.location, file=display_path(Path(file))))


def _findings(checker: Checker, files: list[str], jobs: int | None) -> Side:
    run = batch.Run(checker, files, jobs or batch.default_jobs(len(files)))
    return [*run, ("", run.portfolio_findings)]


class Report:
    """The change in words: text for the terminal, Markdown for a pull request, JSON for tools."""

    def __init__(self, change: Change, ctx: reporters.Context, rev: str, commit: str, rules_before: RuleSet):
        self.change, self.ctx, self.rev, self.commit = change, ctx, rev, commit
        self.names = {c["id"]: c["name"][ctx.lang] for rules in (rules_before, ctx.rules)  # now wins
                      for c in rules.items("checks")}
        self.order = {c["id"]: i for i, c in enumerate(ctx.rules.items("checks"))}  # then checks gone since REV

    def summary(self, rev: str, commit: str) -> list[str]:
        lang, change = self.ctx.lang, self.change
        lines = [i18n.text("against_title", lang, rev=rev, commit=commit, new=len(change.new),
                           resolved=len(change.resolved), unchanged=change.unchanged),
                 i18n.text("against_plans", lang, severity=i18n.text(f"severity_{self.ctx.fail_on}", lang),
                           red=change.count(PASSING, FAILING), green=change.count(FAILING, PASSING))]
        if change.count(ABSENT) or change.count(after=ABSENT):
            lines.append(i18n.text("against_added_removed", lang, added=change.count(ABSENT),
                                   added_failing=change.count(ABSENT, FAILING), removed=change.count(after=ABSENT),
                                   removed_failing=change.count(FAILING, ABSENT)))
        return lines

    def checks(self) -> list[tuple[str, list[Finding], list[Finding]]]:
        """(check, its new findings, its resolved ones), in the order of the rules."""
        groups: dict[str, tuple[list, list]] = {}
        for f in self.change.new:
            groups.setdefault(f.check, ([], []))[0].append(f)
        for f in self.change.resolved:
            groups.setdefault(f.check, ([], []))[1].append(f)
        ranked = sorted(groups.items(), key=lambda item: (self.order.get(item[0], len(self.order)), item[0]))
        return [(check, new, resolved) for check, (new, resolved) in ranked]

    def heading(self, check: str, name: str, new: list, resolved: list) -> str:
        return i18n.text("against_check", self.ctx.lang, check=check, name=name, new=len(new),
                         resolved=len(resolved))

    def line(self, sign: str, f: Finding) -> str:
        severity = i18n.text(f"severity_{f.severity}", self.ctx.lang)
        return f"{sign} {f.location}: {severity} {f.message[self.ctx.lang]}"

    def text(self) -> list[str]:
        lines = self.summary(self.rev, self.commit[:12])
        for check, new, resolved in self.checks():
            heading = self.heading(f"[{check}]", self.names.get(check, ""), new, resolved)
            lines += ["", f"{heading}  {self.ctx.url(check)}"]
            lines += [f"  {self.line('+', f)}" for f in new] + [f"  {self.line('-', f)}" for f in resolved]
        return lines

    def markdown(self) -> str:
        """Plan text is quoted only inside ```diff blocks, where nothing is markup: each of its lines
        starts with + or - (or …), so none can close the block."""
        lang = self.ctx.lang
        lines = [f"### {i18n.text('against_md_title', lang)}", ""]
        lines += [f"- {line}" for line in self.summary(_code(self.rev), _code(self.commit[:12]))]
        for check, new, resolved in self.checks():
            url = absolute_uri(self.ctx.url(check))
            named = f"[{_code(check)}](<{url}>)" if url else _code(check)
            listed = [self.line("+", f) for f in new] + [self.line("-", f) for f in resolved]
            more = len(listed) - MARKDOWN_FINDINGS
            heading = self.heading(named, _escape(self.names.get(check, "")), new, resolved)
            lines += ["", f"#### {heading}", "", "```diff", *listed[:MARKDOWN_FINDINGS]]
            if more > 0:
                lines.append(f"… {i18n.text('against_md_more', lang, count=more)}")
            lines.append("```")
        return "\n".join(map(shown, lines))  # printed in a CI log, it starts no workflow command

    def json(self) -> str:
        def item(f: Finding) -> dict:
            return {"file": f.location.file, "line": f.location.line, "column": f.location.column,
                    "severity": f.severity, "check": f.check, "message": f.message[self.ctx.lang],
                    "url": self.ctx.url(f.check)}

        change = self.change
        return json_text({"against": self.rev, "commit": self.commit, "fail_on": self.ctx.fail_on,
                      "new": list(map(item, change.new)), "resolved": list(map(item, change.resolved)),
                      "unchanged": change.unchanged,
                      "plans": [{"file": path, "before": before, "after": after}
                                for path, (before, after) in change.plans.items()]}, indent=2)


def _code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    text = i18n.one_line(text)
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def _escape(text: str) -> str:
    """``text`` as Markdown shows it literally: every ASCII punctuation mark escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", i18n.one_line(text))
