"""The "did you mean" of every message: the closest known name to a misspelt one."""

from __future__ import annotations

from collections.abc import Iterable


def suggest(word: object, choices: Iterable[str]) -> str:
    """The closest of ``choices`` to ``word``, or an empty string when none is close."""
    if not isinstance(word, str):
        return ""
    import difflib  # here: only a misspelt name needs it
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""
