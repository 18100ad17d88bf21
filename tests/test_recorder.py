"""Tests of the Vivado Tcl recorder (tests/tclrec) itself.

Each test writes a small Tcl script into tmp_path, runs it under tclsh with the recorder
and asserts on the recording.  Every assertion compares against a concrete value the
script set, so a recorder that dropped or garbled it would fail.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import require_module

from tclrec import (
    DEFAULT_CATALOG,
    RECORDER_TCL,
    RecorderError,
    TclScriptError,
    run_tcl,
    run_tcl_code,
    tcl_word,
)

pytestmark = pytest.mark.requires("tclsh")

DPU = "xilinx.com:ip:dpuczdx8g:4.1"  # DPU41-PKG
PS7 = "xilinx.com:ip:processing_system7:5.5"
PART = "xc7z020clg400-1"
BOARD = "tul.com.tw:pynq-z2:part0:1.0"

# A project + block design prologue most tests build on.
PROLOGUE = f"""
create_project proj ./proj -part {PART} -force
create_bd_design system
set ps7 [create_bd_cell -type ip -vlnv {PS7} ps7]
"""


def run(tmp_path: Path, code: str, **kw):
    return run_tcl_code(textwrap.dedent(code), tmp_path, **kw)


# ---------------------------------------------------------------------------
# Project
# ---------------------------------------------------------------------------


def test_project_with_part_and_board_part(tmp_path):
    rec = run(
        tmp_path,
        f"""
        create_project hw_prj ./build/prj -part {PART} -force
        set_property BOARD_PART {BOARD} [current_project]
        set_property target_language VHDL [current_project]
        """,
        check=True,
    )
    p = rec.project
    assert p.name == "hw_prj"
    assert p.dir == tmp_path / "build" / "prj"
    assert p.part == PART
    assert p.board_part == BOARD
    assert p.force is True
    # Property names are stored upper case, with the script's spelling kept.
    assert p.properties["TARGET_LANGUAGE"] == "VHDL"
    assert p.property_names["TARGET_LANGUAGE"] == "target_language"
    assert rec.runs.keys() == {"synth_1", "impl_1"}


def test_unknown_part_and_board_part_fail(tmp_path):
    rec = run(tmp_path, "create_project p ./p -part xc7z999clg400-1\n")
    assert rec.error is not None and "xc7z999clg400-1" in rec.error
    rec = run(tmp_path, f"create_project p ./p -part {PART}\nset_property board_part acme:nope:part0:1.0 [current_project]\n")
    assert rec.error is not None and "acme:nope:part0:1.0" in rec.error


def test_board_part_implies_part(tmp_path):
    rec = run(tmp_path, f"create_project p ./p\nset_property board_part {BOARD} [current_project]\nputs [get_property PART [current_project]]\n")
    assert rec.ok, rec.error
    assert rec.project.part == PART
    assert rec.stdout.strip() == PART


# ---------------------------------------------------------------------------
# Cells and CONFIG properties
# ---------------------------------------------------------------------------


def test_ps7_dict_one_property_per_line(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + r"""
        set_property -dict [list \
          CONFIG.PCW_USE_S_AXI_HP0 {1} \
          CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {64} \
          CONFIG.PCW_IRQ_F2P_MODE {DIRECT} \
          config.pcw_use_fabric_interrupt {1} \
        ] $ps7
        set_property CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ {150} [get_bd_cells ps7]
        """,
        check=True,
    )
    ps = rec.cell("ps7")
    assert ps.vlnv == PS7 and ps.type == "ip"
    assert ps.config == {
        "PCW_USE_S_AXI_HP0": "1",
        "PCW_S_AXI_HP0_DATA_WIDTH": "64",
        "PCW_IRQ_F2P_MODE": "DIRECT",
        "PCW_USE_FABRIC_INTERRUPT": "1",
        "PCW_FPGA0_PERIPHERAL_FREQMHZ": "150",
    }
    assert ps.prop_names["CONFIG.PCW_USE_FABRIC_INTERRUPT"] == "config.pcw_use_fabric_interrupt"
    assert ps.prop("config.pcw_irq_f2p_mode") == "DIRECT"


def test_vlnv_must_be_in_catalog_and_versionless_vlnv_resolves(tmp_path):
    rec = run(tmp_path, PROLOGUE + f"create_bd_cell -type ip -vlnv {DPU} dpu\n")
    assert rec.error is not None and "not found in the IP catalog" in rec.error
    assert "dpu" not in rec.cells
    rec = run(tmp_path, PROLOGUE + "create_bd_cell -type ip -vlnv xilinx.com:ip:dpuczdx8g dpu\n", catalog=[DPU], check=True)
    assert rec.cell("dpu").vlnv == DPU


def test_ip_params_reject_unknown_config_names(tmp_path):
    params = {PS7: ["PCW_USE_S_AXI_HP0", "PCW_USE_S_AXI_HP2"]}
    ok = run(tmp_path, PROLOGUE + "set_property CONFIG.pcw_use_s_axi_hp2 {1} $ps7\n", ip_params=params)
    assert ok.ok, ok.error
    bad = run(tmp_path, PROLOGUE + "set_property -dict {CONFIG.PCW_USE_S_AXI_HP0 1 CONFIG.PCW_USE_S_AXI_HPX 1} $ps7\n", ip_params=params)
    assert bad.error is not None and "CONFIG.PCW_USE_S_AXI_HPX" in bad.error


def test_set_property_on_unknown_object_fails(tmp_path):
    rec = run(tmp_path, PROLOGUE + "set_property CONFIG.X 1 [get_bd_cells nosuch]\n")
    assert rec.error is not None and "No objects specified" in rec.error
    assert any("nosuch" in w for w in rec.warnings)
    rec = run(tmp_path, PROLOGUE + "set_property CONFIG.X 1 /nosuch\n")
    assert rec.error is not None and "not a known object" in rec.error


# ---------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------


def test_interface_and_net_connections(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + f"""
        create_bd_cell -type ip -vlnv {DPU} dpu
        create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset:5.0 rst
        create_bd_intf_port -mode Master -vlnv xilinx.com:interface:ddrx_rtl:1.0 DDR
        connect_bd_intf_net -intf_net ps7_DDR [get_bd_intf_ports DDR] [get_bd_intf_pins ps7/DDR]
        connect_bd_intf_net [get_bd_intf_pins dpu/M_AXI_DATA0] [get_bd_intf_pins ps7/S_AXI_HP0]
        connect_bd_net -net clk [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins dpu/aclk] [get_bd_pins ps7/S_AXI_HP0_ACLK]
        connect_bd_net [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins rst/slowest_sync_clk]
        connect_bd_net [get_bd_pins ps7/FCLK_RESET0_N] [get_bd_pins rst/ext_reset_in]
        """,
        catalog=[DPU],
        check=True,
    )
    assert rec.connected("DDR", "ps7/DDR")
    assert rec.connected("/ps7/S_AXI_HP0", "dpu/M_AXI_DATA0")
    assert not rec.connected("ps7/S_AXI_HP0", "ps7/DDR")
    assert rec.intf_connections == {
        frozenset({"DDR", "ps7/DDR"}),
        frozenset({"dpu/M_AXI_DATA0", "ps7/S_AXI_HP0"}),
    }
    # Connecting to a pin already on net "clk" extends that net.
    assert rec.net_of("rst/slowest_sync_clk") == {
        "ps7/FCLK_CLK0", "dpu/aclk", "ps7/S_AXI_HP0_ACLK", "rst/slowest_sync_clk"
    }
    assert rec.named_nets["clk"] == rec.net_of("dpu/aclk")
    assert rec.same_net("ps7/FCLK_CLK0", "dpu/aclk", "ps7/S_AXI_HP0_ACLK")
    assert not rec.same_net("ps7/FCLK_CLK0", "rst/ext_reset_in")
    assert rec.net_of("dpu/nonexistent") is None
    # Auto-named net: after the first object, like Vivado's <cell>_<pin>.
    assert rec.named_nets["ps7_FCLK_RESET0_N"] == {"ps7/FCLK_RESET0_N", "rst/ext_reset_in"}
    assert len(rec.nets) == 2


@pytest.mark.parametrize(
    "code, message",
    [
        ("connect_bd_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_pins ps7/FCLK_CLK0]", "interface object"),
        ("connect_bd_intf_net [get_bd_pins ps7/FCLK_CLK0] [get_bd_intf_pins ps7/S_AXI_HP0]", "not an interface"),
        ("connect_bd_net [get_bd_pins ps7/FCLK_CLK0]", "at least two"),
        ("connect_bd_net ps7/FCLK_CLK0 ps7/M_AXI_GP0_ACLK", "not a known pin"),
        (
            "connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins ps7/S_AXI_HP0]\n"
            "connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins ps7/S_AXI_HP2]",
            "already connected",
        ),
    ],
)
def test_bad_connections_fail(tmp_path, code, message):
    rec = run(tmp_path, PROLOGUE + code + "\n")
    assert rec.error is not None and message in rec.error


def test_ps7_automation_make_external_creates_ports(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + """
        apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 -config {make_external "FIXED_IO, DDR" apply_board_preset "1" Master "Disable" Slave "Disable"} [get_bd_cells ps7]
        """,
        check=True,
    )
    (a,) = rec.automation
    assert a.rule == "xilinx.com:bd_rule:processing_system7"
    assert a.config_dict["make_external"] == "FIXED_IO, DDR"
    assert a.objects == ("/ps7",)
    assert rec.connected("DDR", "ps7/DDR") and rec.connected("FIXED_IO", "ps7/FIXED_IO")
    assert rec.intf_ports["DDR"].vlnv == "xilinx.com:interface:ddrx_rtl:1.0"
    # apply_board_preset without a board_part is flagged.
    assert any("board_part" in w for w in rec.warnings)


# ---------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------

ADDR_PROLOGUE = PROLOGUE + f"create_bd_cell -type ip -vlnv {DPU} dpu\n"


def test_assign_bd_address_offset_and_range(tmp_path):
    rec = run(
        tmp_path,
        ADDR_PROLOGUE
        + """
        assign_bd_address -offset 0x4F000000 -range 0x01000000 -target_address_space [get_bd_addr_spaces ps7/Data] [get_bd_addr_segs dpu/S_AXI/reg0] -force
        assign_bd_address -offset 0x00000000 -range 512M -target_address_space [get_bd_addr_spaces dpu/DPU0_M_AXI_DATA0] [get_bd_addr_segs ps7/S_AXI_HP0/HP0_DDR_LOWOCM]
        puts [get_property OFFSET [get_bd_addr_segs ps7/Data/SEG_dpu_reg0]]
        """,
        catalog=[DPU],
        check=True,
    )
    a = rec.address("dpu/S_AXI/reg0")
    assert (a.space, a.offset, a.range) == ("ps7/Data", 0x4F000000, 0x01000000)
    assert a.end == 0x4FFFFFFF
    assert a.name == "ps7/Data/SEG_dpu_reg0"
    hp = rec.address("ps7/S_AXI_HP0/HP0_DDR_LOWOCM", space="dpu/DPU0_M_AXI_DATA0")
    assert (hp.offset, hp.range) == (0, 0x20000000)
    assert rec.stdout.strip() == "0x4F000000"


@pytest.mark.parametrize(
    "offset, rng, message",
    [
        ("0x4F800000", "0x01000000", "not aligned"),
        ("0x4F000000", "0x00C00000", "not a power of two"),
        ("0x4FZ", "0x1000", "invalid offset"),
    ],
)
def test_assign_bd_address_rejects_bad_windows(tmp_path, offset, rng, message):
    rec = run(
        tmp_path,
        ADDR_PROLOGUE
        + f"assign_bd_address -offset {offset} -range {rng} -target_address_space [get_bd_addr_spaces ps7/Data] [get_bd_addr_segs dpu/S_AXI/reg0]\n",
        catalog=[DPU],
    )
    assert rec.error is not None and message in rec.error
    assert rec.addresses == ()


def test_overlapping_addresses_fail(tmp_path):
    rec = run(
        tmp_path,
        ADDR_PROLOGUE
        + """
        create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 sc
        assign_bd_address -offset 0x4F000000 -range 16M -target_address_space [get_bd_addr_spaces ps7/Data] [get_bd_addr_segs dpu/S_AXI/reg0]
        assign_bd_address -offset 0x4F800000 -range 8M -target_address_space [get_bd_addr_spaces ps7/Data] [get_bd_addr_segs sc/S00_AXI/Reg]
        """,
        catalog=[DPU],
    )
    assert rec.error is not None and "overlaps" in rec.error
    assert [a.segment for a in rec.addresses] == ["dpu/S_AXI/reg0"]


# ---------------------------------------------------------------------------
# Runs, reports, export
# ---------------------------------------------------------------------------


def test_run_strategy_and_step_properties(tmp_path):
    rec = run(
        tmp_path,
        f"""
        create_project p ./p -part {PART}
        set_property strategy Performance_Explore [get_runs impl_1]
        set_property STEPS.POST_ROUTE_PHYS_OPT_DESIGN.IS_ENABLED true [get_runs impl_1]
        set_property -dict [list steps.post_route_phys_opt_design.args.directive Explore] [get_runs impl_1]
        set_property -dict [list {{STEPS.ROUTE_DESIGN.ARGS.MORE OPTIONS}} {{-tns_cleanup}}] [get_runs impl_1]
        set_property -name {{STEPS.OPT_DESIGN.ARGS.MORE OPTIONS}} -value -debug_log -objects [get_runs impl_1]
        """,
        check=True,
    )
    impl = rec.runs["impl_1"]
    assert impl["STRATEGY"] == "Performance_Explore"
    assert impl["STEPS.POST_ROUTE_PHYS_OPT_DESIGN.IS_ENABLED"] == "true"
    assert impl["STEPS.POST_ROUTE_PHYS_OPT_DESIGN.ARGS.DIRECTIVE"] == "Explore"
    assert impl["STEPS.ROUTE_DESIGN.ARGS.MORE OPTIONS"] == "-tns_cleanup"
    assert impl["STEPS.OPT_DESIGN.ARGS.MORE OPTIONS"] == "-debug_log"
    assert rec.runs["synth_1"] == {}
    # Order is kept: the strategy is set before the step override.
    names = [p.name for p in rec.properties if p.object == "impl_1"]
    assert names.index("strategy") < names.index("STEPS.POST_ROUTE_PHYS_OPT_DESIGN.IS_ENABLED")


def test_positional_value_starting_with_dash_is_parsed_as_option(tmp_path):
    # Vivado-written scripts pass such values with -dict or -name/-value/-objects;
    # positionally the value is taken for an option (inferred, see the report).
    rec = run(tmp_path, f"create_project p ./p -part {PART}\nset_property {{STEPS.ROUTE_DESIGN.ARGS.MORE OPTIONS}} -tns_cleanup [get_runs impl_1]\n")
    assert rec.error is not None and "Unknown option '-tns_cleanup'" in rec.error


def test_launch_runs_jobs_to_step_and_completion_checks(tmp_path):
    rec = run(
        tmp_path,
        f"""
        create_project p ./p -part {PART}
        launch_runs impl_1 -to_step write_bitstream -jobs 8
        wait_on_run -timeout 600 impl_1
        if {{[get_property PROGRESS [get_runs impl_1]] != "100%"}} {{ error "impl_1 failed" }}
        if {{[get_property STATUS [get_runs impl_1]] ne "write_bitstream Complete!"}} {{ error "no bitstream" }}
        puts [get_property CURRENT_STEP [get_runs impl_1]]
        puts [get_property STATUS [get_runs synth_1]]
        open_run impl_1
        report_utilization -hierarchical -file reports/util_hier.rpt
        report_timing_summary -max_paths 10 -report_unconstrained -warn_on_violation -file reports/timing.rpt
        """,
        check=True,
    )
    (launch,) = rec.launches
    assert launch.runs == ("impl_1",) and launch.jobs == 8 and launch.to_step == "write_bitstream"
    assert rec.waits == ("impl_1",) and rec.opened_runs == ("impl_1",)
    assert rec.stdout.split() == ["write_bitstream", "synth_design", "Complete!"]
    assert [(r.command, r.file) for r in rec.reports] == [
        ("report_utilization", "reports/util_hier.rpt"),
        ("report_timing_summary", "reports/timing.rpt"),
    ]
    assert rec.reports[0].switches["-hierarchical"] is True
    assert rec.reports[1].switches["-max_paths"] == "10"


def test_status_without_write_bitstream_step_is_not_complete(tmp_path):
    rec = run(
        tmp_path,
        f"""
        create_project p ./p -part {PART}
        launch_runs impl_1 -jobs 2
        if {{[get_property STATUS [get_runs impl_1]] ne "write_bitstream Complete!"}} {{ error "no bitstream" }}
        """,
    )
    assert rec.error == "no bitstream"


@pytest.mark.parametrize(
    "code, message",
    [
        ("launch_runs impl_1 -to_step place", "invalid -to_step"),
        ("launch_runs impl_1 -to_step write_bitstream -next_step", "exclusive"),
        ("launch_runs impl_1 -jobs 0", "-jobs"),
        ("launch_runs impl_9", "run 'impl_9' not found"),
        ("open_run impl_1", "has not been launched"),
        ("launch_runs impl_1\nreport_utilization -file u.rpt", "No open design"),
        ("launch_runs impl_1\nopen_run impl_1\nreport_utilization -force -file u.rpt", "Unknown option '-force'"),
    ],
)
def test_bad_run_usage_fails(tmp_path, code, message):
    rec = run(tmp_path, f"create_project p ./p -part {PART}\n{code}\n")
    assert rec.error is not None and message in rec.error


def test_write_hw_platform(tmp_path):
    rec = run(
        tmp_path,
        f"""
        create_project p ./p -part {PART}
        launch_runs impl_1 -to_step write_bitstream
        write_hw_platform -fixed -include_bit -force -file out/system.xsa
        write_hw_platform -fixed -force ./plain.xsa
        validate_hw_platform ./plain.xsa
        """,
        check=True,
    )
    first, second = rec.hw_platforms
    assert first.file == "out/system.xsa" and first.path == tmp_path / "out" / "system.xsa"
    assert first.switches == {"-fixed": True, "-include_bit": True, "-force": True, "-file": "out/system.xsa"}
    assert first.bit_available
    assert second.file == "./plain.xsa" and "-include_bit" not in second.switches
    assert rec.hw_validations == (tmp_path / "plain.xsa",)


def test_write_hw_platform_needs_exactly_one_file(tmp_path):
    rec = run(tmp_path, f"create_project p ./p -part {PART}\nwrite_hw_platform -fixed -file a.xsa b.xsa\n")
    assert rec.error is not None and "exactly one" in rec.error
    rec = run(tmp_path, f"create_project p ./p -part {PART}\nwrite_hw_platform -include_bit -file a.xsa\n", check=True)
    assert any("-include_bit" in w for w in rec.warnings)  # no bitstream produced


def test_wrapper_and_files(tmp_path):
    (tmp_path / "top.xdc").write_text("# constraints\n")
    rec = run(
        tmp_path,
        f"""
        create_project p ./p -part {PART}
        create_bd_design system
        validate_bd_design
        save_bd_design
        generate_target all [get_files system.bd]
        set w [make_wrapper -files [get_files system.bd] -top]
        add_files -norecurse $w
        add_files -fileset constrs_1 -norecurse top.xdc
        set_property top system_wrapper [current_fileset]
        update_compile_order -fileset sources_1
        """,
        check=True,
    )
    (w,) = rec.wrappers
    assert w.path == tmp_path / "p" / "p.gen" / "sources_1" / "bd" / "system" / "hdl" / "system_wrapper.v"
    assert w.bd_file == tmp_path / "p" / "p.srcs" / "sources_1" / "bd" / "system" / "system.bd"
    assert [(f.path, f.fileset, f.exists) for f in rec.files_added] == [
        (w.path, None, False),
        (tmp_path / "top.xdc", "constrs_1", True),
    ]
    assert rec.top == "system_wrapper"
    assert rec.validated and rec.saved
    assert rec.generate_targets[0]["targets"] == ["all"]


def test_add_files_of_missing_file_fails(tmp_path):
    rec = run(tmp_path, f"create_project p ./p -part {PART}\nadd_files -norecurse ./nope.v\n")
    assert rec.error is not None and "does not exist" in rec.error


# ---------------------------------------------------------------------------
# Sourcing, strictness
# ---------------------------------------------------------------------------


def test_source_sibling_files_relative_to_info_script(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    (build / "block_design.tcl").write_text(
        f"create_bd_design system\ncreate_bd_cell -type ip -vlnv {PS7} ps7\nset bd_script [info script]\n"
    )
    (build / "strategies.tcl").write_text("set_property strategy Performance_Explore [get_runs impl_1]\n")
    (build / "build.tcl").write_text(
        textwrap.dedent(
            f"""
            set script_dir [file dirname [file normalize [info script]]]
            create_project p ./p -part {PART}
            source [file join $script_dir block_design.tcl]
            source $script_dir/strategies.tcl
            puts "$bd_script|[info script]"
            """
        )
    )
    # cwd elsewhere: the sibling paths must come from `info script`, not the cwd.
    rec = run_tcl(build / "build.tcl", cwd=tmp_path, check=True)
    assert rec.sourced == (build / "block_design.tcl", build / "strategies.tcl")
    assert "ps7" in rec.cells
    assert rec.runs["impl_1"]["STRATEGY"] == "Performance_Explore"
    assert rec.stdout.strip() == f"{build / 'block_design.tcl'}|{build / 'build.tcl'}"
    assert rec.project.dir == tmp_path / "p"


def test_unknown_command_fails(tmp_path):
    rec = run(tmp_path, PROLOGUE + "create_bd_thing foo\ncreate_bd_cell -type hier after\n")
    assert rec.error == 'invalid command name "create_bd_thing"'
    assert rec.unknown_commands == ("create_bd_thing",)
    assert "after" not in rec.cells  # nothing runs after the error
    with pytest.raises(TclScriptError, match="create_bd_thing"):
        rec.check()


def test_unknown_switch_fails(tmp_path):
    rec = run(tmp_path, PROLOGUE + "create_bd_cell -bogus x -type ip -vlnv xilinx.com:ip:xlconcat:2.1 cat\n")
    assert rec.error is not None
    assert "Unknown option '-bogus'" in rec.error and rec.error.startswith("create_bd_cell")
    assert "cat" not in rec.cells


def test_switch_prefixes_like_vivado(tmp_path):
    # Unique prefixes are completed (UG894: "-of" == "-of_objects"); ambiguous ones fail.
    rec = run(tmp_path, PROLOGUE + "puts [get_bd_cells -hier -filt {VLNV =~ *processing_system7*}]\n", check=True)
    assert rec.stdout.strip() == "/ps7"
    rec = run(tmp_path, PROLOGUE + "create_bd_cell -v xilinx.com:ip:xlconcat:2.1 cat\n")
    assert rec.error is not None and "ambiguous option '-v'" in rec.error


@pytest.mark.parametrize(
    "code, message",
    [
        ("create_bd_port -type clk clk", "missing required option -dir"),
        ("create_bd_port -dir X clk", "invalid -dir"),
        ("create_bd_port -dir I -from 3 data", "-from and -to must be given together"),
        ("create_bd_intf_port -mode Master DDR", "missing required option -vlnv"),
        ("create_bd_cell -type ip", "missing required argument"),
        ("create_bd_cell -type hier a b", "too many positional"),
        ("set_property CONFIG.X [get_bd_cells ps7]", "expected <name> <value> <objects>"),
    ],
)
def test_missing_or_bad_arguments_fail(tmp_path, code, message):
    rec = run(tmp_path, PROLOGUE + code + "\n")
    assert rec.error is not None and message in rec.error


def test_quiet_turns_errors_into_warnings(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + """
        puts "<[get_bd_cells -quiet nosuch]>"
        create_bd_cell -quiet -type ip -vlnv acme:ip:nothing:1.0 x
        puts done
        """,
        check=True,
    )
    assert rec.stdout.split() == ["<>", "done"]
    assert any("acme:ip:nothing:1.0" in w for w in rec.warnings)
    assert "x" not in rec.cells


# ---------------------------------------------------------------------------
# Canaries
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, command",
    [
        ("exec rm -f {victim}", "exec"),
        ("file delete {victim}", "file"),
        ("file dele -force {victim}", "file"),  # ensemble prefix must not slip through
        ("file rename {victim} {victim}.moved", "file"),
        ("set f [open {victim} w]; puts $f x; close $f", "open"),
        ("set f [open {victim} {{WRONLY TRUNC}}]; close $f", "open"),
        ("open {{|rm {victim}}} r", "open"),
        ("source /etc/passwd", "source"),
        ("cd /", "cd"),
        ("socket localhost 22", "socket"),
    ],
)
def test_dangerous_builtins_are_blocked(tmp_path, code, command):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("keep me\n")
    build = tmp_path / "build"
    build.mkdir()
    rec = run(build, code.format(victim=victim) + "\nputs after\n")
    assert [v.command for v in rec.violations] == [command]
    assert rec.error is not None and "forbidden call blocked" in rec.error
    assert "after" not in rec.stdout
    assert victim.read_text() == "keep me\n"  # untouched
    assert not rec.ok


def test_caught_violation_still_recorded(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("x")
    build = tmp_path / "build"
    build.mkdir()
    rec = run(build, f"catch {{file delete {victim}}} msg\nputs $msg\n")
    assert rec.error is None
    assert victim.exists()
    assert len(rec.violations) == 1 and not rec.ok
    with pytest.raises(TclScriptError, match="violation: file delete"):
        rec.check()


def test_writes_inside_allowed_dir_are_performed_and_recorded(tmp_path):
    rec = run(
        tmp_path,
        """
        set here [file dirname [file normalize [info script]]]
        file mkdir $here/reports
        set f [open $here/reports/note.txt w]
        puts $f hello
        close $f
        set f [open $here/reports/note.txt r]
        puts [gets $f]
        close $f
        """,
        check=True,
    )
    assert (tmp_path / "reports").is_dir()
    assert (tmp_path / "reports" / "note.txt").read_text() == "hello\n"
    assert ("mkdir", str(tmp_path / "reports")) in rec.file_ops
    assert rec.files_read == (tmp_path / "reports" / "note.txt",)
    assert rec.stdout.strip() == "hello"


def test_mkdir_outside_allowed_dir_is_blocked(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    rec = run(build, f"file mkdir {tmp_path / 'elsewhere'}\n")
    assert [v.command for v in rec.violations] == ["file"]
    assert not (tmp_path / "elsewhere").exists()


def test_source_outside_allowed_dirs_but_listed_is_ok(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "helpers.tcl").write_text("proc helper {} { return 42 }\n")
    build = tmp_path / "build"
    build.mkdir()
    code = f"source {lib / 'helpers.tcl'}\nputs [helper]\n"
    blocked = run(build, code)
    assert [v.command for v in blocked.violations] == ["source"]
    allowed = run(build, code, allowed_dirs=[build, lib], check=True)
    assert allowed.stdout.strip() == "42"
    assert allowed.sourced == (lib / "helpers.tcl",)


def test_exit_is_recorded(tmp_path):
    rec = run(tmp_path, "puts before\nexit 3\nputs after\n")
    assert rec.exit_code == 3 and rec.error == "script called exit 3"
    assert rec.stdout.split() == ["before"]
    rec = run(tmp_path, "exit 0\n")
    assert rec.exit_code == 0 and rec.ok


# ---------------------------------------------------------------------------
# IP catalog checks
# ---------------------------------------------------------------------------

IP_CHECK = """
create_project p ./p -part {part}
set missing {{}}
foreach vlnv {{{vlnvs}}} {{
    if {{[get_ipdefs -all $vlnv] eq ""}} {{ lappend missing $vlnv }}
}}
if {{[llength $missing]}} {{
    error "The following IPs are not found in the IP Catalog: [join $missing {{, }}]"
}}
create_bd_design system
create_bd_cell -type ip -vlnv {dpu} dpu
"""


def test_get_ipdefs_miss_lets_script_error_with_its_message(tmp_path):
    code = IP_CHECK.format(part=PART, vlnvs=f"{PS7} {DPU}", dpu=DPU)
    rec = run(tmp_path, code)
    assert rec.error == f"The following IPs are not found in the IP Catalog: {DPU}"
    assert [(c.patterns, c.found) for c in rec.catalog_checks] == [((PS7,), (PS7,)), ((DPU,), ())]
    assert rec.catalog_checks[0].switches == {"-all": True}
    assert rec.cells == {}
    with pytest.raises(TclScriptError, match="not found in the IP Catalog"):
        run(tmp_path, code, check=True)


def test_get_ipdefs_finds_catalog_vlnv(tmp_path):
    rec = run(tmp_path, IP_CHECK.format(part=PART, vlnvs=f"{PS7} {DPU}", dpu=DPU), catalog=[DPU], check=True)
    assert rec.catalog_checks[1].found == (DPU,)
    assert rec.cell("dpu").vlnv == DPU


def test_repo_ip_visible_only_with_ip_repo_paths(tmp_path):
    repo = tmp_path / "ip_repo"
    (repo / "dpu").mkdir(parents=True)
    body = IP_CHECK.format(part=PART, vlnvs=DPU, dpu=DPU)
    without = run(tmp_path, body, repo_ips={repo / "dpu": [DPU]})
    assert without.error is not None and DPU in without.error
    with_repo = body.replace(
        "set missing {}",
        f"set_property ip_repo_paths {repo} [current_project]\nupdate_ip_catalog -rebuild\nset missing {{}}",
    )
    rec = run(tmp_path, with_repo, repo_ips={repo / "dpu": [DPU]}, check=True)
    assert rec.ip_repo_paths == (repo,)
    assert DPU in rec.catalog and rec.cell("dpu").vlnv == DPU


# ---------------------------------------------------------------------------
# Queries, hierarchy, misc
# ---------------------------------------------------------------------------


def test_export_style_hierarchy(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + f"""
        set parentObj [get_bd_cells /]
        if {{[get_property TYPE $parentObj] ne "hier"}} {{ error "root is not hier" }}
        set oldCurInst [current_bd_instance .]
        set hier [create_bd_cell -type hier dpu_hier]
        current_bd_instance $hier
        create_bd_pin -dir I -type clk aclk
        create_bd_intf_pin -mode Slave -vlnv xilinx.com:interface:aximm_rtl:1.0 S_AXI
        set dpu [create_bd_cell -type ip -vlnv {DPU} dpu_eu_0]
        connect_bd_net [get_bd_pins aclk] [get_bd_pins dpu_eu_0/aclk]
        connect_bd_net [get_bd_pins aclk] [get_bd_pins dpu_eu_0/s_axi_aclk]
        connect_bd_intf_net [get_bd_intf_pins S_AXI] [get_bd_intf_pins dpu_eu_0/S_AXI]
        current_bd_instance $oldCurInst
        connect_bd_net [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins ps7/M_AXI_GP0_ACLK]
        # ps7/FCLK_CLK0 and dpu_hier/aclk are both on nets already: joined through
        # the hierarchy pin, that is legal.
        connect_bd_net [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins dpu_hier/aclk]
        connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins dpu_hier/S_AXI]
        puts $dpu
        puts [lsort [get_bd_cells -hierarchical *]]
        """,
        catalog=[DPU],
        check=True,
    )
    assert rec.cell("dpu_hier").type == "hier"
    assert rec.cell("dpu_hier/dpu_eu_0").vlnv == DPU
    assert rec.same_net("dpu_hier/aclk", "dpu_hier/dpu_eu_0/aclk")
    assert rec.same_net("ps7/FCLK_CLK0", "ps7/M_AXI_GP0_ACLK", "dpu_hier/aclk", "dpu_hier/dpu_eu_0/s_axi_aclk")
    assert len(rec.nets) == 1 and rec.warnings == ()
    assert rec.connected("dpu_hier/S_AXI", "dpu_hier/dpu_eu_0/S_AXI")
    assert rec.connected("ps7/M_AXI_GP0", "dpu_hier/S_AXI")
    assert not rec.connected("ps7/M_AXI_GP0", "dpu_hier/dpu_eu_0/S_AXI")
    assert rec.intf_reachable("ps7/M_AXI_GP0", "dpu_hier/dpu_eu_0/S_AXI")
    assert not rec.intf_reachable("ps7/M_AXI_GP0", "ps7/S_AXI_HP0")
    assert rec.stdout.splitlines() == ["/dpu_hier/dpu_eu_0", "/dpu_hier /dpu_hier/dpu_eu_0 /ps7"]
    # A pin that was never created on a hierarchy is not found (empty + warning,
    # like Vivado), so the connection is left with one pin and fails.
    bad = run(tmp_path, PROLOGUE + "create_bd_cell -type hier h\nconnect_bd_net [get_bd_pins h/clk] [get_bd_pins ps7/FCLK_CLK0]\n")
    assert bad.error is not None and "at least two" in bad.error
    assert bad.warnings == ("get_bd_pins: no objects matched 'h/clk'",)


def test_filters_and_of_objects(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + """
        create_bd_cell -type ip -vlnv xilinx.com:ip:xlconcat:2.1 irq
        create_bd_port -dir I -type clk -freq_hz 100000000 clk_in
        create_bd_port -dir O -from 7 -to 0 leds
        connect_bd_net [get_bd_pins irq/dout] [get_bd_pins ps7/IRQ_F2P]
        puts [get_bd_cells -filter {VLNV =~ "xilinx.com:ip:xlconcat:*" || NAME == ps7}]
        puts [get_bd_ports -filter {DIR == I && TYPE == clk}]
        puts [get_bd_ports -filter {LEFT == 7}]
        puts [get_bd_pins -of_objects [get_bd_nets -of_objects [get_bd_pins irq/dout]]]
        puts [get_bd_cells -of_objects [get_bd_pins ps7/IRQ_F2P]]
        puts [get_property CONFIG.FREQ_HZ [get_bd_ports clk_in]]
        """,
        check=True,
    )
    assert rec.stdout.splitlines() == [
        "/irq /ps7",
        "/clk_in",
        "/leds",
        "/irq/dout /ps7/IRQ_F2P",
        "/ps7",
        "100000000",
    ]
    assert rec.ports["leds"].width == 8 and rec.ports["clk_in"].type == "clk"


def test_version_argv_and_messages(tmp_path):
    rec = run(
        tmp_path,
        """
        puts [version -short]
        puts "$argc [lindex $argv 1]"
        common::send_msg_id "HWGEN-1" "INFO" "hello"
        common::send_msg_id "HWGEN-2" "ERROR" "stop here"
        puts unreachable
        """,
        argv=["--board", "pynq z2"],
    )
    assert rec.stdout.splitlines() == ["2023.2", "2 pynq z2"]
    assert rec.messages == (("HWGEN-1", "INFO", "hello"), ("HWGEN-2", "ERROR", "stop here"))
    assert rec.error is not None and "stop here" in rec.error


def test_json_round_trip_of_awkward_strings(tmp_path):
    # Quotes, backslashes, braces, brackets, control characters and non-ASCII must
    # survive the Tcl JSON writer unchanged.
    value = 'a "q" \\ {b} [c] $d\tt\nline2 \x01 µ→'
    rec = run(
        tmp_path,
        PROLOGUE + f"set_property CONFIG.USER_TEXT {tcl_word(value)} $ps7\n",
        check=True,
    )
    assert rec.cell("ps7").props["CONFIG.USER_TEXT"] == value


# Each character the JSON writer must escape, alone: the writer skips its escaping for
# strings with none of them, so a character missing from that test would come back broken.
@pytest.mark.parametrize("char", [chr(c) for c in range(32)] + ['"', "\\"],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_json_escapes_every_control_character_quote_and_backslash(tmp_path, char):
    value = f"a{char}b"
    rec = run(tmp_path, PROLOGUE + f"set_property CONFIG.USER_TEXT {tcl_word(value)} $ps7\n",
              check=True)
    assert rec.cell("ps7").props["CONFIG.USER_TEXT"] == value


def test_paths_with_spaces_and_specials(tmp_path):
    weird = tmp_path / "dir with space $x [y] {z}"
    weird.mkdir()
    (weird / "part.tcl").write_text("set ::marker ok\n")
    (weird / "main.tcl").write_text(
        "source [file join [file dirname [info script]] part.tcl]\nputs $::marker\n"
    )
    rec = run_tcl(weird / "main.tcl", check=True)
    assert rec.sourced == (weird / "part.tcl",)
    assert rec.stdout.strip() == "ok"


def test_command_log_and_order(tmp_path):
    rec = run(tmp_path, PROLOGUE + "validate_bd_design\nsave_bd_design\n", check=True)
    assert [c.name for c in rec.commands] == [
        "create_project", "create_bd_design", "create_bd_cell", "validate_bd_design", "save_bd_design"
    ]
    assert rec.calls("create_bd_cell") == [("-type", "ip", "-vlnv", PS7, "ps7")]
    assert rec.command_index("validate_bd_design") < rec.command_index("save_bd_design")


def test_timeout_raises_recorder_error(tmp_path):
    with pytest.raises(RecorderError, match="did not finish"):
        run(tmp_path, "after 5000\n", timeout=1)


def test_default_catalog_and_recorder_file():
    assert RECORDER_TCL.is_file()
    assert PS7 in DEFAULT_CATALOG and DPU not in DEFAULT_CATALOG


def test_recorder_json_is_valid_for_direct_driver(tmp_path):
    # The recorder can also be driven without the Python harness (e.g. from a shell).
    out = tmp_path / "rec.json"
    driver = tmp_path / "drv.tcl"
    driver.write_text(
        f"source {tcl_word(str(RECORDER_TCL))}\n"
        f"::rec::configure catalog {{{PS7}}}\n"
        "::rec::install_canaries\n"
        f"create_project p ./p\ncreate_bd_design d\ncreate_bd_cell -type ip -vlnv {PS7} ps7\n"
        f"::rec::dump {tcl_word(str(out))}\n"
    )
    subprocess.run(["tclsh", str(driver)], cwd=tmp_path, check=True, timeout=30)
    data = json.loads(out.read_text())
    assert data["designs"][0]["cells"]["/ps7"]["vlnv"] == PS7


def test_edalize_generated_project_tcl_runs(tmp_path):
    vivado_flow = require_module("edalize.flows.vivado")
    (tmp_path / "bd.tcl").write_text(
        f"create_bd_design system\ncreate_bd_cell -type ip -vlnv {PS7} ps7\n"
        "add_files -norecurse [make_wrapper -files [get_files system.bd] -top]\n"
    )
    edam = {
        "name": "hw",
        "toplevel": "system_wrapper",
        "files": [{"name": "bd.tcl", "file_type": "tclSource"}],
        "flow_options": {"part": PART, "jobs": 2},
    }
    vivado_flow.Vivado(edam, str(tmp_path)).configure()
    rec = run_tcl(tmp_path / "hw.tcl", check=True)
    assert rec.project.name == "hw" and rec.project.part == PART
    assert rec.sourced == (tmp_path / "bd.tcl",)
    assert rec.top == "system_wrapper"
    assert rec.files_added[0].path.name == "system_wrapper.v"


def test_set_param_and_list_property(tmp_path):
    rec = run(
        tmp_path,
        f"""
        set_param general.maxThreads 4
        create_project p ./p -part {PART}
        set_property STEPS.WRITE_BITSTREAM.ARGS.BIN_FILE true [get_runs impl_1]
        puts [get_param general.maxThreads]
        puts [list_property [get_runs impl_1] steps.write_bitstream.*]
        puts [llength [list_property [get_runs impl_1] STEPS.NOPE*]]
        """,
        check=True,
    )
    assert rec.stdout.splitlines() == ["4", "STEPS.WRITE_BITSTREAM.ARGS.BIN_FILE", "0"]
    assert rec.raw["params"] == {"general.maxThreads": "4"}


def test_file_copy_into_allowed_dir_reads_source_freely(tmp_path):
    src = tmp_path / "outside.txt"
    src.write_text("data")
    build = tmp_path / "build"
    build.mkdir()
    ok = run(build, f"file copy -force {src} [file dirname [info script]]/copy.txt\n", check=True)
    assert (build / "copy.txt").read_text() == "data"
    assert ok.file_ops == (("copy", str(build / "copy.txt")),)
    bad = run(build, f"file copy [info script] {tmp_path / 'leak.tcl'}\n")
    assert [v.command for v in bad.violations] == ["file"] and not (tmp_path / "leak.tcl").exists()


def test_joining_two_plain_nets_merges_with_warning(tmp_path):
    rec = run(
        tmp_path,
        PROLOGUE
        + """
        create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset:5.0 rst
        connect_bd_net -net a [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins rst/slowest_sync_clk]
        connect_bd_net -net b [get_bd_pins ps7/FCLK_CLK1] [get_bd_pins rst/dcm_locked]
        connect_bd_net [get_bd_pins rst/slowest_sync_clk] [get_bd_pins rst/dcm_locked]
        """,
        check=True,
    )
    assert rec.named_nets == {"a": {"ps7/FCLK_CLK0", "rst/slowest_sync_clk", "ps7/FCLK_CLK1", "rst/dcm_locked"}}
    assert rec.warnings == ("connect_bd_net: merged nets /a, /b",)


def test_address_space_named_like_a_connected_master_pin(tmp_path):
    # Vivado names a master's address space after its interface pin; once the pin is
    # connected, the name must still be accepted where an address space is expected.
    rec = run(
        tmp_path,
        ADDR_PROLOGUE
        + """
        create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 axi_hp0
        connect_bd_intf_net [get_bd_intf_pins dpu/DPU0_M_AXI_DATA0] [get_bd_intf_pins axi_hp0/S00_AXI]
        assign_bd_address -offset 0 -range 512M -target_address_space [get_bd_addr_spaces dpu/DPU0_M_AXI_DATA0] [get_bd_addr_segs ps7/S_AXI_HP0/HP0_DDR_LOWOCM]
        """,
        catalog=[DPU],
        check=True,
    )
    hp = rec.address("ps7/S_AXI_HP0/HP0_DDR_LOWOCM", space="dpu/DPU0_M_AXI_DATA0")
    assert (hp.offset, hp.range) == (0, 512 << 20)
