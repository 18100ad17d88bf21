"""hwgen's DPU numbers against the IP's own formulas, run in Tcl.

tests/tclrec/dpu_ip.tcl transcribes the DPUCZDX8G v4.x gtcl procs, component.xml defaults
and fingerprint ttcl independently of hwgen's Python (DPU41-GTCL, DPU41-PKG, DPU41-TTCL).
For every shipped board x architecture x option combination hwgen can set, the CONFIG
hwgen writes goes through that transcription under tclsh, and the IP's SUM_DSP_NUM /
SUM_BRAM_N / SUM_URAM_N and arch.json must equal hwgen's estimate and vitis-ai/arch.json.
The generated block design reads the numbers back and stops on a difference.
"""

import itertools
import json
import subprocess

import pytest

from _vivado import write_build
from hwgen.emit.output import write_all
from conftest import ROOT
from hwgen.budget import estimate as budget
from hwgen.emit.vitis_ai import arch_json_outputs
from hwgen.model.design import load_design
from hwgen.model.family import load_family
from hwgen.plan.blockdesign import dpu_config
from tclrec import run_tcl, tcl_word

ARCHES = ("B512", "B800", "B1024", "B1152", "B1600", "B2304", "B3136", "B4096")
BOARDS = ("pynq_z2", "zybo_z7_20")
OPTIONS = list(itertools.product(("low", "high"), ("low", "high"), (1, 2, 4, 8), (True, False),
                                 (True, False), (True, False), (True, False), (1, 2)))
DPU_IP = ROOT / "tests" / "tclrec" / "dpu_ip.tcl"


def _ip_answers(configs):
    """[(derived dict, arch.json text)] for each CONFIG list, from the Tcl transcription."""
    lines = [f"source {{{DPU_IP}}}"]
    for cfg in configs:
        d = " ".join(f"{k} {{{v}}}" for k, v in cfg)
        lines.append(f"set d [::rec::dpu::derived {{{d}}} zynq]")
        lines.append('puts "[dict get $d SUM_DSP_NUM] [dict get $d SUM_BRAM_N] '
                     f'[dict get $d SUM_URAM_N] [::rec::dpu::arch_json {{{d}}} zynq]"')
    out = subprocess.run(["tclsh"], input="namespace eval ::rec {}\n" + "\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines()]


@pytest.mark.parametrize("board", BOARDS)
def test_every_combination_estimate_and_arch_json_equal_the_ips(board):
    designs = []
    for arch in ARCHES:
        for ram, dsp, alu, augm, leaky, alu_leaky, argmax, cores in OPTIONS:
            sets = (f"dpu.ram_usage={ram}", f"dpu.dsp_usage={dsp}", f"dpu.alu_parallel={alu}",
                    f"dpu.channel_augmentation={str(augm).lower()}", f"dpu.leaky_relu={str(leaky).lower()}",
                    f"dpu.alu_leaky_relu={str(alu_leaky).lower()}", f"dpu.save_argmax={str(argmax).lower()}",
                    f"dpu.cores={cores}")
            designs.append(load_design(board, arch, sets))
    family = load_family("zynq7")
    answers = _ip_answers([dpu_config(d, family) for d in designs])
    assert len(answers) == len(designs)
    for d, line in zip(designs, answers):
        dsp, bram, uram, fp_json = line.split(" ", 3)
        costs = budget.dpu_cost(d.dpu, d.settings)
        assert sum(c.amount for c in costs.dsp) == float(dsp)
        assert sum(c.amount for c in costs.bram) == float(bram)
        assert sum(c.amount for c in costs.uram) == float(uram)
        written = json.loads(next(o for o in arch_json_outputs(d) if o.path == "vitis-ai/arch.json").data)
        ip = json.loads(fp_json)
        if "fingerprint" in written:
            assert written == ip
        else:   # a registered name only when its fingerprint is exactly the IP's
            from hwgen.dpu.fingerprint import REGISTERED
            assert REGISTERED[written["target"]] == int(ip["fingerprint"], 16)


def _block_design_driver(tmp_path, design, skew="", outputs="write", sets=()):
    out = tmp_path / "out"
    write_build(out, "pynq_z2", design.dpu.name, tuple(sets))
    write_all(out, arch_json_outputs(design))       # vitis-ai/arch.json beside vivado/
    bd = (out / "vivado" / "block_design.tcl").resolve()
    driver = tmp_path / "driver.tcl"
    driver.write_text(f"create_project -force p {{{tmp_path / 'project'}}}\n"
                      f"set_property part {{{design.board.part}}} [current_project]\n"
                      f"set ::rec::dpu::skew {{{skew}}}\n"
                      f"set ::rec::dpu::outputs {tcl_word(outputs)}\n"
                      f"source {{{bd}}}\n", encoding="utf-8")
    from tclrec import DEFAULT_CATALOG
    return run_tcl(driver, allowed_dirs=[tmp_path], catalog=[*DEFAULT_CATALOG, design.dpu.vlnv],
                   cwd=tmp_path)


def test_block_design_reads_back_the_ips_numbers(tmp_path):
    design = load_design("pynq_z2")
    rec = _block_design_driver(tmp_path, design)
    assert rec.error is None, rec.error


@pytest.mark.parametrize("param, wrong", [("SUM_DSP_NUM", "135"), ("SUM_BRAM_N", "72.5"), ("SUM_URAM_N", "1")])
def test_block_design_stops_when_the_ip_disagrees(tmp_path, param, wrong):
    design = load_design("pynq_z2")
    rec = _block_design_driver(tmp_path, design, skew=f"{param} {wrong}")
    assert rec.error is not None
    expected = {"SUM_DSP_NUM": "134", "SUM_BRAM_N": "72", "SUM_URAM_N": "0"}[param]
    assert f"the DPU IP reports {param} = {wrong}" in rec.error
    assert f"hwgen's budget estimated {expected}" in rec.error


# ----------------------------------------------------------------------------- the IP's arch.json
# block_design.tcl runs generate_target, then finds the DPU instance's arch.json among its
# generated files (get_ips -all by IPDEF, get_files -all -of_objects) and compares it with
# vitis-ai/arch.json. The recorder writes what the IP's fingerprint template gives
# (dpu_ip.tcl, DPU41-TTCL) where Vivado 2023.2 puts it, unless told otherwise.
def test_the_ips_arch_json_is_found_and_agrees(tmp_path):
    rec = _block_design_driver(tmp_path, load_design("pynq_z2"))
    assert rec.error is None, rec.error
    # The IP's default ALU parallel 4: 0x101000056010400, as two real v4.1 builds wrote it
    ip_json = tmp_path / "project" / "p.gen" / "sources_1" / "bd" / "system" / "ip" / "system_dpu_0" / "arch.json"
    assert ip_json.read_text().strip() == '{"fingerprint":"0x101000056010400"}'
    assert f"the DPU IP's arch.json ({ip_json}) agrees with vitis-ai/arch.json: fingerprint 0x101000056010400" \
        in rec.stdout
    assert "WARNING" not in rec.stdout


def test_another_bd_name_is_found_through_the_instance_not_a_path(tmp_path):
    # The folder is <bd>_<cell>_0 of this design: nothing in the script names it.
    sets = ("build.bd_name=other_bd", "dpu.alu_parallel=2")
    design = load_design("pynq_z2", sets=sets)
    rec = _block_design_driver(tmp_path, design, sets=sets)
    assert rec.error is None, rec.error
    text = (tmp_path / "out" / "vivado" / "block_design.tcl").read_text()
    # no instance folder and no generated-products path (a comment may name ".srcs or .gen")
    assert "system_dpu_0" not in text and "other_bd_dpu_0" not in text and ".gen/" not in text
    # the registered B512 name stands for 0x101000056010200 (ALU parallel 2)
    assert (tmp_path / "out" / "vitis-ai" / "arch.json").read_text().strip() == '{"target":"DPUCZDX8G_ISA1_B512"}'
    assert "/other_bd_dpu_0/arch.json) agrees with vitis-ai/arch.json: fingerprint 0x101000056010200" in rec.stdout


def test_an_ip_arch_json_that_differs_stops_naming_both(tmp_path):
    # an IP that built ALU parallel 2 where hwgen wrote 4
    rec = _block_design_driver(tmp_path, load_design("pynq_z2"), outputs='{"fingerprint":"0x101000056010200"}')
    assert rec.error is not None
    assert "has fingerprint 0x101000056010200" in rec.error
    assert f"vitis-ai/arch.json ({(tmp_path / 'out' / 'vitis-ai' / 'arch.json').resolve()}) has 0x101000056010400" \
        in rec.error


def test_an_edited_vitis_ai_arch_json_stops(tmp_path):
    design = load_design("pynq_z2")
    out = tmp_path / "out"
    rec = _block_design_driver(tmp_path, design)
    assert rec.error is None
    (out / "vitis-ai" / "arch.json").write_text('{"target":"DPUCZDX8G_ISA1_B512"}\n')
    again = tmp_path / "again.tcl"
    again.write_text(f"create_project -force q {{{tmp_path / 'q'}}}\n"
                     f"set_property part {{{design.board.part}}} [current_project]\n"
                     f"source {{{(out / 'vivado' / 'block_design.tcl').resolve()}}}\n")
    from tclrec import DEFAULT_CATALOG
    rec = run_tcl(again, allowed_dirs=[tmp_path], catalog=[*DEFAULT_CATALOG, design.dpu.vlnv], cwd=tmp_path)
    assert rec.error is not None and 'holds {"target":"DPUCZDX8G_ISA1_B512"}' in rec.error
    assert "fingerprint 0x101000056010400" in rec.error


def test_no_ip_arch_json_is_a_loud_warning(tmp_path):
    rec = _block_design_driver(tmp_path, load_design("pynq_z2"), outputs="none")
    assert rec.error is None, rec.error
    warning = [l for l in rec.stdout.splitlines() if l.startswith("WARNING: [hwgen dpu.arch_json] NOT CHECKED")]
    assert len(warning) == 1 and "fingerprint 0x101000056010400" in warning[0]
    from hwgen.run.vivado_log import ProgressParser
    p = ProgressParser()
    p.feed(warning[0])
    assert p.hwgen_checks and p.hwgen_checks[0][0] == "dpu.arch_json"
