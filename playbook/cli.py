"""The ``playbook`` command: ``rules`` and ``explain`` (more commands build on the same rule set)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, i18n
from .explain import explain
from .problems import ProblemsError
from .ruleset import RuleSet, load_rules
from . import rule_schemas

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _lang_from_argv(argv: list[str]) -> str:
    """The language asked for, read before the parser exists so that its help is in it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in i18n.LANGS:
            return arg[7:]
    return i18n.default_lang()


def build_parser(lang: str) -> argparse.ArgumentParser:
    t = lambda code: i18n.text(code, lang)  # noqa: E731
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS, help=t("cli_lang"))
    common.add_argument("--rules", action="append", type=Path, default=argparse.SUPPRESS,
                        metavar="DIR", help=t("cli_rules_dir"))
    parser = argparse.ArgumentParser(prog="playbook", description=t("cli_description"), parents=[common])
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("rules", parents=[common], help=t("cli_rules_help"), description=t("cli_rules_help"))
    p = sub.add_parser("explain", parents=[common], help=t("cli_explain_help"), description=t("cli_explain_help"))
    p.add_argument("id", help=t("cli_explain_id"))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang = _lang_from_argv(argv)
    args = build_parser(lang).parse_args(argv)
    try:
        rules = load_rules(getattr(args, "rules", []))
    except ProblemsError as e:
        for problem in e.problems:
            print(problem.render(lang), file=sys.stderr)
        print(i18n.text("cli_rules_invalid", lang, count=len(e.problems)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(i18n.text("interrupted", lang), file=sys.stderr)
        return 130
    if args.command == "rules":
        print("\n".join(summary(rules, lang)))
        return EXIT_OK
    lines = explain(rules, args.id, lang)
    if lines is None:
        hint = _suggest_id(rules, args.id)
        print(f"playbook: {i18n.text('cli_unknown_id', lang, id=args.id)}"
              + (i18n.text("did_you_mean", lang, hint=hint) if hint else ""), file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(lines))
    return EXIT_OK


def _suggest_id(rules: RuleSet, word: str) -> str:
    from .schema_check import suggest
    return suggest(word, rules.index)


def summary(rules: RuleSet, lang: str) -> list[str]:
    """How many items of each kind and collection, the AHP results and the thresholds."""
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
    for item_id, result in rules.ahp_results().items():
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
            lines.append(f"  {t['name'][lang]} ({t['id']}): {t['value']:g} {t['unit']}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
