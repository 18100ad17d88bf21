"""output._fsync_all: every path synced from several threads, the first failure re-raised."""

from __future__ import annotations

import os
import threading

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
