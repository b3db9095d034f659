"""The YAML loader keeps positions, refuses duplicate keys and reads scalars as PyYAML does."""

import pytest
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


def test_an_alias_adds_every_value_its_anchor_holds_and_the_bound_holds_to_the_value():
    from playbook import limits
    from playbook.yamlload import YamlError

    anchored = b"a: &x {k: [1, 2, 3], j: t}\n"  # the mapping, its 2 keys, 2 values, 3 items: 8 values
    within = limits.ALIAS_VALUES // 8

    def aliases(count: int) -> bytes:
        return anchored + b"".join(b"b%d: *x\n" % i for i in range(count))

    assert len(load_bytes(aliases(within), "x.yaml", [])) == within + 1
    with pytest.raises(YamlError) as refused:
        load_bytes(aliases(within + 1), "x.yaml", [])
    assert refused.value.problem.code == "yaml_alias_bomb"


def test_repeated_plain_scalars_read_the_same_each_time():
    text = b"- 010\n- 1_000\n- yes\n- 2026-01-02\n- .inf\n- 010\n- 1_000\n- yes\n- 2026-01-02\n- .inf\n"
    for _ in range(2):  # the second file meets the values the first one left read
        problems = []
        data = load_bytes(text, "x.yaml", problems)
        assert data == ["010", 1000, True, "2026-01-02", ".inf"] * 2
        assert [p.code for p in problems] == ["yaml_11_number", "yaml_not_finite"] * 2


def test_a_file_is_read_whole_whatever_its_size_up_to_the_limit(tmp_path):
    from playbook import limits
    from playbook.yamlload import read

    path = tmp_path / "plan.yaml"
    for size in (0, 1, 4096, limits.FILE_BYTES):
        path.write_bytes(b"x" * size)
        assert read(str(path)) == b"x" * size
    path.write_bytes(b"x" * (limits.FILE_BYTES + 10))
    assert len(read(str(path))) == limits.FILE_BYTES + 1  # one too many: the caller refuses it
