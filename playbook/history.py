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

Walking the history costs git more than all the rest, so what a read found is kept for the next
one, in the cache directory of ``cachefile`` (one file per checkout): each commit of the line, with
its date and what it changed, and the opportunities of each version read. Both are keyed by git's
own ids, which fix a commit's content and parents and a blob's bytes, so a kept entry never goes
stale: a later read logs only the commits above the newest one it has on the line (the line of a
rebased or reset branch meets the kept one lower down, or not at all) and reads only the versions
it has not read. The file keeps the line of its last read, and the versions that line holds.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import os
import re
import subprocess
import threading
from pathlib import Path
from typing import NamedTuple

from . import __version__, cachefile, limits
from .facts import _date
from .ruleset import RuleSet
from .yamlload import YamlError, load_bytes

SCOPE = "opportunities[*]"  # the elements that have a history
FIELDS = ("stage", "amount", "expected_close")  # what a trail keeps of each version
VERSION = ("date", *FIELDS)  # a version in a trail
WIDTH = 1 + len(FIELDS)  # an opportunity in the cache: its id, then its fields (see _flat)
CHUNK = 64  # versions a worker reads at a time
FORMAT = "json-1"  # changes with the layout of the cache file (see _store)
KEEP = 4  # cache files kept: a few checkouts

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


class Line(NamedTuple):
    """Commits of the first-parent line, newest first, as three lists in step: each one's id, date
    (``%cs``) and changes, ``[status, blob, path]`` (``[status, blob, old path, new path]`` for a
    rename or a copy)."""

    commits: list[str]
    dates: list[str]
    changes: list[list[list[str]]]


class Unavailable(Exception):
    """No history can be read: a message code and its fields say why; the run goes on without it."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def read(files: list[str], jobs: int = 1) -> dict[str, dict[str, list[dict]]]:
    """The trails of each plan's opportunities, ``{file: {opportunity id: [version, ...]}}``, from
    the repository that holds the first plan: ``git log`` finds the versions of every plan (one, or
    ``jobs`` side by side), one ``git cat-file --batch`` reads them, ``jobs`` processes parse them;
    only what the cache does not hold yet. A plan git does not hold has none."""
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
    cache = _cache_path(top)
    cached, found = _load(cache)  # found: each version read, its opportunities (see _flat)
    base = _base(top, head, cached.commits)
    kept = Line(*(part[base:] for part in cached)) if base is not None else Line([], [], [])
    stop = kept.commits[0] if kept.commits else None  # the newest commit the cache has on the line
    new = _commits(_log(top, head, stop, jobs)) if stop != head else Line([], [], [])
    line = Line(*(above + below for above, below in zip(new, kept)))
    versions = _versions(line)
    wanted = {p: versions.get(p, []) for p in inside.values()}
    # each plan's versions together: git keeps them as deltas of one another, so each is read from the last
    unread = dict.fromkeys(blob for found_at in wanted.values() for _, blob in found_at if blob not in found)
    fresh = {blob: _flat(opportunities) for blob, opportunities in _read_blobs(top, list(unread), jobs).items()}
    found.update(fresh)
    if cache and (new.commits or fresh or base):
        _store(cache, line, found, fresh)
    trails = {}
    with cachefile.collector_paused():  # twice as fast a warm read
        for file, path in inside.items():
            trail = trails[file] = {}
            for date, blob in wanted[path]:
                opportunities = found.get(blob, [])
                for k in range(0, len(opportunities), WIDTH):
                    version = dict(zip(VERSION, [date, *opportunities[k + 1:k + WIDTH]]))
                    trail.setdefault(opportunities[k], []).append(version)
    return trails


def _base(top: str, head: str, cached: list[str]) -> int | None:
    """Where the first-parent line of ``head`` meets the cached one (newest first): the index in
    ``cached`` of the newest commit on both, or None. A commit's id fixes its parents, so below it
    the two lines are the same."""
    if not cached:
        return None
    if head in cached:
        return cached.index(head)  # nothing new, or the branch reset to an older commit
    above = _git(["rev-list", "--first-parent", "--parents", f"{cached[0]}..{head}"], top)
    lines = above.stdout.split(b"\n")[:-1]
    if not above.returncode and lines and lines[-1].split()[1:2] == [cached[0].encode()]:
        return 0  # commits on top of the cached line: the oldest of them has its newest as first parent
    listed = _git(["rev-list", "--first-parent", head], top)  # rebased, amended, or another repository
    if listed.returncode:
        raise Unavailable("history_git_failed", detail=_detail(listed.stderr, listed.returncode))
    index = {commit: k for k, commit in enumerate(cached)}
    return next((index[c] for c in listed.stdout.decode().split() if c in index), None)


def _log(top: str, head: str, stop: str | None, jobs: int) -> bytes:
    """What each commit of the first-parent line changed, newest first, from ``head`` down to
    ``stop`` (left out) or the first commit, from ``git log --raw``: of every path, for a pathspec
    would make git compare each commit's trees twice (once to choose the commits, once for the
    changes). With ``jobs`` above 1 the line is cut into as many stretches, logged side by side."""
    until = [f"^{stop}"] if stop else []
    stretches = [[head, *until]]
    if jobs > 1:
        line = _git(["rev-list", "--first-parent", head, *until], top).stdout.decode().split()
        starts = line[::-(-len(line) // jobs)]
        stretches = [[start, f"^{end}"] if end else [start] for start, end in zip(starts, [*starts[1:], stop])]
    args = ["log", "-z", "--first-parent", "--raw", "--no-abbrev", "-M", "--format=%H %cs", "--no-color",
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


def _commits(log: bytes) -> Line:
    """The commits of ``git log -z --raw --format="%H %cs"``: per commit, its id and date, then
    ``:MODE MODE OLD NEW STATUS`` and its path (two for a rename or a copy) per file changed."""
    line = Line([], [], [])
    tokens = iter(log.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b":"):
            blob, status = token.split(b" ")[3:5]
            paths = [next(tokens), next(tokens)] if status[:1] in (b"R", b"C") else [next(tokens)]
            line.changes[-1].append([status[:1].decode(), blob.decode(), *map(os.fsdecode, paths)])
        elif token:
            commit, date = token.decode().split(" ")
            line.commits.append(commit)
            line.dates.append(date)
            line.changes.append([])
    return line


def _versions(line: Line) -> dict[str, list[tuple[str, str]]]:
    """Each path's versions, oldest first, as (commit date, blob). A renamed plan keeps the versions
    of its old name."""
    versions: dict[str, list[tuple[str, str]]] = {}
    for date, changes in zip(reversed(line.dates), reversed(line.changes)):
        for status, blob, *paths in changes:
            if status == "R":
                versions[paths[1]] = versions.pop(paths[0], [])
            if status != "D":
                versions.setdefault(paths[-1], []).append((date, blob))
    return versions


# The cache file (inside cachefile's framing): one JSON object, {"commits": [...], "dates": [...],
# "changes": [...], "blobs": {blob: [id, stage, amount, expected_close, id, ...]}}, the first three
# a Line, the last the opportunities of each version read, flat (see _flat). Lists of strings
# rather than an object per version: 150,000 versions decode in one json.loads in a fraction of a
# second. Only the versions the line holds are kept, and only those whose fields are plain values
# that JSON gives back as they were.

def _cache_path(top: str) -> Path | None:
    """The cache file of the checkout at ``top`` (the real path, as git gives it): one per checkout,
    for the file keeps a single line, and two checkouts on different branches would take turns
    dropping each other's newest commits. The package version is part of the key, for the
    versions' opportunities are what this code reads in them."""
    key = hashlib.sha256(b"\0".join((FORMAT.encode(), __version__.encode(), os.fsencode(top)))).hexdigest()[:32]
    try:
        return cachefile.cache_dir() / f"history-{key}.json"
    except RuntimeError:  # no home directory: no cache
        return None


def _load(path: Path | None) -> tuple[Line, dict[str, list]]:
    """The line and the versions' opportunities kept at ``path``; none if the file is missing, not
    to be trusted (``cachefile.read``) or not what _store writes."""
    data = cachefile.read(path) if path else None
    if data is not None:
        try:
            with cachefile.collector_paused():
                kept = json.loads(data)
            line, blobs = Line(kept["commits"], kept["dates"], kept["changes"]), kept["blobs"]
            if all(isinstance(part, list) and len(part) == len(line.commits) for part in line) \
                    and isinstance(blobs, dict):
                return line, blobs
        except Exception:  # whatever is wrong with the file, it is rebuilt, not trusted
            pass
    return Line([], [], []), {}


def _store(path: Path, line: Line, found: dict[str, list], fresh: dict[str, list]) -> None:
    """Keep ``line`` and the opportunities of the versions on it for the next read: of those read
    now (``fresh``), the ones whose values are plain (those read before were when they were kept)."""
    held = {change[1] for changes in line.changes for change in changes}
    blobs = {blob: kept for blob, kept in found.items() if blob in held and (
        blob not in fresh or all(value is None or type(value) in (str, int, float, bool) for value in kept))}
    data = json.dumps({"commits": line.commits, "dates": line.dates, "changes": line.changes, "blobs": blobs},
                      separators=(",", ":"))
    cachefile.write(path, data.encode(), KEEP)


def _flat(opportunities: dict[str, dict]) -> list:
    """One version's opportunities as the cache keeps them: each one's id then its FIELDS, in a list."""
    return [value for opportunity_id, fields in opportunities.items()
            for value in (opportunity_id, *(fields[f] for f in FIELDS))]


def _read_blobs(top: str, blobs: list[str], jobs: int) -> dict[str, dict[str, dict]]:
    """The opportunities of each blob, read by one ``git cat-file --batch`` (fed from a thread, so
    that neither side waits on a full pipe). Reading YAML is what costs: with ``jobs`` above 1 it
    is spread over worker processes, forked before git starts so that none holds git's pipes."""
    if not blobs:
        return {}  # all read before: no workers, no git
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
