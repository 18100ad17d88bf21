"""Graphviz draws while hwgen renders: started as soon as the graph exists, collected last.

And where Graphviz is missing, ``hwgen build`` says so in one line on stderr and still
writes the diagram's DOT source.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from hwgen.folder import build as build_mod
from hwgen.model.design import load_design
from hwgen.review import diagram
from hwgen.review import report as review


@pytest.fixture
def fake_dot(tmp_path, monkeypatch):
    """A `dot` that logs each run and answers with a fixed SVG."""
    log = tmp_path / "runs.log"
    program = tmp_path / "bin" / "dot"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n"
                       f"echo run >> '{log}'\n"
                       "cat > /dev/null\n"
                       "printf '<svg n=\"1\"/>\\n'\n")
    program.chmod(0o755)
    monkeypatch.setattr(diagram, "dot_program", lambda: str(program))
    diagram._SVG_MEMO.clear()

    class Fake:
        def runs(self):
            return log.read_text().split() if log.exists() else []

    yield Fake()
    diagram._SVG_MEMO.clear()


def _recording(monkeypatch, events):
    """Generators and the drawing's collection, wrapped to log the order they ran in."""
    def wrap(generate):
        def wrapped(design):
            events.append(generate.__name__)
            return generate(design)
        wrapped.__name__ = generate.__name__
        return wrapped

    monkeypatch.setattr(build_mod, "GENERATORS", [wrap(g) for g in build_mod.GENERATORS])
    started, collect = diagram.start_svg, diagram.PendingSvg.result

    def start(dot_text):
        events.append("dot started")
        return started(dot_text)

    def result(self, *args, **kwargs):
        events.append("dot collected")
        return collect(self, *args, **kwargs)

    monkeypatch.setattr(diagram, "start_svg", start)
    monkeypatch.setattr(diagram.PendingSvg, "result", result)


def test_dot_starts_before_the_other_files_render_and_is_collected_last(fake_dot, monkeypatch):
    events: list[str] = []
    _recording(monkeypatch, events)
    outputs = {o.path: o.data for o in build_mod.render_outputs(load_design())}
    names = [g.__name__ for g in build_mod.GENERATORS]
    assert events == ["dot started", *names, "dot collected"]
    assert len(fake_dot.runs()) == 1
    assert outputs[review.SVG] == b'<svg n="1"/>\n'


def test_the_same_drawing_in_one_process_runs_dot_once(fake_dot):
    first = diagram.render_svg("digraph { a -> b }")
    assert diagram.render_svg("digraph { a -> b }") == first
    assert len(fake_dot.runs()) == 1
    diagram.render_svg("digraph { a -> b -> c }")
    assert len(fake_dot.runs()) == 2


def test_a_failing_build_stops_the_drawing(fake_dot, monkeypatch):
    pending = []
    started = diagram.start_svg

    def start(dot_text):
        pending.append(started(dot_text))
        return pending[-1]

    def broken(design):
        raise RuntimeError("a generator failed")

    monkeypatch.setattr(diagram, "start_svg", start)
    monkeypatch.setattr(build_mod, "GENERATORS", [broken])
    with pytest.raises(RuntimeError):
        build_mod.render_outputs(load_design())
    (drawing,) = pending
    assert drawing._process is None            # reaped: no dot left running
    assert drawing.result() is None            # and nothing to collect


def _build_process(tmp_path, path_dirs):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(ROOT), PATH=os.pathsep.join(path_dirs))
    return subprocess.run([sys.executable, "-m", "hwgen", "build", "-o", str(tmp_path / "out")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_without_graphviz_build_says_so_in_one_line_and_writes_the_dot(tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    r = _build_process(tmp_path, [str(empty)])
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert "Graphviz" in lines[0] and "not on PATH" in lines[0]
    assert "apt-get install graphviz" in lines[0]
    assert str(tmp_path / "out" / review.SVG) in lines[0]
    assert "digraph" in (tmp_path / "out" / review.DOT).read_text()
    assert not (tmp_path / "out" / review.SVG).exists()


def test_with_graphviz_build_says_nothing_about_it(tmp_path):
    import shutil

    dot = shutil.which("dot")
    assert dot, "Graphviz `dot` is required by the tests (scripts/test.sh installs graphviz)"
    r = _build_process(tmp_path, [os.path.dirname(dot)])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert b"<svg" in (tmp_path / "out" / review.SVG).read_bytes()


def test_a_prestarted_dot_draws_the_next_diagram(fake_dot):
    """``hwgen build`` starts dot before the DOT text exists; start_svg hands it the text."""
    diagram.prestart_dot()
    diagram.prestart_dot()                    # at most one waits
    assert len(diagram._READY) == 1
    process = diagram._READY[0][1]
    pending = diagram.start_svg("digraph { a -> b }")
    assert diagram._READY == [] and pending._process is process
    assert pending.result() == b'<svg n="1"/>\n'
    assert len(fake_dot.runs()) == 1          # the prestarted one, and no other


def test_a_prestarted_dot_nobody_takes_is_stopped(fake_dot):
    diagram.prestart_dot()
    (_, process), = diagram._READY
    diagram.drop_prestarted()
    assert diagram._READY == [] and process.returncode is not None


def test_a_prestarted_dot_of_another_program_is_not_used(fake_dot, monkeypatch, tmp_path):
    diagram.prestart_dot()
    (_, stale), = diagram._READY
    other = tmp_path / "other-dot"
    other.write_text("#!/bin/sh\ncat > /dev/null\nprintf '<svg n=\"2\"/>\\n'\n")
    other.chmod(0o755)
    monkeypatch.setattr(diagram, "dot_program", lambda: str(other))
    assert diagram.start_svg("digraph { a }").result() == b'<svg n="2"/>\n'
    assert diagram._READY == [] and stale.returncode is not None


def test_a_build_that_fails_before_drawing_leaves_no_dot_running(fake_dot, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from hwgen.cli import main

    def broken(design):
        raise RuntimeError("planning failed")

    started = []
    prestart = diagram.prestart_dot

    def recording():
        prestart()
        started.extend(process for _, process in diagram._READY)

    monkeypatch.setattr(review, "start_review", broken)
    monkeypatch.setattr(diagram, "prestart_dot", recording)
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "out")])
    assert result.exit_code == 70 and "RuntimeError" in result.output    # an internal error
    (process,) = started
    assert diagram._READY == [] and process.returncode is not None   # stopped and reaped
    assert not (tmp_path / "out" / "manifest.json").exists()
