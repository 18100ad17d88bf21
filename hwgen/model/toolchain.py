"""The AMD tool release a design is written for (`build.toolchain`): Vivado and PetaLinux
versions and what is known of the DPU v4.1 IP with it (parts/toolchains.yaml).

The release decides the versions named in generated headers and messages, the Vivado
version build.tcl expects, and the Edalize tool options; the IP itself is the same v4.1
package for every release (DPU41-PKG).
"""

from __future__ import annotations

from hwgen.frozen import dataclass
from functools import lru_cache

from hwgen import resources
from hwgen.model import loader
from hwgen.model.schema import Choice, Ctx, Field, MapOf, Rec, Seq, Str, doc_locator, validate

__all__ = ["Toolchain", "ReleaseChoice", "toolchains", "releases", "default_release", "TOOLCHAINS_FILE"]

TOOLCHAINS_FILE = "parts/toolchains.yaml"
_RELEASE = Str(r"20[0-9]{2}\.[1-4]", max_len=7, what="a release such as 2023.2")


@dataclass(frozen=True)
class _Row:
    vivado: str
    petalinux: str
    note: str
    seen: tuple[str, ...]


@dataclass(frozen=True)
class Toolchain(_Row):
    release: str


class ReleaseChoice(Choice):
    """A listed release. YAML and --set read an unquoted 2023.2 as a number; it means the
    release, so a float is taken by its shortest spelling ("2023.2")."""

    def check(self, value, ctx, path):
        if isinstance(value, float):
            value = repr(value)
        return super().check(value, ctx, path)


@lru_cache(maxsize=None)
def _data() -> tuple[str, tuple[Toolchain, ...]]:
    path = resources.data_dir("parts") / "toolchains.yaml"
    doc, _ = loader.load_file(path, TOOLCHAINS_FILE)
    row = Rec(_Row, vivado=Field(_RELEASE), petalinux=Field(_RELEASE),
              note=Field(Str(r"[^\\{}\[\]$\"`*]*", max_len=200, what="a note")),
              seen=Field(Seq(Str(r"[A-Z0-9][A-Za-z0-9\-]*", max_len=40, what="a source key"), 0, 20)))
    schema = Rec(dict, default=Field(_RELEASE), releases=Field(MapOf(_RELEASE, row)))
    data = validate(schema, doc.data, Ctx(doc_locator(doc)))
    rows = tuple(Toolchain(**vars(r), release=k) for k, r in data["releases"])
    if data["default"] not in {t.release for t in rows}:
        raise ValueError(f"{TOOLCHAINS_FILE}: default {data['default']} is not a listed release")
    return data["default"], rows


def toolchains() -> dict[str, Toolchain]:
    return {t.release: t for t in _data()[1]}


def releases() -> tuple[str, ...]:
    return tuple(t.release for t in _data()[1])


def default_release() -> str:
    return _data()[0]
