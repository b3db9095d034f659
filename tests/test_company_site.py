"""A company's site: built with no mkdocs.yml of the repository's, it shows exactly the rule set
`check` enforces (the configuration's rules and `--rules`), and takes the company's name, colours,
logo and pages from its playbook.yaml and its own mkdocs.yml."""

from __future__ import annotations

import pytest

from conftest import build_site, make_project

CHANNEL = """\
kind: prospecting
channels:
  - id: trade_fair_booth
    source: prospecting_plan
    name: {zh: 展会摆摊法, en: Trade-fair booth}
    description: {zh: 在行业展会上设摊位结识客户。, en: Meet customers at a booth at trade fairs.}
    advantages: [{zh: 集中接触, en: Many contacts at once}]
    drawbacks: [{zh: 费用高, en: Costly}]
    when_to_use: {zh: 行业有大型展会时, en: When the industry holds a large fair}
    cost: high
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The company project (its rules raise long_overdue_days to 60), an extra rule directory
    given with --rules, the company's name, palette, logo and pages, and its own mkdocs.yml."""
    work = make_project(tmp_path_factory.mktemp("company") / "repo")
    (work / "extra").mkdir()
    (work / "extra" / "channels.yaml").write_text(CHANNEL, encoding="utf-8")
    (work / "site_pages").mkdir()
    (work / "site_pages" / "about.md").write_text("# 关于我们\n\n华东大客户部的手册。\n", encoding="utf-8")
    (work / "site_pages" / "index.md").write_text("# 不该出现\n", encoding="utf-8")  # the playbook's own page
    (work / "site_pages" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (work / "playbook.yaml").write_text(
        "plans: [accounts]\nrules: [company]\n"
        "site: {name: 华东公司销售手册, logo: logo.png, pages: site_pages, palette: {primary: indigo}}\n",
        encoding="utf-8")
    (work / "mkdocs.yml").write_text("markdown_extensions: [abbr]\ntheme: {features: [navigation.top]}\n",
                                     encoding="utf-8")
    result = build_site(work, work / "site", "--rules", "extra", "--lang", "en")
    assert result.returncode == 0, result.stderr
    return work / "site", result.stderr


def test_the_site_shows_the_rule_set_check_enforces(site):
    out, _ = site
    assert "展会摆摊法" in (out / "prospecting" / "index.html").read_text(encoding="utf-8")
    assert "Trade-fair booth" in (out / "en" / "prospecting" / "index.html").read_text(encoding="utf-8")
    receivables = (out / "receivables" / "index.html").read_text(encoding="utf-8")
    threshold = receivables[receivables.index('id="long_overdue_days"'):][:1500]
    assert "60" in threshold and "90</" not in threshold


def test_the_company_names_colours_and_adds_to_the_site(site):
    out, _ = site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>华东公司销售手册</title>" in home
    assert 'data-md-color-primary="indigo"' in home
    assert 'src="logo.png"' in home and (out / "logo.png").is_file()
    assert "navigation.top" in home  # the company mkdocs.yml's feature, beside the defaults
    assert "search.highlight" in home


def test_the_company_pages_are_added_but_never_over_the_playbooks(site):
    out, stderr = site
    assert "华东大客户部的手册" in (out / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="about/"' in (out / "index.html").read_text(encoding="utf-8")  # in the navigation
    assert "不该出现" not in (out / "index.html").read_text(encoding="utf-8")
    assert "playbook: the company page index.md has the name of a page the playbook generates; it is left out" \
        in stderr.splitlines()


def test_a_link_that_does_not_resolve_fails_the_build_as_strict_mkdocs_would(tmp_path):
    """A company page linking to a page or an anchor that is not there: each said once (the Chinese
    and the English build find the same), exit 2, and the previous site stays as it was."""
    work = make_project(tmp_path / "repo")
    (work / "site_pages").mkdir()
    page = work / "site_pages" / "guide.md"
    page.write_text("# 须知\n\n见[资格](qualification.md#man_no_need)。\n", encoding="utf-8")
    (work / "playbook.yaml").write_text("plans: [accounts]\nsite: {pages: site_pages}\n", encoding="utf-8")
    assert build_site(work, work / "site", "--lang", "en").returncode == 0
    before = (work / "site" / "guide" / "index.html").read_bytes()
    page.write_text("# 须知\n\n见[价格政策](pricing-policy.md)和[资格](qualification.md#no_such_anchor)。\n",
                    encoding="utf-8")
    result = build_site(work, work / "site", "--lang", "en")
    assert result.returncode == 2
    said = [line for line in result.stderr.splitlines() if "guide.md" in line]
    assert len(said) == 3 and "pricing-policy.md" in said[0] and "#no_such_anchor" in said[1]
    assert said[2].startswith("playbook: the site could not be built: the site has 2 link(s) or anchor(s) "
                              "that do not resolve")
    assert (work / "site" / "guide" / "index.html").read_bytes() == before
