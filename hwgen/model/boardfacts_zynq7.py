"""Zynq-7000 (processing_system7) board facts: what hwgen's plans need, read from a PS7 preset.

The one module that knows PCW_* parameter names and Vivado's PS7 defaults. ``boardfiles``
(the importer) and ``design`` (the consistency checks) call :func:`derive` through the
family registry in ``boardfact.FAMILIES``; a Zynq UltraScale+ family is a sibling module
with the same four names (FAMILY, IP_NAMES, VLNV, derive) and its own PSU__* knowledge.

Every fact comes back with the parameter or rule it came from, so ``hwgen board import``
can print it and a person can check it against the vendor's file.
"""

from __future__ import annotations

import re
from hwgen.frozen import dataclass, field

from hwgen.model.boardfact import Fact, FactError  # noqa: F401 (FactError: boardfiles reads it here)

FAMILY = "zynq7"
IP_NAMES = ("processing_system7",)          # <ip name=...> of the PS block in preset.xml
VLNV = "xilinx.com:ip:processing_system7:5.5"
BUILTIN = "preset"                          # CONFIG.preset names one of Vivado's built-in presets
PORTS = {"hp0": 64, "hp1": 64, "hp2": 64, "hp3": 64, "gp0": 32}   # hwgen's plan, not a board fact

# Vivado's processing_system7 5.5 defaults for the parameters a fact falls back on: crystal
# 33.333333 MHz, CPU 666.666666 MHz, DDR 533.333333 MHz. UNCERTAIN: read from write_bd_tcl
# exports of designs that leave them alone (they carry exactly these values), not from the
# IP's component.xml, which is not public.
DEFAULT_CRYSTAL = "33.333333"
DEFAULT_APU = "666.666666"
DEFAULT_DDR_FREQ = "533.333333"
DEFAULT_BAUD = "115200"
# Nominal IO PLL: the frequency most presets run it at (1000 MHz). Vivado chooses the IO PLL
# from the peripheral clocks requested, so a preset without PCW_IOPLL_CTRL_FBDIV cannot be
# predicted exactly (the MiniZed preset runs it at 1400 MHz, XBS-MINIZED); such boards get
# pll_exact false.
NOMINAL_IO_PLL = 1000.0

FBDIV = {"arm": "PCW_ARMPLL_CTRL_FBDIV", "io": "PCW_IOPLL_CTRL_FBDIV", "ddr": "PCW_DDRPLL_CTRL_FBDIV"}
CRYSTAL = "PCW_CRYSTAL_PERIPHERAL_FREQMHZ"
HIGHADDR = "PCW_DDR_RAM_HIGHADDR"
BUS_WIDTH = "PCW_UIPARAM_DDR_BUS_WIDTH"
DDR_ENABLE = "PCW_UIPARAM_DDR_ENABLE"
PARTNO = "PCW_UIPARAM_DDR_PARTNO"
CAPACITY = "PCW_UIPARAM_DDR_DEVICE_CAPACITY"
DRAM_WIDTH = "PCW_UIPARAM_DDR_DRAM_WIDTH"
MEMORY_TYPE = "PCW_UIPARAM_DDR_MEMORY_TYPE"
DDR_FREQ = "PCW_UIPARAM_DDR_FREQ_MHZ"
APU_FREQ = "PCW_APU_PERIPHERAL_FREQMHZ"
UARTS = (0, 1)
SDS = (0, 1)


def uart_enable(n: int) -> str:
    return f"PCW_UART{n}_PERIPHERAL_ENABLE"


def sd_enable(n: int) -> str:
    return f"PCW_SD{n}_PERIPHERAL_ENABLE"


@dataclass(frozen=True)
class Facts:
    crystal_mhz: Fact
    fbdiv: dict                   # arm/io/ddr -> Fact(int)
    pll_exact: bool
    ddr_size: Fact
    bus_width: Fact
    memory_type: Fact
    data_rate_mts: Fact
    console_uart: Fact | None
    baud: Fact | None
    sd: Fact | None
    notes: list = field(default_factory=list)


def _num(preset: dict, name: str) -> float:
    text = preset[name]
    try:
        return float(text)
    except ValueError:
        raise FactError(f"expected a number, got {text!r}", name) from None


def _bits(preset: dict, name: str, unit: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*" + unit + r"\s*", preset[name])
    if not m:
        raise FactError(f"expected a value such as '16 {unit}', got {preset[name]!r}", name)
    return int(m.group(1))


def _missing(builtin: str | None, what: str, name: str, overlay: str | None = None) -> FactError:
    if builtin:
        return FactError(f"{what} lives only in Vivado's built-in PS7 preset {builtin!r} "
                         f"(CONFIG.{BUILTIN}): the preset gives no {name}, and hwgen cannot read "
                         f"a built-in preset's values", BUILTIN, overlay)
    return FactError(f"{what}: the preset gives no {name}", None, overlay)


# Micron DDR3 part numbers: MT41J256M16 = 256 Mi locations x 16 bits = 4 Gbit (Micron's
# DDR3 part-numbering chart: depth, then width).
_MICRON = re.compile(r"MT4[01][A-Z](\d+)([MG])(\d+)\b")


def _ddr_size(preset: dict, bus: int, builtin: str | None, given: int | None) -> Fact:
    if HIGHADDR in preset:
        text = preset[HIGHADDR]
        try:
            high = int(text, 16)
        except ValueError:
            raise FactError(f"expected a hex address, got {text!r}", HIGHADDR) from None
        return Fact(high + 1, f"{HIGHADDR} = {text!r} (+1, DDR from address 0)")
    part = preset.get(PARTNO)
    if part is None and given is not None:
        return Fact(given, "the overlay's ddr.size (the preset gives neither "
                           f"{HIGHADDR} nor {PARTNO})")
    if part is None:
        raise _missing(builtin, "the DDR size", f"{HIGHADDR} or {PARTNO}", "ddr.size")
    if part.strip().lower() == "custom":
        if CAPACITY not in preset or DRAM_WIDTH not in preset:
            raise FactError(f"the DDR size: {PARTNO} is 'Custom' and the preset lacks "
                            f"{CAPACITY if CAPACITY not in preset else DRAM_WIDTH}", PARTNO, "ddr.size")
        mbit, width = _bits(preset, CAPACITY, "MBits"), _bits(preset, DRAM_WIDTH, "Bits")
        why = f"{CAPACITY} = {preset[CAPACITY]!r}, {DRAM_WIDTH} = {preset[DRAM_WIDTH]!r}"
    else:
        m = _MICRON.match(part.strip())
        if not m:
            raise FactError(f"the DDR size: {PARTNO} {part!r} is not a Micron DDR3 part number "
                            f"hwgen can decode", PARTNO, "ddr.size")
        depth = int(m.group(1)) * (1024 if m.group(2) == "G" else 1)
        width = int(m.group(3))
        mbit = depth * width
        why = f"{PARTNO} = {part!r}: {depth}M x {width} = {mbit} Mbit per device"
    size = mbit * (1 << 20) // 8 * bus // width
    return Fact(size, f"{why}, x {bus}-bit bus / {width}-bit devices")


def _on_mio(preset: dict, kind: str, n: int) -> bool:
    io = preset.get(f"PCW_{kind}{n}_{kind}{n}_IO", "MIO")
    return preset.get(f"PCW_{kind}{n}_PERIPHERAL_ENABLE") == "1" and io.startswith("MIO")


def derive(preset: dict, part: str, builtin: str | None = None, console_uart: int | None = None,
           sd: int | None = None, ddr_size: int | None = None) -> Facts:
    """The facts of an effective PS7 preset (name -> value, every block applied in order).

    ``builtin`` is the CONFIG.preset value when one was applied; facts that would otherwise
    fall back on Vivado's defaults are then refused, because the built-in preset sets them.
    ``console_uart``/``sd`` are the overlay's choice, checked against the preset;
    ``ddr_size`` the overlay's size, used only when the preset gives none.
    """
    notes = []
    if preset.get(DDR_ENABLE) == "0":
        raise FactError("the board has no DDR (PCW_UIPARAM_DDR_ENABLE = '0'); the DPU needs DDR",
                        DDR_ENABLE)
    if CRYSTAL in preset:
        crystal = Fact(_num(preset, CRYSTAL), f"{CRYSTAL} = {preset[CRYSTAL]!r}")
    elif builtin:
        raise _missing(builtin, "the PS crystal", CRYSTAL)
    else:
        crystal = Fact(float(DEFAULT_CRYSTAL), f"{CRYSTAL} absent: Vivado's default {DEFAULT_CRYSTAL} MHz")
    if not 10 <= crystal.value <= 60:
        raise FactError(f"expected a crystal of 10 to 60 MHz, got {preset.get(CRYSTAL)!r}", CRYSTAL)

    if BUS_WIDTH in preset:
        bus = Fact(_bits(preset, BUS_WIDTH, "Bit"), f"{BUS_WIDTH} = {preset[BUS_WIDTH]!r}")
    else:
        # CLG225 packages bond out a 16-bit DDR interface only (DS190 Table 1 notes); the
        # IP's default for every other package is 32 bit.
        width = 16 if "clg225" in part.lower() else 32
        bus = Fact(width, f"{BUS_WIDTH} absent: {width} bit, the {part} package's DDR width")
    if bus.value not in (16, 32):
        raise FactError(f"expected '16 Bit' or '32 Bit', got {preset[BUS_WIDTH]!r}", BUS_WIDTH)
    size = _ddr_size(preset, bus.value, builtin, ddr_size)

    mtype = preset.get(MEMORY_TYPE, "DDR 3")
    kind = {"DDR 3": "DDR3", "DDR 3 (Low Voltage)": "DDR3L", "DDR 2": "DDR2",
            "LPDDR 2": "LPDDR2"}.get(mtype, mtype.replace(" ", ""))
    memory_type = Fact(kind, f"{MEMORY_TYPE} = {mtype!r}" if MEMORY_TYPE in preset
                       else f"{MEMORY_TYPE} absent: Vivado's default 'DDR 3'")
    if DDR_FREQ in preset:
        ddr_freq = _num(preset, DDR_FREQ)
        rate = Fact(round(2 * ddr_freq, 3), f"2 x {DDR_FREQ} = {preset[DDR_FREQ]!r}")
    elif builtin:
        raise _missing(builtin, "the DDR clock", DDR_FREQ)
    else:
        ddr_freq = float(DEFAULT_DDR_FREQ)
        rate = Fact(round(2 * ddr_freq, 3), f"{DDR_FREQ} absent: 2 x Vivado's default {DEFAULT_DDR_FREQ}")

    # PLL feedback dividers: explicit where the preset has them. Otherwise Vivado runs the
    # CPU and the DDR at PLL/2 and picks the multiplier nearest twice the requested frequency:
    # XBS-MINIZED (a preset Vivado wrote out whole) has crystal 33.333333, CPU 666.666666 with
    # PCW_CPU_PERIPHERAL_DIVISOR0 2 and FBDIV 40 (PCW_CPU_CPU_PLL_FREQMHZ 1333.333), DDR
    # PCW_DDR_PERIPHERAL_DIVISOR0 2 with FBDIV 32 (PCW_DDR_DDR_PLL_FREQMHZ 1066.667).
    fbdiv, exact = {}, True
    apu = _num(preset, APU_FREQ) if APU_FREQ in preset else float(DEFAULT_APU)
    for key, name in FBDIV.items():
        if name in preset:
            text = preset[name]
            if not text.isdigit() or not 13 <= int(text) <= 66:
                raise FactError(f"expected an integer PLL feedback divider from 13 to 66, got {text!r}", name)
            fbdiv[key] = Fact(int(text), f"{name} = {text!r}")
            continue
        request = {"arm": APU_FREQ, "ddr": DDR_FREQ}.get(key)
        if builtin and request and request not in preset:
            raise _missing(builtin, f"the {key.upper()} PLL", f"{name} or {request}")
        if key == "arm":
            n = round(2 * apu / crystal.value)
            fbdiv[key] = Fact(n, f"{name} absent: round(2 x CPU {apu:g} / crystal {crystal.value:g}) "
                                 f"(Vivado runs the CPU at ARM PLL / 2)")
        elif key == "ddr":
            n = round(2 * ddr_freq / crystal.value)
            fbdiv[key] = Fact(n, f"{name} absent: round(2 x DDR {ddr_freq:g} / crystal "
                                 f"{crystal.value:g}) (Vivado runs the DDR at DDR PLL / 2)")
        else:
            exact = False
            n = round(NOMINAL_IO_PLL / crystal.value)
            fbdiv[key] = Fact(n, f"{name} absent: round({NOMINAL_IO_PLL:g} / crystal {crystal.value:g}), "
                                 f"the usual IO PLL; Vivado may choose another, so the clocking "
                                 f"wizard takes whatever FCLK0 Vivado makes")
        if not 13 <= n <= 66:
            raise FactError(f"the {key.upper()} PLL multiplier {n} derived for crystal "
                            f"{crystal.value:g} MHz is outside 13..66", name)

    uarts = [n for n in UARTS if _on_mio(preset, "UART", n)]
    if console_uart is not None:
        if console_uart not in uarts:
            raise FactError(f"expected a console UART the preset enables on MIO, got console.uart "
                            f"{console_uart} "
                            f"({uart_enable(console_uart)} = "
                            f"{preset.get(uart_enable(console_uart), 'absent')!r})",
                            uart_enable(console_uart), "console.uart")
        console = Fact(console_uart, f"console.uart given, {uart_enable(console_uart)} = '1'")
    elif len(uarts) == 1:
        console = Fact(uarts[0], f"{uart_enable(uarts[0])} = '1', the only UART on MIO")
    elif not uarts:
        if builtin:
            raise _missing(builtin, "the console UART", "PCW_UARTn_PERIPHERAL_ENABLE", "console.uart")
        raise FactError("no UART is enabled on MIO (PCW_UARTn_PERIPHERAL_ENABLE); name the "
                        "console in the overlay", None, "console.uart")
    else:
        raise FactError("UART0 and UART1 are both enabled on MIO; name the console in the "
                        "overlay", None, "console.uart")
    baud_name = f"PCW_UART{console.value}_BAUD_RATE"
    baud = Fact(int(preset.get(baud_name, DEFAULT_BAUD)),
                f"{baud_name} = {preset[baud_name]!r}" if baud_name in preset
                else f"{baud_name} absent: Vivado's default {DEFAULT_BAUD}")

    sds = [n for n in SDS if _on_mio(preset, "SD", n)]
    if sd is not None:
        if sd not in sds:
            raise FactError(f"expected an SD controller the preset enables on MIO, got "
                            f"sd.controller {sd} "
                            f"({sd_enable(sd)} = {preset.get(sd_enable(sd), 'absent')!r})",
                            sd_enable(sd), "sd.controller")
        sd_fact = Fact(sd, f"sd.controller given, {sd_enable(sd)} = '1'")
    elif sds:
        sd_fact = Fact(sds[0], f"{sd_enable(sds[0])} = '1'" + ("" if len(sds) == 1 else
                                                              ", the first SD controller on MIO"))
    else:
        sd_fact = None
        notes.append("no SD controller on MIO: the root file system cannot be on an SD card")
    return Facts(crystal, fbdiv, exact, size, bus, memory_type, rate, console, baud, sd_fact, notes)
