"""The thin MkDocs hook: load the rules, add the generated pages to the build, in memory only."""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator.pages import build_pages
from playbook.problems import ProblemsError
from playbook.ruleset import load_rules


def on_files(files: Files, config) -> Files:
    try:
        rules = load_rules()
    except ProblemsError as e:  # the same one-line errors as `playbook rules`, no traceback
        raise PluginError("\n".join(p.render(config.theme.get("language", "en")) for p in e.problems)) from None
    for path, markdown in build_pages(rules).items():
        files.append(File.generated(config, path, content=markdown))
    return files
