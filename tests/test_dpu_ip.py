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
from conftest import ROOT
from hwgen.budget import estimate as budget
from hwgen.emit.vitis_ai import arch_json_outputs
from hwgen.model.design import load_design
from hwgen.model.family import load_family
from hwgen.plan.blockdesign import dpu_config
from tclrec import run_tcl

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


def _block_design_driver(tmp_path, design, skew=""):
    out = tmp_path / "out"
    write_build(out, "pynq_z2", design.dpu.name, ())
    bd = (out / "vivado" / "block_design.tcl").resolve()
    driver = tmp_path / "driver.tcl"
    driver.write_text(f"create_project -force p {{{tmp_path / 'project'}}}\n"
                      f"set_property part {{{design.board.part}}} [current_project]\n"
                      f"set ::rec::dpu::skew {{{skew}}}\n"
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
