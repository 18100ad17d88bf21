"""The memory plan of a Zynq Linux image: DDR, the kernel's own region, the CMA pool.

Pure functions over a Design. ``plan_memory`` decides where the CMA pool may live and
how big it may be; ``memory_checks`` says, one named check at a time, whether the
design's request can work, and when it cannot, names the DDR range, the requested
region and the largest CMA size that would fit (computed, never a table).

Facts used (keys resolved in docs/references.md):
- Kernel CMA placement rules, ``kernel/dma/contiguous.c`` ``rmem_cma_setup`` and
  ``mm/cma.c``: a CMA area's base and size must be multiples of the CMA minimum
  alignment, ``PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order)`` = 4 MiB with 4 KiB pages
  and MAX_ORDER 11 (LINUX-CMA; the exact value in the 2023.2 kernel is UNCERTAIN,
  hence ``linux.cma_alignment`` may raise it but never lower it).
- Zynq-7000 device trees use one address cell and one size cell (Xilinx/linux-xlnx
  ``arch/arm/boot/dts/xilinx/zynq-7000.dtsi`` root, LINUX-ZYNQ-DTSI).
- The ARM kernel runs from the bottom of RAM: its page tables at PHYS_OFFSET + 0x4000 and
  its image at PHYS_OFFSET + 0x8000 (Linux ``arch/arm/Makefile`` textofs-y, ``head.S``).
  A fixed CMA region there cannot be reserved (``mm/cma.c``: region already reserved ->
  -EBUSY). hwgen keeps the first ``KERNEL_REGION`` bytes of DDR for the kernel image,
  its page tables and early allocations; that size is hwgen's margin, not a measured
  PetaLinux 2023.2 figure.
"""

from __future__ import annotations

from functools import lru_cache

from hwgen.frozen import dataclass

from hwgen.model import verdict
from hwgen.model.schema import format_mib, format_size

MIB = 1 << 20
KERNEL_CMA_MIN_ALIGNMENT = 4 * MIB   # LINUX-CMA (rmem_cma_setup, 4 KiB pages, MAX_ORDER 11)
KERNEL_REGION = 16 * MIB             # hwgen's margin for the kernel at the bottom of DDR (see above)

# Device-tree cells per PS family, (#address-cells, #size-cells) of the root and of
# /reserved-memory, which must match (LINUX-RESMEM), come from
# the family data (families/<family>.yaml devicetree): 1/1 on Zynq-7000, 2/2 on ZynqMP.


@dataclass(frozen=True)
class Region:
    """A physical address range [base, base + size)."""

    name: str
    base: int
    size: int
    why: str = ""

    @property
    def end(self) -> int:
        """First address past the region."""
        return self.base + self.size

    @property
    def span(self) -> str:
        """'0x00000000-0x1FFFFFFF', inclusive, as the Zynq TRM and the kernel log print ranges."""
        return f"0x{self.base:08X}-0x{self.end - 1:08X}"

    def contains(self, other: "Region") -> bool:
        return self.base <= other.base and other.end <= self.end

    def overlaps(self, other: "Region") -> bool:
        return self.base < other.end and other.base < self.end


@dataclass(frozen=True)
class CmaPool:
    """The default CMA area: a size, an alignment, and a fixed base or a range to pick from."""

    size: int
    alignment: int            # effective: max(linux.cma_alignment, the kernel's minimum)
    requested_alignment: int  # linux.cma_alignment as written
    base: int | None          # linux.cma_base: a static pool; None lets the kernel place it
    alloc_range: Region       # where a dynamic pool may be placed: all of DDR

    @property
    def static(self) -> bool:
        return self.base is not None

    @property
    def region(self) -> Region | None:
        """The fixed region of a static pool (None for a dynamic one)."""
        if self.base is None:
            return None
        return Region("CMA", self.base, self.size, "linux.cma at linux.cma_base")


@dataclass(frozen=True)
class MemoryPlan:
    ddr: Region                 # the DDR range the CMA pool lives in (below 4 GiB)
    cma: CmaPool
    fixed: tuple[Region, ...]   # regions at known addresses, by base: the kernel, a static CMA
    min_free: int
    address_cells: int
    size_cells: int
    largest_cma: int            # the largest CMA size that passes every check, same placement
    ddr_ranges: tuple[Region, ...] = ()   # all of DDR, where it is in more than one range

    @property
    def others(self) -> tuple[Region, ...]:
        """The fixed regions other than a static CMA pool (what the pool must avoid)."""
        return tuple(r for r in self.fixed if r.name != "CMA")

    @property
    def reserved_memory(self) -> tuple[int, ...]:
        """Sizes of what hwgen writes into /reserved-memory (only the CMA pool)."""
        return (self.cma.size,)

    @property
    def ddr_size(self) -> int:
        """All of the board's DDR, every range."""
        return sum(r.size for r in self.ddr_ranges) if self.ddr_ranges else self.ddr.size

    @property
    def linux_free(self) -> int:
        """DDR left to Linux outside /reserved-memory (may be negative for impossible requests)."""
        return self.ddr_size - sum(self.reserved_memory)


# --------------------------------------------------------------------------- arithmetic
def _down(n: int, a: int) -> int:
    return n - n % a


def _up(n: int, a: int) -> int:
    return -(-n // a) * a


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def _gaps(window: Region, taken: tuple[Region, ...]) -> list[tuple[int, int]]:
    """Free [start, end) stretches of ``window`` outside ``taken``."""
    out, cursor = [], window.base
    for r in sorted(taken, key=lambda r: r.base):
        if r.end <= cursor or r.base >= window.end:
            continue
        if r.base > cursor:
            out.append((cursor, r.base))
        cursor = max(cursor, r.end)
    if cursor < window.end:
        out.append((cursor, window.end))
    return out


def largest_cma(ddr: Region, others: tuple[Region, ...], min_free: int, alignment: int,
                base: int | None = None) -> int:
    """The largest CMA size that passes every memory check, at ``base`` or anywhere in DDR.

    Limits: an aligned window of DDR not taken by ``others`` (starting exactly at ``base``
    for a static pool), and DDR minus ``min_free`` for Linux; both rounded down to
    ``alignment``. 0 when nothing fits.
    """
    cap = _down(max(ddr.size - min_free, 0), alignment)
    if base is None:
        room = max((_down(e, alignment) - _up(s, alignment) for s, e in _gaps(ddr, others)),
                   default=0)
    else:
        start = Region("", base, 1)
        if (base % alignment or not ddr.contains(start)
                or any(r.overlaps(start) for r in others)):
            return 0
        limit = min([ddr.end] + [r.base for r in others if r.base > base])
        room = _down(limit - base, alignment)
    return max(0, min(room, cap))


# --------------------------------------------------------------------------- plan
def plan_memory(design) -> MemoryPlan:
    """Where the CMA pool may go on this board; no judgement (see ``memory_checks``)."""
    return _plan_memory_of(design.board, design.settings.linux)


# Keyed on all the plan reads, the board and the Linux settings: the budget, the device tree
# and the summary each plan a design's memory, and a sweep's designs of one board (every DPU,
# clock and strategy) share one plan. load_design gives equal Linux settings one record
# (schema.MemoRec), so the key is hashed and compared by identity.
@lru_cache(maxsize=32)
def _plan_memory_of(board, linux) -> MemoryPlan:
    from hwgen.model.family import load_family

    family = load_family(board.ps.family)
    regions = family.ddr_regions(board.ddr.base, board.ddr.size)
    several = len(regions) > 1
    ranges = tuple(Region(f"DDR {name}" if several else "DDR", base, size,
                          f"{board.name} ddr ({name} range)" if several else f"{board.name} ddr")
                   for name, base, size in regions)
    # The CMA pool stays in the first range: below 4 GiB, which 32-bit DMA masters and the
    # DPU driver's dma_alloc_coherent() with its default 32-bit mask can address.
    ddr = ranges[0]
    kernel = Region("kernel", ddr.base, min(KERNEL_REGION, ddr.size),
                    "kernel image, page tables and early allocations")
    alignment = max(linux.cma_alignment, KERNEL_CMA_MIN_ALIGNMENT)
    cma = CmaPool(size=linux.cma, alignment=alignment, requested_alignment=linux.cma_alignment,
                  base=linux.cma_base, alloc_range=ddr)
    fixed = (kernel,) + ((cma.region,) if cma.static else ())
    cells = family.devicetree
    # Linux also keeps what lies in the other ranges: min_free counts against all of DDR.
    beyond = sum(r.size for r in ranges[1:])
    return MemoryPlan(
        ddr=ddr, cma=cma, fixed=tuple(sorted(fixed, key=lambda r: (r.base, r.name))),
        min_free=linux.min_free, address_cells=cells.address_cells, size_cells=cells.size_cells,
        largest_cma=largest_cma(ddr, (kernel,), max(linux.min_free - beyond, 0), alignment, cma.base),
        ddr_ranges=ranges)


# --------------------------------------------------------------------------- checks
def _fits_hint(plan: MemoryPlan) -> str:
    cma = plan.cma
    where = f" at 0x{cma.base:08X}" if cma.static else ""
    if plan.largest_cma:
        return (f"the largest CMA that fits{where} is {format_mib(plan.largest_cma)} "
                f"(linux.cma={format_size(plan.largest_cma)})")
    if cma.static:
        anywhere = largest_cma(plan.ddr, plan.others, plan.min_free, cma.alignment)
        return (f"no CMA fits at 0x{cma.base:08X}; without linux.cma_base the largest that "
                f"fits is {format_mib(anywhere)}")
    return "no CMA fits"


# The settings whose origins the checks' messages name (design.origin, verdict.setting_origin).
_NAMED = ("linux.cma", "linux.cma_base", "linux.cma_alignment", "linux.min_free")


def memory_checks(design, plan: MemoryPlan | None = None) -> tuple[verdict.CheckResult, ...]:
    """Every reserved region inside DDR, no overlaps, CMA aligned, enough left for Linux."""
    if plan is not None:
        return _memory_checks(design, plan)
    return _memory_checks_of(design.board, design.settings.linux,
                             tuple(design.origin(key) for key in _NAMED))


class _Origins:
    """What the checks read of a design besides its plan: where the ``_NAMED`` settings were set."""

    def __init__(self, marks: tuple):
        # Any other key is a KeyError: a check naming a setting missing from _NAMED must fail
        # loudly, not print a message without its origin.
        self.origin = dict(zip(_NAMED, marks)).__getitem__


# Keyed on all the checks read: the plan's inputs (the board, the Linux settings) and where the
# settings their messages name were set. The budget checks every design; a sweep's designs of
# one board share the checks unless a --set moves one of those origins.
@lru_cache(maxsize=64)
def _memory_checks_of(board, linux, marks: tuple) -> tuple[verdict.CheckResult, ...]:
    return _memory_checks(_Origins(marks), _plan_memory_of(board, linux))


def _memory_checks(design, plan: MemoryPlan) -> tuple[verdict.CheckResult, ...]:
    ddr, cma = plan.ddr, plan.cma
    ddr_text = f"DDR {ddr.span} ({format_mib(ddr.size)})"
    total_text = (ddr_text if len(plan.ddr_ranges) < 2 else
                  f"DDR {' + '.join(r.span for r in plan.ddr_ranges)} ({format_mib(plan.ddr_size)})")
    size_at = verdict.setting_origin(design, "linux.cma")
    base_at = verdict.setting_origin(design, "linux.cma_base")
    others = plan.others
    results = []

    # 1. inside DDR
    if cma.static:
        region = cma.region
        requested = (f"{format_mib(cma.size)} of CMA at 0x{cma.base:08X} "
                     f"({design.origin('linux.cma_base') or 'linux.cma_base'}) would occupy "
                     f"{region.span}")
        if ddr.contains(region):
            results.append(verdict.CheckResult("memory.cma_inside_ddr", True,
                                               f"CMA {region.span} lies inside {ddr_text}"))
        else:
            starts_inside = ddr.base <= cma.base < ddr.end
            where = "past the end of" if starts_inside else "outside"
            results.append(verdict.CheckResult(
                "memory.cma_inside_ddr", False,
                f"{size_at if starts_inside else base_at}: {requested}, {where} {ddr_text}; "
                f"{_fits_hint(plan)}"))
    else:
        room = largest_cma(ddr, others, 0, cma.alignment)
        ok = cma.size <= room
        beside = "".join(f" beside the {r.name} region {r.span}" for r in others)
        results.append(verdict.CheckResult(
            "memory.cma_inside_ddr", ok,
            f"{format_mib(cma.size)} of CMA placed by the kernel inside {ddr_text}{beside}" if ok
            else f"{size_at}: {format_mib(cma.size)} of CMA cannot be placed inside {ddr_text}"
                 f"{beside}: at most {format_mib(room)} is free in one aligned piece; "
                 f"{_fits_hint(plan)}"))

    # 2. no overlaps between regions at fixed addresses
    clashes = [(a, b) for i, a in enumerate(plan.fixed) for b in plan.fixed[i + 1:] if a.overlaps(b)]
    if clashes:
        for a, b in clashes:
            if b.name == "CMA":
                a, b = b, a
            results.append(verdict.CheckResult(
                "memory.no_overlap", False,
                f"{base_at}: the {a.name} region {a.span} ({a.why}) overlaps the {b.name} region "
                f"{b.span} ({b.why}); {_fits_hint(plan)}"))
    else:
        names = ", ".join(f"{r.name} {r.span}" for r in plan.fixed)
        results.append(verdict.CheckResult("memory.no_overlap", True, f"no overlaps: {names}"))

    # 3. alignment
    problems = []
    if not _is_power_of_two(cma.requested_alignment):
        problems.append(f"{verdict.setting_origin(design, 'linux.cma_alignment')}: expected a power "
                        f"of two, got {format_mib(cma.requested_alignment)}")
    elif cma.size % cma.alignment:
        near = [n for n in (_down(cma.size, cma.alignment), _up(cma.size, cma.alignment)) if n]
        problems.append(f"{size_at}: {format_mib(cma.size)} is not a multiple of the "
                        f"{format_mib(cma.alignment)} CMA alignment (the kernel refuses it); use "
                        + " or ".join(format_size(n) for n in near))
    if cma.static and _is_power_of_two(cma.requested_alignment) and cma.base % cma.alignment:
        lo, hi = _down(cma.base, cma.alignment), _up(cma.base, cma.alignment)
        problems.append(f"{base_at}: 0x{cma.base:08X} is not aligned to {format_mib(cma.alignment)} "
                        f"(the kernel refuses a misaligned CMA base); use 0x{lo:08X} or 0x{hi:08X}")
    if problems:
        results.extend(verdict.CheckResult("memory.cma_aligned", False, p) for p in problems)
    else:
        results.append(verdict.CheckResult(
            "memory.cma_aligned", True,
            f"CMA size{' and base' if cma.static else ''} aligned to {format_mib(cma.alignment)}"))

    # 4. what Linux keeps
    free = plan.linux_free
    ok = free >= plan.min_free
    left = format_mib(free) if free >= 0 else f"nothing (it asks {format_mib(-free)} more than all of DDR)"
    text = (f"{format_mib(cma.size)} of CMA leaves Linux {left} of {total_text}"
            + ("" if ok else f", less than linux.min_free {format_mib(plan.min_free)}"
                             + (f" ({design.origin('linux.min_free')})"
                                if design.origin("linux.min_free") else "")))
    results.append(verdict.CheckResult(
        "memory.min_free", ok, text if ok else f"{size_at}: {text}; {_fits_hint(plan)}"))
    return tuple(results)

