"""The built site as files: nothing private in any of them, the same bytes from the same input, and
the plans and rules it was built from left exactly as they were."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import build_site
from generator import accounts
from generator.views import View
from playbook.checker import Checker
from playbook.ruleset import load_rules
from playbook.yamlload import load_file

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile" / "hostile_plan.yaml"
TODAY = "2026-11-20"
ENV = {**os.environ, "PLAYBOOK_TODAY": TODAY}
ENV.pop("SOURCE_DATE_EPOCH", None)  # the build's date must come from its today


def values_at(data, path: tuple) -> list:
    if not path:
        return [data]
    key, rest = path[0], path[1:]
    if key == "*":
        items = data.values() if isinstance(data, dict) else data or []
        return [v for item in items for v in values_at(item, rest)]
    return values_at(data[key], rest) if isinstance(data, dict) and key in data else []


def snapshot(*directories: Path) -> dict:
    """Every file's content checksum and modification time."""
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for d in directories for p in sorted(d.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def build(work: Path, name: str) -> Path:
    out = work / name
    result = build_site(work, out, env=ENV)
    assert result.returncode == 0, result.stderr
    return out


def malformed_private(run: str, number: int, octal: str) -> str:
    """A plan whose private fields are written wrong in every way a hand slips: each carries a canary."""
    return f"""\
account: {{id: private_canaries, name: 隐私, tier: key_account, owner: 李雷}}
contacts:
  - id: a
    name: A
    personal:
      - info: info_health
        note: {number}
      - info: info_religion
        note: {octal}
        consent: {{date: CANARY-{run}-date, how: {number + 1}}}
      - info: info_family
        CANARY-{run}-key: x
        note: fine
      - info: info_habits
        note: [CANARY-{run}-list]
      - info: CANARY-{run}-category
        note: fine
      - info: info_taboos
        note: CANARY-{run}-dup
        note: CANARY-{run}-dup2
  - id: b
    name: B
    personal: CANARY-{run}-text
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The sample plans, the hostile plan (its canaries made unique to this run) and a plan whose
    private fields are malformed, with a company overlay of the rules; checked once and built
    twice, into two differently named directories."""
    work = tmp_path_factory.mktemp("project")
    plans, company = work / "plans", work / "company"
    shutil.copytree(ROOT / "accounts", plans, ignore=shutil.ignore_patterns("*.md"))
    run = uuid.uuid4().hex
    (plans / "hostile_plan.yaml").write_text(HOSTILE.read_text(encoding="utf-8").replace("CANARY-", f"CANARY-{run}-"),
                                             encoding="utf-8")
    number = int(run[:12], 16) % 10**12 + 10**12  # 13 digits of this run
    octal = "0" + "".join(str(int(c, 16) % 8) for c in run[12:22])  # YAML 1.1 reads it as an octal number
    (plans / "private_canaries.yaml").write_text(malformed_private(run, number, octal), encoding="utf-8")
    company.mkdir()
    (company / "limits.yaml").write_text("kind: opportunities\nthresholds:\n  - id: grading_score_max\n    value: 5\n",
                                         encoding="utf-8")
    (work / "playbook.yaml").write_text(f"plans: ['{plans}']\nrules: ['{company}']\n"
                                        "site_url: https://playbook.intranet.example/sales/\n", encoding="utf-8")  # a sitemap
    before = snapshot(plans, company, ROOT / "rules")
    check = subprocess.run([sys.executable, "-m", "playbook.cli", "check", "--today", TODAY], cwd=work,
                           capture_output=True, text=True, env=ENV)
    assert check.returncode in (0, 1), check.stderr  # 1: the samples have findings
    first, second = build(work, "site"), build(work, "other-site")
    return {"work": work, "plans": plans, "company": company, "run": run, "before": before,
            "sites": (first, second), "private": [f"CANARY-{run}", str(number), str(number + 1), octal[1:],
                                                  str(int(octal, 8))]}


def every_file(site: Path) -> dict[str, bytes]:
    """Each file of the site by its path, compressed ones also decompressed."""
    files = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            files[p.relative_to(site).as_posix()] = data = p.read_bytes()
            if p.suffix == ".gz":
                files[p.relative_to(site).as_posix() + " (decompressed)"] = gzip.decompress(data)
    return files


def test_every_private_field_of_the_schema_holds_a_canary_in_the_hostile_plan():
    plan = load_file(str(HOSTILE), [])
    paths = accounts.private_paths()
    assert ("contacts", "*", "personal") in paths
    schema = (ROOT / "playbook" / "schemas" / "plan.yaml").read_text(encoding="utf-8")
    marks = re.findall(r"^\s*x-private: true\s*$|[{,]\s*x-private: true\s*[,}]", schema, re.M)
    assert len(paths) == len(marks)  # each mark in the schema is found
    for path in paths:
        values = values_at(plan, path)
        assert values and all("CANARY-" in str(v) for v in values), path


def test_no_template_is_handed_a_private_field():
    today = dt.date.fromisoformat(TODAY)
    rules = load_rules()
    checked = accounts.Checked(str(HOSTILE), *Checker(rules, today).check_path(str(HOSTILE)))
    assert "CANARY-" in repr(checked.plan)
    view = View(rules, "en")
    handed = repr(accounts.detail(checked, view, today)) + repr(accounts.summary(checked, view, today))
    assert "c1.name" in handed and "CANARY-" not in handed


def test_no_canary_reaches_any_file_of_the_site(project):
    canaries = set(re.findall(rf"CANARY-{project['run']}-[\w-]+", (project["plans"] / "hostile_plan.yaml").read_text(
        encoding="utf-8")))
    assert len(canaries) == 3  # a personal note, a second one, how consent was given
    first = project["sites"][0]
    assert (first / "accounts" / "hostile_account" / "index.html").is_file()
    assert (first / "en" / "accounts" / "hostile_account" / "index.html").is_file()
    files = every_file(first)
    assert "sitemap.xml.gz (decompressed)" in files and "en/search/search_index.json" in files
    leaks = [(name, canary) for name, data in files.items() for canary in [*project["private"], *canaries]
             if canary.encode() in data or canary in name]
    assert leaks == []
    assert (first / "accounts" / "~private_canaries" / "index.html").is_file()  # a malformed plan: its findings


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github"])
def test_no_canary_reaches_any_report_in_either_language(project, fmt, tmp_path):
    """Malformed private fields are findings, and a finding there never quotes what was written."""
    reports = []
    for lang in ("zh", "en"):
        result = subprocess.run([sys.executable, "-m", "playbook", "check", "--today", TODAY, "--lang", lang,
                                 "--format", fmt], cwd=project["work"], capture_output=True, text=True,
                                env={**ENV, "GITHUB_ACTIONS": "true"})
        assert result.returncode == 1, result.stderr
        reports.append(result.stdout + result.stderr)
    assert "private_canaries.yaml" in reports[1]
    assert [c for c in project["private"] if any(c in r for r in reports)] == []


def test_no_canary_reaches_the_baseline(project, tmp_path):
    baseline = tmp_path / "baseline.json"
    result = subprocess.run([sys.executable, "-m", "playbook", "check", "--today", TODAY, "--baseline",
                             str(baseline), "--update-baseline"], cwd=project["work"], capture_output=True, text=True,
                            env=ENV)
    assert result.returncode == 0, result.stderr
    written = baseline.read_text(encoding="utf-8")
    assert "private_canaries.yaml" in written
    assert [c for c in project["private"] if c in written] == []


def test_two_builds_of_the_same_input_are_byte_identical(project):
    first, second = (every_file(site) for site in project["sites"])
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_the_dates_the_site_carries_are_the_builds_today_not_the_clocks(project):
    midnight = int(dt.datetime.combine(dt.date.fromisoformat(TODAY), dt.time(), dt.timezone.utc).timestamp())
    for sitemap in ("sitemap.xml.gz", "en/sitemap.xml.gz"):
        header = (project["sites"][0] / sitemap).read_bytes()[:10]
        assert int.from_bytes(header[4:8], "little") == midnight, sitemap  # gzip's MTIME field


def test_checking_and_building_never_modify_the_plans_or_the_rules_nor_write_beside_them(project):
    assert len(project["before"]) > 10
    assert snapshot(project["plans"], project["company"], ROOT / "rules") == project["before"]
    assert not [p for p in project["work"].iterdir() if p.name not in ("plans", "company", "playbook.yaml",
                                                                       "site", "other-site")]
