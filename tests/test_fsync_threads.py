"""output._fsync_all: every path synced from several threads, the first failure re-raised."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from hwgen.emit import output


def test_every_file_is_synced_once_from_more_than_one_thread(tmp_path, monkeypatch):
    paths = []
    for i in range(20):          # more than the 16 threads: some sync two files
        p = tmp_path / f"f{i}"
        p.write_text(str(i))
        paths.append(p)
    synced, threads = [], set()
    real = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        threads.add(threading.get_ident())
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    output._fsync_all(paths)
    assert sorted(synced) == sorted(str(p) for p in paths)
    assert len(threads) > 1
    output._fsync_all([tmp_path], directories=True)
    assert synced[-1] == str(tmp_path)


def test_the_first_failing_path_is_reraised(tmp_path):
    paths = [tmp_path / "a", tmp_path / "missing-1", tmp_path / "b", tmp_path / "missing-2"]
    paths[0].write_text("a")
    paths[2].write_text("b")
    with pytest.raises(FileNotFoundError) as exc:
        output._fsync_all(paths)
    assert exc.value.filename == str(tmp_path / "missing-1")


def test_nothing_is_renamed_before_the_files_and_the_journal_are_on_disk(tmp_path, monkeypatch):
    """A build folder's write, in the order docs/safety.md gives: the staged files, the
    journal and the folder entry naming it are fsync'ed before the first output is renamed;
    every folder written to is fsync'ed before the journal is removed, and the removal too."""
    from hwgen.folder.build import render_outputs
    from hwgen.model.design import load_design

    outputs = render_outputs(load_design())
    out = tmp_path / "out"
    output.write_all(out, outputs)             # a previous build: renames over old files
    events = []
    real_fsync, real_replace, real_unlink = os.fsync, os.replace, os.unlink

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(src), str(dst)))
        return real_replace(src, dst)

    def unlink(path, *args, **kwargs):
        events.append(("unlink", str(path)))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "unlink", unlink)
    output.write_all(out, outputs)
    monkeypatch.undo()

    root = out.resolve()
    journal = str(root / output.JOURNAL)
    renames = [i for i, e in enumerate(events) if e[0] == "replace"]
    assert len(renames) == len(outputs)
    before = {e[1] for e in events[:renames[0]] if e[0] == "fsync"}
    staged = {str(Path(events[i][1]).resolve()) for i in renames}
    assert staged <= before                              # every staged file
    assert journal in before and str(root) in before     # the journal and its folder entry
    removed = events.index(("unlink", str(out / output.JOURNAL)))
    assert removed > renames[-1]
    folders = {str((out / o.path).parent.resolve()) for o in outputs}
    assert folders <= {e[1] for e in events[renames[-1]:removed] if e[0] == "fsync"}
    assert ("fsync", str(root)) in events[removed:]      # the journal's removal, on disk
