"""`playbook build` and `playbook serve`: MkDocs with the site's configuration (site_config) and
the generator's hook, its messages shown as the command line's own, one line each, in the user's
language. (The command line reaches the generator here only, when a site is asked for.)

The hook reads the language of its messages, the build's today and the --config and --rules given
from the environment: the English build, a second process, reads them too.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import socket
import sys
import warnings

from playbook import i18n

from . import site_config

SERVING = re.compile(r"Serving on (\S+)")  # what MkDocs logs once the preview server listens


class MkDocsLog(logging.Handler):
    """Collects what MkDocs logs (its own and the hook's errors) instead of letting Python print
    it raw; says "serving on URL" when the preview server is ready."""

    def __init__(self, lang: str):
        super().__init__(logging.INFO)
        self.lang = lang
        self.errors: list[str] = []
        self.serving = False

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.extend(message.splitlines())
        if record.levelno >= logging.WARNING and (record.levelno < logging.ERROR or self.serving):
            for line in message.splitlines():  # an error once serving: a rebuild failed, said as it happens
                print(f"playbook: {i18n.one_line(line)}", file=sys.stderr)
        elif record.name == "mkdocs.livereload" and SERVING.search(message):
            self.serving = True
            print(i18n.text("cli_serving", self.lang, url=SERVING.search(message).group(1)), flush=True)

    def __enter__(self):
        logger = logging.getLogger("mkdocs")
        self.saved = logger.level, logger.propagate
        logger.setLevel(logging.INFO)
        logger.propagate = False
        logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger("mkdocs")
        logger.removeHandler(self)
        logger.setLevel(self.saved[0])
        logger.propagate = self.saved[1]


def run(args, lang: str) -> tuple[str, dict] | None:
    """Build or serve; None when done, else the code and fields of the one-line error."""
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)  # from jieba
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ["PLAYBOOK_LANG"] = lang
    if args.today:
        os.environ["PLAYBOOK_TODAY"] = args.today.isoformat()
    if getattr(args, "config", None):
        os.environ[site_config.CONFIG_ENV] = args.config
    if args.history:
        os.environ[site_config.HISTORY_ENV] = "1"
    os.environ[site_config.RULES_ENV] = json.dumps([str(p) for p in getattr(args, "rules", [])])
    from mkdocs.exceptions import MkDocsException

    log = MkDocsLog(lang)
    try:
        with log:
            if args.command == "serve":
                return _serve(args)
            _build(args.site_dir and os.path.abspath(args.site_dir))
    except MkDocsException as e:
        return "cli_site_failed", {"detail": "; ".join(log.errors) or str(e)}
    except OSError as e:
        return "cli_site_failed", {"detail": e.strerror or str(e)}
    return None


def _build(site_dir: str | None) -> None:
    """As `mkdocs build` does it: the plugins' startup and shutdown around the build."""
    from mkdocs.commands.build import build

    config = site_config.mkdocs_config(site_dir=site_dir)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def _serve(args) -> tuple[str, dict] | None:
    """A full build, then only what an edited plan changes (generator/preview.py)."""
    from . import preview

    problem = _cannot_listen(args.host, args.port)
    if problem:
        return problem
    try:
        preview.serve(args.host, args.port, _build)
    except KeyboardInterrupt:
        pass
    return None


def _cannot_listen(host: str, port: int) -> tuple[str, dict] | None:
    """Why the preview server could not listen there, if it could not: said before the first
    build, not after it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself binds
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return "cli_port_busy", {"host": host, "port": port}
            return "cli_cannot_listen", {"host": host, "port": port, "detail": e.strerror or str(e)}
    return None
