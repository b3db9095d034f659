"""A Python-Markdown extension that only saves time: text that no inline pattern can match skips
inline processing. The pages come out exactly as without it.

Python-Markdown tries each of its inline patterns (links, emphasis, escapes, entities...) on every
piece of text, in Python, at tens of microseconds a piece; an account page's tables hold about a
hundred pieces, and there are thousands of account pages. A piece in which none of the patterns'
regular expressions finds anything comes out of that unchanged, so it is marked atomic first,
Python-Markdown's own "leave this text alone", after one quick search per pattern.
"""

from __future__ import annotations

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

INLINE_PRIORITY = 20  # Python-Markdown's inline processor


class PlainTextTreeprocessor(Treeprocessor):
    def run(self, root) -> None:
        searches = [pattern.getCompiledRegExp().search for pattern in self.md.inlinePatterns]

        def mark(text):
            if text and not isinstance(text, AtomicString) and not any(search(text) for search in searches):
                return AtomicString(text)
            return text

        for element in root.iter():
            element.text = mark(element.text)
            element.tail = mark(element.tail)


class PlainTextExtension(Extension):
    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(PlainTextTreeprocessor(md), "plain_text", INLINE_PRIORITY + 1)


def makeExtension(**kwargs) -> PlainTextExtension:
    return PlainTextExtension(**kwargs)
