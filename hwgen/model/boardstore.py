"""Finding boards by name where people keep them: `--board pynq-z2`, `--board VENDOR:NAME:part0:VER`.

Looked up, in this order, after hwgen's shipped boards:
  1. the folders of HWGEN_BOARD_PATH (os.pathsep-separated): hwgen board YAMLs directly in
     them (``<NAME>.yaml``, e.g. written by ``hwgen board import``), and Vivado board files
     anywhere below them;
  2. ``$XILINX_VIVADO/data/xhub/boards/XilinxBoardStore/boards`` (the store Vivado ships);
  3. ``~/.Xilinx/Vivado/<version>/xhub/board_store/xilinx_board_store`` (the per-user store
     Vivado downloads into).
Board files are found recursively by their board.xml, so both Vivado's layout
(``<Vendor>/<board>/<revision>/board.xml``) and Digilent's (``board_files/<board>/<revision>/``)
work. Only the winner is imported (by ``boardfiles``), so a large store stays quick.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAX_DEPTH = 8          # <root>/<Vendor>/<board>/<rev>/board.xml is 4; Digilent's adds one or two
_HEAD = re.compile(r"<board\b([^>]*)>", re.S)
_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_VERSION = re.compile(r"<file_version>\s*([^<\s]+)\s*</file_version>")
BOARD_PART_RE = re.compile(r"[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[0-9.]+")


@dataclass(frozen=True)
class Found:
    kind: str            # "yaml" (a hwgen board YAML) | "boardfiles" (a Vivado board folder)
    path: Path
    name: str            # hwgen board name (YAML stem, or board.xml name)
    board_part: str      # vendor:name:part0:version ("" for a YAML)
    version: tuple       # file_version as numbers, for "newest"
    origin: str          # where it was found, for people


def roots() -> list[tuple[Path, str]]:
    out = []
    for folder in os.environ.get("HWGEN_BOARD_PATH", "").split(os.pathsep):
        if folder:
            out.append((Path(folder).expanduser(), "HWGEN_BOARD_PATH"))
    vivado = os.environ.get("XILINX_VIVADO")
    if vivado:
        out.append((Path(vivado) / "data" / "xhub" / "boards" / "XilinxBoardStore" / "boards",
                    "$XILINX_VIVADO board store"))
    try:
        user = Path.home() / ".Xilinx" / "Vivado"
        versions = sorted(p for p in user.iterdir() if p.is_dir())
    except (OSError, RuntimeError):     # no such folder; no home directory at all
        versions = []
    for v in versions:
        out.append((v / "xhub" / "board_store" / "xilinx_board_store", f"Vivado {v.name} user board store"))
    return out


def _version(text: str) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.\-]", text))


def _header(board_xml: Path) -> tuple[str, str, str] | None:
    """(vendor, name, file_version) from the first 16 KiB of a board.xml; None if unreadable."""
    try:
        with open(board_xml, "rb") as f:
            head = f.read(16384).decode("utf-8", "replace")
    except OSError:
        return None
    m = _HEAD.search(head)
    if not m:
        return None
    attrs = dict(_ATTR.findall(m.group(1)))
    v = _VERSION.search(head)
    if "vendor" not in attrs or "name" not in attrs:
        return None
    return attrs["vendor"], attrs["name"], v.group(1) if v else "1.0"


def _walk(root: Path):
    """Every board.xml below ``root`` (no symbolic-link loops, at most MAX_DEPTH deep)."""
    base = len(root.parts)
    for folder, dirs, files in os.walk(root, followlinks=False):
        if len(Path(folder).parts) - base >= MAX_DEPTH:
            dirs[:] = []
        dirs.sort()
        if "board.xml" in files:
            yield Path(folder) / "board.xml"


def everything() -> list[Found]:
    """Every board found in the search folders, in search order."""
    from hwgen.model.boardfiles import board_name

    out = []
    for root, origin in roots():
        if not root.is_dir():
            continue
        if origin == "HWGEN_BOARD_PATH":
            for y in sorted(root.glob("*.yaml")):
                out.append(Found("yaml", y, y.stem, "", (), f"{origin} ({root})"))
        for xml in _walk(root):
            head = _header(xml)
            if head is None:
                continue
            vendor, name, version = head
            out.append(Found("boardfiles", xml.parent, board_name(name),
                             f"{vendor}:{name}:part0:{version}", _version(version),
                             f"{origin} ({xml.parent})"))
    return out


def find(ref: str) -> tuple[Found | None, str]:
    """The board ``ref`` names (a NAME or a board_part), and a note when it had to choose."""
    # A sweep loads its design hundreds of times: walk the stores once per process and
    # search folders (the environment does not change while hwgen runs).
    return _find(ref, tuple(roots()))


@lru_cache(maxsize=64)
def _find(ref: str, _roots: tuple) -> tuple[Found | None, str]:
    found = everything()
    if BOARD_PART_RE.fullmatch(ref):
        hits = [f for f in found if f.board_part.lower() == ref.lower()]
        return (hits[0] if hits else None), ""
    key = ref.lower().replace("-", "_")
    yamls = [f for f in found if f.kind == "yaml" and f.name.lower() == key]
    if yamls:
        return yamls[0], ""
    hits = [f for f in found if f.kind == "boardfiles" and f.name.lower() == key]
    if not hits:
        return None, ""
    best = max(hits, key=lambda f: f.version)     # first found among equal versions
    best = next(f for f in hits if f.version == best.version)
    note = ""
    if len(hits) > 1:
        note = (f"--board {ref}: {len(hits)} revisions found ("
                + ", ".join(sorted({f.board_part for f in hits})) + f"); using the newest, "
                f"{best.board_part} from {best.origin}")
    return best, note
