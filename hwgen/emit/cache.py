"""hwgen's cache folder: results that are slow to make and always the same for the same key.

Compiled templates (hwgen/emit/render.py) and block diagrams drawn by Graphviz
(hwgen/review/diagram.py) can be kept between runs in the folder ``$HWGEN_CACHE_DIR`` names.
Caching is off unless that variable is set: by default hwgen writes nothing outside the
build folder (README "Safety"), so a read-only or shared home directory never matters.
Everything here only saves time: a folder that cannot be created,
is not the user's own, or is writable by others is not used, and a file that cannot be
read or written is treated as absent. Nothing in a build folder depends on whether a
result came from here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CACHE_ENV = "HWGEN_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder ``$HWGEN_CACHE_DIR`` names (it may not exist yet), or None: caching off."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else None


def usable_dir() -> Path | None:
    """``cache_dir()``, created (mode 0700) and checked to be the user's own, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            return None
    except OSError:
        return None
    return folder


def read(name: str) -> bytes | None:
    folder = usable_dir()
    if folder is None:
        return None
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Atomically (a reader sees the old file, none, or all of the new one); failures ignored."""
    folder = usable_dir()
    if folder is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, folder / name)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
