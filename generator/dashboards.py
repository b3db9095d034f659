"""Dashboards across all plans (being written)."""


def pages(rules, checked, view, env, today) -> dict[str, str]:
    return {}
