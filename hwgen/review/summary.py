"""The design in engineering terms, gathered from the plans: what a reviewer looks at.

``design_summary(design)`` collects, without deciding anything new, what the plans
already decided: the DPU and its IP CONFIG (``blockdesign``), the fingerprint the
compiler needs (``vitis_ai``), the clock plan with requested and achieved frequencies
(``clockflow``/``clocks``), the PS ports and their widths, the address map and the
interrupt lines (the block-design graph, ``petalinux.dpu_interrupts``), the memory plan
(``memory.plan_memory``) and the run strategies. Every number is the plan's own value.

It is written to the build folder as ``report/design.json`` (``to_json``) so that
``hwgen diff`` can compare two builds in these terms, and read back with ``from_json``.
The budget is not repeated here: ``budget.json`` holds the verdict.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
import types
import typing
from json.encoder import encode_basestring_ascii as _string
from itertools import chain
from operator import attrgetter

from hwgen.frozen import Memo, by_identity, dataclass
from hwgen.jsontext import dumps_indented, dumps_nested

from hwgen import resources

FORMAT = "hwgen.design-summary/1"


# ----------------------------------------------------------------------------- types
@dataclass(frozen=True)
class BoardFacts:
    name: str
    vendor: str
    description: str
    part: str
    ddr_base: int
    ddr_size: int
    ddr_type: str


@dataclass(frozen=True)
class DpuFacts:
    profile: str
    arch: str
    vlnv: str
    cell: str
    cores: int
    config: tuple[tuple[str, str], ...]     # the IP CONFIG hwgen writes, in Tcl order
    fingerprint: str                         # 0x0101000056010200
    target: str                              # DPUCZDX8G_ISA1_B512 (or the fingerprint's name)
    registered: bool                         # the Vitis AI runtime knows the target by name


@dataclass(frozen=True)
class ClockLine:
    name: str                  # m_axi_dpu_aclk, dpu_2x_clk, FCLK_CLK0
    net: str                   # the block-design net it drives: clk_dpu
    requested_mhz: float | None   # None: not requested by a setting, chosen by the plan
    achieved_mhz: float
    source: str                # "clocking wizard clk_dpu", "DDR PLL 1050 MHz / (7 x 1)"
    setting: str               # the setting that asks for it ("" when none)


@dataclass(frozen=True)
class Mmcm:
    fin_mhz: float
    divclk: int
    mult_f: float
    vco_mhz: float
    out_divides: tuple[float, ...]
    outputs: tuple[str, ...]   # clk_wiz ports, in out_divides order


@dataclass(frozen=True)
class PsPort:
    port: str                  # S_AXI_HP0, M_AXI_GP0
    direction: str             # "slave" (fabric masters reach DDR) | "master" (PS reaches fabric)
    width: int
    clock: str                 # the net clocking the port: clk_dpu
    clock_mhz: float | None
    peers: tuple[str, ...]     # the DPU interfaces behind it: dpu/DPU0_M_AXI_DATA0


@dataclass(frozen=True)
class CellFacts:
    name: str
    ip: str                    # vlnv
    role: str


@dataclass(frozen=True)
class LinkFacts:
    master: str
    slave: str
    width: int


@dataclass(frozen=True)
class Segment:
    space: str
    segment: str
    base: int
    range: int


@dataclass(frozen=True)
class Interrupt:
    pin: str                   # dpu0_interrupt
    irq_f2p: int               # the line on the PS's fabric interrupt pin (ps_pin[n])
    gic_spi: int
    flags: int
    # The PS pin the line is on, the family's (IRQ_F2P on Zynq-7000, pl_ps_irq0 on Zynq
    # UltraScale+). design.json files from before it was recorded lack it: they were all
    # Zynq-7000 builds or read as such.
    ps_pin: str = "IRQ_F2P"


@dataclass(frozen=True)
class MemoryFacts:
    ddr_base: int
    ddr_size: int
    kernel_base: int
    kernel_size: int
    cma_size: int
    cma_base: int | None       # None: a dynamic pool, the kernel places it
    cma_alignment: int
    linux_free: int
    min_free: int
    largest_cma: int
    cma_argument: str          # cma=256M as on the kernel command line


@dataclass(frozen=True)
class Strategies:
    synth: str
    impl: str
    post_route_phys_opt: bool
    jobs: int
    interconnect: str


@dataclass(frozen=True)
class Summary:
    format: str
    hwgen_version: str
    design: str
    board: BoardFacts
    dpu: DpuFacts
    settings: tuple[tuple[str, object], ...]   # every design setting, dotted key -> value
    clocks: tuple[ClockLine, ...]
    clock_notes: tuple[str, ...]
    mmcm: Mmcm
    ps_ports: tuple[PsPort, ...]
    cells: tuple[CellFacts, ...]
    links: tuple[LinkFacts, ...]
    address_map: tuple[Segment, ...]
    interrupts: tuple[Interrupt, ...]
    memory: MemoryFacts
    strategies: Strategies

    def setting(self, key: str):
        return dict(self.settings).get(key)


# ----------------------------------------------------------------------------- gathering
def flat_settings(settings) -> tuple[tuple[str, object], ...]:
    """Settings as (dotted key, value) in schema order: ("dpu.clock_mhz", 150.0), ..."""
    out: list[tuple[str, object]] = []
    append = out.append

    def walk(obj, prefix: str) -> None:
        cls = type(obj) if not isinstance(obj, type) else obj
        # every field's value at once (attrgetter, in C): each design of a sweep flattens ~40
        for key, value in zip(_dotted(cls, prefix), _field_values(cls)(obj)):
            if type(value) in _LEAVES:
                append((key, value))
            # dataclasses.is_dataclass(value), without its generic look-ups
            elif hasattr(value if isinstance(value, type) else type(value), "__dataclass_fields__"):
                walk(value, key + ".")
            else:
                append((key, value))

    walk(settings, "")
    return tuple(out)


# Setting values that are never records: flattened without a closer look.
_LEAVES = frozenset((str, int, float, bool, type(None), tuple))


@lru_cache(maxsize=None)
def _dotted(cls: type, prefix: str) -> tuple[str, ...]:
    """The dotted keys of a record class's fields under ``prefix`` (the same few per process)."""
    return tuple(prefix + name for name in _field_names(cls))


def _profile_name(design) -> str:
    """dpu.profile as written, unless it is a path: then the file's display name (never absolute)."""
    ref = design.settings.dpu.profile
    if resources.is_file_ref(ref):
        return next((i.name for i in design.inputs if i.role == "dpu"), design.dpu.name)
    return ref


def clock_lines(design, clocks, bd) -> tuple[ClockLine, ...]:
    """The three clocks a DPU design has, requested (by which setting) against achieved."""
    from hwgen.plan.blockdesign import CLK_WIZ, DPU_PORT, DSP_PORT
    from hwgen.plan.clockflow import dsp_request_mhz
    from hwgen.model.family import load_family

    s = design.settings.dpu
    fc = load_family(design.board.ps.family).ps.fabric_clock
    ps = bd.cells_with_role("ps")[0].name
    net_of = {n.driver: n.name for n in bd.nets if n.kind == "clock"}
    f = clocks.fclk0
    dsp_setting = "dpu.dsp_clock_mhz" if s.dsp_clock_mhz is not None else "2 x dpu.clock_mhz"
    return (
        ClockLine("m_axi_dpu_aclk", net_of.get(f"{CLK_WIZ}/{DPU_PORT}", ""), s.clock_mhz,
                  clocks.dpu_mhz, f"clocking wizard {DPU_PORT}", "dpu.clock_mhz"),
        ClockLine("dpu_2x_clk", net_of.get(f"{CLK_WIZ}/{DSP_PORT}", ""),
                  dsp_request_mhz(s),
                  clocks.dsp_mhz, f"clocking wizard {DSP_PORT}", dsp_setting),
        ClockLine(fc.pin, net_of.get(f"{ps}/{fc.pin}", ""),
                  s.clock_mhz if clocks.fclk_is_dpu_clock else None, f.achieved_mhz,
                  f"{f.source} {f.pll_mhz:g} MHz / ({f.divisor0} x {f.divisor1})",
                  "dpu.clock_mhz" if clocks.fclk_is_dpu_clock else ""),
    )


def ps_ports(design, bd, facts: tuple | None = None) -> tuple[PsPort, ...]:
    """The PS's AXI ports the design uses, with width, clock and the DPU interfaces behind them.

    ``facts``: the summary's (cells, links) gathered from ``bd`` (``_planned_summary``), by
    which the DPU interfaces behind each port are remembered (``_port_peers``)."""
    from hwgen.model.family import load_family

    family = load_family(design.board.ps.family).ps
    ps = bd.cells_with_role("ps")[0].name
    clock_pins = {p.intf: p.clock for _, p in family.slave_ports}
    clock_pins.update({p.intf: p.clock for _, p in family.master_ports})
    if facts is None:
        peers_of = _port_peers.__wrapped__(bd, ps, clock_pins)
    else:
        peers_of = _port_peers(facts, family, bd, ps, clock_pins)
    out = []
    for width, pin, direction, name in peers_of[0]:
        net = bd.net_of(f"{ps}/{clock_pins[name]}")
        out.append(PsPort(name, direction, width, net.name if net else "",
                          net.freq_mhz if net else None, peers_of[1][(pin, direction)]))
    return tuple(sorted(out, key=lambda p: p.port))


def _remembered_by_facts(func):
    """``func(bd, ps, clock_pins)`` remembered by the identity of a summary's shared cells
    and links (``_shared``: one object per value) and the family record: the DPU interfaces
    behind each PS port follow the links' masters and slaves and the cells' names and roles,
    which those facts hold whole, and the family's port names (clock_pins comes from it). The
    4 clock plans of a board and DPU ask once. Each entry keeps its objects alive, so no id
    is reused while it names one; cleared when full."""
    memo = Memo(64)

    def call(facts, family, bd, ps, clock_pins):
        key = (id(facts[0]), id(facts[1]), id(family))
        hit = memo.get(key)
        if hit is not None:
            return hit[1]
        return memo.keep(key, ((facts, family), func(bd, ps, clock_pins)))[1]

    call.cache_clear = memo.clear
    call.__wrapped__ = func
    return call


@_remembered_by_facts
def _port_peers(bd, ps: str, clock_pins: dict) -> tuple:
    """(the links reaching a PS port: (width, pin, direction, port name)), {(pin, direction):
    the DPU interfaces behind it}."""
    dpus = {c.name for c in bd.cells_with_role("dpu")}
    dpu_masters = [l.master for l in bd.links if l.master.split("/", 1)[0] in dpus]
    dpu_slaves = [l.slave for l in bd.links if l.slave.split("/", 1)[0] in dpus]
    used, peers = [], {}
    for link in bd.links:
        for pin, direction in ((link.slave, "slave"), (link.master, "master")):
            cell, _, name = pin.partition("/")
            if cell != ps or name not in clock_pins:
                continue
            used.append((link.width, pin, direction, name))
            if direction == "slave":
                peers[(pin, direction)] = tuple(m for m in dpu_masters if bd.reaches(m, pin))
            else:
                peers[(pin, direction)] = tuple(s for s in dpu_slaves if bd.reaches(pin, s))
    return tuple(used), peers


def design_summary(design, clocks=None, bd=None) -> Summary:
    """Everything a reviewer needs about ``design``, from the plans (no new decisions)."""
    from hwgen.plan.blockdesign import plan_block_design, unplanned_blank
    from hwgen.plan.clockflow import design_clocks

    clocks = clocks if clocks is not None else design_clocks(design)
    bd = bd if bd is not None else plan_block_design(design, clocks)
    b = design.settings.build
    return with_fields(_planned_summary(unplanned_blank(design), clocks, bd), design=design.name,
                       settings=tuple((k, _profile_name(design) if k == "dpu.profile" else v)
                                      for k, v in flat_settings(design.settings)),
                       strategies=_shared(Strategies(b.synth_strategy, b.impl_strategy,
                                                     b.post_route_phys_opt, b.jobs, b.interconnect)))


# Keyed on the design without the fields no plan reads (blockdesign.unplanned_blank), its
# clock plan and block design: every field but the name, the settings and the strategies
# (which design_summary puts in) comes from the plans, so the strategy variants of a design
# share them, the same objects (to_json writes each once). tests/test_sweep_caches.py
# gathers it from the design itself too.
@lru_cache(maxsize=32)
def _planned_summary(design, clocks, bd) -> Summary:
    from hwgen import __version__
    from hwgen.plan.memory import plan_memory
    from hwgen.emit.petalinux import cma_argument, dpu_interrupts
    from hwgen.emit.vitis_ai import fingerprint_plan
    from hwgen.model.family import load_family
    from hwgen.plan.blockdesign import DPU_PORT, DSP_PORT

    board = design.board
    dpu_cell = bd.cell(design.dpu.cell)
    shared = _shared
    fp = fingerprint_plan(design)
    mem = plan_memory(design)
    kernel = next(r for r in mem.fixed if r.name == "kernel")
    w = clocks.wizard
    cells = _shared_records(CellFacts, tuple([(c.name, c.vlnv, c.role) for c in bd.cells]))
    links = _shared_records(LinkFacts, tuple([(l.master, l.slave, l.width) for l in bd.links]))
    return Summary(
        format=FORMAT,
        hwgen_version=__version__,
        design="",
        board=shared(BoardFacts(board.name, board.vendor, board.description, board.part,
                                board.ddr.base, board.ddr.size, board.ddr.memory_type)),
        dpu=shared(DpuFacts(design.dpu.name, design.dpu.arch, design.dpu.vlnv, dpu_cell.name,
                            design.settings.dpu.cores, dpu_cell.props, fp.hex, fp.name, fp.registered)),
        settings=(),
        clocks=clock_lines(design, clocks, bd),
        clock_notes=tuple(clocks.notes),
        # clk_wiz output order is the clock plan's: clk_out1 the 2x clock, clk_out2 the 1x
        mmcm=Mmcm(w.fin_mhz, w.divclk, w.mult_f, w.vco_mhz, tuple(w.out_divides), (DSP_PORT, DPU_PORT)),
        ps_ports=ps_ports(design, bd, (cells, links)),
        cells=cells,
        links=links,
        address_map=_shared_records(Segment, tuple([(a.space, a.segment, a.offset, a.range)
                                                     for a in bd.addresses])),
        interrupts=_shared_records(Interrupt, tuple([(i.name, i.irq_f2p, i.spi, i.flags,
                                                      load_family(board.ps.family).ps.interrupt.pin)
                                                     for i in dpu_interrupts(design)])),
        memory=shared(MemoryFacts(mem.ddr.base, mem.ddr.size, kernel.base, kernel.size, mem.cma.size,
                                  mem.cma.base, mem.cma.alignment, mem.linux_free, mem.min_free,
                                  mem.largest_cma, cma_argument(mem.cma))),
        strategies=None,
    )


# The members of a summary that do not follow the fabric clock (the board, the DPU, the
# cells, links, address map, interrupts and memory) are equal for the 4 clocks x 3
# strategies of a board and DPU, but _planned_summary makes them anew for each clock plan;
# the strategies are equal for every board, DPU and clock that asks for the same ones.
# Handed out as one object per value, they are written to design.json once (_member_text)
# and the review page's views of them are made once (report's by_identity caches). The key
# (``_value_key``) is equal only for values every writer writes alike. Bounded; cleared
# when full (a value then stands for itself until met again).
_SHARED = Memo(512)


def _shared(value):
    key = _value_key(value)
    if key is None:
        return value
    held = _SHARED.get(key)
    if held is not None:
        return held
    return _SHARED.keep(key, value)


def _shared_records(cls: type, rows: tuple[tuple, ...]) -> tuple:
    """``_shared(tuple(cls(*row) for row in rows))``, each row every field of a record in
    order, making the records only for a value not held yet: the key of such a tuple is its
    rows (``_value_key``'s for one kind of record), so it is known before they are made."""
    if rows and set(map(type, chain.from_iterable(rows))) <= _EXACT:
        key = (tuple, cls, rows)
        held = _SHARED.get(key)
        if held is not None:
            return held
        return _SHARED.keep(key, tuple([cls(*row) for row in rows]))
    return _shared(tuple([cls(*row) for row in rows]))


# Leaves that are written alike whenever they are equal and of the same exact type: a str
# (not a subclass: a Markup is escaped apart), an int (not a bool: True == 1), None. A
# float is not one (0.0 == -0.0, and json, repr and f-strings write them apart).
_EXACT = frozenset((str, int, type(None)))


def _value_key(value):
    """A hashable key equal for two values only when both are the same record class (or
    tuple) all the way down, with equal leaves of the same exact type (``_EXACT``, or a bool):
    None for anything else (a float, another type), which is then never shared."""
    t = type(value)
    if t is tuple:
        kinds = set(map(type, value))
        if kinds <= _EXACT:
            return (tuple, value)
        if len(kinds) == 1:
            # One kind of item, the common case (cells, links, segments, CONFIG pairs):
            # their leaves checked at once, in C.
            (kind,) = kinds
            if kind is tuple:
                if set(map(type, chain.from_iterable(value))) <= _EXACT:
                    return (tuple, tuple, value)
            elif hasattr(kind, "__dataclass_fields__"):
                rows = tuple(map(_field_values(kind), value))
                if set(map(type, chain.from_iterable(rows))) <= _EXACT:
                    return (tuple, kind, rows)
        keys = tuple(map(_value_key, value))
        return None if None in keys else (tuple, keys)
    if t in _EXACT:
        return (t, value)
    if t is bool:
        return (bool, value)
    if hasattr(t, "__dataclass_fields__") and not isinstance(value, type):
        values = _field_values(t)(value)
        if set(map(type, values)) <= _EXACT:
            return (t, values)
        keys = tuple(map(_value_key, values))
        return None if None in keys else (t, keys)
    return None


def setting_text(key: str, value) -> str:
    """A setting's value as people write it: 150, 256M, 0x4F000000, true, (not set)."""
    from hwgen.model.schema import format_size

    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    size = _size_spec(key)
    if size is not None and isinstance(value, int):
        return f"0x{value:08X}" if size == "address" else format_size(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# The schema is fixed when hwgen is imported, so what a key names is looked up once per key:
# the review page writes every DPU setting of every design of a sweep.
@lru_cache(maxsize=256)
def _size_spec(key: str) -> str | None:
    """"address" or "size" when ``key`` names a Size setting (written in hex or with a unit)."""
    from hwgen.model.records import SETTINGS_SCHEMA
    from hwgen.model.schema import Size, lookup

    spec = lookup(SETTINGS_SCHEMA, tuple(key.split(".")))
    if not isinstance(spec, Size):
        return None
    return "address" if "address" in spec.what else "size"


# ----------------------------------------------------------------------------- JSON
# Fields holding (key, value) pairs, written as JSON objects in their order.
_PAIRS = ("settings", "config")


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    """``dataclasses.fields`` of a record class, by name (looked up once per class)."""
    return tuple(f.name for f in dataclasses.fields(cls))


def with_fields(record, **changes):
    """``dataclasses.replace`` for hwgen's frozen records (every field set by ``__init__``),
    without its generic look-ups: each design of a sweep makes its summary and facts this way
    from the ones its clock plan shares."""
    cls = type(record)
    if not changes.keys() <= _field_set(cls):
        raise TypeError(f"{cls.__name__} has no field {sorted(changes.keys() - _field_set(cls))}")
    return cls(*[changes[name] if name in changes else value
                 for name, value in zip(_field_names(cls), _field_values(cls)(record))])


@lru_cache(maxsize=None)
def _field_set(cls: type) -> frozenset:
    return frozenset(_field_names(cls))


@lru_cache(maxsize=None)
def _field_values(cls: type):
    """The values of every field of a record class, as a tuple (in C)."""
    names = _field_names(cls)
    getter = attrgetter(*names)
    return getter if len(names) > 1 else (lambda obj: (getter(obj),))


def _plain(value):
    # dataclasses.is_dataclass(value) for an instance, without its generic lookups: a
    # summary holds a few hundred records.
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):
        return {name: ({k: v for k, v in getattr(value, name)} if name in _PAIRS
                       else _plain(getattr(value, name)))
                for name in _field_names(type(value))}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def to_json(summary: Summary) -> str:
    """``json.dumps(_plain(summary), indent=2)``, faster: written member by member, the
    members a summary shares with its design's strategy variants (the planned ones) by the
    text remembered for that object (``_member_text``)."""
    members = []
    for (name, label), value in zip(_member_labels(Summary), _field_values(Summary)(summary)):
        if name in _PAIRS:
            text = dumps_nested(dict(value), 1)
        elif type(value) in _WRITTEN_FRESH:
            text = dumps_nested(value, 1)
        else:
            text = _member_text(value)
        if text is None:    # something only json.dumps writes: the whole, as it would
            return dumps_indented(_plain(summary), 2) + "\n"
        members.append(label + text)
    return "{\n  " + ",\n  ".join(members) + "\n}\n"


@lru_cache(maxsize=None)
def _member_labels(cls: type) -> tuple[tuple[str, str], ...]:
    """(field name, its JSON key and colon) of a record class, written once per class."""
    return tuple((name, _string(name) + ": ") for name in _field_names(cls))


# Scalars and the settings, written for every summary; a record or a tuple of them, by object.
_WRITTEN_FRESH = (str, int, float, bool, type(None))


@by_identity(maxsize=256)
def _member_text(value) -> str | None:
    return dumps_nested(_plain(value), 1)


def _build(tp, data, path: str):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        return _build(args[0], data, path)
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected an object")
        hints = typing.get_type_hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name not in data:
                if f.default is not dataclasses.MISSING:
                    continue       # a field newer than the file: its documented default
                raise ValueError(f"{path}.{f.name}: missing")
            raw = data[f.name]
            if f.name in _PAIRS:
                if not isinstance(raw, dict):
                    raise ValueError(f"{path}.{f.name}: expected an object")
                kwargs[f.name] = tuple((str(k), v) for k, v in raw.items())
            else:
                kwargs[f.name] = _build(hints[f.name], raw, f"{path}.{f.name}")
        return tp(**kwargs)
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a list")
        item = typing.get_args(tp)[0]
        return tuple(_build(item, v, f"{path}[{i}]") for i, v in enumerate(data))
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise ValueError(f"{path}: expected a number")
        return float(data)
    if tp in (int, str, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise ValueError(f"{path}: expected {tp.__name__}")
        return data
    return data


def from_json(text: str) -> Summary:
    """A Summary read back from ``report/design.json``; ValueError naming the bad key otherwise."""
    return from_dict(json.loads(text))


def from_dict(data) -> Summary:
    """``from_json`` on JSON already parsed (strictly, by a reader of hostile folders)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    return _build(Summary, data, "design")
