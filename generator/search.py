"""Chinese search: the names of the playbook's methods are words, and so are their parts.

Material's search plugin segments Chinese text with jieba. Two things make the playbook findable:
a user dictionary of every Chinese name in the rules (逐户访问法, 中心开花法, 大客户 stay whole),
and jieba's search-engine mode, which also yields the words inside a long one (访问法 in
逐户访问法), so that searching a part finds the whole.
"""

from __future__ import annotations

import io
import logging

from playbook.ruleset import RuleSet

NAME_FREQUENCY = 100000  # high enough that jieba keeps a rule's name in one piece


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
    return [w for w in text.split() if any("\u4e00" <= ch <= "\u9fff" for ch in w)]


def segment_chinese(rules: RuleSet) -> None:
    """Load the rules' names into jieba and make the search plugin cut in search-engine mode."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(io.StringIO(user_dictionary(rules)))
    if not getattr(jieba.cut, "playbook", False):
        def cut(sentence, *args, **kwargs):
            if isinstance(sentence, bytes):
                sentence = sentence.decode("utf-8")
            return jieba.cut_for_search(sentence)
        cut.playbook = True
        jieba.cut = cut
