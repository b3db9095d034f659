"""A problem found in a rule file or a plan: where it is and what is wrong, in either language."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from . import i18n

# The parameters that quote what the user wrote: a problem in a private field never shows them.
QUOTING = frozenset({"value", "number", "key", "detail", "character"})


@dataclass(frozen=True)
class Problem:
    """``code`` names a message in messages.yaml; ``params`` fill it in. ``node`` is the path of
    keys and indexes to the value it is about, when known; a ``private`` problem (one in a field
    the plan schema marks private) is worded without what the user wrote there."""

    location: object  # yamlload.Location
    code: str
    params: dict = field(default_factory=dict)
    node: tuple | None = None
    private: bool = False

    def __init__(self, location, code: str, **params):
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "node", None)
        object.__setattr__(self, "private", False)

    def at_node(self, node) -> Problem:
        return self._with(node=tuple(node))

    def _with(self, **fields) -> Problem:
        changed = copy.copy(self)
        for name, value in fields.items():
            object.__setattr__(changed, name, value)
        return changed

    def hidden(self) -> Problem:
        """The same problem, worded without the private value: with the message ``<code>_private``
        when there is one, else a general one."""
        quoted = QUOTING & self.params.keys()
        if not quoted:
            return self
        code = self.code + "_private" if i18n.known(self.code + "_private") else "private_malformed"
        params = {k: v for k, v in self.params.items() if k not in QUOTING}
        return Problem(self.location, code, **params)._with(node=self.node, private=True)

    def message(self, lang: str) -> str:
        text = i18n.text(self.code, lang, **self.params)
        if self.params.get("hint"):
            text += i18n.text("did_you_mean", lang, hint=self.params["hint"])
        return text

    def render(self, lang: str) -> str:
        """The one-line form: ``path:line:column: message``."""
        return f"{self.location}: {self.message(lang)}"

    def sort_key(self):
        loc = self.location
        return (loc.file, loc.line, loc.column, self.code)


class ProblemsError(Exception):
    """Raised when a rule set cannot be used; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems, key=Problem.sort_key)
