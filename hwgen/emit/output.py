"""Writing a build folder: every file atomically, nothing outside the folder.

A build is rendered completely in memory first; only then are files written, each
in full to a temporary name in its final folder, and only once all are written are
they renamed over the old ones (see ``write_all``). An error while rendering or
writing leaves the previous build untouched; every file is always either old or new,
never half-written. Files hwgen did not write are never removed, and nothing is
written outside the build folder, not even through a symbolic link.

A build folder (see ``write_all``) is also written under a lock, so one build writes it at
a time, and under a journal, so a crash at any step is detected by the next command and
completed by the next build; its files and folders are fsync'ed (together, from threads:
one fsync in a row costs ~6 ms on the benchmark machine, all of a build's at once about the
same), so a power cut cannot leave a renamed file empty. docs/safety.md says exactly what
is guaranteed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from functools import cached_property
from hwgen.frozen import by_identity, dataclass
from hwgen.jsontext import dumps_indented
from pathlib import Path, PurePosixPath

from hwgen.errors import FolderBusy, OutputError, one_line


@dataclass(frozen=True)
class Output:
    path: str    # relative, POSIX form: "vivado/build.tcl"
    role: str    # "vivado.build", "petalinux.dtsi", "manifest", ...
    data: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


# By the text object: a text a sweep's designs share (the diagram of a design's strategy
# variants, arch.json) is encoded, and its Output hashed for the manifest, once.
@by_identity(maxsize=32)
def text_output(path: str, role: str, text: str) -> Output:
    return Output(path, role, text.encode("utf-8"))


def safe_relative(path: str) -> PurePosixPath:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in path:
        raise OutputError(f"refusing to write {path!r}: outputs stay inside the build folder")
    return p


def design_id(design) -> str:
    """Which design a build folder's files belong to: a hash of everything that selects it.

    The design name alone does not say it (a --set changes the design, not its name).
    manifest.json carries it beside every file's sha256, budget.json's included, so a
    folder holding the verdict of one design and the files of another is detected.
    """
    body = {"design": design.name, "board": design.board.name, "dpu": design.dpu.name,
            "part": design.board.part,
            "inputs": [[i.role, i.name, i.sha256] for i in design.inputs],
            "overrides": list(design.overrides)}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def manifest(design, outputs: list[Output], version: str) -> Output:
    body = {
        "hwgen_version": version,
        "design": design.name,
        "design_id": design_id(design),
        "board": design.board.name,
        "dpu": design.dpu.name,
        "part": design.board.part,
        "inputs": [{"role": i.role, "name": i.name, "sha256": i.sha256} for i in design.inputs],
        "overrides": list(design.overrides),
        "outputs": [{"path": o.path, "role": o.role, "sha256": o.sha256}
                    for o in sorted(outputs, key=lambda o: o.path)],
    }
    return Output("manifest.json", "manifest", (dumps_indented(body, 2) + "\n").encode())


# A build folder's own bookkeeping files; neither is an output or listed in the manifest.
LOCK_FILE = ".hwgen.lock"        # flock'ed by the one writer; never removed (see folder_lock)
JOURNAL = ".hwgen-journal.json"  # exists only while a build is changing the folder
# mkstemp's names: "." + target name + "." + 8 characters from this set + ".tmp"
_TMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def _step(name: str) -> None:
    """A point between two steps of a folder write; nothing happens here.

    The kill -9 and SIGSTOP tests replace it to stop a real build at every step, so the
    list of steps is the list of places a crash can happen.
    """


def _make_folder(out_dir: Path) -> Path:
    """The build folder, created when missing, as a resolved path; a file in its place is an
    OutputError (OSError is left to the caller, which names the path it failed on)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{one_line(str(out_dir))}: is a file, expected a build folder "
                          "(choose another -o)")
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir.resolve()


# --------------------------------------------------------------------------- one writer
_held: dict[Path, int] = {}   # folders this process has locked -> nesting depth


@contextmanager
def folder_lock(out_dir: Path, wait: bool = True):
    """Hold the build folder's advisory lock (``fcntl.flock`` on OUT/.hwgen.lock).

    One writer per folder: a second hwgen build (a CI matrix, make -j) into the same
    folder waits here, saying so on stderr, or with ``wait=False`` fails at once with
    FolderBusy (exit 75). The lock is released by the kernel when the process ends,
    however it ends, so a killed build never leaves the folder locked. Re-entrant
    within one process (``hwgen run`` holds it across the build and the Vivado run).
    """
    import fcntl

    out_dir = Path(out_dir)
    try:
        key = _make_folder(out_dir)
    except OSError as exc:
        where = one_line(str(exc.filename or out_dir))
        raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock_path = out_dir / LOCK_FILE
    try:
        # O_NOFOLLOW: a link planted at .hwgen.lock must not make hwgen create or lock
        # a file elsewhere.
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise OutputError(one_line(f"{lock_path}: cannot create the build folder's lock file: "
                                   f"{exc.strerror or exc}")) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise FolderBusy(one_line(f"{out_dir}: another hwgen build is writing this "
                                          "folder; not waiting (--no-wait)")) from None
            print(one_line(f"hwgen: {out_dir}: another hwgen build is writing this folder; "
                           "waiting for it to finish (--no-wait fails instead)"),
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        # The lock file stays empty: no pid or time in it, so a build folder is the same
        # bytes wherever and whenever it is built.
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)        # releases the lock


# --------------------------------------------------------------------------- the journal
def interrupted(out_dir: Path) -> list[str] | None:
    """The files an interrupted build was changing in ``out_dir``, or None if none was.

    The journal exists from before the first rename until after the last fsync; finding
    it means the folder may hold old and new files mixed. An unreadable journal (cut
    short by the crash that interrupted its own writing) still means interrupted.
    """
    path = Path(out_dir) / JOURNAL
    if not os.path.lexists(path):
        return None
    try:
        from hwgen.inputfile import read_regular

        data = json.loads(read_regular(path, 1 << 20))
        files = [e["path"] for e in data["writing"]] + list(data["removing"])
        return [f for f in files if isinstance(f, str)]
    except Exception:   # noqa: BLE001 - any damage: the journal's existence is what counts
        return []


def _journal_written(out_dir: Path) -> dict[str, str]:
    """path -> sha256 of what the interrupted build was writing (empty if unreadable)."""
    try:
        from hwgen.inputfile import read_regular

        data = json.loads(read_regular(Path(out_dir) / JOURNAL, 1 << 20))
        return {e["path"]: e["sha256"] for e in data["writing"]
                if isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)}
    except Exception:   # noqa: BLE001 - unreadable: nothing provably the interrupted build's
        return {}


def interrupted_message(files: list[str]) -> str:
    """What to say about a folder ``interrupted`` found a journal in (no folder name)."""
    what = f"{len(files)} files ({', '.join(files)})" if files else "its files (journal unreadable)"
    return one_line(f"incomplete: a build was interrupted while changing {what}, so old and "
                    f"new files may be mixed; run hwgen build into it again to complete it")


def _write_journal(out_dir: Path, outputs: list[Output], removing: list[str]) -> None:
    """The journal, in place. Not yet on disk: ``_write`` fsyncs it and the folder in one
    round with the staged files, and renames nothing before that round is done."""
    # Each file with its sha256: a build completing an interrupted one removes what that
    # build wrote and it does not (a .core of another design name), if still unedited.
    body = json.dumps({"hwgen_journal": 1,
                       "writing": [{"path": o.path, "sha256": o.sha256} for o in outputs],
                       "removing": removing}, indent=1) + "\n"
    tmp = _stage(out_dir / JOURNAL, body.encode())
    os.rename(tmp, out_dir / JOURNAL)   # POSIX rename replaces an older journal atomically


def _fsync_all(paths, directories: bool = False, folders=()) -> None:
    """fsync every path (and every folder of ``folders``), from several threads at once: the
    file system commits concurrent fsyncs together, so 18 files cost about one fsync (~6 ms
    here) instead of 18 in a row (~115 ms); benchmarks/bench_reliability.py measures it."""
    import threading    # plain threads: concurrent.futures would import logging (~3 ms a build)

    def sync(item):
        path, folder = item
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if folder else 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    paths = [(p, directories) for p in paths] + [(f, True) for f in folders]
    if len(paths) <= 1:
        for path in paths:
            sync(path)
        return
    failed: list = [None] * len(paths)
    workers = min(16, len(paths))

    def work(first: int):
        for i in range(first, len(paths), workers):
            try:
                sync(paths[i])
            except BaseException as exc:   # noqa: BLE001 - re-raised below, in path order
                failed[i] = exc

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    error = next((exc for exc in failed if exc is not None), None)
    if error is not None:
        raise error         # the first path's error, as ThreadPoolExecutor.map re-raised it


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _leftover_tmp(folder: Path, name: str) -> list[Path]:
    """Temporary files a killed build left for ``name`` in ``folder`` (mkstemp's pattern)."""
    prefix = f".{name}."
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    return [folder / e for e in entries
            if e.startswith(prefix) and e.endswith(".tmp") and len(e) == len(prefix) + 12
            and all(c in _TMP_CHARS for c in e[len(prefix):-4])]


def write_all(out_dir: Path, outputs: list[Output], *, folder: bool | None = None,
              withdraw: bool = False, wait: bool = True) -> list[Path]:
    """Write every output under ``out_dir``; returns the written paths.

    Two phases. First every file is written in full, flushed, to a temporary name beside
    its target; a failure or an interrupt (Ctrl-C) there removes the temporary files and
    leaves the previous build exactly as it was. Then the temporary files are renamed
    over the old ones in the given order (the caller puts the manifest last), with
    SIGINT, SIGTERM and SIGHUP held back until the last rename: an interrupt during a
    build takes effect before anything changed or after everything did.

    A build folder (``folder``; by default: the outputs hold a manifest) is written under
    its lock (``folder_lock``) and a journal: the journal naming every file about to
    change is written and fsync'ed before anything in the folder changes, the files are
    staged (fsync'ed), renamed, the manifest last, the folders fsync'ed, and only then is
    the journal removed. A crash at any point leaves the journal, so every command that
    reads the folder says it is incomplete, and the next build completes it: it writes
    every file again and removes the temporary files the crash left.

    A build folder's write also removes what the previous build's manifest lists and this
    one no longer writes (``<design>.core`` of another design name), but only files whose
    content still matches that manifest: hwgen's own, unedited. ``withdraw`` (a build
    refused over budget) removes the previous manifest too, with the files it lists that
    nobody edited, so the folder never holds a failing verdict next to a passing build's
    scripts.
    """
    rels = [safe_relative(o.path) for o in outputs]
    if folder is None:
        folder = any(o.role == "manifest" for o in outputs)
    if not folder:
        return _write(out_dir, outputs, rels)
    with folder_lock(out_dir, wait=wait):
        return _write(out_dir, outputs, rels, journal=True, withdraw=withdraw)


def _write(out_dir: Path, outputs: list[Output], rels, journal: bool = False,
           withdraw: bool = False) -> list[Path]:
    staged: list[tuple[str, Path]] = []
    renamed = 0
    journaled = False
    try:
        root = _make_folder(out_dir)
        targets = []
        for o, rel in zip(outputs, rels):
            target = out_dir / rel
            _check_inside(root, out_dir, target.parent, o.path)
            targets.append(target)
        stale = _stale(out_dir, root, outputs, withdraw) if journal else []
        if journal:
            previous = interrupted(out_dir)
            if previous is not None:
                print(one_line(f"hwgen: {out_dir}: {interrupted_message(previous)}; this build "
                               "completes it now"),
                      file=sys.stderr, flush=True)
                stale += [p for p in _matching(out_dir, root, _journal_written(out_dir),
                                               {o.path for o in outputs}) if p not in stale]
            for leftover in _leftover_tmp(out_dir, JOURNAL):
                os.unlink(leftover)
            _step("journal")
            _write_journal(out_dir, outputs, [p.relative_to(out_dir).as_posix() for p in stale])
            journaled = True
        for o, target in zip(outputs, targets):
            target.parent.mkdir(parents=True, exist_ok=True)
            if journal:
                for leftover in _leftover_tmp(target.parent, target.name):
                    os.unlink(leftover)
            _step(f"stage {o.path}")
            staged.append((_stage(target, o.data), target))
        if journal:
            _step("fsync files")
            # One round before the first rename: the staged files, the journal and the
            # folder entry naming it are all on disk once it returns (a crash before then
            # has renamed nothing: the folder is the previous build).
            _fsync_all([tmp for tmp, _ in staged] + [out_dir / JOURNAL], folders=[out_dir])
        with _signals_held():
            for tmp, target in staged:
                _step(f"rename {target.relative_to(out_dir).as_posix()}")
                os.replace(tmp, target)
                renamed += 1
            for path in stale:
                _step(f"remove {path.relative_to(out_dir).as_posix()}")
                path.unlink()
            if journal:
                _step("fsync folders")
                _fsync_all(sorted({t.parent for t in targets} | {p.parent for p in stale}
                                  | {out_dir}), directories=True)
                _step("remove journal")
                os.unlink(out_dir / JOURNAL)
                _fsync_dir(out_dir)
    except OSError as exc:
        where = one_line(str(exc.filename or out_dir))
        raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    finally:
        for tmp, _ in staged[renamed:]:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if journaled and not renamed and os.path.lexists(out_dir / JOURNAL):
            # Stopped before the first rename (an error, Ctrl-C): nothing changed, so the
            # folder is still the previous build, complete. After a rename the journal
            # stays: the folder is mixed and says so until a build completes it.
            try:
                os.unlink(out_dir / JOURNAL)
                _fsync_dir(out_dir)
            except OSError:
                pass
    return [target for _, target in staged]


def _stale(out_dir: Path, root: Path, outputs: list[Output], withdraw: bool = False) -> list[Path]:
    """Files the previous manifest records, unchanged since, that ``outputs`` do not hold
    (with ``withdraw``, the previous manifest itself too)."""
    if not withdraw and not any(o.role == "manifest" for o in outputs):
        return []
    try:
        from hwgen.inputfile import read_regular

        previous = json.loads(read_regular(out_dir / "manifest.json", 16 << 20))
        entries = list(previous["outputs"])
    except Exception:   # noqa: BLE001 - no readable manifest of ours: nothing provably ours
        return []
    recorded = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            recorded[entry["path"]] = entry.get("sha256")
    stale = _matching(out_dir, root, recorded, {o.path for o in outputs})
    if withdraw and "manifest.json" not in {o.path for o in outputs}:
        stale.append(out_dir / "manifest.json")
    return stale


def _matching(out_dir: Path, root: Path, recorded: dict, keep: set) -> list[Path]:
    """Files of ``recorded`` (path -> sha256 hwgen wrote) not in ``keep`` whose content still
    matches: hwgen's own, unedited, so removable. Anything else is kept."""
    found = []
    for path, digest in recorded.items():
        if path in keep:
            continue
        try:
            target = out_dir / safe_relative(path)
            _check_inside(root, out_dir, target.parent, path)
        except OutputError:
            continue
        try:
            if target.is_file() and not target.is_symlink() and \
                    hashlib.sha256(target.read_bytes()).hexdigest() == digest:
                found.append(target)
        except OSError:
            continue   # unreadable: not provably ours, so kept
    return found


def _check_inside(root: Path, out_dir: Path, folder: Path, shown: str) -> None:
    """Refuse a folder that leads outside the build folder through a symbolic link.

    The nearest part of ``folder`` that exists is resolved (links followed), before
    anything is created under it.
    """
    existing = folder
    while not os.path.lexists(existing) and existing != out_dir:
        existing = existing.parent
    resolved = existing.resolve()
    if resolved != root and root not in resolved.parents:
        raise OutputError(one_line(f"refusing to write {shown!r}: {existing} leads to {resolved}, "
                                   f"outside the build folder {out_dir} (a symbolic link?)"))


def _stage(target: Path, data: bytes) -> str:
    """``data`` in full in a new temporary file beside ``target``; returns its name.

    A build folder's files (and its journal) are fsync'ed together after staging
    (``_fsync_all``), so a power cut after a rename cannot leave an empty file under the
    target's name.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return tmp


@contextmanager
def _signals_held():
    """Defer (not lose) SIGINT, SIGTERM and SIGHUP for the block; a no-op off the main thread."""
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
