"""Two builds of the same inputs are byte-identical wherever and however they run."""

from __future__ import annotations

import pytest

from conftest import ROOT, hwgen_env, run_hwgen


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_builds_are_byte_identical_across_environments(tmp_path, board):
    one, two = tmp_path / "one", tmp_path / "elsewhere" / "deeper"
    two.mkdir(parents=True)
    a = run_hwgen("build", "--board", board, "-o", one / "out", cwd=tmp_path,
                  env=hwgen_env(PYTHONHASHSEED="1", LC_ALL="C", TZ="UTC", HOME=str(tmp_path)))
    b = run_hwgen("build", "--board", board, "-o", "out2", cwd=two,
                  env=hwgen_env(PYTHONHASHSEED="4242", LC_ALL="C.UTF-8", LANG="de_DE.UTF-8",
                                TZ="Asia/Tokyo", HOME="/nonexistent", USER="someone-else",
                                SOURCE_DATE_EPOCH="0"))
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    first, second = _tree(one / "out"), _tree(two / "out2")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between the two builds"
    for name, data in first.items():
        text = data.decode("utf-8", "replace")
        for leak in (str(tmp_path), str(ROOT), "/root", "/home/"):
            assert leak not in text, f"{name} leaks the path {leak}"


def test_rebuild_in_place_changes_nothing(tmp_path):
    assert run_hwgen("build", "-o", tmp_path).returncode == 0
    first = _tree(tmp_path)
    assert run_hwgen("build", "-o", tmp_path).returncode == 0
    assert _tree(tmp_path) == first


def test_user_files_given_by_absolute_path_do_not_leak(tmp_path):
    mine = tmp_path / "private" / "dir"
    mine.mkdir(parents=True)
    (mine / "my_board.yaml").write_text((ROOT / "boards" / "pynq_z2.yaml").read_text())
    (mine / "my_dpu.yaml").write_text((ROOT / "dpus" / "b512.yaml").read_text())
    r = run_hwgen("build", "--board", mine / "my_board.yaml", "--dpu", mine / "my_dpu.yaml",
                  "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    for name, data in _tree(tmp_path / "out").items():
        assert str(mine).encode() not in data, f"{name} leaks {mine}"
    assert b'"my_board.yaml"' in (tmp_path / "out" / "manifest.json").read_bytes()
