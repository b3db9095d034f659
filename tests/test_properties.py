"""Properties of the checker over generated plans (Hypothesis).

Valid plans are drawn from the plan schema that the rules fill in (stages, roles, tiers, evidence
marks ... are the rules' own ids), so they are well-formed and reach every declarative check.
Mutations of them (and of the sample plans) are anything a person or a bad editor might save.
Whatever the input: the checker does not raise, every finding points inside the file, the
findings are sorted and the same on every run, and a run's findings do not depend on the order of
the files or on the number of worker processes.

The runs are derandomized and keep no example database, so CI sees the same examples every time
and nothing is written into the repository.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from test_samples import needs_history
from playbook import batch, portfolio
from playbook import plan_refs
from playbook.checker import FORMAT_CHECK, Checker, Finding
from playbook.plan_schema import plan_schema
from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
SCHEMA = plan_schema(RULES)
TODAY = dt.date(2026, 11, 20)
CHECKER = Checker(RULES, TODAY)
SAMPLES = sorted((ROOT / "accounts").glob("*.yaml"))

# No example database, and Hypothesis's other caches in a temporary directory, not in the repository.
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="playbook-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)
SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

# --- valid plans, from the schema the rules fill in ------------------------------------------------

DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ID_PATTERN = "^[a-z0-9][a-z0-9_.-]*$"
# Keywords the strategy below understands (besides annotations, and x- keywords, which plan_schema.py
# turns into enum / minimum / maximum); a template that gains another one fails the suite here,
# not silently with plans that are no longer valid.
KNOWN_KEYWORDS = {"$ref", "type", "enum", "properties", "required", "additionalProperties", "propertyNames",
                  "items", "minItems", "minimum", "maximum", "minLength", "maxLength", "pattern", "format",
                  "$schema", "$id", "$defs", "title", "description", "default", "allOf"}

# Dates around the run's date, so that visits are recent or overdue and receivables due or not.
DATES = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)).map(dt.date.isoformat)
# A few shared ids, so that references (an activity's contact, a referral's from_contact) often hit.
IDS = st.one_of(st.sampled_from(["c1", "c2", "op1", "acme", "2026-01-01", "yes", "1.0"]),
                st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,20}", fullmatch=True))
# Any text a person may type: Chinese, emoji, control characters, quotes; the YAML writer escapes.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24)
LINE_PATTERN = SCHEMA["$defs"]["line"]["pattern"]
LINES = st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\u2028\u2029"),
                min_size=1, max_size=24)  # a name or a title: one line


def from_schema(node: dict, dense: bool = False, defs: dict = SCHEMA["$defs"]) -> st.SearchStrategy:
    """Data valid against ``node``, a part of the filled plan schema. ``dense``: every field there
    and every list and map non-empty, so that the checks have something to hold against each other."""
    unknown = {k for k in node if k not in KNOWN_KEYWORDS and not k.startswith("x-")}
    assert not unknown, f"the plan schema uses keywords this strategy does not know: {unknown}"
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        return from_schema({**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}, dense, defs)
    if "allOf" in node:  # only "text that does not match a pattern" (no personal identifier in published text)
        banned = [re.compile(defs[part["$ref"].removeprefix("#/$defs/")]["not"]["pattern"]) for part in node["allOf"]]
        rest = {k: v for k, v in node.items() if k != "allOf"}
        return from_schema(rest, dense, defs).filter(lambda text: not any(b.search(text) for b in banned))
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node["type"]
    if kind == "object":
        props = node.get("properties")
        if props is None:  # a map whose keys come from a vocabulary (evidence, goals, scores)
            keys = node["propertyNames"]["enum"]
            return st.dictionaries(st.sampled_from(keys), from_schema(node["additionalProperties"], dense, defs),
                                   min_size=len(keys) if dense else 0, max_size=len(keys))
        required = [k for k in props if dense or k in node.get("required", ())]
        return st.fixed_dictionaries({k: from_schema(props[k], dense, defs) for k in required},
                                     optional={k: from_schema(v, dense, defs) for k, v in props.items()
                                               if k not in required})
    if kind == "array":
        least = max(node.get("minItems", 0), 1 if dense else 0)
        unique = (lambda item: item["id"]) if node.get("x-unique-id") else None  # ids unique within the list
        return st.lists(from_schema(node["items"], dense, defs), min_size=least, max_size=least + 3, unique_by=unique)
    if kind == "string":
        if node.get("pattern") == DATE_PATTERN:
            return DATES
        if node.get("pattern") == ID_PATTERN:
            return IDS
        if node.get("pattern") == LINE_PATTERN:
            return LINES
        assert "pattern" not in node, node
        return TEXT
    if kind == "integer":
        return st.integers(int(node.get("minimum", -10**6)), int(node.get("maximum", 10**6)))
    if kind == "number":
        low, high = node.get("minimum", -1e7), node.get("maximum", 1e9)
        return st.one_of(st.integers(math.ceil(low), math.floor(high)),
                         st.floats(low, high, allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.booleans()
    raise AssertionError(f"unexpected schema node: {node}")


def with_known_references(plan: dict) -> dict:
    """The plan with each reference to its own items (an activity's contact) naming one it has,
    or left out when it has none: what the format asks beyond JSON Schema (playbook/plan_refs.py)."""
    unique, refs = plan_refs.declared()
    for path, target in refs:
        ids = sorted(i["id"] for _, i in plan_refs.nodes(plan, (*target, "*")))
        for where, value in list(plan_refs.nodes(plan, path)):
            holder = plan
            for step in where[:-1]:
                holder = holder[step]
            if value not in ids:
                if ids:
                    holder[where[-1]] = ids[0]
                else:
                    del holder[where[-1]]
    return plan


PLANS = st.one_of(from_schema(SCHEMA), from_schema(SCHEMA, dense=True)).map(with_known_references)
# Layouts people write: block style, flow style, and everything between; unicode as is or escaped.
DUMP_OPTIONS = st.fixed_dictionaries({"default_flow_style": st.sampled_from([False, None, True]),
                                      "allow_unicode": st.booleans(), "width": st.sampled_from([40, 80, 10**6]),
                                      "sort_keys": st.booleans()})


def dump(plan, options=None) -> str:
    return yaml.dump(plan, Dumper=yaml.CSafeDumper, **(options or {"allow_unicode": True, "sort_keys": False}))


# --- what every run must give ----------------------------------------------------------------------

YAML_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


def lines_of(raw: bytes) -> list[str]:
    """The file's lines as YAML counts them (it takes NEL, LS and PS as line breaks too)."""
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    return YAML_BREAK.split(text)


def assert_well_reported(path: str, raw: bytes, plan, findings: list[Finding]) -> None:
    """Findings in order, each at a line and column of the file (or just past its end, where YAML
    that stops short is reported); a plan that does not reach the checks is always told why."""
    assert findings == sorted(findings, key=Finding.sort_key)
    lines = lines_of(raw)
    for f in findings:
        loc = f.location
        assert loc.file == path, f
        assert set(f.message) == {"zh", "en"} and all(isinstance(m, str) and m for m in f.message.values()), f
        if (loc.line, loc.column) == (len(lines) + 1, 1):
            continue  # the end of a file that does not end with a line break
        assert 1 <= loc.line <= len(lines), (f, len(lines))
        assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1, (f, lines[loc.line - 1])
    if plan is None:
        assert any(f.check == FORMAT_CHECK for f in findings), findings


def check_twice(path: Path) -> tuple[object, list[Finding]]:
    """Check a file; checking it again gives the same plan and the same findings."""
    plan, findings = CHECKER.check_path(str(path))
    again, found_again = CHECKER.check_path(str(path))
    assert found_again == findings
    assert json.dumps(again, default=str) == json.dumps(plan, default=str)  # as text: NaN equals itself
    return plan, findings


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


# --- 1. valid plans --------------------------------------------------------------------------------

@settings(max_examples=100, **SETTINGS)
@given(plan=PLANS, options=DUMP_OPTIONS)
def test_valid_plans_reach_the_checks_and_their_findings_are_placed_and_stable(plan, options, workdir):
    """A plan drawn from the filled schema is well-formed (no format finding: the declarative checks
    run on it), and its findings are sorted, inside the file and the same when checked again."""
    path = workdir / "valid.yaml"
    path.write_text(dump(plan, options), encoding="utf-8")
    checked, findings = check_twice(path)
    assert checked is not None, [f.message["en"] for f in findings]
    assert not [f for f in findings if f.check == FORMAT_CHECK], [f.message["en"] for f in findings]
    assert_well_reported(str(path), path.read_bytes(), checked, findings)


def test_the_generated_plans_trip_many_different_checks(workdir):
    """The strategy reaches the declarative checks: some 150 drawn plans between them trip at least
    half of the checks that apply to an element of a plan (not just one or two easy ones)."""
    declarative = {c["id"] for c in RULES.items("checks") if c["scope"] != "builtin" and not needs_history(c)}
    tripped = set()

    @settings(max_examples=150, **SETTINGS)
    @given(plan=PLANS)
    def collect(plan):
        path = workdir / "coverage.yaml"
        path.write_text(dump(plan), encoding="utf-8")
        tripped.update(f.check for f in CHECKER.check_file(str(path)))

    collect()
    assert len(tripped & declarative) >= len(declarative) // 2, (sorted(tripped), sorted(declarative - tripped))


# --- 2. mutations ----------------------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.sampled_from([
        "", " ", "<script>alert(1)</script>", "{{ plan.id }}", "{facts.discount}", "{0}", "%s%n", "${HOME}",
        "**粗体** _斜体_ `code` [link](http://x)", "\u202eRTL\u202c", "a\u200bb", "\ufeff", "\x00", "\x1b[31m",
        "# playbook: ignore[stage_evidence] a reason", "🙂" * 50, "x" * 5000, "客户" * 3000, "\n\n", "- a",
        "line\u2028break", "yes", "2026-02-30", "12:30:00", "0x1F", "1e400", ".nan",
    ]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
# A value of another type, or an out-of-range one, in place of whatever was there.
OTHER_VALUES = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1.5, -0.0, 10**30, -(10**30), float("inf"), float("-inf"),
                     float("nan"), [], {}, [None], {"id": None}, [[[]]], {"a": {"b": {"c": {}}}},
                     "2026-11-20", dt.date(2026, 11, 20), b"bytes"]),
    ODD_TEXT, st.integers(), st.floats())
# YAML that is odd or wrong, put in at some place of the text.
SNIPPETS = st.sampled_from([
    "&a ", "*a", "*nowhere", "<<: *a\n", "<<: {x: 1}\n", "!!python/object:os.system ", "!!binary AAAA", "!!int x ",
    "!!float abc ", "!!timestamp 2026-13-45 ", "!!set {a} ", "!!omap [a: 1] ", "!custom ", "? [a, b]\n: c\n",
    "? {a: b}\n: c\n", "on: 1\n", "1: x\n", "null: x\n", "~: x\n", "\t", "%YAML 1.1\n---\n", "---\n", "...\n",
    "--- \nb: 1\n", "{", "}", "[", "]", '"', "'", "|\n", ">-\n", ": ", "- ", "#", "\ufeff", "\r", "\x85",
    "\u2028", "\x00", "\x7f", "\ufffe", "[" * 2000, "a: " + "[" * 200 + "]" * 200 + "\n",
    "# playbook: ignore[stage_evidence]\n", "# playbook: ignore[]  why\n", "# playbook: ignore[a,,b, c ] x\n",
    "  # playbook: ignore[stage_evidence, quote_below_floor] agreed with sales\n",
])


def paths_in(node, prefix=()):
    """Every (key or index) path into a plan, to a value that can be mutated."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*prefix, k)
            yield from paths_in(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield (*prefix, i)
            yield from paths_in(v, (*prefix, i))


def parent_of(plan, path):
    for step in path[:-1]:
        plan = plan[step]
    return plan


@st.composite
def base_plans(draw):
    """A generated valid plan, or one of the sample plans (deeper and more realistic)."""
    if draw(st.booleans()):
        return draw(PLANS)
    return yaml.load(draw(st.sampled_from(SAMPLES)).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@st.composite
def data_mutations(draw, plan):
    """The plan with one change to its data: a key gone, a value of another type, odd text, list
    items swapped, or an unknown key; written as YAML."""
    plan = json.loads(json.dumps(plan, default=str))  # a fresh copy, dates as text
    paths = list(paths_in(plan))
    how = draw(st.sampled_from(["delete", "retype", "odd_text", "swap", "unknown_key"]))
    path = draw(st.sampled_from(paths)) if paths else ()
    parent, step = (parent_of(plan, path), path[-1]) if path else (None, None)
    if how == "delete" and parent is not None:
        del parent[step]
    elif how in ("retype", "odd_text") and parent is not None:
        parent[step] = draw(OTHER_VALUES if how == "retype" else ODD_TEXT)
    elif how == "swap":
        lists = [p for p in [(), *paths] if isinstance(_get(plan, p), list) and len(_get(plan, p)) > 1]
        if lists:
            items = _get(plan, draw(st.sampled_from(lists)))
            i, j = draw(st.permutations(range(len(items))))[:2]
            items[i], items[j] = items[j], items[i]
    else:
        maps = [p for p in [(), *paths] if isinstance(_get(plan, p), dict)]
        target = _get(plan, draw(st.sampled_from(maps)))
        target[draw(st.sampled_from(["unknown", "ID", "stage ", "Stage", "名称", "x-y"]))] = draw(OTHER_VALUES)
    return dump(plan, {"allow_unicode": draw(st.booleans()), "sort_keys": False}).encode("utf-8")


def _get(plan, path):
    for step in path:
        plan = plan[step]
    return plan


@st.composite
def text_mutations(draw, text: str):
    """The plan's YAML text with one change: a line doubled (a duplicate key), cut short, odd YAML
    put in, random bytes put in, another encoding or line ending, or random bytes altogether."""
    how = draw(st.sampled_from(["duplicate_line", "truncate", "snippet", "bytes", "encoding", "line_endings",
                                "garbage"]))
    lines = text.splitlines(keepends=True)
    if how == "duplicate_line" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(i, len(lines)))  # the copy right after it, or further down
        lines.insert(j if draw(st.booleans()) else i + 1, lines[i])
        return "".join(lines).encode("utf-8")
    if how == "truncate":
        return text.encode("utf-8")[: draw(st.integers(0, len(text.encode("utf-8"))))]
    if how == "snippet":
        at = draw(st.integers(0, len(text)))
        return (text[:at] + draw(SNIPPETS) + text[at:]).encode("utf-8")
    if how == "bytes":
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if how == "encoding":  # saved by an editor in another encoding
        return text.encode(draw(st.sampled_from(["gbk", "utf-16", "utf-8-sig", "latin-1"])), errors="replace")
    if how == "line_endings":
        return text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\x85", "\u2028"]))).encode("utf-8")
    return draw(st.binary(max_size=300))


@st.composite
def mutated_plans(draw) -> bytes:
    plan = draw(base_plans())
    if draw(st.booleans()):
        return draw(data_mutations(plan))
    return draw(text_mutations(dump(json.loads(json.dumps(plan, default=str)))))


@settings(max_examples=200, **SETTINGS)
@given(raw=mutated_plans())
def test_a_mutated_plan_never_crashes_the_checker(raw, workdir):
    """Whatever was saved, the checker reports findings, each inside the file, sorted and the same on
    every run; a file it cannot read as a plan gets a format finding with a position, not a traceback."""
    path = workdir / "mutated.yaml"
    path.write_bytes(raw)
    plan, findings = check_twice(path)
    assert_well_reported(str(path), raw, plan, findings)


def test_bytes_that_are_not_utf8_are_reported_at_their_line_and_column(workdir):
    """A character saved in another encoding (GBK) is reported at its line, and at its column counted
    in characters like every other position."""
    path = workdir / "gbk.yaml"
    path.write_bytes("account:\n  id: acme\n  name: 北京".encode() + "市".encode("gbk") +
                     "\n  tier: key_account\n  owner: zhang\n".encode())
    [finding] = CHECKER.check_file(str(path))
    assert (finding.check, finding.location.line, finding.location.column) == (FORMAT_CHECK, 3, 11)


KEY_LINE = re.compile(r"^( *)([a-z_]+): \S")  # a key of a block mapping with its value on the line


@settings(max_examples=40, **SETTINGS)
@given(plan=PLANS, choice=st.integers(min_value=0))
def test_a_key_written_twice_is_a_format_finding_at_the_second_one(plan, choice, workdir):
    """A line `key: value` copied right below itself is reported at the copy, naming the key and
    where it was first written."""
    text = dump(plan, {"allow_unicode": True, "sort_keys": False, "width": 10**6})
    lines = re.findall(r"[^\n\r\x85\u2028\u2029]*(?:\r\n|[\n\r\x85\u2028\u2029])", text)  # as YAML counts them

    def value_ends_on_its_line(i):  # no continuation below it (a quoted text can run over lines)
        below = lines[i + 1] if i + 1 < len(lines) else None
        return below is None or (below.strip() and len(below) - len(below.lstrip(" ")) <= len(lines[i]) - len(
            lines[i].lstrip(" ")))

    candidates = [i for i, line in enumerate(lines) if KEY_LINE.match(line) and value_ends_on_its_line(i)]
    i = candidates[choice % len(candidates)]
    indent, key = KEY_LINE.match(lines[i]).groups()
    lines.insert(i + 1, lines[i])
    path = workdir / "duplicate.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    _, findings = check_twice(path)
    private = "personal" in _holding_keys(lines, i)  # a contact's private list: nothing of it is quoted
    said = f"duplicate key (first at {i + 1}:{len(indent) + 1}; a private field: its content is not shown)" \
        if private else f"duplicate key '{key}' (first at {i + 1}:{len(indent) + 1})"
    assert [f.message["en"] for f in findings if f.check == FORMAT_CHECK and f.location.line == i + 2] == [said]


def _holding_keys(lines: list[str], i: int) -> list[str]:
    """The keys of the block mappings that hold line ``i``, innermost first (a list's dash counts as indent)."""
    def depth(line):
        rest = line.lstrip(" ")
        d = len(line) - len(rest)
        while rest.startswith("- "):
            rest, d = rest[2:], d + 2
        return d, rest

    level, keys = depth(lines[i])[0], []
    for line in reversed(lines[:i]):
        d, rest = depth(line)
        if d < level and ":" in rest:
            keys.append(rest.split(":", 1)[0])
            level = d
    return keys


def test_a_binary_scalar_is_a_format_finding(workdir):
    """`!!binary` is valid YAML but no plan value: the plan is told so, the checker does not raise
    (jsonschema_rs raised ValueError on the bytes it made)."""
    path = workdir / "binary.yaml"
    path.write_text("account: !!binary Ynl0ZXM=\n", encoding="utf-8")
    plan, findings = CHECKER.check_path(str(path))
    assert plan is None and [f.check for f in findings] == [FORMAT_CHECK]


@settings(max_examples=3, **SETTINGS)
@given(raws=st.lists(mutated_plans(), min_size=3, max_size=3))
def test_the_cli_reports_mutated_plans_without_a_traceback(raws, workdir):
    """`playbook check` on mutated plans exits 1 exactly when there is an error finding (0 otherwise;
    2 is for usage errors, of which there are none), prints JSON with the findings the checker
    gives in-process, and no traceback."""
    directory = workdir / "cli"
    directory.mkdir(exist_ok=True)
    files = []
    for i, raw in enumerate(raws):
        (directory / f"plan_{i}.yaml").write_bytes(raw)
        files.append(str(directory / f"plan_{i}.yaml"))
    result = subprocess.run([sys.executable, "-m", "playbook.cli", "check", *files, "--today", TODAY.isoformat(),
                             "--format", "json", "--lang", "en"], cwd=workdir, capture_output=True,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    report = json.loads(result.stdout.decode("utf-8"))
    assert report["plans"] == len(files)
    expected, _ = batch.check_files(CHECKER, files, jobs=1)
    assert [(f["file"], f["line"], f["column"], f["check"], f["message"]) for f in report["findings"]] == \
        [(f.location.file, f.location.line, f.location.column, f.check, f.message["en"]) for f in expected]
    assert result.returncode == (1 if any(f.severity == "error" for f in expected) else 0), stderr


# --- 3. order of files and number of workers -------------------------------------------------------

@st.composite
def plan_sets(draw) -> list[bytes]:
    """A handful of plans as saved: valid, mutated, samples, with duplicates now and then."""
    raws = draw(st.lists(st.one_of(PLANS.map(lambda p: dump(p).encode("utf-8")), mutated_plans(),
                                   st.sampled_from(SAMPLES).map(Path.read_bytes)), min_size=2, max_size=7))
    return raws


def by_file(checker: Checker, files: list[str], jobs: int):
    """{file: its findings}, the portfolio findings and the portfolio table of one run."""
    run = batch.Run(checker, files, jobs)
    found = {path: findings for path, findings in run}
    assert list(found) == files  # handed on in the order of the files
    return found, run.portfolio_findings, run.portfolio


@settings(max_examples=20, **SETTINGS)
@given(raws=plan_sets(), order=st.randoms(use_true_random=False), chunk=st.integers(1, 3))
def test_findings_do_not_depend_on_the_order_of_files_or_the_number_of_workers(raws, order, chunk, workdir):
    """The same files, in another order, on one worker or on two (small chunks, so that the pool
    really shares them out), give each file the findings it has when checked on its own, and the
    portfolio of the well-formed plans among them."""
    directory = workdir / "set"
    directory.mkdir(exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    files = []
    for i, raw in enumerate(raws):
        (directory / f"plan_{i}.yaml").write_bytes(raw)
        files.append(str(directory / f"plan_{i}.yaml"))
    alone, stages = {}, Counter()
    for path in files:
        plan, alone[path] = Checker(RULES, TODAY).check_path(path)
        stages += portfolio.stage_counts(plan) if plan is not None else Counter()
    shuffled = list(files)
    order.shuffle(shuffled)
    with mock.patch.object(batch, "CHUNK", chunk):
        one = by_file(Checker(RULES, TODAY), files, jobs=1)
        two = by_file(Checker(RULES, TODAY), shuffled, jobs=2)
    assert one[0] == alone
    assert two[0] == alone
    assert one[2] == two[2] == portfolio.figures(RULES, stages)
    assert one[1] == two[1]
