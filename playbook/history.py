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
from one ``git log`` (or one per job) and one ``git cat-file``, whatever the number of plans; a
check's examples write them beside the plan instead (``history: {opportunity id: [versions]}``),
so that they run without git.

A repository holds many versions (every commit of every plan), and reading each one with the YAML
loader would cost more than the rest of the run. So a version is first scanned: when its
opportunities are written as people and YAML dumpers write them (a block list of mappings, each
field on its line, the fields kept here given as plain or quoted words), the lines of that part
give them, and only the few words they hold go through the loader. A version the scan cannot vouch
for is read by the loader whole. What the scan takes is what the loader would; the one difference:
a version broken outside its opportunities (a bad line among its contacts) still gives its
opportunities, where the loader would give nothing.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import multiprocessing
import os
import re
import subprocess
import threading

from . import limits
from .facts import _date
from .ruleset import RuleSet
from .yamlload import YamlError, load_bytes

SCOPE = "opportunities[*]"  # the elements that have a history
FIELDS = ("stage", "amount", "expected_close")  # what a trail keeps of each version
CHUNK = 64  # versions a worker reads at a time

# What the scan of a version reads (see the module's docstring); anything else goes to the loader.
# The text is scanned with a line break before it, so that every line starts after a "\n".
LEAD = re.compile(r"(?:\n[ ]*(?:#.*)?)*(?=\n|\Z)")  # blank and comment lines
TOP_ODD = re.compile(r"\n(?![A-Za-z_][\w-]*:(?: |\n|\Z)|-(?: |\n|\Z)|[# \n]|\Z)")  # at column 0, not a key
UNCLOSED = re.compile(r"""'(?<=[-: ] ')[^'\n]*(?:''[^'\n]*)*(?:\n|\Z)|"(?<=[-: ] ")[^"\n\\]*(?:\n|\Z|\\)""")  # runs on
SECTION = re.compile(r"\nopportunities:(.*)")
NEXT_KEY = re.compile(r"\n[A-Za-z_]")
FIRST = re.compile(r"(?:\n[ ]*(?:#.*)?(?=\n))*\n( *)(\S)")  # the first line with something on it
KEPT = "(?:" + "|".join(("id", *FIELDS)) + ")"  # the fields a trail keeps, and the id
WORD = re.compile(r"""(?:(\w[\w.+-]*)|'([^'\n]*)'|"([^"\\\n]*)")(?: +#.*| *)$""")  # a value kept


class Unavailable(Exception):
    """No history can be read: a message code and its fields say why; the run goes on without it."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def read(files: list[str], jobs: int = 1) -> dict[str, dict[str, list[dict]]]:
    """The trails of each plan's opportunities, ``{file: {opportunity id: [version, ...]}}``, from
    the repository that holds the first plan: ``git log`` finds the versions of every plan (one, or
    ``jobs`` side by side), one ``git cat-file --batch`` reads them, ``jobs`` processes parse them. A
    plan git does not hold has none."""
    if not files:
        return {}
    here = os.path.dirname(os.path.abspath(files[0]))
    where = _git(["rev-parse", "--show-toplevel", "--is-shallow-repository", "--verify", "--quiet", "HEAD"], here)
    top, shallow, head = (os.fsdecode(where.stdout).split("\n") + ["", ""])[:3]
    if where.returncode and not (where.returncode == 1 and shallow):  # 1, after the two answers: no commit
        raise Unavailable("history_git_failed", detail=_detail(where.stderr, where.returncode))
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
    if not head:
        return {}  # nothing committed yet
    versions = _versions(_log(top, head, jobs))
    wanted = {p: versions.get(p, []) for p in inside.values()}
    # each plan's versions together: git keeps them as deltas of one another, so each is read from the last
    opportunities = _read_blobs(top, list(dict.fromkeys(blob for found in wanted.values() for _, blob in found)), jobs)
    trails = {}
    for file, path in inside.items():
        trail = trails[file] = {}
        for date, blob in wanted[path]:
            for opportunity_id, fields in opportunities.get(blob, {}).items():
                trail.setdefault(opportunity_id, []).append({"date": date, **fields})
    return trails


def _log(top: str, head: str, jobs: int) -> bytes:
    """What each commit of the first-parent line changed, newest first, from ``git log --raw``: of
    every path, for a pathspec would make git compare each commit's trees twice (once to choose the
    commits, once for the changes). With ``jobs`` above 1 the line is cut into as many stretches,
    logged side by side."""
    stretches = [[head]]
    if jobs > 1:
        line = _git(["rev-list", "--first-parent", head], top).stdout.split()
        starts = line[::-(-len(line) // jobs)]
        stretches = [[start.decode(), *(f"^{end.decode()}" for end in starts[k + 1:k + 2])]
                     for k, start in enumerate(starts)]
    args = ["log", "-z", "--first-parent", "--raw", "--no-abbrev", "-M", "--format=%cs", "--no-color",
            "--no-show-signature"]
    with concurrent.futures.ThreadPoolExecutor(len(stretches)) as pool:
        logs = list(pool.map(lambda stretch: _git([*args, *stretch], top), stretches))
    for log in logs:
        if log.returncode:
            raise Unavailable("history_git_failed", detail=_detail(log.stderr, log.returncode))
    return b"\0".join(log.stdout for log in logs)


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
    """What a trail keeps of one blob's opportunities, by id: scanned, or else loaded."""
    blob, data = version
    scanned = _scanned(data)
    return blob, _loaded(data) if scanned is None else scanned


def _loaded(data: bytes) -> dict[str, dict]:
    """The opportunities as the YAML loader reads them; nothing from a version that was not a plan
    (broken YAML is read as the checker reads it, within the same limits)."""
    try:
        plan = load_bytes(data, "history", [])
    except YamlError:
        return {}
    listed = plan.get("opportunities") if isinstance(plan, dict) else None
    if not isinstance(listed, list):
        return {}
    return {o["id"]: {f: o.get(f) for f in FIELDS} for o in listed
            if isinstance(o, dict) and isinstance(o.get("id"), str)}


def _scanned(data: bytes) -> dict[str, dict] | None:
    """The opportunities as the lines of a plain block list give them; None when the lines are
    not that plain (the loader reads the version then)."""
    if len(data) > limits.FILE_BYTES:
        return None
    try:
        text = "\n" + data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if (not text.replace("\n", "").isprintable() or TOP_ODD.search(text)
            or text[LEAD.match(text).end() + 1:][:1] == " "):
        return None  # a tab, a line break other than "\n", ...; a line at column 0 that is no key; indented
    sections = SECTION.findall(text)
    if not sections:
        return {}
    if len(sections) > 1 or sections[0].strip()[:1] not in ("", "#"):
        return None
    start = SECTION.search(text).end()
    after = NEXT_KEY.search(text, start)
    end = after.start() if after else len(text)
    first = FIRST.match(text, start)
    if not first or first.start(2) >= end:
        return {}  # opportunities: nothing
    if first[2] != "-":
        return None
    odd, kept = _lines(len(first[1]))
    if odd.search(text, start, end) or UNCLOSED.search(text, start, end):
        return None
    items: list[dict] = []
    for dash, key, value in kept.findall(text, start, end):
        if dash:
            items.append({})
        if key != "id" and key not in FIELDS:
            continue  # the first field of an opportunity, not one kept
        word = WORD.match(value)
        if word is None or key in items[-1]:
            return None
        plain, single, double = word.groups()
        items[-1][key] = _plain(plain) if plain else single if single is not None else double
    return {item["id"]: {f: item.get(f) for f in FIELDS} for item in items if isinstance(item.get("id"), str)}


@functools.cache
def _lines(column: int) -> tuple[re.Pattern, re.Pattern]:
    """For opportunities listed at ``column`` (their fields two further): a line the scan cannot
    vouch for, and the lines that start an opportunity or give a field kept, as (dash, key,
    value). A line the scan cannot vouch for is at neither place, or a field's value runs on to the
    next line (a list after a value, a kept field's plain words, a list or mapping written inline
    that does not end on a line nested deeper), or carries an anchor or a tag."""
    item, field, deeper, key = f" {{{column}}}- ", f" {{{column + 2}}}", f" {{{column + 3}}}", r"[A-Za-z_][\w-]*:"
    odd = (rf"\n(?:(?!{deeper}|{field}{key}(?: |\n|\Z)|{item}{key}(?: |\n|\Z)|{field}-(?: |\n|\Z)| *(?:#|\n|\Z))"
           rf"|(?:{item}|{field})(?:{key} +[^\s#][^\n]*\n{field}-(?: |\n|\Z)"
           rf"|{KEPT}:[^\n]*(?:\n *(?=\n))*\n{deeper}"
           rf"|{key} +(?:[&!]|[\[{{](?![^\n]*(?:\n{deeper}[^\n]*)*?[\]}}] *(?:#[^\n]*)?(?=\n|\Z)(?!\n{deeper})))))")
    return re.compile(odd), re.compile(rf"\n(?:({item})|{field}(?={KEPT}:))([A-Za-z_][\w-]*):(?: +([^\n]*))?")


@functools.cache
def _plain(word: str):
    """A plain word as the loader reads it: ``100000`` a number, ``2026-06-30`` text, ``null`` None."""
    return load_bytes(word, "history", [])


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
