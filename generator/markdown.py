"""Plan and rule text goes into Markdown as text, never as markup or HTML."""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_{}\[\]#!|~])")  # markup wherever it stands (links need "[", so "(" is safe)
_LIST_START = re.compile(r"^([-+]|\d+(?=[.)]))")  # markup only where a line starts: "- ", "1. "


def text(value) -> str:
    """``value`` as literal text in Markdown: HTML escaped, Markdown punctuation backslashed,
    line breaks kept as spaces (a table cell or a list item stays one line, so only its start can
    begin a line). Punctuation that is markup only at the start of a line (``-``, ``1.``) is left
    alone elsewhere: dates and amounts stay plain text, which Markdown renders much faster."""
    s = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _INLINE.sub(r"\\\1", " ".join(s.split()))
    return _LIST_START.sub(_escape_list_marker, s, count=1)


def _escape_list_marker(match: re.Match) -> str:
    marker = match[0]
    return "\\" + marker if marker in "-+" else marker + "\\"  # "\- " and "1\. "
