"""The DPU's LUT and FF estimate: PG338's per-architecture figures scaled to real v4.x builds.

The IP computes its DSP, BRAM and URAM itself (hwgen/dpu/arch.py); it has no LUT or FF
formula. PG338 v1.2 Table 9 gives LUT/FF per architecture and DSP usage for the v3.x DPU
without depthwise conv, average pool, ReLU6 and leaky-ReLU (the dpus/*.yaml `cost`
figures). A v4.x DPU always builds the ALU (depthwise, pooling, elementwise), so it is
larger. One factor per resource, fitted by least squares through the origin on the real
builds of ``parts/dpu_builds.yaml`` that count the DPU alone, scales Table 9 to v4.x:

    LUT = k_lut x Table9_LUT(arch, DSP usage) - (channel augmentation off ? its PG338 add-on : 0)
    FF  = k_ff  x Table9_FF(arch, DSP usage)

per core, plus the softmax block's measured LUT once. Every calibration build had channel
augmentation on, so the factor includes it; switching it off saves the published add-on.
The DSP-usage-low LUT cost is Table 9's DSP-low column (more LUT, fewer DSP), scaled alike.
``errors()`` states how far the model is from every real build (docs/budget-model.md).
"""

from __future__ import annotations

from hwgen.frozen import dataclass
from functools import lru_cache

from hwgen import resources
from hwgen.model import loader
from hwgen.model.records import ARCHES, SOURCE
from hwgen.model.schema import Bool, Choice, Ctx, Field, Int, Num, Rec, Seq, Str, doc_locator, validate

__all__ = ["Build", "Model", "builds", "model", "dpu_lut_ff", "errors", "BUILDS_FILE"]

BUILDS_FILE = "parts/dpu_builds.yaml"


@dataclass(frozen=True)
class Build:
    key: str
    what: str
    part: str
    ip: str
    arch: str
    dsp_usage: str
    uram: int
    cores: int
    softmax: bool
    scope: str          # "dpu" (the DPU alone) or "design" (the whole design)
    lut: int
    ff: int
    dsp: int
    bram: float
    uram_used: int


@dataclass(frozen=True)
class SoftmaxCost:
    key: str
    lut: int


_BUILD = Rec(Build, key=Field(Str(r"[A-Z0-9][A-Za-z0-9\-]*", max_len=40, what="a source key")),
             what=Field(SOURCE), part=Field(Str(r"x[a-z0-9]+", max_len=20, what="a part name")),
             ip=Field(Choice(("4.0", "4.1"))), arch=Field(Choice(ARCHES)),
             dsp_usage=Field(Choice(("low", "high"))), uram=Field(Int(0, 84)), cores=Field(Int(1, 4)),
             softmax=Field(Bool()), scope=Field(Choice(("dpu", "design"))),
             lut=Field(Int(0, 10_000_000)), ff=Field(Int(0, 10_000_000)), dsp=Field(Int(0, 100_000)),
             bram=Field(Num(0, 100_000)), uram_used=Field(Int(0, 10_000)))
_SFM = Rec(SoftmaxCost, key=Field(Str(r"[A-Z0-9][A-Za-z0-9\-]*", max_len=40, what="a source key")),
           lut=Field(Int(0, 1_000_000)))


@lru_cache(maxsize=None)
def _data() -> dict:
    path = resources.data_dir("parts") / "dpu_builds.yaml"
    doc, _ = loader.load_file(path, BUILDS_FILE)
    schema = Rec(dict, builds=Field(Seq(_BUILD, 1, 200)), softmax=Field(_SFM))
    return validate(schema, doc.data, Ctx(doc_locator(doc)))


def builds() -> tuple[Build, ...]:
    return tuple(_data()["builds"])


@lru_cache(maxsize=None)
def _profile(arch: str):
    from hwgen.model.design import load_dpu   # same stage family (model), loaded once
    return load_dpu(arch.lower())[0]


def _table9(arch: str, dsp_usage: str) -> tuple[int, int]:
    cost = _profile(arch).cost
    return getattr(cost.lut, f"dsp_{dsp_usage}"), getattr(cost.ff, f"dsp_{dsp_usage}")


@dataclass(frozen=True)
class Model:
    k_lut: float
    k_ff: float
    calibration: tuple[str, ...]   # keys of the builds the factors were fitted on
    softmax_lut: int
    softmax_key: str


@lru_cache(maxsize=None)
def model() -> Model:
    """Least-squares factors over the builds that count the DPU alone (one core each)."""
    rows = [b for b in builds() if b.scope == "dpu"]
    t = [_table9(b.arch, b.dsp_usage) for b in rows]
    k_lut = sum(b.lut / b.cores * x for b, (x, _) in zip(rows, t)) / sum(x * x for x, _ in t)
    k_ff = sum(b.ff / b.cores * y for b, (_, y) in zip(rows, t)) / sum(y * y for _, y in t)
    sfm = _data()["softmax"]
    return Model(round(k_lut, 4), round(k_ff, 4), tuple(b.key for b in rows), sfm.lut, sfm.key)


def dpu_lut_ff(profile, arch: str, dsp_usage: str, channel_augmentation: bool, cores: int,
               softmax: bool) -> tuple[int, int, int]:
    """(LUT per core, FF per core, softmax LUT once) by the calibrated model."""
    m = model()
    lut9 = getattr(profile.cost.lut, f"dsp_{dsp_usage}")
    ff9 = getattr(profile.cost.ff, f"dsp_{dsp_usage}")
    lut = round(m.k_lut * lut9)
    addon = profile.cost.addons.channel_augmentation
    if not channel_augmentation and addon is not None:
        lut -= addon.lut
    return lut, round(m.k_ff * ff9), (m.softmax_lut if softmax else 0)


@dataclass(frozen=True)
class BuildError:
    build: Build
    lut: int       # the model's DPU estimate for that build's configuration
    ff: int

    @property
    def lut_error(self) -> float:
        return (self.lut - self.build.lut) / self.build.lut * 100.0

    @property
    def ff_error(self) -> float:
        return (self.ff - self.build.ff) / self.build.ff * 100.0


def errors() -> tuple[BuildError, ...]:
    """The model against every real build (a whole-design row also holds platform logic)."""
    out = []
    for b in builds():
        lut, ff, sfm = dpu_lut_ff(_profile(b.arch), b.arch, b.dsp_usage, True, b.cores, b.softmax)
        out.append(BuildError(b, lut * b.cores + sfm, ff * b.cores))
    return tuple(out)
