"""The tool's messages exist in both languages with the same placeholders."""

import re
import string

from playbook import i18n


def test_every_message_has_both_languages_with_the_same_fields():
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for code, texts in i18n._catalog().items():
        assert set(texts) == {"zh", "en"}, code
        assert texts["zh"].strip() and texts["en"].strip(), code
        zh, en = fields(texts["zh"]), fields(texts["en"])
        # Bilingual parameters come in pairs (what_zh / what_en): each language uses its own.
        assert {f.removesuffix("_zh") for f in zh} == {f.removesuffix("_en") for f in en}, code


def test_the_locale_chooses_the_language(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.default_lang() == "zh"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.default_lang() == "en"


def test_the_catalog_has_text_keys_and_no_duplicates():
    from importlib.resources import files

    from playbook.yamlload import load_bytes

    problems = []
    catalog = load_bytes(files("playbook").joinpath("messages.yaml").read_bytes(), "messages.yaml", problems)
    assert problems == []  # an unquoted `yes:` key or a key written twice would show here
    assert catalog == i18n._catalog()


def test_every_message_is_used():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = "".join(p.read_text(encoding="utf-8") for d in ("playbook", "generator", "site_templates")
                   for p in (root / d).rglob("*") if p.suffix in (".py", ".j2", ".yaml") and p.name != "messages.yaml")
    for key in i18n._catalog():
        # composed: "bound_" + keyword, "severity_" + level, "site_receivable_" + status (the account
        # page), a code + "_private" (problems.Problem.hidden)
        prefixed = key.startswith(("bound_", "severity_", "site_receivable_")) or key.endswith("_private")
        assert prefixed or re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", code), key
