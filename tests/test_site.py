"""The playbook pages come from the rules, in both languages, and the site builds offline."""

import re
import subprocess
import sys
from pathlib import Path

from generator.pages import build_pages
from playbook import rule_schemas
from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
PAGES = build_pages(RULES)


def test_one_page_per_kind_in_each_language():
    for kind in rule_schemas.kinds():
        assert f"{kind}.md" in PAGES and f"en/{kind}.md" in PAGES


def test_every_item_has_an_anchor_on_its_kind_page():
    for item_id, kind in RULES.item_kind.items():
        for prefix in ("", "en/"):
            assert f"{{ #{item_id} }}" in PAGES[f"{prefix}{kind}.md"], (prefix, item_id)


def test_references_link_to_the_item_they_name():
    page = PAGES["en/qualification.md"]
    man_need_only = page[page.index("{ #man_need_only }"):]
    assert "[Feasible opportunity](opportunities.md#feasible)" in man_need_only.split("###")[0]


def test_rule_text_cannot_inject_markup(company):
    rules = company({"x.yaml": "kind: opportunities\nopportunity_stages:\n"
                               "  - id: target\n    name: {en: \"<script>alert(1)</script>\"}\n"})
    page = build_pages(rules)["en/opportunities.md"]
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_mkdocs_builds_the_site_without_external_resources(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                             "--site-dir", str(site)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file() and (site / "en" / "opportunities" / "index.html").is_file()
    for html in site.rglob("*.html"):
        assert not re.search(r'(src|href)="(https?:)?//', html.read_text(encoding="utf-8")), html
    assert not (ROOT / "site_templates" / "docs" / "opportunities.md").exists()  # nothing written into the source
