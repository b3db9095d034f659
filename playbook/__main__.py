"""The ``playbook`` command, and ``python -m playbook``: a check asked to be resident goes to the
resident checker when one takes it (see resident); everything else, and a check none takes, runs
in this process."""

import sys


def main() -> int:
    argv = sys.argv[1:]
    options = argv[:argv.index("--")] if "--" in argv else argv
    if "--resident" in options:  # only check takes it: anything else fails there as it would here
        from .cli.resident import ask

        code = ask(argv)
        if code is not None:
            return code
    from .cli.commands import main as run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
