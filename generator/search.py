"""Search that finds the method: its names are words, so are their parts, and a name outranks a mention.

Material's search plugin cuts Chinese text into words with jieba and joins them with an invisible
zero-width space, which its search splits on: what a result shows is the text as written. This
module makes the playbook findable:

- a user dictionary of every Chinese name in the rules, so that 逐户访问法, 中心开花法 and 大客户
  stay whole;
- the words inside a longer word (逐户 and 访问 in 逐户访问法: the words of jieba's dictionary in
  it, as its search-engine mode finds them), added to each entry of the index in fields of their own (``title_parts``, ``text_parts``...), which the
  search looks in and the results never show: searching a part finds the whole, as highly as the
  word it is part of, and no snippet repeats a word;
- a heading of the method shows an item's name in both languages; in the index, the other
  language's name moves from the title into a field of its own (OTHER_NAME), weighted as text: it is
  still found, and a word of it ("Many are beaten") no longer outranks a name of this language that
  the search word starts ("MAN").
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
from pathlib import Path

import jieba

from generator.views import View
from playbook.ruleset import RuleSet

NAME_FREQUENCY = 100000  # high enough that jieba keeps a rule's name in one piece
SHOWN = ("title", "text")  # the fields of an entry that the results show
OTHER_NAME = "other_name"  # a field the results do not show; it and each of SHOWN has its "_parts"
INDEX = Path("search", "search_index.json")  # where Material's search plugin writes the index
ZWSP = "\u200b"  # the invisible space Material puts between Chinese words
HAN = re.compile("[\u4e00-\u9fff]")
LONG_WORD = re.compile("[\u4e00-\u9fff]{3,}")  # a word with words inside (the invisible space ends a word)


def user_dictionary(rules: RuleSet) -> str:
    """jieba's user-dictionary format: one ``word frequency`` a line, every Chinese name of the rules."""
    words = set()
    for items in rules.collections.values():
        for item in items.values():
            for text in (item["name"]["zh"], *item.get("aliases", ())):
                words.update(w for w in _words(text) if len(w) > 1)
    return "".join(f"{w} {NAME_FREQUENCY}\n" for w in sorted(words))


def _words(text: str) -> list[str]:
    """A name split at punctuation and brackets: 逐户访问法（地毯式） -> 逐户访问法, 地毯式."""
    for mark in "（）()，,、/：: ·":
        text = text.replace(mark, " ")
    return [w for w in text.split() if HAN.search(w)]


def segment_chinese(rules: RuleSet) -> None:
    """Load the rules' names into jieba, which Material's search plugin cuts Chinese text with."""
    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(io.StringIO(user_dictionary(rules)))


def other_names(rules: RuleSet, lang: str) -> dict[str, str]:
    """Each item's name in the other language, by id (the anchor of its heading)."""
    other = View(rules, lang).other
    return {item["id"]: item["name"][other] for items in rules.collections.values() for item in items.values()}


def finish_index(site_dir: str | Path, names: dict[str, str]) -> None:
    """Rework the site's search index: each entry's other-language name (``names``, by anchor) moved
    out of its title, and the words inside its longer Chinese words added."""
    path = Path(site_dir) / INDEX
    if not path.is_file():  # the search plugin turned off
        return
    jieba.initialize()  # its dictionary, if no Chinese text has loaded it yet
    index = json.loads(path.read_text(encoding="utf-8"))
    known: dict[str, list[str]] = {}
    fields = index["config"]["fields"]
    fields[OTHER_NAME] = fields["text"]
    for name in (*SHOWN, OTHER_NAME):
        fields[f"{name}_parts"] = fields[name]
    for entry in index["docs"]:
        anchor = entry["location"].partition("#")[2]
        if anchor in names:
            _move_other_name(entry, html.escape(names[anchor], quote=False))
        for name in (*SHOWN, OTHER_NAME):
            found = _parts(entry.get(name, ""), known)
            if found:
                entry[f"{name}_parts"] = " ".join(found)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _move_other_name(entry: dict, name: str) -> None:
    """The title's ending ``name`` (its words apart, as the index has them) into OTHER_NAME."""
    title = entry["title"].rstrip()
    end = len(title)
    for char in reversed(name):
        while end and title[end - 1] == ZWSP:
            end -= 1
        if not end or title[end - 1] != char:
            return
        end -= 1
    if title[:end].strip(" " + ZWSP):
        entry["title"], entry[OTHER_NAME] = title[:end].rstrip(" " + ZWSP), title[end:]


def _parts(text: str, known: dict[str, list[str]]) -> list[str]:
    """The words inside the longer Chinese words of ``text`` (already cut), each once, in order.
    ``known`` keeps each word's, from one entry to the next."""
    found: dict[str, None] = {}
    for word in LONG_WORD.findall(text):
        if word not in known:
            known[word] = [word[i:i + n] for n in range(2, len(word)) for i in range(len(word) - n + 1)
                           if jieba.get_FREQ(word[i:i + n])]
        found.update(dict.fromkeys(known[word]))
    return list(found)
