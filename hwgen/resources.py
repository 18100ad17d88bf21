"""Where the shipped data lives: inside the wheel, or at the top of a source checkout.

pyproject.toml maps the repository's boards/, dpus/, parts/, families/, models/ and
templates/ into the wheel as hwgen/<dir>; a source checkout keeps them beside the
package. Looking in both places is the whole job of this module.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hwgen.errors import HwgenError, OutputError

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The folder holding shipped ``name`` ('boards', 'dpus', 'parts', 'families', 'models',
    'templates')."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    # An environment problem, not the user's input: one line from the CLI, no traceback.
    raise OutputError(f"hwgen's shipped '{name}' folder is missing from {_PACKAGE}; "
                      "reinstall hwgen")


# Folders of shipped YAML data; a name listed here that an installation lacks is skipped.
DATA_KINDS = ("boards", "dpus", "parts", "families", "models")


@lru_cache(maxsize=1)
def _kind_of_dir() -> dict[Path, str]:
    """This installation's data folders and the kind each holds."""
    out = {}
    for kind in DATA_KINDS:
        try:
            out[data_dir(kind)] = kind
        except (FileNotFoundError, HwgenError):
            pass    # missing here; whatever needs the folder reports it
    return out


def shipped_kind(path: Path) -> str | None:
    """The kind ('boards', 'parts', ...) when ``path`` is in one of this installation's data
    folders (a file of hwgen's own), else None."""
    try:
        return _kind_of_dir().get(path.resolve().parent)
    except (OSError, RuntimeError):   # RuntimeError: a symbolic-link loop before Python 3.13
        return None


def shipped(kind: str) -> dict[str, Path]:
    """Shipped YAML files of a kind ('boards', 'dpus' or 'models') by lower-case stem, sorted."""
    return dict(_shipped_files(kind))


@lru_cache(maxsize=None)
def _shipped_files(kind: str) -> tuple[tuple[str, Path], ...]:
    # The installation does not change while hwgen runs; a sweep resolves names often.
    return tuple((p.stem.lower(), p) for p in sorted(data_dir(kind).glob("*.yaml")))


def display_name(path: Path) -> str:
    """How an input file is named in outputs: never an absolute path.

    Shipped files appear as 'boards/pynq_z2.yaml'; a user's own file by its name
    only, so two machines building the same inputs write the same bytes.
    """
    kind = shipped_kind(path)
    return f"{kind}/{path.name}" if kind else path.name


def is_file_ref(ref: str) -> bool:
    """Does a --board/--dpu/--model value name a YAML file rather than a shipped name?"""
    return "/" in ref or ref.endswith((".yaml", ".yml"))
