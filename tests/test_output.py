"""Atomic output: a failure never leaves a half-written file or touches foreign files."""

from __future__ import annotations

import errno
import os

import pytest

from hwgen.folder import build as build_mod
from hwgen.emit import output
from hwgen.emit import render
from hwgen.model.design import load_design
from hwgen.errors import OutputError
from hwgen.emit.output import Output, safe_relative, write_all


def _outs(tag: str) -> list[Output]:
    return [Output("a.txt", "t", f"A {tag}\n".encode()), Output("sub/b.txt", "t", f"B {tag}\n".encode())]


def test_writes_every_file(tmp_path):
    write_all(tmp_path, _outs("new"))
    assert (tmp_path / "a.txt").read_text() == "A new\n"
    assert (tmp_path / "sub" / "b.txt").read_text() == "B new\n"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "a/../../x", "", "a\\..\\x"])
def test_refuses_paths_outside_the_folder(tmp_path, bad):
    with pytest.raises(OutputError):
        write_all(tmp_path / "out", [Output(bad, "t", b"x")])
    assert not (tmp_path / "out").exists()


def test_failure_mid_write_leaves_old_or_new_never_half(tmp_path, monkeypatch):
    write_all(tmp_path, _outs("old"))
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputError) as e:
        write_all(tmp_path, _outs("new"))
    assert "No space left on device" in str(e.value)
    assert (tmp_path / "a.txt").read_text() == "A new\n"
    assert (tmp_path / "sub" / "b.txt").read_text() == "B old\n"
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_render_error_leaves_previous_build_intact(tmp_path, monkeypatch):
    design = load_design()
    build_mod.build(design, tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken(_design):
        raise OutputError("boom while rendering")

    monkeypatch.setattr(build_mod, "GENERATORS", build_mod.GENERATORS + [broken])
    with pytest.raises(OutputError):
        build_mod.build(design, tmp_path)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_foreign_files_are_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "keep.v").write_text("module x; endmodule")
    write_all(tmp_path, _outs("new"))
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "sub" / "keep.v").read_text() == "module x; endmodule"


@pytest.mark.parametrize("err,text", [(errno.EACCES, "Permission denied"), (errno.ENOSPC, "No space left"),
                                      (errno.EROFS, "Read-only file system")])
def test_cli_reports_environment_failures_in_one_line(tmp_path, monkeypatch, cli, err, text):
    def refuse(*a, **k):
        raise OSError(err, os.strerror(err), str(tmp_path / "out"))

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    code, out, stderr = cli("build", "-o", tmp_path / "out")
    assert code != 0
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0] and "Traceback" not in stderr


def test_output_under_a_file_is_a_clear_error(tmp_path, cli):
    (tmp_path / "file").write_text("x")
    code, _, stderr = cli("build", "-o", tmp_path / "file" / "out")
    assert code == 2
    assert stderr.strip().splitlines()[0].endswith("cannot write: Not a directory")


def test_missing_template_is_one_clear_line():
    with pytest.raises(OutputError) as e:
        render.render("no/such/template.j2")
    assert "missing from hwgen's installation" in str(e.value)


@pytest.mark.parametrize("value", ["a]b", "$x", "a\\b", "}{", "a\nb"])
def test_tcl_filter_never_lets_a_substitution_through(value):
    try:
        word = render.tcl_word(value)
    except render.QuotingError:
        return
    assert word.startswith("{") and word.endswith("}")


def test_safe_relative_accepts_normal_paths():
    assert str(safe_relative("vivado/build.tcl")) == "vivado/build.tcl"
