"""History from git: how each opportunity of a plan changed, version by version.

A plan kept in git carries an audit trail that no field of the plan can fake. With ``--history``
each opportunity gets history facts under ``history``, beside its fields (as ``facts`` is), which
the rules' facts read as ``$.history.NAME`` and hold against thresholds like any other value: the
close date pushed back without a recorded reason, the amount drifting within a stage, the stage
going back, and the stage dates the plan declares that git contradicts. Without ``--history`` there
is no ``history``, so no check on it applies.

An opportunity's versions (its trail) are matched by its id: ``{date, stage, amount,
expected_close}`` for every version of the plan in git, oldest first, dated by the commit (the
first-parent line, so a merged branch counts once, on the day it was merged). ``read`` takes them
from one ``git log`` and one ``git cat-file``, whatever the number of plans; a check's examples
write them beside the plan instead (``history: {opportunity id: [versions]}``), so that they run
without git.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import subprocess
import threading

from .facts import _date
from .ruleset import RuleSet
from .yamlload import YamlError, load_bytes

SCOPE = "opportunities[*]"  # the elements that have a history
FIELDS = ("stage", "amount", "expected_close")  # what a trail keeps of each version
CHUNK = 64  # versions a worker reads at a time


class Unavailable(Exception):
    """No history can be read: a message code and its fields say why; the run goes on without it."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def read(files: list[str], jobs: int = 1) -> dict[str, dict[str, list[dict]]]:
    """The trails of each plan's opportunities, ``{file: {opportunity id: [version, ...]}}``, from
    the repository that holds the first plan: one ``git log`` finds the versions of every plan, one
    ``git cat-file --batch`` reads them, ``jobs`` processes parse them. A plan git does not hold has
    none."""
    if not files:
        return {}
    here = os.path.dirname(os.path.abspath(files[0]))
    where = _git(["rev-parse", "--show-toplevel", "--is-shallow-repository"], here)
    if where.returncode:
        raise Unavailable("history_git_failed", detail=_detail(where.stderr, where.returncode))
    top, shallow = os.fsdecode(where.stdout).split("\n")[:2]
    if shallow == "true":  # the trail would start at the clone's depth, and mislead
        raise Unavailable("history_shallow")
    inside = {}  # file -> its path in the repository (git names the top by its real path)
    for file in files:
        folder, name = os.path.split(os.path.abspath(file))
        path = os.path.relpath(os.path.join(os.path.realpath(folder), name), top)
        if path != os.pardir and not path.startswith(os.pardir + os.sep):
            inside[file] = path.replace(os.sep, "/")
    if not inside:
        return {}
    folders = sorted({os.path.dirname(p) or "." for p in inside.values()})
    log = _git(["--literal-pathspecs", "log", "-z", "--first-parent", "--raw", "--no-abbrev", "-M", "--format=%cs",
                "--no-color", "--no-show-signature", "--", *folders], top)
    if log.returncode:
        if _git(["rev-parse", "--quiet", "--verify", "HEAD"], top).returncode:
            return {}  # nothing committed yet
        raise Unavailable("history_git_failed", detail=_detail(log.stderr, log.returncode))
    versions = _versions(log.stdout)
    wanted = {p: versions.get(p, []) for p in inside.values()}
    opportunities = _read_blobs(top, sorted({blob for found in wanted.values() for _, blob in found}), jobs)
    trails = {}
    for file, path in inside.items():
        trail = trails[file] = {}
        for date, blob in wanted[path]:
            for opportunity_id, fields in opportunities.get(blob, {}).items():
                trail.setdefault(opportunity_id, []).append({"date": date, **fields})
    return trails


def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise Unavailable("history_no_git") from None


def _detail(stderr: bytes, code: int) -> str:
    """git's own last word on why it failed."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1].removeprefix("fatal: ") if lines else f"exit {code}"


def _versions(log: bytes) -> dict[str, list[tuple[str, str]]]:
    """Each path's versions, oldest first, as (commit date, blob), from ``git log -z --raw
    --format=%cs``: a date, then ``:MODE MODE OLD NEW STATUS`` and its path (two for a rename) per
    file changed. A renamed plan keeps the versions of its old name."""
    commits: list[tuple[str, list]] = []
    tokens = iter(log.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b":"):
            blob, status = token.split(b" ")[3:5]
            paths = [next(tokens), next(tokens)] if status[:1] in (b"R", b"C") else [next(tokens)]
            commits[-1][1].append((status[:1], blob.decode(), [os.fsdecode(p) for p in paths]))
        elif token:
            commits.append((token.decode(), []))
    versions: dict[str, list[tuple[str, str]]] = {}
    for date, changes in reversed(commits):
        for status, blob, paths in changes:
            if status == b"R":
                versions[paths[1]] = versions.pop(paths[0], [])
            if status != b"D":
                versions.setdefault(paths[-1], []).append((date, blob))
    return versions


def _read_blobs(top: str, blobs: list[str], jobs: int) -> dict[str, dict[str, dict]]:
    """The opportunities of each blob, read by one ``git cat-file --batch`` (fed from a thread, so
    that neither side waits on a full pipe). Reading YAML is what costs: with ``jobs`` above 1 it
    is spread over worker processes, forked before git starts so that none holds git's pipes."""
    with multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else contextlib.nullcontext() as pool:
        git = subprocess.Popen(["git", "cat-file", "--batch", "--buffer"], cwd=top, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

        def feed():
            with contextlib.suppress(OSError), git.stdin:  # git gone: the reader finds out
                git.stdin.write("".join(f"{blob}\n" for blob in blobs).encode())

        def read():
            for blob in blobs:
                header = git.stdout.readline().split()  # "<blob> blob <size>", or "<blob> missing"
                if len(header) == 3:
                    yield blob, git.stdout.read(int(header[2]) + 1)[:-1]

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            return dict(pool.imap(_opportunities, read(), CHUNK) if pool else map(_opportunities, read()))
        finally:
            git.stdout.close()
            feeder.join()
            git.wait()


def _opportunities(version: tuple[str, bytes]) -> tuple[str, dict[str, dict]]:
    """What a trail keeps of one blob's opportunities, by id; nothing from a version that was not
    a plan (broken YAML is read as the checker reads it, within the same limits)."""
    blob, data = version
    try:
        plan = load_bytes(data, "history", [])
    except YamlError:
        return blob, {}
    listed = plan.get("opportunities") if isinstance(plan, dict) else None
    if not isinstance(listed, list):
        return blob, {}
    return blob, {o["id"]: {f: o.get(f) for f in FIELDS} for o in listed
                  if isinstance(o, dict) and isinstance(o.get("id"), str)}


def facts(trail: list[dict], opportunity: dict, today: dt.date, rules: RuleSet) -> dict:
    """The history facts of one opportunity (of a well-formed plan), from its trail and, last, the
    plan as it is now (dated today, or the last commit's day if that is later)."""
    stages = [s["id"] for s in rules.items("opportunity_stages")]
    versions = [(day, v) for v in trail if isinstance(v, dict) and (day := _date(v.get("date")))]
    versions.append((max([today, *(day for day, _ in versions[-1:])]), opportunity))

    pushes = []
    for (_, before), (day, after) in zip(versions, versions[1:]):
        old, new = _date(before.get("expected_close")), _date(after.get("expected_close"))
        if old and new and new > old:
            pushes.append({"date": day.isoformat(), "from": before["expected_close"], "to": after["expected_close"]})
    recorded = {(c["from"], c["to"]) for c in opportunity.get("close_date_changes") or []}

    spells = []  # (version, stage position) each time the stage changed
    for k, (_, v) in enumerate(versions):
        if v.get("stage") in stages and (not spells or spells[-1][1] != stages.index(v["stage"])):
            spells.append((k, stages.index(v["stage"])))
    days_in_stage: dict[str, int] = {}
    ends = [versions[k][0] for k, _ in spells[1:]] + [versions[-1][0]]
    for (k, i), end in zip(spells, ends):
        days_in_stage[stages[i]] = days_in_stage.get(stages[i], 0) + max(0, (end - versions[k][0]).days)
    regressions, entered = [], {}  # entered: stage -> the days git saw it reached (or passed over)
    for (_, a), (k, b) in zip(spells, spells[1:]):
        if b < a:
            regressions.append([str(versions[k][0]), stages[a], "→", stages[b]])  # read as words in a message
        for stage in stages[a + 1:b + 1]:
            entered.setdefault(stage, []).append(versions[k][0])

    start = spells[-1][0] if spells else 0  # the version at which it reached its current stage
    amounts = [v["amount"] for _, v in versions[start:] if _number(v.get("amount"))]
    at_stage, now = (amounts[0] if amounts else None), opportunity.get("amount")
    return {
        "close_date_pushes": pushes,
        "pushes_without_reason": sum(1 for p in pushes if (p["from"], p["to"]) not in recorded),
        "amount_at_stage": at_stage,
        "amount_drift_ratio": abs(now - at_stage) / at_stage if at_stage and _number(now) else None,
        "regressions": regressions,
        "days_in_stage": days_in_stage,
        "stage_date_gap": _largest_gap(opportunity.get("stage_history") or [], entered),
    }


def _largest_gap(declared: list, entered: dict[str, list[dt.date]]) -> dict | None:
    """The declared stage date furthest from the day git saw that stage reached (the nearest such
    day, when it was reached more than once); stages reached before git knew the plan are left out."""
    gap = None
    for item in declared:
        day, seen = _date(item["date"]), entered.get(item["stage"])
        if day and seen:
            git = min(seen, key=lambda d: abs((d - day).days))
            days = abs((git - day).days)
            if gap is None or days > gap["days"]:
                gap = {"stage": item["stage"], "declared": item["date"], "git": git.isoformat(), "days": days}
    return gap


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
