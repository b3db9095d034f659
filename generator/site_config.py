"""The site's MkDocs configuration: the defaults that ship in the package, with what a company adds.

A company repository needs no `mkdocs.yml`: `site_templates/mkdocs.yml` (in the package) holds the
defaults, with the templates, the static files and the hook beside it. A company may add its own
`mkdocs.yml` in the project (its name, logo, colours, more Markdown extensions...) and keys under
`site:` in its Playbook configuration; these are laid over the defaults: mappings merge, lists are
added to, and anything else is replaced. A company's own pages (Markdown and images, the `docs_dir`
of its mkdocs.yml or `site: {pages: DIR}`) are added to the site by the hook.

Which Playbook configuration and extra rule directories the build uses comes from the command
(`--config`, `--rules`) through the environment, so that both languages' builds, in two
processes, resolve exactly the rule set `playbook check` enforces.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from playbook.config import Config, load_config

CONFIG_ENV = "PLAYBOOK_CONFIG"  # the configuration file named with --config, if any
RULES_ENV = "PLAYBOOK_RULES"  # the --rule directories, as a JSON list
HISTORY_ENV = "PLAYBOOK_HISTORY"  # "1": --history, the plans' history in git on their pages
PROJECT_FILE = "mkdocs.yml"  # a company's own additions, in the project
ADDED = ("extra_css", "extra_javascript", "hooks", "watch", "features")  # lists a company adds to
BY_NAME = ("plugins", "markdown_extensions")  # lists of names (or {name: options}) a company adds to
SITE_KEYS = {"name": ("site_name",), "description": ("site_description",), "copyright": ("copyright",),
             "logo": ("theme", "logo"), "favicon": ("theme", "favicon"), "palette": ("theme", "palette")}


def templates_dir() -> Path:
    """``site_templates/``: inside the installed package (``generator.site_templates``)."""
    with as_file(files("generator.site_templates")) as path:
        return Path(path)


@cache
def template_settings(name: str) -> dict:
    """A settings file that ships beside the templates (``training.yaml``, ``owners.yaml``), read once."""
    return yaml.safe_load((templates_dir() / f"{name}.yaml").read_text(encoding="utf-8"))


def settings() -> Config:
    """The Playbook configuration the command named, else the project's."""
    return load_config(os.environ.get(CONFIG_ENV) or None)


def extra_rules() -> list[str]:
    return json.loads(os.environ.get(RULES_ENV) or "[]")


def rule_layers(config: Config) -> list[Path]:
    """The company rule directories, as `playbook check` lays them over the defaults."""
    return [Path(p) for p in [*config.rules, *extra_rules()]]


def compose(project: Path, config: Config) -> dict:
    """The MkDocs configuration: the defaults, the project's mkdocs.yml, then its `site:` keys."""
    templates = templates_dir()
    composed = yaml.safe_load((templates / "mkdocs.yml").read_text(encoding="utf-8"))
    composed["docs_dir"] = str(templates / "docs")
    composed["theme"]["custom_dir"] = str(templates / "theme")
    composed["hooks"] = [str(Path(__file__).with_name("mkdocs_hook.py"))]
    composed["site_dir"] = str(project / "site")
    inputs = [*rule_layers(config), *map(Path, config.plans or ["accounts"])]
    composed["watch"] = [str((project / p).resolve()) for p in inputs if (project / p).exists()]  # `serve` rebuilds
    own = project / PROJECT_FILE
    if own.is_file():
        from mkdocs.utils.yaml import yaml_load  # as MkDocs reads it: !ENV, INHERIT

        with open(own, encoding="utf-8") as f:
            company = yaml_load(f) or {}
        company.pop("docs_dir", None)  # its pages: added by the hook (pages_dir)
        composed = lay_over(composed, company)
        composed["watch"].append(str(own))
    for key, path in SITE_KEYS.items():
        if key in config.site:
            lay_into(composed, path, config.site[key])
    if config.site_url:
        composed["site_url"] = config.site_url
    return composed


def lay_over(base: dict, over: dict) -> dict:
    """``over`` laid on ``base``: mappings merge, the lists of ADDED and BY_NAME are added to,
    anything else is replaced."""
    merged = copy.deepcopy(base)
    for key, value in over.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = lay_over(old, value)
        elif key in ADDED and isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [v for v in value if v not in old]
        elif key in BY_NAME and isinstance(old, list) and isinstance(value, list):
            names = {_name(v) for v in value}
            merged[key] = [v for v in old if _name(v) not in names] + value
        else:
            merged[key] = value
    return merged


def lay_into(composed: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        composed = composed.setdefault(key, {})
    composed[path[-1]] = lay_over(composed[path[-1]], value) if isinstance(value, dict) and isinstance(
        composed.get(path[-1]), dict) else value


def _name(entry) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else entry


def pages_dir(project: Path, config: Config) -> Path | None:
    """The company's own pages: `site: {pages: DIR}`, else the docs_dir of its mkdocs.yml."""
    if "pages" in config.site:
        return project / config.site["pages"]
    own = project / PROJECT_FILE
    if own.is_file():
        from mkdocs.utils.yaml import yaml_load

        with open(own, encoding="utf-8") as f:
            docs = (yaml_load(f) or {}).get("docs_dir")
        return project / docs if docs else None
    return None


def mkdocs_options(language: str | None = None) -> dict:
    """What MkDocs' ``load_config`` (or ``serve``) takes for the project in the working directory:
    the composed configuration, relative paths read from the project."""
    project = Path.cwd().resolve()
    config = settings()
    composed = compose(project, config)
    if language:
        composed["theme"]["language"] = language
    _relative_alternates(composed)
    # The file MkDocs takes the configuration to come from: relative paths in a company's mkdocs.yml
    # are read from it, and `serve` rebuilds when it changes. Every path composed is absolute.
    own = project / PROJECT_FILE
    source = own if own.is_file() else Path(config.source).resolve() if config.source else project
    return {"config_file": os.devnull, "config_file_path": str(source), **composed}


def _relative_alternates(composed: dict) -> None:
    """The language switcher's links made relative to the root of this language's site, so that the
    site works under any sub-path: the language at "/" is the site's root, the others are in their
    folder ("/en/" is en/). The theme's partials/alternate.html adds the page's own path. A language
    in a folder has its site there: with a ``site_url``, its pages' addresses and sitemap's are in it."""
    alternates = (composed.get("extra") or {}).get("alternate")
    if not isinstance(alternates, list):
        return
    here = composed["theme"].get("language")
    root = next((a.get("lang") for a in alternates if isinstance(a, dict) and a.get("link") == "/"), None)
    up = "" if here == root else "../"
    site_url = composed.get("site_url")
    site_path = urlsplit(site_url).path.rstrip("/") if site_url else ""
    for alt in alternates:
        if isinstance(alt, dict) and isinstance(alt.get("link"), str) and alt["link"].startswith("/"):
            folder = alt["link"].strip("/")
            alt["home"] = site_path + alt["link"]  # for the 404 page, which MkDocs links from the site's path
            alt["link"] = "" if alt.get("lang") == here else up + (folder + "/" if folder else "")
            if alt.get("lang") == here and site_url and folder:
                composed["site_url"] = f"{site_url.rstrip('/')}/{folder}/"


def mkdocs_config(language: str | None = None, **overrides):
    """The validated MkDocs configuration of the project in the working directory."""
    from mkdocs.config import load_config as load_mkdocs_config

    return load_mkdocs_config(**{**mkdocs_options(language), **{k: v for k, v in overrides.items() if v}})
