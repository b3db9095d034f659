"""A problem found in a rule file or a plan: where it is and what is wrong, in either language."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import i18n


@dataclass(frozen=True)
class Problem:
    """``code`` names a message in messages.yaml; ``params`` fill it in."""

    location: object  # yamlload.Location
    code: str
    params: dict = field(default_factory=dict)

    def __init__(self, location, code: str, **params):
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", params)

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
