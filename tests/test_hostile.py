"""Hostile YAML: every attack gives exit 2 with a clear message, executing nothing.

"Promptly" is enforced by construction (a node budget counted during alias expansion,
a depth limit, a size limit counted in bytes actually read) and by the subprocess
timeout; speed itself is measured in benchmarks/, not asserted here."""

from __future__ import annotations

import resource

import pytest

from conftest import BOARDS, hwgen_main, run_hwgen
from hwgen.model import loader
from hwgen.errors import InputError

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

CASES = {
    "billion_laughs": (BOMB, "expands to more than"),
    "deep_nesting": ("a: " + "[" * 10000 + "]" * 10000 + "\n", "nested deeper than"),
    "deep_mappings": ("".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
                      "nested deeper than"),
    "python_object": ("name: !!python/object/apply:os.system ['touch PWNED']\n", "unsupported tag"),
    "python_name": ("name: !!python/name:os.system\n", "unsupported tag"),
    "local_tag": ("name: !board x\n", "unsupported tag"),
    "set_tag": ("name: !!set {a, b}\n", "unsupported tag"),
    "binary_tag": ("name: !!binary aGVsbG8=\n", "unsupported tag"),
    "multi_document": ("name: a\n---\nname: b\n", "more than one YAML document"),
    "huge_integer": ("name: " + "9" * 5000 + "\n", "expected an integer of at most 24 digits"),
    "merge_key": ("base: &b {x: 1}\nname:\n  <<: *b\n", "merge keys"),
    "non_string_key": ("1: x\n", "keys must be plain strings"),
    "complex_key": ("? [a, b]\n: x\n", "keys must be plain strings"),
    "nul_byte": ("name: a\x00b\n", "NUL"),
    "control_character": ("name: a\x1bb\n", "malformed YAML: character U+001B"),
    "c1_control": ("name: ok\ndescription: a\x85\x9bb\n", "malformed YAML: character U+009B"),
    "top_level_list": ("- a\n- b\n", "expected a YAML mapping at the top"),
    "top_level_scalar": ("just text\n", "expected a YAML mapping at the top"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_loader_refuses(name):
    text, message = CASES[name]
    with pytest.raises(InputError) as e:
        loader.load_text(text, "evil.yaml")
    assert message in str(e.value)
    assert str(e.value).startswith("evil.yaml")


@pytest.mark.parametrize("name", ["billion_laughs", "python_object", "deep_nesting", "huge_integer"])
def test_cli_refuses_promptly_without_executing(tmp_path, name):
    f = tmp_path / "evil.yaml"
    f.write_text(CASES[name][0])
    r = run_hwgen("check", "--board", f, cwd=tmp_path, timeout=20)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert CASES[name][1] in r.stderr
    assert not (tmp_path / "PWNED").exists()


def test_large_file_is_refused_before_parsing(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text((BOARDS / "pynq_z2.yaml").read_text() + "# " + "x" * (5 << 20) + "\n")
    r = run_hwgen("check", "--board", f, timeout=20)
    assert r.returncode == 2
    assert "file is larger than 1 MiB, the limit for hwgen inputs" in r.stderr


def test_bomb_memory_stays_bounded():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError):
        loader.load_text(BOMB, "evil.yaml")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 100, f"loading a refused bomb grew memory by {grown_mib:.0f} MiB"


def test_anchors_within_budget_still_work():
    doc = loader.load_text("a: &x {w: 64}\nb: *x\n", "ok.yaml")
    assert doc.data == {"a": {"w": 64}, "b": {"w": 64}}


def test_directory_instead_of_file(tmp_path):
    r = hwgen_main("check", "--board", tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == f"{tmp_path}: is a directory, expected a YAML file"
