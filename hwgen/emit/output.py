"""Writing a build folder: every file atomically, nothing outside the folder.

A build is rendered completely in memory first; only then are files written, each
in full to a temporary name in its final folder, and only once all are written are
they renamed over the old ones (see ``write_all``). An error while rendering or
writing leaves the previous build untouched; every file is always either old or new,
never half-written. Files hwgen did not write are never removed, and nothing is
written outside the build folder, not even through a symbolic link.

Files are not fsync'ed: the rename makes each file appear whole to every reader, and
what a power cut could lose is regenerated from the inputs in a fraction of a second
(manifest.json holds every file's sha256 to check against). An fsync per file cost
~5 ms each on the benchmark machine, a dozen or more files per build: more than
everything else a build does (benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from hwgen.frozen import dataclass
from pathlib import Path, PurePosixPath

from hwgen.errors import OutputError, one_line


@dataclass(frozen=True)
class Output:
    path: str    # relative, POSIX form: "vivado/build.tcl"
    role: str    # "vivado.build", "petalinux.dtsi", "manifest", ...
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def text_output(path: str, role: str, text: str) -> Output:
    return Output(path, role, text.encode("utf-8"))


def safe_relative(path: str) -> PurePosixPath:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in path:
        raise OutputError(f"refusing to write {path!r}: outputs stay inside the build folder")
    return p


def manifest(design, outputs: list[Output], version: str) -> Output:
    body = {
        "hwgen_version": version,
        "design": design.name,
        "board": design.board.name,
        "dpu": design.dpu.name,
        "part": design.board.part,
        "inputs": [{"role": i.role, "name": i.name, "sha256": i.sha256} for i in design.inputs],
        "overrides": list(design.overrides),
        "outputs": [{"path": o.path, "role": o.role, "sha256": o.sha256}
                    for o in sorted(outputs, key=lambda o: o.path)],
    }
    return Output("manifest.json", "manifest", (json.dumps(body, indent=2) + "\n").encode())


def write_all(out_dir: Path, outputs: list[Output]) -> list[Path]:
    """Write every output under ``out_dir``; returns the written paths.

    Two phases. First every file is written in full, flushed, to a temporary name beside
    its target; a failure or an interrupt (Ctrl-C) there removes the temporary files and
    leaves the previous build exactly as it was. Then the temporary files are renamed
    over the old ones in the given order (the caller puts the manifest last), with
    SIGINT, SIGTERM and SIGHUP held back until the last rename: an interrupt during a
    build takes effect before anything changed or after everything did. Only a failing
    rename itself (or a crash) can leave some files new and the others, with the
    manifest, old; no file is ever half-written.

    A full build (one with a manifest) also removes what the previous build's manifest
    lists and this one no longer writes (``<design>.core`` of another design name),
    but only files whose content still matches that manifest: hwgen's own, unedited.
    """
    rels = [safe_relative(o.path) for o in outputs]
    staged: list[tuple[str, Path]] = []
    renamed = 0
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"{one_line(str(out_dir))}: is a file, expected a build folder "
                              "(choose another -o)")
        out_dir.mkdir(parents=True, exist_ok=True)
        root = out_dir.resolve()
        for o, rel in zip(outputs, rels):
            target = out_dir / rel
            _check_inside(root, out_dir, target.parent, o.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(target, o.data), target))
        stale = _stale(out_dir, root, outputs)
        with _signals_held():
            for tmp, target in staged:
                os.replace(tmp, target)
                renamed += 1
            for path in stale:
                path.unlink()
    except OSError as exc:
        where = one_line(str(exc.filename or out_dir))
        raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    finally:
        for tmp, _ in staged[renamed:]:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return [target for _, target in staged]


def _stale(out_dir: Path, root: Path, outputs: list[Output]) -> list[Path]:
    """Files the previous manifest records, unchanged since, that ``outputs`` do not hold."""
    if not any(o.role == "manifest" for o in outputs):
        return []
    try:
        previous = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        entries = list(previous["outputs"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    keep = {o.path for o in outputs}
    stale = []
    for entry in entries:
        path, digest = (entry.get("path"), entry.get("sha256")) if isinstance(entry, dict) \
            else (None, None)
        if not isinstance(path, str) or path in keep:
            continue
        try:
            target = out_dir / safe_relative(path)
            _check_inside(root, out_dir, target.parent, path)
        except OutputError:
            continue
        try:
            if target.is_file() and not target.is_symlink() and \
                    hashlib.sha256(target.read_bytes()).hexdigest() == digest:
                stale.append(target)
        except OSError:
            continue   # unreadable: not provably ours, so kept
    return stale


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
    """``data`` in full in a new temporary file beside ``target``; returns its name."""
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
