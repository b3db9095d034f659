"""The command line, the last stage of the flow: ``commands`` (the ``playbook`` command's parser
and what each command does), ``resident`` (``check --resident``), and what only a command uses:
``init`` (``playbook init``, its files in ``init_files/``) and ``against`` (``check --against``).
The stages before it, and the site generator, never import it."""
