"""Plan and rule text goes into Markdown as text, never as markup or HTML."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def text(value) -> str:
    """``value`` as literal text in Markdown: HTML escaped, Markdown punctuation backslashed,
    line breaks kept as spaces (a table cell or a list item stays one line)."""
    s = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PUNCTUATION.sub(r"\\\1", " ".join(s.split()))
