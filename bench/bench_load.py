"""Benchmark: loading YAML with positions vs plain ``yaml.load`` with ``CSafeLoader``.

Generates N files of about 3 KB (rule-file-like YAML with Chinese and English text), then
times both loaders over the same files, side by side in one run, alternating which goes first.
Target: positions cost nothing, i.e. ratio (ours / yaml.load) <= 1.0.

    python bench/bench_load.py [--files 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from playbook.yamlload import load_file

WORDS_ZH = ["客户", "商机", "报价", "拜访", "经济买家", "技术方案", "回款", "合同", "需求", "信赖"]
WORDS_EN = ["customer", "opportunity", "quote", "visit", "economic buyer", "solution", "payment",
            "contract", "need", "trust"]


def make_file(rng: random.Random, i: int) -> str:
    """One rule-like YAML document of about 3 KB."""
    lines = ["kind: prospecting", "channels:"]
    for j in range(7):
        zh = "".join(rng.choice(WORDS_ZH) for _ in range(6))
        en = " ".join(rng.choice(WORDS_EN) for _ in range(6))
        lines += [
            f"  - id: channel_{i}_{j}",
            "    source: prospecting_plan",
            f"    name: {{zh: {zh[:8]}, en: {en.split()[0]} channel}}",
            "    description:",
            f"      zh: {zh}。",
            f"      en: {en.capitalize()}.",
            f"    weight: {rng.randint(1, 9)}",
            f"    rate: {rng.random():.3f}",
            f"    active: {rng.choice(['true', 'false'])}",
            f"    since: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "    advantages:",
            f"      - {{zh: {zh[:5]}, en: {en[:20]}}}",
            f"      - {{zh: {zh[5:10]}, en: {en[20:40] or 'x'}}}",
        ]
    return "\n".join(lines) + "\n"


def generate(directory: Path, count: int) -> list[Path]:
    rng = random.Random(42)
    paths = []
    for i in range(count):
        path = directory / f"f{i:05d}.yaml"
        path.write_text(make_file(rng, i), encoding="utf-8")
        paths.append(path)
    return paths


def time_pyyaml(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        with open(p, "rb") as f:
            yaml.load(f.read(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def time_positions(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        problems = []
        load_file(str(p), problems)
        assert not problems
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.files)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        # Both loaders give the same data (dates aside: we keep the text written), checked first.
        ours_data = load_file(str(paths[0]), [])
        theirs_data = yaml.load(paths[0].read_bytes(), Loader=yaml.CSafeLoader)
        assert json.dumps(ours_data, default=str) == json.dumps(theirs_data, default=str)
        ours, theirs = [], []
        for r in range(args.rounds):
            if r % 2:
                ours.append(time_positions(paths))
                theirs.append(time_pyyaml(paths))
            else:
                theirs.append(time_pyyaml(paths))
                ours.append(time_positions(paths))
    m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
    ratio = m_ours / m_theirs
    print(f"files: {args.files}, mean size {size / 1024:.1f} KB, rounds: {args.rounds}")
    print(f"yaml.load (CSafeLoader), median: {m_theirs:.3f} s")
    print(f"playbook load with positions, median: {m_ours:.3f} s")
    print(f"ratio (positions / yaml.load): {ratio:.2f}  target <= 1.00  {'OK' if ratio <= 1.0 else 'MISSED'}")
    return 0 if ratio <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
