"""Search that finds the method, and the sitemap: the search index as built, searched in a real
browser on both sites, and the sitemaps of a site with and without its address (`site_url`)."""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import build_site, search, served

from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://host.example/sales/playbook/"
ZWSP = "\u200b"
RULES = load_rules()
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def built(tmp_path_factory, name: str, extra: str = "") -> Path:
    work = tmp_path_factory.mktemp(name)
    (work / "playbook.yaml").write_text(f"plans: ['{ROOT / 'accounts'}']\n{extra}", encoding="utf-8")
    result = build_site(work, work / "site")
    assert result.returncode == 0, result.stderr
    return work / "site"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The sample plans' site, with its address under a sub-path of the host."""
    return built(tmp_path_factory, "addressed", f"site_url: {SITE_URL}\n")


@pytest.fixture(scope="module")
def site(built_site):
    """The same site served on localhost (for the browser tests)."""
    with served(built_site) as address:
        yield address


def index(site: Path, lang: str) -> dict:
    return json.loads((site / ("en" if lang == "en" else "") / "search" / "search_index.json").read_text(
        encoding="utf-8"))


def entry(site: Path, lang: str, location: str) -> dict:
    return next(d for d in index(site, lang)["docs"] if d["location"] == location)


def as_written(text: str) -> str:
    return text.replace(ZWSP, "")


def test_every_heading_of_the_method_is_indexed_as_written(built_site):
    """Each heading is cut into words (the invisible space between them), and nothing is added."""
    items = {item["id"]: item for items in RULES.collections.values() for item in items.values()}
    headings = [(d, items[d["location"].partition("#")[2]]) for d in index(built_site, "zh")["docs"]
                if d["location"].partition("#")[2] in items]
    assert len(headings) > 200
    assert [d["title"] for d, item in headings if as_written(d["title"]) != html.escape(item["name"]["zh"], quote=False)
            ] == []
    assert any(ZWSP in d["title"] for d, _ in headings)  # cut into words
    door = entry(built_site, "zh", "prospecting/#door_to_door")
    assert items["door_to_door"]["description"]["zh"].split("。")[0] in as_written(door["text"])


def test_the_words_inside_a_name_are_searched_but_never_shown(built_site):
    zh = index(built_site, "zh")
    door = entry(built_site, "zh", "prospecting/#door_to_door")
    assert door["title"] == "逐户访问法"
    assert {"逐户", "访问"} <= set(door["title_parts"].split())
    assert zh["config"]["fields"]["title_parts"] == zh["config"]["fields"]["title"]
    assert zh["config"]["fields"]["text_parts"] == zh["config"]["fields"]["text"]


def test_a_heading_in_the_other_language_is_searched_as_text_not_shown_as_title(built_site):
    zh, en = entry(built_site, "zh", "prospecting/#door_to_door"), entry(built_site, "en", "prospecting/#door_to_door")
    assert (zh["title"], zh["other_name"].strip(ZWSP + " ")) == ("逐户访问法", "Door-to-door canvassing")
    assert (en["title"], as_written(en["other_name"]).strip()) == ("Door-to-door canvassing", "逐户访问法")
    assert {"逐户", "访问"} <= set(en["other_name_parts"].split())
    config = index(built_site, "zh")["config"]["fields"]
    assert config["other_name"] == config["text"]


def test_neither_index_is_stemmed_and_check_pages_weigh_less(built_site):
    for lang in ("zh", "en"):
        docs = index(built_site, lang)
        assert "stemmer" not in docs["config"]["pipeline"], lang
        boosts = {d["location"].split("/")[0]: d.get("boost", 1) for d in docs["docs"]}
        assert boosts["checks"] < boosts["prospecting"] == boosts["qualification"] == 1


def test_with_its_address_the_root_sitemap_lists_both_languages(built_site):
    root = [loc.text for loc in ET.parse(built_site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    english = [loc.text for loc in ET.parse(built_site / "en" / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert SITE_URL + "prospecting/" in root and SITE_URL + "en/prospecting/" in root
    assert english and all(url.startswith(SITE_URL + "en/") for url in english)
    assert set(english) < set(root) and all(url.startswith(SITE_URL) for url in root)
    assert len(root) == len(set(root)) == 2 * len(english)
    assert gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()) == (built_site / "sitemap.xml").read_bytes()
    page = (built_site / "en" / "prospecting" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}en/prospecting/">' in page


def test_no_page_links_to_the_hosts_root(built_site):
    """Relative links everywhere; the 404 pages (served at any path) link from the site's own path."""
    absolute = {}
    for page in built_site.rglob("*.html"):
        links = re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text(encoding="utf-8"))
        if links:
            absolute[page.relative_to(built_site).as_posix()] = links
    assert set(absolute) == {"404.html", "en/404.html"}
    assert all(link.startswith("/sales/playbook/") for links in absolute.values() for link in links)


def test_without_its_address_the_site_has_no_sitemap(tmp_path_factory):
    """A sitemap lists absolute addresses: without `site_url` MkDocs would write one that lists none."""
    site = built(tmp_path_factory, "unaddressed")
    assert (site / "prospecting" / "index.html").is_file()
    assert [p.name for p in site.rglob("sitemap.xml*")] == []


def test_a_chinese_method_is_found_whole_and_by_its_parts(page, site):
    for words in ("逐户访问法", "逐户", "访问"):
        hrefs, _ = search(page, site, "", words)
        assert hrefs[0].endswith("/prospecting/") and any(h.endswith("/prospecting/#door_to_door") for h in hrefs), \
            (words, hrefs)


def test_chinese_search_results_contain_no_duplicated_segment_text(page, site):
    _, text = search(page, site, "", "大客户")
    shown = as_written(text)
    assert "大客户" in shown
    assert not re.search(r"([\u4e00-\u9fff]{2,})\1", shown), re.search(r"([\u4e00-\u9fff]{2,})\1", shown)[0]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_man_finds_the_man_matrix_first(page, site, prefix):
    hrefs, _ = search(page, site, prefix, "MAN")
    first = [h for h in hrefs if "/qualification/" in h]
    assert hrefs[0].endswith(f"/{prefix}qualification/"), hrefs
    assert any(h.endswith("#man_combinations") for h in hrefs[:len(first)]), hrefs


def test_an_english_word_in_a_chinese_page_is_found(page, site):
    hrefs, _ = search(page, site, "", "referral")  # the English stemmer would have indexed it as "referr"
    assert any(h.endswith("/retention/#referral_why_precise_leads") for h in hrefs), hrefs
    hrefs, _ = search(page, site, "", "canvassing")  # in a heading, beside the Chinese name
    assert any(h.endswith("/prospecting/#door_to_door") for h in hrefs), hrefs
