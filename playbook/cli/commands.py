"""The ``playbook`` command: rules, explain, check, schema, new, build, serve."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import io
import json
import os
import re
import sys
from pathlib import Path

from .. import __version__, baseline, batch, i18n, limits, reporters
from ..checker import SEVERITIES, Checker, at_or_above
from ..config import Config, check_ids, load_config
from ..paths import PlanFiles, PlanPathError, plan_files
from ..problems import ProblemsError
from ..rulecache import cached_rules
from ..ruleset import RuleSet

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF}  # writing stdout failed


def lang_from_argv(argv: list[str]) -> str:
    """The language asked for, read before the parser exists so that its help is in it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in i18n.LANGS:
            return arg[7:]
    return i18n.default_lang()


class _Parser(argparse.ArgumentParser):
    """A usage error is one line, like every other problem (``--help`` shows the usage)."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: {i18n.one_line(message)}\n")


def build_parser(lang: str) -> argparse.ArgumentParser:
    t = lambda code: i18n.text(code, lang)  # noqa: E731
    date, positive = _date(lang), _positive(lang)
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS, help=t("cli_lang"))
    common.add_argument("--rules", action="append", type=Path, default=argparse.SUPPRESS,
                        metavar="DIR", help=t("cli_rules_dir"))
    common.add_argument("--config", default=argparse.SUPPRESS, metavar="FILE", help=t("cli_config"))
    common.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=t("cli_verbose"))
    parser = _Parser(prog="playbook", description=t("cli_description"), parents=[common])
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rules", parents=[common], help=t("cli_rules_help"), description=t("cli_rules_help"))
    p.add_argument("--list", nargs="?", const="", metavar="COLLECTION", help=t("cli_rules_list"))
    p.add_argument("--defaults", action="store_true", help=t("cli_rules_defaults"))
    p = sub.add_parser("explain", parents=[common], help=t("cli_explain_help"), description=t("cli_explain_help"))
    p.add_argument("id", help=t("cli_explain_query"))
    p = sub.add_parser("check", parents=[common], help=t("cli_check_help"), description=t("cli_check_help"))
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=t("cli_check_paths"))
    p.add_argument("--today", type=date, default=dt.date.today(), metavar="YYYY-MM-DD", help=t("cli_today"))
    p.add_argument("--format", choices=(*reporters.FORMATS, "markdown"), help=t("cli_format"))
    p.add_argument("--fail-on", choices=SEVERITIES, help=t("cli_fail_on"))
    p.add_argument("--site-url", metavar="URL", help=t("cli_site_url"))
    p.add_argument("--baseline", metavar="FILE", help=t("cli_baseline"))
    p.add_argument("--update-baseline", action="store_true", help=t("cli_update_baseline"))
    p.add_argument("--until", type=date, metavar="YYYY-MM-DD", help=t("cli_baseline_until"))
    p.add_argument("--jobs", type=positive, metavar="N", help=t("cli_jobs"))
    p.add_argument("--against", metavar="REV", help=t("cli_against"))
    p.add_argument("--history", action="store_true", help=t("cli_history"))
    p.add_argument("--calendar", choices=("gate", "warning"), default="gate", help=t("cli_calendar"))
    p.add_argument("--resident", action="store_true",
                   help=i18n.text("cli_resident", lang, minutes=limits.RESIDENT_IDLE // 60))
    p = sub.add_parser("waivers", parents=[common], help=t("cli_waivers_help"), description=t("cli_waivers_help"))
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=t("cli_check_paths"))
    p.add_argument("--today", type=date, default=dt.date.today(), metavar="YYYY-MM-DD", help=t("cli_today"))
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli_waivers_format"))
    sub.add_parser("schema", parents=[common], help=t("cli_schema_help"), description=t("cli_schema_help"))
    sub.add_parser("test", parents=[common], help=t("cli_test_help"), description=t("cli_test_help"))
    for name, about in (("build", "cli_build_help"), ("serve", "cli_serve_help")):
        p = sub.add_parser(name, parents=[common], help=t(about), description=t(about))
        p.add_argument("--today", type=date, metavar="YYYY-MM-DD", help=t("cli_today"))
        p.add_argument("--history", action="store_true", help=t("cli_history"))
        if name == "build":
            p.add_argument("--site-dir", metavar="DIR", help=t("cli_site_dir"))
        else:
            p.add_argument("--host", default="127.0.0.1", help=t("cli_host"))
            p.add_argument("--port", type=_positive(lang, 65535), default=8000, help=t("cli_port"))
    p = sub.add_parser("init", parents=[common], help=t("cli_init_help"), description=t("cli_init_help"))
    p.add_argument("dir", nargs="?", type=Path, default=Path("."), help=t("cli_init_dir"))
    p = sub.add_parser("new", parents=[common], help=t("cli_new_help"), description=t("cli_new_help"))
    p.add_argument("id", help=t("cli_new_id"))
    p.add_argument("--dir", type=Path, default=Path("accounts"), help=t("cli_new_dir"))
    return parser


def _date(lang: str):
    """The type of ``--today``: a real date, and when it is not, what is wrong with it."""

    def date(text: str) -> dt.date:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise argparse.ArgumentTypeError(i18n.text("cli_bad_date", lang, value=text))
        year, month, day = map(int, text.split("-"))
        try:
            return dt.date(year, month, day)
        except ValueError:
            code = "cli_bad_month" if not 1 <= month <= 12 else "cli_bad_day" if year else "cli_bad_year"
            raise argparse.ArgumentTypeError(i18n.text(code, lang, value=text, month=month, day=day)) from None

    return date


def _positive(lang: str, most: int | None = None):
    """The type of a count or a port: a whole number from 1 (to ``most``)."""
    def positive(text: str) -> int:
        if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
            raise argparse.ArgumentTypeError(i18n.text("cli_not_positive", lang, value=text))
        if most is not None and int(text) > most:
            raise argparse.ArgumentTypeError(i18n.text("cli_too_large", lang, value=text, most=most))
        return int(text)

    return positive


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang = lang_from_argv(argv)
    if sys.stdout is None:  # started with stdout closed: nothing could be said
        return _usage(lang, "cli_output_failed", detail=os.strerror(errno.EBADF))
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets it escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(build_parser(lang).parse_args(argv), lang)
        sys.stdout.flush()  # a full disk or a closed pipe is found here, not at the interpreter's exit
        return code
    except KeyboardInterrupt:
        print(i18n.text("interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: nothing left to say
        _drop_stdout()
        return EXIT_OK
    except OSError as e:  # what no command foresaw: still one line
        if e.filename is None and e.errno in OUTPUT_ERRORS:
            _drop_stdout()
            return _usage(lang, "cli_output_failed", detail=e.strerror)
        return _usage(lang, "cli_os_error", detail=e.strerror or str(e), path=e.filename or "-")


def prepare(argv: list[str]) -> None:
    """Run ``playbook argv`` once with its output dropped, so that what its runs need is loaded and
    compiled: the resident checker does this before it serves. Only a check that writes nothing
    and reads no history (those are left to the runs themselves)."""
    lang = lang_from_argv(argv)
    args = build_parser(lang).parse_args(argv)
    if args.command != "check" or args.update_baseline or args.against is not None:
        return
    args.history, args.jobs = False, 1
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run(args, lang)


def _drop_stdout() -> None:
    """What is still buffered for stdout can never be written: let it go quietly at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def run(args, lang: str) -> int:
    if args.command == "init":  # a new repository: nothing to configure from yet
        return init(args, getattr(args, "lang", None) or lang)
    try:
        config = load_config(getattr(args, "config", None))
    except ProblemsError as e:
        return _usage(lang, "cli_config_invalid", e.problems, count=len(e.problems))
    lang = getattr(args, "lang", None) or config.lang or lang
    layers = [*map(Path, config.rules), *getattr(args, "rules", [])]
    if getattr(args, "verbose", False):
        _tell_configuration(config, layers, lang)
    if args.command == "test":
        return rule_test(layers, lang)
    try:
        rules = cached_rules(layers)
    except ProblemsError as e:
        for problem in e.problems:
            print(problem.render(lang), file=sys.stderr)
        print(i18n.text("cli_rules_invalid", lang, count=len(e.problems)), file=sys.stderr)
        return EXIT_USAGE
    try:
        check_ids(config, rules)
    except ProblemsError as e:
        return _usage(lang, "cli_config_invalid", e.problems, count=len(e.problems))
    if args.command == "rules" and args.list is not None:
        from .. import rule_schemas
        from ..explain import listing  # the describing modules load the schemas: only when asked
        from ..suggest import suggest

        lines = listing(rules, args.list, lang)
        if lines is None:
            hint = suggest(args.list, rule_schemas.all_collections())
            return _usage(lang, "cli_unknown_collection_hint" if hint else "cli_unknown_collection",
                          collection=args.list, hint=hint)
        print("\n".join(lines))
        return EXIT_OK
    if args.command == "rules" and args.defaults:
        from ..provenance import listing as defaults_listing

        print("\n".join(defaults_listing(rules, lang)))
        return EXIT_OK
    if args.command == "rules":
        print("\n".join(summary(rules, lang)))
        return EXIT_OK
    if args.command == "check":
        return check(rules, config, args, lang)
    if args.command == "waivers":
        return list_waivers(config, args, lang)
    if args.command == "schema":
        from ..plan_schema import editor_schema

        print(json.dumps(editor_schema(rules, lang), ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.command == "new":
        return new(rules, args, lang)
    if args.command in ("build", "serve"):
        return site(args, lang)
    from ..explain import ID, closest, explain  # the describing modules load the schemas: only when asked

    lines = explain(rules, args.id, lang)
    if lines is None:
        hint = closest(rules, args.id)
        codes = ("cli_unknown_id", "cli_unknown_id_hint") if ID.fullmatch(args.id) else \
            ("cli_unknown_name", "cli_unknown_name_hint")
        return _usage(lang, codes[bool(hint)], id=args.id, hint=hint)
    print("\n".join(lines))
    return EXIT_OK


def _tell_configuration(config: Config, layers: list[Path], lang: str) -> None:
    """--verbose: which configuration file was read (the first found; the other is not merged)."""
    print(i18n.text("cli_config_used", lang, path=config.source or i18n.Text("cli_config_none")), file=sys.stderr)
    if config.unread:
        print(i18n.text("cli_config_unread", lang, path=config.unread, used=config.source), file=sys.stderr)
    for layer in layers:
        print(i18n.text("cli_rules_layer", lang, path=layer), file=sys.stderr)


def check(rules: RuleSet, config: Config, args, lang: str) -> int:
    if args.against is not None:
        if args.history:
            return _usage(lang, "cli_history_with_against")
        from .against import compare  # git and tar: only when asked

        return compare(rules, config, args, lang)
    if args.format == "markdown":
        return _usage(lang, "cli_markdown_needs_against")
    found = _plans(config, args, lang)
    if found is None:
        return EXIT_USAGE
    baseline_path = args.baseline or config.baseline
    if args.update_baseline and not baseline_path:
        return _usage(lang, "cli_update_needs_baseline")
    if args.until and not args.update_baseline:
        return _usage(lang, "cli_until_needs_update")
    accepted = None
    if baseline_path and (not args.update_baseline or os.path.isfile(baseline_path)):  # an update keeps its dates
        try:
            accepted = baseline.read(baseline_path)
        except ProblemsError as e:
            return _problems(lang, e.problems)
    elif baseline_path and os.path.isdir(baseline_path):
        return _usage(lang, "cli_baseline_is_directory", path=baseline_path)
    trails = None
    if args.history:
        from .. import history

        try:
            trails = history.read(found.files, args.jobs or batch.default_jobs(len(found.files)))
        except history.Unavailable as e:  # said, and the run goes on without history
            print(f"playbook: {i18n.text(e.code, lang, **e.params)}", file=sys.stderr)
    checker = Checker(rules, args.today, config.severity, config.disable, trails=trails,
                      calendar_lower=args.calendar == "warning")
    run = batch.Run(checker, found.files, args.jobs or batch.default_jobs(len(found.files)))
    if args.update_baseline:
        findings = [f for _, findings in run for f in findings] + run.portfolio_findings
        try:
            baseline.write(baseline_path, findings, args.until, accepted or ())
        except OSError as e:
            return _usage(lang, "cli_baseline_unwritable", path=baseline_path, detail=e.strerror or str(e))
        print(i18n.text("cli_baseline_written", lang, count=len(findings), path=baseline_path))
        return EXIT_OK
    fmt = args.format or "text"
    fail_on = args.fail_on or config.fail_on or "error"
    ctx = reporters.Context(rules, lang, args.site_url or config.site_url or "site/", args.today.isoformat(),
                            fail_on)
    outputs = [reporters.writer(fmt, ctx, sys.stdout)]
    if args.format is None and os.environ.get("GITHUB_ACTIONS") == "true":
        outputs.append(reporters.writer("github", ctx, sys.stdout))  # annotations beside the text
    gate = baseline.Gate(accepted, args.today)
    for path, findings in run:
        findings = gate.new_only(findings)
        for out in outputs:
            out.add(path, findings)
    portfolio_findings = gate.new_only(run.portfolio_findings)
    for out in outputs:
        out.finish(portfolio_findings, run.portfolio)
    if gate.baselined or gate.stale or gate.expired:
        out = sys.stdout if fmt == "text" else sys.stderr
        if gate.baselined:
            print(i18n.text("cli_baselined", lang, count=gate.baselined), file=out)
        if gate.stale:
            print(i18n.text("cli_baseline_stale", lang, count=gate.stale, path=baseline_path), file=out)
        if gate.expired:
            print(i18n.text("cli_baseline_expired", lang, count=gate.expired), file=out)
    return EXIT_FINDINGS if any(outputs[0].counts[s] for s in at_or_above(fail_on)) else EXIT_OK


def _plans(config: Config, args, lang: str) -> PlanFiles | None:
    """The plan files a command reads (the paths given, else the configuration's, else accounts/),
    what was skipped said on stderr; None, said too, when the paths give none."""
    try:
        found = plan_files(args.paths or [Path(p) for p in config.plans] or [Path("accounts")])
    except PlanPathError as e:
        for line in e.lines(lang):
            print(f"playbook: {line}", file=sys.stderr)
        return None
    for skipped in found.skipped:
        print(f"playbook: {skipped.render(lang)}", file=sys.stderr)
    return found


def list_waivers(config: Config, args, lang: str) -> int:
    """Every waiver in the plans `check` reads, soonest to expire first: a report, so exit 0."""
    found = _plans(config, args, lang)
    if found is None:
        return EXIT_USAGE
    from .. import waivers

    listed, unreadable = waivers.collect(found.files)
    for problem in unreadable:
        print(problem.render(lang), file=sys.stderr)
    print(waivers.report(listed, len(found.files), args.today, lang, args.format))
    return EXIT_OK


def site(args, lang: str) -> int:
    """Build or serve the site: the generator's commands, imported only when a site is asked for."""
    from generator import site_commands

    failed = site_commands.run(args, lang)
    if failed:
        return _usage(lang, failed[0], **failed[1])
    if args.command == "build":
        print(i18n.text("cli_site_built", lang, path=args.site_dir or "site"))
    return EXIT_OK


def _problems(lang: str, problems) -> int:
    """Problems that stop the run, each a line on stderr: exit 2."""
    for problem in problems:
        print(problem.render(lang), file=sys.stderr)
    return EXIT_USAGE


def _usage(lang: str, code: str, problems=(), **params) -> int:
    """A usage or configuration error: one line each on stderr, exit 2."""
    for problem in problems:
        print(problem.render(lang), file=sys.stderr)
    print(f"playbook: {i18n.text(code, lang, **params)}", file=sys.stderr)
    return EXIT_USAGE


def rule_test(layers: list[Path], lang: str) -> int:
    """Run every check's examples. ruletest loads the rules itself, to tell a rule author
    plainly which check lacks an example (the schema makes that a rule error)."""
    from .. import ruletest

    return ruletest.main(layers, lang)


def init(args, lang: str) -> int:
    """Write a company repository into args.dir; never overwrite a file."""
    from . import init as repository

    if args.dir.exists() and not args.dir.is_dir():
        return _usage(lang, "cli_not_a_directory", path=args.dir)
    try:
        done = repository.write(args.dir, cached_rules())
    except OSError as e:
        return _usage(lang, "cli_cannot_write", path=e.filename or args.dir, detail=e.strerror or str(e))
    for name, written in done:
        print(i18n.text("cli_init_wrote" if written else "cli_init_kept", lang, path=args.dir / name))
    here = args.dir.resolve() == Path.cwd().resolve()  # no "cd ." to tell
    print(i18n.text("cli_init_next_here", lang) if here else i18n.text("cli_init_next", lang, dir=args.dir))
    return EXIT_OK


def new(rules: RuleSet, args, lang: str) -> int:
    from ..starter import PLAN_ID, starter_plan, starter_text

    if not PLAN_ID.match(args.id):
        return _usage(lang, "cli_bad_plan_id", id=args.id)
    path = args.dir / f"{args.id}.yaml"
    if args.dir.exists() and not args.dir.is_dir():
        return _usage(lang, "cli_not_a_directory", path=args.dir)
    try:
        args.dir.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:  # "x": never overwrite a plan
            f.write(starter_text(starter_plan(rules, args.id)))
    except FileExistsError:
        return _usage(lang, "cli_plan_exists", path=path)
    except OSError as e:
        return _usage(lang, "cli_cannot_write", path=e.filename or path, detail=e.strerror or str(e))
    print(i18n.text("cli_plan_written", lang, path=path))
    return EXIT_OK


def summary(rules: RuleSet, lang: str) -> list[str]:
    """How many items of each kind and collection, the AHP results and the thresholds."""
    from .. import rule_schemas
    from ..describe import quantity

    total = sum(len(items) for items in rules.collections.values())
    lines = [i18n.text("summary_title", lang, files=len(rules.files), items=total)]
    collections = rule_schemas.all_collections()
    for kind, schema in rule_schemas.kinds().items():
        counts = {c: len(rules.items(c, kind)) for c in rule_schemas.collections(kind)}
        counts = {c: n for c, n in counts.items() if n}
        if not counts:
            continue
        lines.append("")
        lines.append(f"{rule_schemas.title(schema, lang, kind)} ({kind}): {sum(counts.values())}")
        for c, n in counts.items():
            lines.append(f"  {rule_schemas.title(collections[c], lang, c)} ({c}): {n}")
    for item_id, result in rules.ahp.items():
        item = rules.find(item_id)[1]
        lines.append("")
        lines.append(i18n.text("summary_ahp", lang, id=item_id, lmax=f"{result.lambda_max:.4f}",
                               ci=f"{result.consistency_index:.4f}", cr=f"{result.consistency_ratio:.4f}"))
        for criterion, weight in zip(item["criteria"], result.weights):
            found = rules.find(criterion)
            lines.append(f"  {found[1]['name'][lang] if found else criterion} ({criterion}): {weight:.3f}")
    thresholds = rules.items("thresholds")
    if thresholds:
        lines.append("")
        lines.append(i18n.text("summary_thresholds", lang))
        for t in thresholds:
            lines.append(f"  {t['name'][lang]} ({t['id']}): {quantity(t['value'], t['unit'], lang)}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
