"""The compiler handshake through the design layer: settings -> fingerprint -> arch.json, and back.

Expected fingerprints are computed here from the bit layout DEC1 decodes (type << 56 | ISA << 48 | fields), written out independently of
hwgen/dpu/fingerprint.py, so an error in either shows up as a mismatch:

ISA1: [3:0] arch index, [11:8] ALU parallel, [16] set, [25:24] bank groups (2 low /
3 high), [26] channel augmentation, [28] conv leaky-ReLU, [29] ALU leaky-ReLU (0),
[30] set for IP 4.1+, [33:32]/[35:34] log2 write parallel (0).
ISA0 (v3.4 IP, fingerprint_json.ttcl + gtcl): [3:0] arch, [11:8] pool parallel (1, or
PP/2 with depthwise), [15:12] depthwise parallel (0 or PP/2), [19:16] eltwise parallel
(1), [25:24] bank groups, [26] augmentation, [28] leaky, [29] ReLU6 (1), [30] average
pool (1), [31] depthwise ReLU6 (= depthwise), [36] eltwise multiply (0), [37] 1.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys

import pytest

from _cases import Cases
from conftest import DPUS, ROOT, hwgen_env, hwgen_main
from hwgen.folder.build import render_outputs
from hwgen.model.design import load_design
from hwgen.dpu.fingerprint import REGISTERED, decode
from hwgen.emit.vitis_ai import (arch_json, arch_json_outputs, dpu_fingerprint, fingerprint_checks,
                            fingerprint_plan, reproduce)

ARCH_INDEX = {"B512": 0, "B800": 1, "B1024": 2, "B1152": 3, "B1600": 4, "B2304": 5, "B3136": 6,
              "B4096": 7}                                   # DEC1
PP = {"B512": 4, "B800": 4, "B1024": 8, "B1152": 4, "B1600": 8, "B2304": 8, "B3136": 8,
      "B4096": 8}                                           # PG4x
PROFILE_ALU = {"B512": 2, "B800": 2, "B1152": 2, "B1024": 4, "B1600": 4, "B2304": 4,
               "B3136": 4, "B4096": 4}                      # registered ISA1 targets (HS)
BOARDS = ("pynq_z2", "zybo_z7_20")


def isa1_expected(arch, alu=4, ram="low", augm=True, leaky=True, alu_leaky=False, argmax=True):
    """The v4.x IP's fingerprint_json.ttcl, transcribed (DPU41-TTCL): ALU_PARALLEL is
    min(ALU_PARALLEL_USER, PP) (DPU41-GTCL), LOAD_PARALLEL 2, write parallels 1."""
    return (1 << 56 | 1 << 48 | ARCH_INDEX[arch] | min(alu, PP[arch]) << 8 | 1 << 16
            | (3 if ram == "high" else 2) << 24 | int(augm) << 26 | int(leaky) << 28
            | int(alu_leaky) << 29 | int(argmax) << 30)


def isa0_expected(arch, ram="low", augm=True, leaky=True, dw=False):
    dwp = (PP[arch] // 2) if dw else 0          # no architecture here has PP = 2
    pool = dwp if dw else 1
    return (1 << 56 | 0 << 48 | ARCH_INDEX[arch] | pool << 8 | dwp << 12 | 1 << 16
            | (3 if ram == "high" else 2) << 24 | int(augm) << 26 | int(leaky) << 28
            | 1 << 29 | 1 << 30 | int(dw) << 31 | 1 << 37)


def _b(v: bool) -> str:
    return "true" if v else "false"


def _profile_variant(tmp_path, arch, isa, version):
    """A copy of the shipped profile for ``arch`` with another ISA / IP version."""
    text = (DPUS / f"{arch.lower()}.yaml").read_text()
    new = re.sub(r"(?m)^vlnv: .*$", f"vlnv: xilinx.com:ip:dpuczdx8g:{version}", text)
    new = re.sub(r"(?m)^isa: 1 ", f"isa: {isa} ", new)
    new = re.sub(r"(?m)^name: .*$", f"name: {arch}_isa{isa}_v{version.replace('.', '_')}", new)
    assert new.count(f"dpuczdx8g:{version}") == 1 and f"isa: {isa} " in new
    path = tmp_path / f"{arch.lower()}_isa{isa}_{version}.yaml"
    path.write_text(new)
    return str(path)


# ----------------------------------------------------------------------- defaults and registered


@pytest.mark.parametrize("board", BOARDS)
def test_default_design_is_what_the_ip_defaults_build(board):
    # The IP's default ALU_PARALLEL_USER 4, written explicitly: the fingerprint two real
    # v4.1 B512 builds wrote into arch.json, {"fingerprint":"0x101000056010400"}.
    design = load_design(board)
    fp, config = dpu_fingerprint(design)
    assert fp == 0x0101000056010400 == isa1_expected("B512")
    assert config.arch == "B512"
    plan = fingerprint_plan(design)
    assert not plan.registered
    assert plan.arch_json == {"fingerprint": "0x101000056010400"}


def test_alu_parallel_2_is_the_registered_b512_target():
    design = load_design("pynq_z2", "B512", ("dpu.alu_parallel=2",))
    plan = fingerprint_plan(design)
    assert plan.fingerprint == 0x0101000056010200 == isa1_expected("B512", alu=2)
    assert plan.name == "DPUCZDX8G_ISA1_B512" and plan.registered
    assert plan.arch_json == {"target": "DPUCZDX8G_ISA1_B512"}
    assert fingerprint_checks(design)[0].ok


@pytest.mark.parametrize("arch", list(ARCH_INDEX))
def test_every_shipped_profile_with_its_defaults(arch):
    fp, _ = dpu_fingerprint(load_design("pynq_z2", arch))
    assert fp == isa1_expected(arch)
    # registered only where the VAI 3.x target uses ALU parallel 4 (HS)
    assert decode(fp).registered == (PROFILE_ALU[arch] == 4)
    if PROFILE_ALU[arch] == 4:
        assert decode(fp).name == f"DPUCZDX8G_ISA1_{arch}"


@pytest.mark.parametrize("sets, expected", [
    # bank groups 2 -> 3 in [25:24]: +0x01000000
    (("dpu.ram_usage=high",), 0x0101000057010400),
    # ALU leaky-ReLU in [29]: +0x20000000
    (("dpu.alu_leaky_relu=true",), 0x0101000076010400),
    # no argmax: -0x40000000
    (("dpu.save_argmax=false",), 0x0101000016010400),
])
def test_unregistered_options_give_a_synthesized_name_and_a_fingerprint_arch_json(sets, expected):
    design = load_design("pynq_z2", "B512", sets)
    plan = fingerprint_plan(design)
    assert plan.fingerprint == expected
    assert not plan.registered
    assert plan.name == f"DPUCZDX8G_ISA1_B512_{expected:016X}"
    outputs = {o.path: o for o in arch_json_outputs(design)}
    assert json.loads(outputs["vitis-ai/arch.json"].data) == {"fingerprint": f"0x{expected:X}"}
    assert int(json.loads(outputs["vitis-ai/arch.json"].data)["fingerprint"], 16) == expected
    (check,) = fingerprint_checks(design)
    assert not check.ok and check.severity == "warning"
    assert f"0x{expected:016X} is no registered target: use vitis-ai/arch.json" in check.message
    readme = outputs["vitis-ai/README.md"].data.decode()
    assert f"0x{expected:016X} is no registered target: use vitis-ai/arch.json" in readme
    assert plan.name in readme


# ----------------------------------------------------------------------- every combination

ISA1_COMBOS = list(itertools.product(ARCH_INDEX, ("low", "high"), (True, False), (True, False),
                                     (1, 2, 4, 8), (True, False), (True, False)))


@pytest.mark.parametrize("arch", list(ARCH_INDEX))
def test_isa1_round_trip_through_the_design_layer(arch):
    """Every option combination of one profile, a case each (tests/_cases.py: one item per
    profile, every failing combination reported)."""
    cases = Cases()
    for combo in ISA1_COMBOS:
        if combo[0] == arch:
            with cases.case(" ".join(map(str, combo))):
                _isa1_round_trip(*combo)
    cases.check()
    assert len(cases.ran) == len(ISA1_COMBOS) // len(ARCH_INDEX)


def _isa1_round_trip(arch, ram, augm, leaky, alu, alu_leaky, argmax):
    sets = (f"dpu.ram_usage={ram}", f"dpu.channel_augmentation={_b(augm)}",
            f"dpu.leaky_relu={_b(leaky)}", f"dpu.alu_parallel={alu}",
            f"dpu.alu_leaky_relu={_b(alu_leaky)}", f"dpu.save_argmax={_b(argmax)}")
    design = load_design("zybo_z7_20", arch, sets)
    fp, config = dpu_fingerprint(design)
    assert fp == isa1_expected(arch, alu, ram, augm, leaky, alu_leaky, argmax)
    d = decode(fp)
    assert d.config == config
    registered = (ram, augm, leaky, min(alu, PP[arch]), alu_leaky, argmax) == \
        ("low", True, True, PROFILE_ALU[arch], False, True)
    assert d.registered == registered
    # arch.json: the registered name only when exact, else the IP's own fingerprint text
    aj = fingerprint_plan(design).arch_json
    assert aj == ({"target": f"DPUCZDX8G_ISA1_{arch}"} if registered else {"fingerprint": f"0x{fp:X}"})
    # ...and back: the printed arguments rebuild the same fingerprint, on the other board too.
    rep = reproduce(fp)
    assert rep.buildable and rep.profiles == (arch,)
    args = rep.args()
    assert args[:2] == ("--dpu", arch)
    sets_back = tuple(a for i, a in enumerate(args) if i and args[i - 1] == "--set")
    assert dpu_fingerprint(load_design("pynq_z2", args[1], sets_back))[0] == fp


@pytest.mark.parametrize("sets", [("dpu.dsp_usage=low",), ("dpu.cores=2",), ("dpu.clock_mhz=100",),
                                  ("dpu.dsp_clock_mhz=250",)])
def test_settings_outside_the_isa1_fingerprint_do_not_change_it(sets):
    base = dpu_fingerprint(load_design("pynq_z2", "B512"))[0]
    assert dpu_fingerprint(load_design("pynq_z2", "B512", sets))[0] == base
    key = sets[0].split("=")[0]
    assert key in fingerprint_plan(load_design("pynq_z2", "B512")).unmapped


def test_ip_version_4_0_has_no_argmax_bit_like_the_vai_2_5_targets(tmp_path):
    profile = _profile_variant(tmp_path, "B4096", 1, "4.0")
    fp, config = dpu_fingerprint(load_design("pynq_z2", profile))
    # KV260 with the VAI 2.5 IP reports 0x101000016010407: the v4.0 ttcl has no argmax term
    assert fp == 0x0101000016010407 == isa1_expected("B4096", argmax=False)
    assert not config.save_argmax
    rep = reproduce(fp)
    # the shipped 4.1 profile builds it with dpu.save_argmax=false
    assert rep.buildable and rep.profiles == ("B4096",)
    sets_back = tuple(a for i, a in enumerate(rep.args()) if i and rep.args()[i - 1] == "--set")
    assert "dpu.save_argmax=false" in sets_back
    assert dpu_fingerprint(load_design("zybo_z7_20", "B4096", sets_back))[0] == fp


# ----------------------------------------------------------------------- decoding to hwgen


@pytest.mark.parametrize("name", [n for n in REGISTERED if "ISA1" in n])
def test_registered_fingerprints_decode_to_their_names_and_rebuild(name):
    fp = REGISTERED[name]
    assert decode(fp).name == name
    rep = reproduce(fp)
    assert rep.buildable, rep.blockers
    args = rep.args()
    sets_back = tuple(a for i, a in enumerate(args) if i and args[i - 1] == "--set")
    assert fingerprint_plan(load_design("pynq_z2", rep.profiles[0], sets_back)).name == name


@pytest.mark.parametrize("fp, field", [
    (isa1_expected("B512") | 1 << 32, "conv_write_parallel"),       # conv write parallel 2
    (isa1_expected("B512") | 2 << 34, "alu_write_parallel"),        # ALU write parallel 4
    (isa1_expected("B512") & ~(1 << 16), "load_parallel"),          # LOAD_PARALLEL 1
    (isa0_expected("B1024") & ~(1 << 30), "avg_pool"),
    (isa0_expected("B1024") | 1 << 36, "eltwise_mult"),
    (isa0_expected("B1024") | 1 << 17, "eltwise_parallel"),         # eltwise parallel 3
    # the VAI 1.x ISA0 target needs a v3.x depthwise engine; hwgen writes v4.x CONFIG only
    (REGISTERED["DPUCZDX8G_ISA0_B4096_MAX_BG2"], "depthwise_parallel"),
])
def test_fields_no_setting_controls_are_named(fp, field):
    rep = reproduce(fp)
    assert not rep.buildable
    assert any(b.startswith(field + " ") for b in rep.blockers), rep.blockers


def test_arch_json_forms():
    assert arch_json(decode(0x0101000056010407)) == {"target": "DPUCZDX8G_ISA1_B4096"}
    assert arch_json(decode(0x0101000056010800)) == {"fingerprint": "0x101000056010800"}


# ----------------------------------------------------------------------- build folder


@pytest.mark.parametrize("board", BOARDS)
def test_both_boards_builds_contain_arch_json_and_readme(board, tmp_path):
    from hwgen.folder.build import build

    design = load_design(board)
    outputs = build(design, tmp_path)
    paths = {o.path for o in outputs}
    assert {"vitis-ai/arch.json", "vitis-ai/README.md"} <= paths
    # byte for byte the IP template's output (DPU41-TTCL): {"fingerprint":"0x<hex>"}
    assert (tmp_path / "vitis-ai/arch.json").read_text() == '{"fingerprint":"0x%X"}\n' % isa1_expected("B512")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {"vitis-ai/arch.json", "vitis-ai/README.md"} <= {o["path"] for o in manifest["outputs"]}


def test_outputs_are_deterministic_and_carry_no_absolute_paths(tmp_path, monkeypatch):
    # A profile given by a relative path, as users type it (design.inputs keeps the name
    # as given; an absolute --dpu path would appear as typed, there and in the manifest).
    monkeypatch.chdir(tmp_path)
    profile = _profile_variant(tmp_path, "B800", 1, "4.1").replace(str(tmp_path) + "/", "")
    first = arch_json_outputs(load_design("pynq_z2", profile, ("dpu.ram_usage=high",)))
    second = arch_json_outputs(load_design("pynq_z2", profile, ("dpu.ram_usage=high",)))
    assert [o.data for o in first] == [o.data for o in second]
    for o in first:
        assert str(tmp_path) not in o.data.decode() and "/work/" not in o.data.decode()


def test_readme_names_version_inputs_and_marks_every_field_certainty():
    design = load_design("pynq_z2", "B512", ("dpu.alu_parallel=8",))
    readme = next(o for o in render_outputs(design) if o.path == "vitis-ai/README.md").data.decode()
    from hwgen import __version__

    assert f"hwgen {__version__}" in readme
    for i in design.inputs:
        assert i.name in readme and i.sha256 in readme
    assert "`--set dpu.alu_parallel=8`" in readme
    plan = fingerprint_plan(design)
    assert not plan.inferred and "alu_parallel" in plan.established and "arch" in plan.established
    for row in plan.rows:
        line = next(l for l in readme.splitlines() if l.startswith(f"| {row.bits} | {row.name} |"))
        assert f"| {row.certainty} |" in line
    assert "vai_c_xir -x" in readme and "-a arch.json" in readme
    assert plan.hex in readme


# ----------------------------------------------------------------------- CLI


def test_cli_fingerprint_default_text(cli):
    code, out, err = cli("fingerprint", "--verbose")
    assert code == 0, err
    assert "0x0101000056010400" in out
    assert '{"fingerprint": "0x101000056010400"}' in out
    rows = {l.split()[1]: l for l in out.splitlines() if l.startswith("[")}
    sets = {"alu_parallel": "dpu.alu_parallel", "ram_usage": "dpu.ram_usage",
            "channel_augmentation": "dpu.channel_augmentation", "conv_leaky_relu": "dpu.leaky_relu",
            "alu_leaky_relu": "dpu.alu_leaky_relu", "save_argmax": "dpu.save_argmax"}
    for name, key in sets.items():
        assert rows[name].split()[3] == "established" and rows[name].split()[-1] == key


def test_cli_fingerprint_json_and_warning(cli):
    code, out, err = cli("fingerprint", "--set", "dpu.ram_usage=high", "--format", "json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["fingerprint"] == "0x0101000057010400" and rep["registered"] is False
    assert rep["arch_json"] == {"fingerprint": "0x101000057010400"}
    assert rep["warnings"] and "vitis-ai/arch.json" in rep["warnings"][0]
    certainty = {f["name"]: f["certainty"] for f in rep["fields"]}
    assert certainty["ram_usage"] == "established" and certainty["type"] == "established"
    code, out, _ = cli("fingerprint", "--set", "dpu.ram_usage=high")
    assert "warning: 0x0101000057010400 is no registered target: use vitis-ai/arch.json" in out


def test_cli_decode_prints_the_arguments_that_rebuild_it(cli):
    code, out, err = cli("fingerprint", "--decode", "0x101000056010402")
    assert code == 0, err
    assert "DPUCZDX8G_ISA1_B1024 (registered)" in out
    lines = out.splitlines()
    assert lines[2] == "hwgen arguments that build this DPU:"           # the answer leads
    # The arguments, continued with backslashes, paste into a shell as they are.
    command = [lines[3]]
    while command[-1].endswith(" \\"):
        command.append(lines[3 + len(command)])
    assert all(len(l) <= 100 for l in command)
    args = " ".join(l.removesuffix(" \\") for l in command).split()
    assert args[:2] == ["--dpu", "B1024"]
    sets = tuple(a for i, a in enumerate(args) if i and args[i - 1] == "--set")
    assert dpu_fingerprint(load_design(None, args[1], sets))[0] == 0x0101000056010402


def test_cli_decode_json_names_fields_no_setting_controls(cli):
    code, out, err = cli("fingerprint", "--decode", f"0x{isa1_expected('B512') | 1 << 32:x}",
                         "--format", "json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["hwgen"]["buildable"] is False and rep["hwgen"]["args"] == []
    assert rep["hwgen"]["not_settable"][0].startswith("conv_write_parallel [33:32] = 2")


def test_cli_decode_maps_every_settable_field_to_its_set(cli):
    fp = isa1_expected("B1024", alu=8, ram="high", augm=False, leaky=False, alu_leaky=True, argmax=False)
    code, out, err = cli("fingerprint", "--decode", f"0x{fp:x}")
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index("hwgen arguments that build this DPU:") + 1
    args = []                                  # the arguments wrap with a shell continuation
    for l in lines[start:]:
        args.append(l.rstrip("\\"))
        if not l.endswith("\\"):
            break
    line = " ".join(args)
    for s in ("dpu.alu_parallel=8", "dpu.ram_usage=high", "dpu.channel_augmentation=false",
              "dpu.leaky_relu=false", "dpu.alu_leaky_relu=true", "dpu.save_argmax=false"):
        assert s in line.split()


@pytest.mark.parametrize("value, says", [
    ("0xZZ", "not a hexadecimal number"),
    ("0x0201000056010200", "DPUCAHX8H"),                 # type 2
    ("0x0102000056010200", "ISA2"),
    ("0x010100005601020F", "arch index 15"),
    ("0x0101000056018200", "bit(s) 15"),                 # a bit no ISA1 field covers
    ("0x1" + "0" * 16, "64 bits"),
])
def test_cli_decode_invalid_is_one_line_and_exit_2(cli, value, says):
    code, out, err = cli("fingerprint", "--decode", value)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and says in err
    assert err.startswith(f"--decode {value}: ")


def test_cli_decode_refuses_selection_options_and_bad_sets_exit_2(cli):
    assert cli("fingerprint", "--decode", "0x0101000056010200", "--dpu", "B512")[0] == 2
    assert cli("fingerprint", "--set", "dpu.alu_parallel=3")[0] == 2
    assert cli("fingerprint", "--format", "xml")[0] == 2


def test_cli_as_a_real_process_and_lazy_imports():
    r = hwgen_main("fingerprint", "--decode", "nothex")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1
    r = hwgen_main("fingerprint", "--board", "zybo_z7_20", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["target"] == "DPUCZDX8G_ISA1_B512_0101000056010400"
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, hwgen.cli; print(sorted(m for m in sys.modules if m in "
         "('hwgen.emit.vitis_ai', 'hwgen.review.fingerprint_report', 'hwgen.dpu.fingerprint', 'jinja2')))"],
        env=hwgen_env(), capture_output=True, text=True, cwd=ROOT)
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr
