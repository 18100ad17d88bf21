"""diagram.cached_svg: Graphviz's drawing remembered between runs, never for other inputs."""

from __future__ import annotations

import os

import pytest

from hwgen.emit import cache
from hwgen.review import diagram


@pytest.fixture
def fake_dot(tmp_path, monkeypatch):
    """A `dot` that logs each run and answers with an SVG naming its input's length."""
    log = tmp_path / "runs.log"
    program = tmp_path / "bin" / "dot"
    program.parent.mkdir()

    def install(version: str):
        program.write_text("#!/bin/sh\n"
                           f"echo run >> '{log}'\n"
                           f"printf '<svg data-v=\"{version}\" n=\"%s\"/>\\n' \"$(wc -c)\"\n")
        program.chmod(0o755)

    install("1")
    monkeypatch.setattr(diagram, "dot_program", lambda: str(program))
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    diagram._SVG_MEMO.clear()

    class Fake:
        def runs(self):
            return len(log.read_text().splitlines()) if log.exists() else 0

        def upgrade(self, version):
            install(version)
            st = program.stat()
            os.utime(program, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))

    yield Fake()
    diagram._SVG_MEMO.clear()


def test_same_dot_text_runs_dot_once_across_runs(fake_dot):
    first = diagram.cached_svg("digraph { a -> b }")
    assert first.startswith(b"<svg") and fake_dot.runs() == 1
    assert diagram.cached_svg("digraph { a -> b }") == first      # this process
    diagram._SVG_MEMO.clear()                                      # a new process
    assert diagram.cached_svg("digraph { a -> b }") == first
    assert fake_dot.runs() == 1


def test_other_dot_text_is_drawn_again(fake_dot):
    a = diagram.cached_svg("digraph { a -> b }")
    b = diagram.cached_svg("digraph { a -> b -> c }")
    assert a != b and fake_dot.runs() == 2


def test_a_new_graphviz_draws_again(fake_dot):
    old = diagram.cached_svg("digraph { a }")
    fake_dot.upgrade("2")
    diagram._SVG_MEMO.clear()
    new = diagram.cached_svg("digraph { a }")
    assert b'data-v="2"' in new and b'data-v="1"' in old and fake_dot.runs() == 2


def test_cache_off_still_remembers_within_the_process(fake_dot, monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, "")
    diagram.cached_svg("digraph { x }")
    diagram.cached_svg("digraph { x }")
    assert fake_dot.runs() == 1
    diagram._SVG_MEMO.clear()
    diagram.cached_svg("digraph { x }")
    assert fake_dot.runs() == 2
    assert not (tmp_path / "cache").exists()


def test_a_damaged_cache_file_is_drawn_again(fake_dot, tmp_path):
    good = diagram.cached_svg("digraph { d }")
    (entry,) = (tmp_path / "cache").glob("svg-*.svg")
    entry.write_bytes(b"")
    diagram._SVG_MEMO.clear()
    assert diagram.cached_svg("digraph { d }") == good
    assert fake_dot.runs() == 2


def test_without_dot_nothing_is_cached(monkeypatch, tmp_path):
    monkeypatch.setattr(diagram, "dot_program", lambda: None)
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    assert diagram.cached_svg("digraph { a }") is None
    assert not (tmp_path / "cache").exists()
