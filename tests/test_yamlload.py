"""The YAML loader keeps positions, refuses duplicate keys and reads scalars as PyYAML does."""

import yaml

from playbook.yamlload import Mapping, load_bytes, locate, locate_key

TEXT = b"""\
account:
  name: "ACME"
  tags: [a, b]
  since: 2026-01-02
  amount: 1_000
"""


def test_positions_of_keys_values_and_items():
    data = load_bytes(TEXT, "plan.yaml", [])
    assert str(locate(data, ["account", "name"])) == "plan.yaml:2:9"
    assert str(locate_key(data["account"], "tags")) == "plan.yaml:3:3"
    assert str(locate(data, ["account", "tags", 1])) == "plan.yaml:3:13"


def test_same_values_as_yaml_load_except_dates_stay_text():
    data = load_bytes(TEXT, "plan.yaml", [])
    expected = yaml.load(TEXT, Loader=yaml.CSafeLoader)
    expected["account"]["since"] = "2026-01-02"
    assert data == expected
    assert isinstance(data, Mapping)


def test_a_duplicate_key_keeps_the_first_and_is_reported():
    problems = []
    data = load_bytes(b"a: 1\nb: 2\na: 3\n", "x.yaml", problems)
    assert data == {"a": 1, "b": 2}
    assert [p.render("en") for p in problems] == ["x.yaml:3:1: duplicate key 'a' (first at 1:1)"]
    assert problems[0].render("zh") == "x.yaml:3:1: 重复的键 'a'（第一次出现在 1:1）"


def test_aliases_share_one_object():
    data = load_bytes(b"a: &x {k: 1}\nb: *x\n", "x.yaml", [])
    assert data["a"] is data["b"]
