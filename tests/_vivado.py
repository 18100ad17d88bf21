"""Helpers for the Vivado Tcl tests: render a design's Tcl, run it under the recorder.

Each run happens in tclsh with the Vivado command recorder (tests/tclrec) and a working
directory that is NOT the build folder, so a path that depends on the cwd shows up as
a missing file or a write outside the allowed folders.
"""

from __future__ import annotations

from pathlib import Path

from tclrec import DEFAULT_CATALOG, Recording, run_tcl

from hwgen.model.design import load_design
from hwgen.emit.output import write_all
from hwgen.emit.vivado import vivado_outputs

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
PS7_NAMES = REPO / "tests" / "data" / "ps7_property_names.txt"


def render(board=None, dpu=None, sets=()):
    """(design, {path: text}) of the three Vivado files."""
    design = load_design(board, dpu, tuple(sets))
    return design, {o.path: o.data.decode("utf-8") for o in vivado_outputs(design)}


def write_build(out: Path, board=None, dpu=None, sets=()):
    """Write the Vivado files of a design into ``out`` (a build folder); return the design."""
    design = load_design(board, dpu, tuple(sets))
    write_all(out, vivado_outputs(design))
    return design


def run_build(out: Path, design, *, cwd: Path, dpu_in_repo: bool = True, repo: Path | None = None,
              argv=(), check: bool = True, **kwargs) -> Recording:
    """Run ``out/vivado/build.tcl`` as ``vivado -mode batch -source`` would, from ``cwd``.

    The DPU appears in the IP catalog only once ``repo`` (default: the build folder's
    ``dpu.ip_repo``) is on ip_repo_paths, as with the real unpacked IP.
    """
    repo = repo if repo is not None else out / design.settings.dpu.ip_repo
    repo_ips = {repo: [design.dpu.vlnv]} if dpu_in_repo else {}
    return run_tcl(out / "vivado" / "build.tcl", allowed_dirs=[out], repo_ips=repo_ips,
                   cwd=cwd, argv=argv, check=check, **kwargs)


def run_block_design(out: Path, design, *, cwd: Path, driver_dir: Path) -> Recording:
    """Source block_design.tcl inside an open project, as FuseSoC/Edalize do (tclSource).

    The driver lives in ``driver_dir`` and the cwd is elsewhere again: the block design
    must depend on neither.
    """
    bd = (out / "vivado" / "block_design.tcl").resolve()
    driver = driver_dir / "edalize_like.tcl"
    driver.write_text(
        f"create_project -force edalize_like {{{driver_dir / 'project'}}}\n"
        f"set_property part {{{design.board.part}}} [current_project]\n"
        f"source {{{bd}}}\n", encoding="utf-8")
    return run_tcl(driver, allowed_dirs=[driver_dir, out],
                   catalog=[*DEFAULT_CATALOG, design.dpu.vlnv], cwd=cwd, check=True)


# ----------------------------------------------------------------------------- graph questions
def reaches(rec: Recording, master: str, slave: str) -> bool:
    """Does an interface path lead from ``master`` to ``slave`` through interconnect cells?

    Uses only what the recorder saw (connect_bd_intf_net pairs): from a pin, cross its
    interface net; arriving at an interconnect's Sxx_AXI, continue from its Mxx_AXI pins.
    """
    pairs = [tuple(c) for c in rec.intf_connections]
    frontier, seen = [master], {master}
    while frontier:
        pin = frontier.pop()
        for a, b in pairs:
            if pin not in (a, b):
                continue
            other = b if pin == a else a
            if other == slave:
                return True
            if other in seen:
                continue
            seen.add(other)
            cell = other.split("/", 1)[0] if "/" in other else None
            if cell and cell in rec.cells and rec.cells[cell].vlnv.split(":")[2] in (
                    "axi_interconnect", "smartconnect") and other.split("/")[1].startswith("S"):
                for x, y in pairs:
                    for p in (x, y):
                        if p.startswith(cell + "/M") and p not in seen:
                            seen.add(p)
                            frontier.append(p)
    return False


def clock_source(rec: Recording, pin: str) -> str | None:
    """The pin that drives ``pin``'s net, among the known clock sources."""
    net = rec.net_of(pin) or frozenset()
    sources = [p for p in net if p.endswith("/FCLK_CLK0") or p.startswith("dpu_clk_wiz/clk_")
               and p != "dpu_clk_wiz/clk_in1"]
    return sources[0] if len(sources) == 1 else None


def reset_cell_of(rec: Recording, reset_pin: str) -> str | None:
    """The proc_sys_reset cell whose output drives ``reset_pin``."""
    net = rec.net_of(reset_pin) or frozenset()
    cells = {p.split("/")[0] for p in net
             if p.endswith(("/peripheral_aresetn", "/interconnect_aresetn"))}
    return cells.pop() if len(cells) == 1 else None


def ps7_property_names() -> set[str]:
    return {line.strip() for line in PS7_NAMES.read_text().splitlines() if line.strip()}
