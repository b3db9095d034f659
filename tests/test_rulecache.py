"""The rule-set cache: keyed by content, shown from wherever the run starts, bounded, and never
trusting a file it did not write."""

from __future__ import annotations

import os
import pickle
import shlex
from pathlib import Path

import pytest

from playbook import rulecache
from playbook.problems import ProblemsError
from playbook.rulecache import cached_rules
from playbook.ruleset import RuleSet, default_rules_dir, load_rules
from playbook.yamlload import Location, Mapping, Sequence, locate

OVERLAY = {"receivables.yaml": """\
kind: receivables
thresholds:
  - id: long_overdue_days
    value: 60
collection_actions:
  - id: collect_salesperson_visit
    name: {en: Account manager visits}
"""}


@pytest.fixture
def loads(monkeypatch):
    """Counts the rule sets actually loaded (cache misses); ``loads.fake`` makes them instant."""

    class Loads:
        count = 0
        result = None

        def __call__(self, overlays=()):
            self.count += 1
            return self.result or load_rules(overlays)

        def fake(self):
            self.result = RuleSet({}, {}, [])

    counter = Loads()
    monkeypatch.setattr(rulecache, "load_rules", counter)
    return counter


def write_dir(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.name.startswith("rules-"))


def tree(value):
    """A value with the class and the positions of every mapping and sequence in it, to compare."""
    if isinstance(value, Mapping):
        return type(value), {k: tree(v) for k, v in value.items()}, value.pos
    if isinstance(value, Sequence):
        return type(value), [tree(v) for v in value], value.pos
    return value


def assert_same(cached: RuleSet, fresh: RuleSet):
    assert tree(cached.collections) == tree(fresh.collections)
    assert list(cached.collections) == list(fresh.collections)
    assert cached.item_kind == fresh.item_kind
    assert cached.files == fresh.files
    assert cached.index == fresh.index


def test_positions_follow_the_working_directory_that_reads_the_cache(tmp_path, cache, loads, monkeypatch):
    company = write_dir(tmp_path / "work" / "company", OVERLAY)
    monkeypatch.chdir(tmp_path / "work")
    assert_same(cached_rules([Path("company")]), load_rules([Path("company")]))
    assert loads.count == 1

    # from elsewhere, the same rules named otherwise: one cache file, positions as shown from there
    for cwd, overlay in ((company, Path(".")), (default_rules_dir().parent, company)):
        monkeypatch.chdir(cwd)
        cached, fresh = cached_rules([overlay]), load_rules([overlay])
        assert loads.count == 1
        assert_same(cached, fresh)
        threshold = cached.find("long_overdue_days")[1]
        assert locate(threshold, ["value"]) == Location((overlay / "receivables.yaml").as_posix(), 4, 12)
        assert locate(threshold, ["name", "en"]) == locate(fresh.find("long_overdue_days")[1], ["name", "en"])
        action = cached.find("collect_salesperson_visit")[1]
        assert action.pos == fresh.find("collect_salesperson_visit")[1].pos
        assert action["name"].pos == fresh.find("collect_salesperson_visit")[1]["name"].pos
    stage = cached.find("target")[1]  # the portfolio findings at a preset win rate point here
    assert locate(stage, ["preset_win_rate"]).file == f"{default_rules_dir().name}/opportunities.yaml"
    assert locate(stage, ["main_work", 1, "en"]) == locate(fresh.find("target")[1], ["main_work", 1, "en"])
    assert len(cache_files(cache)) == 1


def test_two_checkouts_of_the_same_rules_share_one_file(tmp_path, cache, loads, monkeypatch):
    for checkout in ("one", "two"):
        write_dir(tmp_path / checkout / "company", OVERLAY)
        monkeypatch.chdir(tmp_path / checkout)
        cached_rules([Path("company")])
    assert loads.count == 1
    [path] = cache_files(cache)
    assert path.suffix == ".json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700


def test_a_changed_rule_file_is_a_new_key(tmp_path, cache, loads, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_dir(tmp_path / "company", OVERLAY)
    cached_rules([Path("company")])
    (tmp_path / "company" / "receivables.yaml").write_text(OVERLAY["receivables.yaml"].replace("60", "61"))
    assert cached_rules([Path("company")]).threshold("long_overdue_days") == 61
    assert loads.count == 2


def test_a_missing_layer_is_not_an_empty_one(tmp_path, cache, loads, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "company").mkdir()
    loads.fake()
    cached_rules([Path("company")])
    (tmp_path / "company").rmdir()
    monkeypatch.setattr(rulecache, "load_rules", load_rules)
    with pytest.raises(ProblemsError) as error:
        cached_rules([Path("company")])
    assert [p.code for p in error.value.problems] == ["rules_dir_missing"]


def test_only_the_most_recently_used_files_are_kept(tmp_path, cache, loads, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loads.fake()
    cache.mkdir()
    (cache / "rules-0123456789abcdef.pickle").write_bytes(b"left by an earlier version")
    (cache / "notes.txt").write_text("not ours")
    written = []
    for i in range(rulecache.KEEP + 3):
        write_dir(tmp_path / f"company{i}", {"t.yaml": f"kind: opportunities  # {i}\n"})
        before = set(cache_files(cache))
        cached_rules([Path(f"company{i}")])
        [new] = set(cache_files(cache)) - before
        os.utime(new, ns=(i * 10**9, i * 10**9))  # a second apart in 1970, whatever the clock's grain
        written.append(new)
        if i == 0:
            cached_rules([Path("company0")])  # used again: the most recent now
            assert loads.count == 1 and new.stat().st_mtime_ns > 10**18
    assert cache_files(cache) == sorted([written[0], *written[-(rulecache.KEEP - 1):]])
    assert (cache / "notes.txt").exists()


def test_a_pickle_in_the_cache_is_never_run(tmp_path, cache, loads, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loads.fake()
    cached_rules()
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {shlex.quote(str(marker))}",)

    payload = pickle.dumps(Exploit())
    for path in cache_files(cache):
        for name in (path.name, path.with_suffix(".pickle").name, path.with_suffix(".json").name):
            (cache / name).write_bytes(payload)
    rules = cached_rules()
    assert not marker.exists()
    assert isinstance(rules, RuleSet) and loads.count == 2


def garbage(data: bytes) -> list[bytes]:
    middle = len(data) // 2
    return [b"", b"garbage", b"{}", b"null\n{}\n[]", data[:middle], data[:-1], data + b"x",
            data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:],  # one bit flipped
            bytes([data[0] ^ 1]) + data[1:]]  # a wrong checksum


def test_a_broken_file_is_ignored_and_rewritten(tmp_path, cache, loads, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected = load_rules()
    loads.result = expected
    cached_rules()
    [path] = cache_files(cache)
    for data in garbage(path.read_bytes()):
        path.write_bytes(data)
        before = loads.count
        assert cached_rules() is expected  # rebuilt
        assert loads.count == before + 1
        assert_same(cached_rules(), expected)  # and written again whole
        assert loads.count == before + 1


def test_a_file_the_user_did_not_write_alone_is_ignored(tmp_path, cache, loads, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loads.fake()
    cached_rules()
    [path] = cache_files(cache)
    path.chmod(0o666)  # anyone could have written it
    cached_rules()
    assert loads.count == 2
    try:
        os.chown(path, 65534, 65534)
    except PermissionError:
        pytest.skip("only root can give a file to another user")
    cached_rules()
    assert loads.count == 3
    assert path.stat().st_uid == os.getuid()  # replaced by one of the user's own
    cached_rules()
    assert loads.count == 3


@pytest.mark.parametrize("kind", ["symlink", "directory", "fifo"])
def test_a_cache_file_that_is_not_a_regular_file_is_ignored(tmp_path, cache, loads, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    loads.fake()
    cached_rules()
    [path] = cache_files(cache)
    good = path.rename(tmp_path / "elsewhere.json")  # a cache file that would do
    if kind == "symlink":
        path.symlink_to(good)
    elif kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)  # read, it would block the run
    assert isinstance(cached_rules(), RuleSet)
    assert loads.count == 2
    assert path.is_dir() if kind == "directory" else path.is_file() and not path.is_symlink()


@pytest.mark.parametrize("where", ["below a file", "no home directory"])
def test_a_cache_that_cannot_be_written_is_not_used(tmp_path, loads, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    if where == "below a file":
        (tmp_path / "file").write_text("")
        monkeypatch.setenv("PLAYBOOK_CACHE_DIR", str(tmp_path / "file" / "cache"))
    else:
        for name in ("PLAYBOOK_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
            monkeypatch.delenv(name, raising=False)

        def no_home():
            raise RuntimeError("Could not determine home directory.")

        monkeypatch.setattr(Path, "home", no_home)
    loads.fake()
    assert cached_rules() is cached_rules() is loads.result
    assert loads.count == 2
    assert os.listdir(tmp_path) == (["file"] if where == "below a file" else [])


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_the_cache_leaves_the_garbage_collector_as_it_was(cache, loads, enabled):
    """The collector pauses while the cached rule set is rebuilt, and only then."""
    import gc

    cached_rules()
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert_same(cached_rules(), load_rules())
        assert loads.count == 1  # the second came from the cache
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
