"""The compiler handshake through the design layer: settings -> fingerprint -> arch.json, and back.

Expected fingerprints are computed here from the bit layout in dpu.md "Compiler
handshake" (type << 56 | ISA << 48 | fields), written out independently of
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

from conftest import DPUS, ROOT, hwgen_env, run_hwgen
from hwgen.folder.build import render_outputs
from hwgen.model.design import load_design
from hwgen.dpu.fingerprint import REGISTERED, decode
from hwgen.emit.vitis_ai import (arch_json, arch_json_outputs, dpu_fingerprint, fingerprint_checks,
                            fingerprint_plan, reproduce)

ARCH_INDEX = {"B512": 0, "B800": 1, "B1024": 2, "B1152": 3, "B1600": 4, "B2304": 5, "B3136": 6,
              "B4096": 7}                                   # dpu.md "Compiler handshake"
PP = {"B512": 4, "B800": 4, "B1024": 8, "B1152": 4, "B1600": 8, "B2304": 8, "B3136": 8,
      "B4096": 8}                                           # dpu.md §7
PROFILE_ALU = {"B512": 2, "B800": 2, "B1152": 2, "B1024": 4, "B1600": 4, "B2304": 4,
               "B3136": 4, "B4096": 4}                      # registered ISA1 targets (HS)
BOARDS = ("pynq_z2", "zybo_z7_20")


def isa1_expected(arch, alu=2, ram="low", augm=True, leaky=True, bit30=True):
    return (1 << 56 | 1 << 48 | ARCH_INDEX[arch] | alu << 8 | 1 << 16
            | (3 if ram == "high" else 2) << 24 | int(augm) << 26 | int(leaky) << 28
            | int(bit30) << 30)


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


@pytest.fixture(scope="module")
def isa0_profiles(tmp_path_factory):
    d = tmp_path_factory.mktemp("isa0")
    return {a: _profile_variant(d, a, 0, "3.4") for a in ARCH_INDEX}


# ----------------------------------------------------------------------- defaults and registered


@pytest.mark.parametrize("board", BOARDS)
def test_default_design_is_the_registered_b512_target(board):
    design = load_design(board)
    fp, config = dpu_fingerprint(design)
    assert fp == 0x0101000056010200 == isa1_expected("B512")      # dpu.md: DPUCZDX8G_ISA1_B512
    assert config.arch == "B512"
    plan = fingerprint_plan(design)
    assert plan.name == "DPUCZDX8G_ISA1_B512" and plan.registered
    assert plan.arch_json == {"target": "DPUCZDX8G_ISA1_B512"}
    assert fingerprint_checks(design)[0].ok


@pytest.mark.parametrize("arch", list(ARCH_INDEX))
def test_every_shipped_profile_with_its_defaults_is_its_registered_target(arch):
    fp, _ = dpu_fingerprint(load_design("pynq_z2", arch))
    assert fp == isa1_expected(arch, alu=PROFILE_ALU[arch])
    assert decode(fp).name == f"DPUCZDX8G_ISA1_{arch}"


@pytest.mark.parametrize("sets, expected", [
    # B512 target 0x0101000056010200 with bank groups 2 -> 3 in [25:24]: +0x01000000
    (("dpu.ram_usage=high",), 0x0101000057010200),
    # ALU parallel 2 -> 4 in [11:8]: +0x200
    (("dpu.alu_parallel=4",), 0x0101000056010400),
])
def test_ram_high_or_alu_parallel_gives_a_synthesized_name_and_a_fingerprint_arch_json(sets, expected):
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
    assert "compile the model against the generated fingerprint in vitis-ai/arch.json" in check.message
    readme = outputs["vitis-ai/README.md"].data.decode()
    assert "compile the model against the generated fingerprint" in readme
    assert plan.name in readme


# ----------------------------------------------------------------------- every combination

ISA1_COMBOS = list(itertools.product(ARCH_INDEX, ("low", "high"), (True, False), (True, False),
                                     (1, 2, 4, 8)))


@pytest.mark.parametrize("arch, ram, augm, leaky, alu", ISA1_COMBOS)
def test_isa1_round_trip_through_the_design_layer(arch, ram, augm, leaky, alu):
    sets = (f"dpu.ram_usage={ram}", f"dpu.channel_augmentation={_b(augm)}",
            f"dpu.leaky_relu={_b(leaky)}", f"dpu.alu_parallel={alu}")
    fp, config = dpu_fingerprint(load_design("zybo_z7_20", arch, sets))
    assert fp == isa1_expected(arch, alu, ram, augm, leaky)
    d = decode(fp)
    assert d.config == config
    assert (d.config.arch, d.config.ram_usage, d.config.channel_augmentation,
            d.config.conv_leaky_relu, d.config.alu_parallel) == (arch, ram, augm, leaky, alu)
    registered = (ram, augm, leaky, alu) == ("low", True, True, PROFILE_ALU[arch])
    assert d.registered == registered
    # ...and back: the printed arguments rebuild the same fingerprint, on the other board too.
    rep = reproduce(fp)
    assert rep.buildable and rep.profiles == (arch,)
    args = rep.args()
    assert args[:2] == ("--dpu", arch)
    sets_back = tuple(a for i, a in enumerate(args) if i and args[i - 1] == "--set")
    assert dpu_fingerprint(load_design("pynq_z2", args[1], sets_back))[0] == fp


ISA0_COMBOS = list(itertools.product(ARCH_INDEX, ("low", "high"), (True, False), (True, False),
                                     (True, False)))


@pytest.mark.parametrize("arch, ram, augm, leaky, dw", ISA0_COMBOS)
def test_isa0_round_trip_through_the_design_layer(isa0_profiles, arch, ram, augm, leaky, dw):
    sets = (f"dpu.ram_usage={ram}", f"dpu.channel_augmentation={_b(augm)}",
            f"dpu.leaky_relu={_b(leaky)}", f"dpu.depthwise_conv={_b(dw)}")
    design = load_design("pynq_z2", isa0_profiles[arch], sets)
    fp, config = dpu_fingerprint(design)
    assert fp == isa0_expected(arch, ram, augm, leaky, dw)
    assert decode(fp).config == config
    rep = reproduce(fp)
    assert rep.buildable and rep.profiles == () and rep.isa == 0 and rep.arch == arch
    args = rep.args(profile=isa0_profiles[arch])
    sets_back = tuple(a for i, a in enumerate(args) if i and args[i - 1] == "--set")
    assert dpu_fingerprint(load_design("zybo_z7_20", args[1], sets_back))[0] == fp


@pytest.mark.parametrize("sets", [("dpu.dsp_usage=low",), ("dpu.cores=2",), ("dpu.clock_mhz=100",),
                                  ("dpu.dsp_clock_mhz=250",), ("dpu.depthwise_conv=true",)])
def test_settings_outside_the_isa1_fingerprint_do_not_change_it(sets):
    base = dpu_fingerprint(load_design("pynq_z2", "B512"))[0]
    assert dpu_fingerprint(load_design("pynq_z2", "B512", sets))[0] == base
    key = sets[0].split("=")[0]
    assert key in fingerprint_plan(load_design("pynq_z2", "B512")).unmapped


def test_isa0_b4096_with_depthwise_is_the_registered_vai1_target_but_arch_json_keeps_the_fingerprint(
        isa0_profiles):
    design = load_design("pynq_z2", isa0_profiles["B4096"], ("dpu.depthwise_conv=true",))
    plan = fingerprint_plan(design)
    assert plan.fingerprint == 0x01000020F6014407 == isa0_expected("B4096", dw=True)
    assert plan.name == "DPUCZDX8G_ISA0_B4096_MAX_BG2" and plan.registered
    # VAI 3.x moved that name to expired_targets: the fingerprint works with every compiler.
    assert plan.arch_json == {"fingerprint": "0x1000020F6014407"}
    assert fingerprint_checks(design)[0].ok


def test_ip_version_4_0_clears_bit_30_like_the_vai_2_5_targets(tmp_path):
    profile = _profile_variant(tmp_path, "B4096", 1, "4.0")
    fp, config = dpu_fingerprint(load_design("pynq_z2", profile))
    # KV260 with the VAI 2.5 IP reports 0x101000016010407 (dpu.md: bit 30 clear in VAI 2.5)
    assert fp == 0x0101000016010407 == isa1_expected("B4096", alu=4, bit30=False)
    assert not config.bit30
    rep = reproduce(fp)
    assert rep.buildable and rep.profiles == ()            # every shipped profile is IP 4.1
    assert "vlnv: xilinx.com:ip:dpuczdx8g:4.0" in rep.profile_hint
    sets_back = tuple(a for i, a in enumerate(rep.args()) if i and rep.args()[i - 1] == "--set")
    assert dpu_fingerprint(load_design("zybo_z7_20", profile, sets_back))[0] == fp


# ----------------------------------------------------------------------- decoding to hwgen


@pytest.mark.parametrize("name", list(REGISTERED))
def test_registered_fingerprints_decode_to_their_names_and_rebuild(name, isa0_profiles):
    fp = REGISTERED[name]
    assert decode(fp).name == name
    rep = reproduce(fp)
    assert rep.buildable, rep.blockers
    profile = rep.profiles[0] if rep.isa == 1 else isa0_profiles[rep.arch]
    args = rep.args(profile=profile)
    sets_back = tuple(a for i, a in enumerate(args) if i and args[i - 1] == "--set")
    assert fingerprint_plan(load_design("pynq_z2", profile, sets_back)).name == name


@pytest.mark.parametrize("fp, field", [
    (isa1_expected("B512") | 1 << 29, "alu_leaky_relu"),            # ALU leaky-ReLU on
    (isa1_expected("B512") | 1 << 32, "conv_write_parallel"),       # conv write parallel 2
    (isa1_expected("B512") | 2 << 34, "alu_write_parallel"),        # ALU write parallel 4
    (isa1_expected("B512") & ~(1 << 16), "bit16"),
    (isa0_expected("B1024") & ~(1 << 30), "avg_pool"),
    (isa0_expected("B1024") | 1 << 36, "eltwise_mult"),
    (isa0_expected("B1024") | 1 << 17, "eltwise_parallel"),         # eltwise parallel 3
    # depthwise parallel 2 on B4096, where the IP derives PP/2 = 4
    ((isa0_expected("B4096", dw=True) & ~(0xFF << 8)) | 2 << 8 | 2 << 12, "depthwise_parallel"),
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
    assert json.loads((tmp_path / "vitis-ai/arch.json").read_text()) == {"target": "DPUCZDX8G_ISA1_B512"}
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


def test_readme_names_version_inputs_and_marks_every_inferred_field():
    design = load_design("pynq_z2", "B512", ("dpu.alu_parallel=8",))
    readme = next(o for o in render_outputs(design) if o.path == "vitis-ai/README.md").data.decode()
    from hwgen import __version__

    assert f"hwgen {__version__}" in readme
    for i in design.inputs:
        assert i.name in readme and i.sha256 in readme
    assert "`--set dpu.alu_parallel=8`" in readme
    plan = fingerprint_plan(design)
    assert plan.inferred and "alu_parallel" in plan.inferred and "arch" in plan.established
    for row in plan.rows:
        line = next(l for l in readme.splitlines() if l.startswith(f"| {row.bits} | {row.name} |"))
        assert f"| {row.certainty} |" in line
    assert "vai_c_xir -x" in readme and "-a arch.json" in readme
    assert plan.hex in readme


# ----------------------------------------------------------------------- CLI


def test_cli_fingerprint_default_text(cli):
    code, out, err = cli("fingerprint", "--verbose")
    assert code == 0, err
    assert "DPUCZDX8G_ISA1_B512 (registered)" in out
    assert "0x0101000056010200" in out
    assert '{"target": "DPUCZDX8G_ISA1_B512"}' in out
    rows = {l.split()[1]: l for l in out.splitlines() if l.startswith("[")}
    assert rows["arch"].split()[3] == "established"
    for name in ("alu_parallel", "ram_usage", "channel_augmentation", "conv_leaky_relu", "bit16", "bit30"):
        assert rows[name].split()[3] == "inferred"


def test_cli_fingerprint_json_and_warning(cli):
    code, out, err = cli("fingerprint", "--set", "dpu.ram_usage=high", "--format", "json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["fingerprint"] == "0x0101000057010200" and rep["registered"] is False
    assert rep["arch_json"] == {"fingerprint": "0x101000057010200"}
    assert rep["warnings"] and "vitis-ai/arch.json" in rep["warnings"][0]
    certainty = {f["name"]: f["certainty"] for f in rep["fields"]}
    assert certainty["ram_usage"] == "inferred" and certainty["type"] == "established"
    code, out, _ = cli("fingerprint", "--set", "dpu.ram_usage=high")
    assert "warning: DPU options match no registered Vitis AI target" in out


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
    code, out, err = cli("fingerprint", "--decode", f"0x{isa1_expected('B512') | 1 << 29:x}",
                         "--format", "json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["hwgen"]["buildable"] is False and rep["hwgen"]["args"] == []
    assert rep["hwgen"]["not_settable"][0].startswith("alu_leaky_relu [29] = true")


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
    r = run_hwgen("fingerprint", "--decode", "nothex")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1
    r = run_hwgen("fingerprint", "--board", "zybo_z7_20", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["target"] == "DPUCZDX8G_ISA1_B512"
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, hwgen.cli; print(sorted(m for m in sys.modules if m in "
         "('hwgen.emit.vitis_ai', 'hwgen.review.fingerprint_report', 'hwgen.dpu.fingerprint', 'jinja2')))"],
        env=hwgen_env(), capture_output=True, text=True, cwd=ROOT)
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr
