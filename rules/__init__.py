"""The default rules, shipped inside the package as ``playbook.default_rules`` (see pyproject.toml)."""
