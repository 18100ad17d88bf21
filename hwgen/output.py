"""Writing a build folder: every file atomically, nothing outside the folder.

A build is rendered completely in memory first; only then are files written, each
to a temporary name in its final folder and renamed over the old one. An error
while rendering leaves the previous build untouched; an error while writing leaves
every file either old or new, never half-written. Files hwgen did not write are
never removed.

Files are not fsync'ed: the rename makes each file appear whole to every reader, and
what a power cut could lose is regenerated from the inputs in a fraction of a second
(manifest.json holds every file's sha256 to check against). An fsync per file cost
~5 ms each on the benchmark machine, 13 files per build: more than everything else a
build does (benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import OutputError


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
    """Write every output under ``out_dir`` atomically; returns the written paths."""
    for o in outputs:
        safe_relative(o.path)
    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for o in outputs:
            target = out_dir / safe_relative(o.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, o.data)
            written.append(target)
    except OSError as exc:
        where = exc.filename or out_dir
        raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return written


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
