"""Write boards/kv260.yaml, boards/zcu104.yaml and boards/ultra96v2.yaml from the vendored
board files (tests/data/boardstore) and their overlays (boards/overlays).

The PS preset is the board files' own, whole: every zynq_ultra_ps_e ``ip_preset`` block
named by the PS interface's ``preset_proc``, SOM first and then the connected carrier, each
parameter in file order, applied as Vivado applies them (a later value replaces an earlier
one in place). The facts come from hwgen.model.boardfacts_zynqmp, printed with where each
came from. This stands in for ``hwgen board import`` until that command reads ZynqMP boards;
tests/test_zynqmp_boards.py re-reads the XML independently and checks every shipped value.

    /work/main/.venv/bin/python scripts/import_zynqmp_boards.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import defusedxml.ElementTree as ET
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwgen.model import boardfacts_zynqmp as fam  # noqa: E402
from hwgen.model.schema import format_size  # noqa: E402

STORE = ROOT / "tests" / "data" / "boardstore"
# board name -> the board folders whose PS presets apply, in order (SOM, then its carrier)
BOARDS = {
    "kv260": ("Xilinx/kv260_som/1.4", "Xilinx/kv260_carrier/1.2"),
    "zcu104": ("Xilinx/zcu104/1.1",),
    "ultra96v2": ("Avnet/ultra96v2/1.2",),
}


def board_xml(folder: str) -> dict:
    root = ET.parse(STORE / folder / "board.xml").getroot()
    part = next(c.get("part_name") for c in root.iter("component") if c.get("name") == "part0") \
        if any(c.get("name") == "part0" for c in root.iter("component")) else None
    proc = next(i.get("preset_proc") for i in root.iter("interface")
                if (i.get("type") or "").startswith("xilinx.com:zynq_ultra_ps_e:"))
    return {"vendor": root.get("vendor"), "name": root.get("name"),
            "display": root.get("display_name"), "version": root.findtext("file_version").strip(),
            "preset_file": root.get("preset_file"), "proc": proc, "part": part}


def ps_blocks(folder: str, info: dict) -> list[tuple[str, str]]:
    root = ET.parse(STORE / folder / info["preset_file"]).getroot()
    out = []
    for block in root.iter("ip_preset"):
        ip = block.find("ip")
        if block.get("preset_proc_name") == info["proc"] and ip.get("name") in fam.IP_NAMES:
            out += [(p.get("name").removeprefix("CONFIG."), p.get("value"))
                    for p in block.iter("user_parameter")]
    return out


def effective(params: list[tuple[str, str]]) -> dict:
    flat: dict = {}
    for name, value in params:
        flat[name] = value      # first position kept, last value wins (dict semantics)
    return flat


def q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(name: str) -> str:
    folders = BOARDS[name]
    infos = [board_xml(f) for f in folders]
    blocks = [(f, i, ps_blocks(f, i)) for f, i in zip(folders, infos)]
    flat = effective([p for _, _, ps in blocks for p in ps])
    overlay_text = (ROOT / "boards" / "overlays" / f"{name}.yaml").read_text()
    ov = yaml.safe_load(overlay_text)
    facts = fam.derive(flat, console_uart=ov["console"]["uart"], sd=ov["sd"]["controller"])
    som = infos[0]
    board_part = f"{som['vendor']}:{som['name']}:part0:{som['version']}"
    lines = [
        f"# {name}: imported from the vendor's board files "
        + " + ".join(f"{f} ({i['preset_file']}, {i['proc']})" for f, i in zip(folders, infos))
        + " by scripts/import_zynqmp_boards.py with boards/overlays/" + name + ".yaml.",
        "# The PS preset below is the vendor's, whole: every block in order, as Vivado applies it.",
        "# Re-import rather than edit. Facts, each with where it came from:",
        f"#   reference clock {flat.get(fam.REF, fam.DEFAULT_REF)} MHz <- {facts.crystal_mhz.source}",
        f"#   DDR {format_size(facts.ddr_size.value)} <- {facts.ddr_size.source}",
        f"#   DDR rate {facts.data_rate_mts.value:g} MT/s <- {facts.data_rate_mts.source}",
        f"#   console UART{facts.console_uart.value} as {ov['console']['device']} <- {facts.console_uart.source}",
        f"#   SD root on SD{facts.sd.value} as {ov['defaults']['linux']['root']} <- {facts.sd.source}",
        f"name: {name}",
        f"vendor: {ov['vendor']}",
        f"description: {ov['description']}",
        f"part: {som['part']}   # {folders[0]}/board.xml part0 part_name",
        f"board_part: {board_part}   # vendor:name:part0:file_version"
        + (f"; carrier {infos[1]['vendor']}:{infos[1]['name']}:{infos[1]['version']} by board_connections"
           if len(infos) > 1 else ""),
        "",
        "ps:",
        f"  family: {fam.FAMILY}",
        f"  vlnv: {fam.VLNV}",
        f"  crystal_mhz: {flat.get(fam.REF, fam.DEFAULT_REF)}   # {facts.crystal_mhz.source}",
        "  # PS ports a DPU may use and the width hwgen's plan gives them (not a board fact).",
        "  ports:",
    ] + [f"    {k}: {{width: {w}}}" for k, w in fam.PORTS.items()] + [
        "  preset:",
    ]
    seen = set()
    for folder, info, params in blocks:
        lines.append(f"    # {folder}/{info['preset_file']} {info['proc']}: {len(params)} parameters")
        for pname, _ in params:
            if pname in seen:
                continue     # a repeated name keeps its first place and its last value
            seen.add(pname)
            lines.append(f"    {pname}: {q(flat[pname])}")
    lines += [
        "",
        "ddr:",
        "  base: 0x00000000",
        f"  size: {format_size(facts.ddr_size.value)}",
        f"  memory_type: {facts.memory_type.value}",
        f"  bus_width: {facts.bus_width.value}",
        f"  data_rate_mts: {facts.data_rate_mts.value:g}",
        "",
        "console:",
        f"  device: {ov['console']['device']}   # boards/overlays/{name}.yaml says why",
        f"  uart: {facts.console_uart.value}   # {facts.console_uart.source}",
        f"  baud: {facts.baud.value}   # {facts.baud.source}",
        "",
        "sd:",
        f"  controller: {facts.sd.value}   # {facts.sd.source}",
        "",
        "sources:",
    ] + [f"  - {q('BOARD: Xilinx/XilinxBoardStore boards/' + f + '/board.xml')}" for f in folders] \
      + [f"  - {q('PRESET: Xilinx/XilinxBoardStore boards/' + f + '/' + i['preset_file'] + ' (' + i['proc'] + ')')}"
         for f, i in zip(folders, infos)] \
      + [f"  - {q(s)}" for s in ov.get("sources", ())]
    # The overlay's defaults, verbatim (its comments say why).
    block = overlay_text[overlay_text.index("\ndefaults:\n") + 1:]
    lines += ["", "# From the overlay, as written there: the board's default design."] + block.splitlines()
    text = "\n".join(lines) + "\n"
    (ROOT / "boards" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    for board in BOARDS:
        write(board)
        print(f"wrote boards/{board}.yaml")
