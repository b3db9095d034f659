"""``python -m playbook.cli``: the command, always in this process (``python -m playbook`` is the
``playbook`` command itself)."""

import sys

from .commands import main

sys.exit(main())
