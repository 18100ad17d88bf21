"""Board facts of a Zynq UltraScale+ (zynq_ultra_ps_e) preset: what hwgen's plans need.

The counterpart of the Zynq-7000 facts for ``hwgen board import``: given the effective PS
preset (every ``ip_preset`` block applied in order, name -> value), derive the reference
clock, the DDR size and type, the console UART and the SD controller, each with the
parameter or rule it came from, so a person can check them. Pure; raises FactError naming
the preset parameter (or the overlay key) at fault.

Parameter names are the board store's own (Xilinx/kv260_som preset_s4.xml, kv260_carrier,
zcu104, Avnet ultra96v2 preset.xml):
- PSU__PSS_REF_CLK__FREQMHZ: the PS reference clock (33.333 on the K26 SOM, 33.333333
  elsewhere); absent, Vivado's default 33.333333 applies.
- DDR: PSU__DDRC__DEVICE_CAPACITY (per device, "8192 MBits"), PSU__DDRC__BUS_WIDTH
  ("64 Bit"), PSU__DDRC__DRAM_WIDTH ("16 Bits"), PSU__DDRC__RANK_ADDR_COUNT (0 = one rank):
  size = capacity x bus / device width x ranks. KV260 8 Gbit x 64/16 = 4 GiB, ZCU104 4 Gbit
  x 64/16 = 2 GiB, Ultra96-V2 16 Gbit x 32/32 = 2 GiB.
- the data rate: 2 x PSU__CRF_APB__DDR_CTRL__FREQMHZ (DDR4-2400 at 1200 MHz).
- UART n: PSU__UARTn__PERIPHERAL__ENABLE on PSU__UARTn__PERIPHERAL__IO "MIO ..."; SD n:
  PSU__SDn__PERIPHERAL__ENABLE, its PSU__SDn__SLOT_TYPE (eMMC or an SD card slot).

The console's tty name is not in any preset: Linux numbers ttyPSn by the device tree's
``serial<n>`` alias, which PetaLinux and each board's BSP choose (the Ultra96-V2's UART1 is
ttyPS0; the Kria K26's UART1 is ttyPS1). The board's overlay names it, with its source, and
this module checks that the UART it says is enabled on MIO.
"""

from __future__ import annotations

import re
from hwgen.frozen import dataclass, field

from hwgen.model.boardfact import Fact, FactError  # noqa: F401 (FactError: boardfiles reads it here)

FAMILY = "zynq_ultra_ps_e"
IP_NAMES = ("zynq_ultra_ps_e",)
# The PS IP version of Vivado 2023.2, hwgen's default toolchain (write_bd_tcl exports of
# 2023.2-2025.1 list zynq_ultra_ps_e:3.5; the 2022.2 KR260 TRD export lists 3.4).
VLNV = "xilinx.com:ip:zynq_ultra_ps_e:3.5"
# hwgen's plan, not a board fact: 128-bit HP/HPC for the DPU's data masters, 32-bit S_AXI_LPD
# for its instruction fetch and HPM0 for its registers, as the TRD (trd_bd.tcl) configures them.
PORTS = {"hp0": 128, "hp1": 128, "hp2": 128, "hp3": 128, "hpc0": 128, "hpc1": 128,
         "lpd": 32, "hpm0_lpd": 32, "hpm0_fpd": 32}

# `hwgen board import` reads these names (hwgen/model/boardfiles.py): the same interface
# as the Zynq-7000 module. ZynqMP has no built-in PS presets, so BUILTIN names nothing.
BUILTIN = ""
REF = "PSU__PSS_REF_CLK__FREQMHZ"
CRYSTAL = REF
DEFAULT_REF = "33.333333"
CAPACITY = "PSU__DDRC__DEVICE_CAPACITY"
BUS_WIDTH = "PSU__DDRC__BUS_WIDTH"
DRAM_WIDTH = "PSU__DDRC__DRAM_WIDTH"
RANKS = "PSU__DDRC__RANK_ADDR_COUNT"
HIGHADDR = PARTNO = CAPACITY     # the preset entry the DDR size is checked against
MEMORY_TYPE = "PSU__DDRC__MEMORY_TYPE"
DDR_FREQ = "PSU__CRF_APB__DDR_CTRL__FREQMHZ"
DEFAULT_BAUD = "115200"
UARTS = (0, 1)
SDS = (0, 1)


def uart_enable(n: int) -> str:
    return f"PSU__UART{n}__PERIPHERAL__ENABLE"


def sd_enable(n: int) -> str:
    return f"PSU__SD{n}__PERIPHERAL__ENABLE"


@dataclass(frozen=True)
class Facts:
    crystal_mhz: Fact            # the PS reference clock (PSS_REF_CLK)
    ddr_size: Fact
    bus_width: Fact
    memory_type: Fact
    data_rate_mts: Fact
    console_uart: Fact
    baud: Fact
    sd: Fact | None
    notes: list = field(default_factory=list)
    fbdiv: dict = field(default_factory=dict)   # the PLLs come from the family data (pll_values)
    pll_exact: bool = True


def _num(preset: dict, name: str) -> float:
    try:
        return float(preset[name])
    except ValueError:
        raise FactError(f"expected a number, got {preset[name]!r}", name) from None


def _bits(preset: dict, name: str, unit: str) -> int:
    if name not in preset:
        raise FactError(f"the DDR size: the preset gives no {name}", name, "ddr.size")
    m = re.fullmatch(r"\s*(\d+)\s*" + unit + r"\s*", preset[name])
    if not m:
        raise FactError(f"expected a value such as '16 {unit}', got {preset[name]!r}", name)
    return int(m.group(1))


def _on_mio(preset: dict, kind: str, n: int) -> bool:
    io = preset.get(f"PSU__{kind}{n}__PERIPHERAL__IO", "MIO")
    return preset.get(f"PSU__{kind}{n}__PERIPHERAL__ENABLE") == "1" and io.startswith("MIO")


def derive(preset: dict, part: str = "", builtin: str | None = None, console_uart: int | None = None,
           sd: int | None = None, ddr_size: int | None = None) -> Facts:
    """The facts of an effective zynq_ultra_ps_e preset.

    ``console_uart`` and ``sd`` are the overlay's choices, checked against the preset: a
    preset with no UART on MIO (the K26 SOM alone) or two (ZCU104, Ultra96-V2) needs one.
    """
    notes = []
    ref = (Fact(_num(preset, REF), f"{REF} = {preset[REF]!r}") if REF in preset
           else Fact(float(DEFAULT_REF), f"{REF} absent: Vivado's default {DEFAULT_REF} MHz"))
    if not 27 <= ref.value <= 60:
        raise FactError(f"expected a PS reference clock of 27 to 60 MHz, got {preset.get(REF)!r}", REF)

    mbit = _bits(preset, CAPACITY, "MBits")
    bus = _bits(preset, BUS_WIDTH, "Bit")
    width = _bits(preset, DRAM_WIDTH, "Bits")
    ranks = 1 << int(preset.get(RANKS, "0"))
    if bus not in (32, 64) or width not in (8, 16, 32) or bus % width:
        raise FactError(f"expected a 32- or 64-bit bus of x8, x16 or x32 devices, got "
                        f"{preset[BUS_WIDTH]!r} of {preset[DRAM_WIDTH]!r}", BUS_WIDTH)
    size = mbit * (1 << 20) // 8 * (bus // width) * ranks
    size_fact = Fact(size, f"{CAPACITY} = {preset[CAPACITY]!r} x ({BUS_WIDTH} = {preset[BUS_WIDTH]!r} / "
                           f"{DRAM_WIDTH} = {preset[DRAM_WIDTH]!r}) x {ranks} rank(s) "
                           f"({RANKS} = {preset.get(RANKS, 'absent: 0')!r})")
    mtype = preset.get(MEMORY_TYPE, "DDR 4")
    memory_type = Fact(mtype.replace(" ", ""), f"{MEMORY_TYPE} = {mtype!r}" if MEMORY_TYPE in preset
                       else f"{MEMORY_TYPE} absent: Vivado's default 'DDR 4'")
    if DDR_FREQ not in preset:
        raise FactError(f"the DDR data rate: the preset gives no {DDR_FREQ}", DDR_FREQ)
    rate = Fact(round(2 * _num(preset, DDR_FREQ), 3), f"2 x {DDR_FREQ} = {preset[DDR_FREQ]!r}")

    uarts = [n for n in UARTS if _on_mio(preset, "UART", n)]
    if console_uart is not None:
        if console_uart not in uarts:
            raise FactError(f"the overlay's console.uart {console_uart} is not enabled on MIO "
                            f"({uart_enable(console_uart)} = "
                            f"{preset.get(uart_enable(console_uart), 'absent')!r})",
                            uart_enable(console_uart), "console.uart")
        console = Fact(console_uart, f"the overlay's console.uart, {uart_enable(console_uart)} = '1'")
    elif len(uarts) == 1:
        console = Fact(uarts[0], f"{uart_enable(uarts[0])} = '1', the only UART on MIO")
    elif not uarts:
        raise FactError("no UART is enabled on MIO (PSU__UARTn__PERIPHERAL__ENABLE); a SOM's "
                        "carrier adds it: name the console in the overlay", None, "console.uart")
    else:
        raise FactError("UART0 and UART1 are both enabled on MIO; name the console in the "
                        "overlay", None, "console.uart")
    baud_name = f"PSU__UART{console.value}__BAUD_RATE"
    baud = Fact(int(preset.get(baud_name, DEFAULT_BAUD)),
                f"{baud_name} = {preset[baud_name]!r}" if baud_name in preset
                else f"{baud_name} absent: Vivado's default {DEFAULT_BAUD}")

    cards = [n for n in SDS if _on_mio(preset, "SD", n)
             and preset.get(f"PSU__SD{n}__SLOT_TYPE", "SD 2.0") != "eMMC"]
    if sd is not None:
        if not _on_mio(preset, "SD", sd):
            raise FactError(f"the overlay's sd.controller {sd} is not enabled on MIO "
                            f"({sd_enable(sd)} = {preset.get(sd_enable(sd), 'absent')!r})",
                            sd_enable(sd), "sd.controller")
        sd_fact = Fact(sd, f"the overlay's sd.controller, {sd_enable(sd)} = '1'")
    elif len(cards) == 1:
        sd_fact = Fact(cards[0], f"{sd_enable(cards[0])} = '1', the only SD card slot on MIO")
    else:
        sd_fact = None
        notes.append("no single SD card slot on MIO: name the root device in the overlay")
    return Facts(ref, size_fact, Fact(bus, f"{BUS_WIDTH} = {preset[BUS_WIDTH]!r}"), memory_type,
                 rate, console, baud, sd_fact, notes)
