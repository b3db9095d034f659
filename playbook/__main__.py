"""``python -m playbook``: the same as the ``playbook`` command."""

import sys

from .cli import main

sys.exit(main())
