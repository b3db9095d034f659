"""Benchmark: building the site for N generated accounts, against plain MkDocs + Material building
the same pages already written as Markdown.

Side by side in one run, alternating which goes first:
  playbook   `playbook build`: check every plan, generate every page of both languages in
             memory, build Chinese and English (MkDocs with the generator's hook)
  plain      two plain `mkdocs build`s (Chinese, English) of the very same pages, written out
             as Markdown beforehand, with the same theme, navigation and extensions
Target: playbook <= 1.3 x plain, and under 30 s. Prints both times and the sizes of the site and
of the search indexes.

    python bench/bench_site.py [--accounts 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from plans import generate  # noqa: E402

from generator import site_config  # noqa: E402
from generator.accounts import Checked  # noqa: E402
from generator.pages import build_pages, nav  # noqa: E402
from playbook.checker import Checker  # noqa: E402
from playbook.config import Config  # noqa: E402
from playbook.ruleset import load_rules  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 20)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore::UserWarning",
       "PLAYBOOK_TODAY": TODAY.isoformat()}


def write_plain_projects(work: Path, plans: list[str]) -> list[Path]:
    """The same pages as Markdown files, and a plain mkdocs.yml (no hook) for each language."""
    rules = load_rules()
    checker = Checker(rules, TODAY)
    checked = [Checked(p, *checker.check_path(p)) for p in plans]
    base = site_config.compose(work, Config())
    configs = []
    for lang in ("zh", "en"):
        docs = work / f"docs_{lang}"
        shutil.copytree(site_config.templates_dir() / "docs", docs)
        for path, markdown in build_pages(rules, checked, lang, TODAY).items():
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(markdown, encoding="utf-8")
        config = {**base, "docs_dir": str(docs), "site_dir": str(work / "plain_site" / ("" if lang == "zh" else "en")),
                  "theme": {**base["theme"], "language": lang}, "nav": nav(rules, lang)}
        config.pop("hooks")
        config.pop("watch")
        path = work / f"mkdocs_{lang}.yml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        configs.append(path)
    return configs


def timed(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-2000:]
    return time.perf_counter() - start


def size_mb(path: Path, pattern: str = "*") -> float:
    return sum(f.stat().st_size for f in path.rglob(pattern) if f.is_file()) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "accounts").mkdir()
        plans = generate(work / "accounts", args.accounts)
        (work / "playbook.yaml").write_text(f"plans: ['{work / 'accounts'}']\n", encoding="utf-8")
        plain_configs = write_plain_projects(work, plans)
        ours_cmd = [[sys.executable, "-m", "playbook", "build", "--today", TODAY.isoformat(),
                     "--site-dir", str(work / "site")]]
        plain_cmd = [[sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(c)] for c in plain_configs]
        ours, plain = [], []
        for r in range(args.rounds):
            runs = [(ours, ours_cmd), (plain, plain_cmd)]
            for times, commands in runs if r % 2 == 0 else reversed(runs):
                times.append(timed(commands, work))
        o, p = statistics.median(ours), statistics.median(plain)
        site = work / "site"
        print(f"accounts: {args.accounts}, rounds: {args.rounds}")
        print(f"playbook build (check + generate + MkDocs, zh + en), median: {o:.1f} s")
        print(f"plain MkDocs + Material, same pages as Markdown, median:    {p:.1f} s")
        ok = o / p <= 1.3 and o < 30
        print(f"ratio {o / p:.2f}  target <= 1.3 and under 30 s  {'OK' if ok else 'MISSED'}")
        print(f"site: {size_mb(site):.1f} MB in {sum(1 for f in site.rglob('*') if f.is_file())} files; "
              f"search index: zh {size_mb(site / 'search', 'search_index.json'):.1f} MB, "
              f"en {size_mb(site / 'en' / 'search', 'search_index.json'):.1f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
