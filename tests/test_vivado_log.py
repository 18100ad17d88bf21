"""Tests for hwgen.run.vivado_log on hand-written log excerpts in Vivado's batch-log format."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hwgen.run.vivado_log import STAGES, ProgressParser, StageEvent, summarize

LOGS = Path(__file__).parent / "fixtures" / "logs"


def lines_of(name: str) -> list[str]:
    return (LOGS / name).read_text(encoding="utf-8").splitlines(keepends=True)


def stages(events: list[StageEvent]) -> list[tuple[str, int]]:
    return [(e.stage, e.line_no) for e in events]


def test_non_project_flow_stages_in_order():
    events = summarize(lines_of("nonproject_2022_2.log"))
    assert stages(events) == [
        ("synthesis", 18),
        ("optimization", 44),
        ("placement", 67),
        ("physical_optimization", 88),
        ("routing", 93),
        ("bitstream", 111),
        ("export", 129),
        ("done", 132),
    ]
    assert events[0].text == "# synth_design -top top -part xc7z020clg400-1"
    assert events[-1].text.startswith("INFO: [Common 17-206] Exiting Vivado")


def test_non_project_counts():
    parser = ProgressParser()
    for line in lines_of("nonproject_2022_2.log"):
        parser.feed(line)
    assert parser.stage == "done"
    assert parser.errors == []
    # One real CRITICAL WARNING; the "1 Critical Warnings" summary lines do not count.
    assert parser.critical_warnings == 1
    assert parser.bitstream_written is True


def test_project_mode_launch_runs():
    parser = ProgressParser()
    events = [e for e in (parser.feed(line) for line in lines_of("project_2020_1.log")) if e]
    assert stages(events) == [
        ("project", 13),
        ("synthesis", 26),  # "Launched <ip>_synth_1, ..., synth_1..."
        ("optimization", 39),  # "Launched impl_1..."
        ("export", 45),
        ("done", 49),
    ]
    assert parser.finished_runs == ["synth_1", "impl_1"]
    assert parser.critical_warnings == 1
    assert parser.errors == []


def test_impl_runme_log_with_crlf_and_no_command_echo():
    # Run logs are sourced with -notrace: only "Command: ..." lines mark the steps.
    raw = (LOGS / "impl_1_runme_2020_1.log").read_bytes().replace(b"\n", b"\r\n")
    lines = raw.decode("utf-8").splitlines(keepends=True)
    assert lines[12].endswith("\r\n")
    parser = ProgressParser()
    events = [e for e in map(parser.feed, lines) if e]
    assert stages(events) == [
        ("optimization", 20),
        ("placement", 28),
        ("physical_optimization", 42),
        ("routing", 45),
        ("physical_optimization", 57),  # post-route phys_opt_design
        ("bitstream", 60),
        ("done", 69),
    ]
    assert all("\r" not in e.text and "\n" not in e.text for e in events)
    assert parser.critical_warnings == 1
    assert parser.bitstream_written is True


def test_failed_synthesis():
    parser = ProgressParser()
    events = [e for e in map(parser.feed, lines_of("synth_error_2021_1.log")) if e]
    assert stages(events) == [("synthesis", 15), ("failed", 26)]
    assert events[-1].text == "ERROR: [Synth 8-439] module 'led_core' not found [/home/build/ebaz_led/src/top.v:20]"
    assert parser.stage == "failed"  # the exit message does not turn it into "done"
    assert parser.errors == [
        "ERROR: [Synth 8-439] module 'led_core' not found [/home/build/ebaz_led/src/top.v:20]",
        "ERROR: [Synth 8-6156] failed synthesizing module 'top' [/home/build/ebaz_led/src/top.v:1]",
        "ERROR: [Common 17-69] Command failed: Synthesis failed - please see the console or run log file for details",
    ]
    assert parser.critical_warnings == 2


def test_feed_returns_event_only_on_change():
    parser = ProgressParser()
    assert parser.stage == "idle"
    assert parser.feed("Command: place_design\n") == StageEvent("placement", 1, "Command: place_design")
    assert parser.feed("Starting Placer Task") is None
    assert parser.feed("Phase 1 Placer Initialization") is None
    assert parser.feed("Phase 1 Placer Initialization | Checksum: 1234abcd") is None
    assert parser.stage == "placement"
    assert parser.line_no == 4


@pytest.mark.parametrize(
    "line, stage",
    [
        ("Starting synth_design", "synthesis"),
        ("Command: synth_design -top top -part xc7z020clg400-1", "synthesis"),
        ("Starting opt_design Task", "optimization"),
        ("Command: opt_design", "optimization"),
        ("Command: place_design -directive Explore", "placement"),
        ("Phase 1 Placer Initialization", "placement"),
        ("Command: phys_opt_design", "physical_optimization"),
        ("Command: route_design", "routing"),
        ("Starting Routing Task", "routing"),
        ("Command: write_bitstream -force top.bit", "bitstream"),
        ("# write_hw_platform -fixed -force -file top.xsa", "export"),
        ("## synth_design -top top -part xc7z020clg400-1", "synthesis"),  # nested source
        ("create_project: Time (s): cpu = 00:00:04 ; elapsed = 00:00:06 .", "project"),
        ("[Sat Nov 28 10:00:00 2026] Launched synth_1...", "synthesis"),
        ("[Sat Nov 28 10:00:00 2026] Launched impl_1...", "optimization"),
        ("ERROR: [Vivado 12-1345] Error(s) found during DRC. Bitgen not run.", "failed"),
    ],
)
def test_single_markers(line, stage):
    parser = ProgressParser()
    event = parser.feed(line)
    assert event is not None and event.stage == stage and event.line_no == 1


@pytest.mark.parametrize(
    "line",
    [
        "4 Infos, 0 Warnings, 2 Critical Warnings and 3 Errors encountered.",
        "Synthesis finished with 0 errors, 1 critical warnings and 2 warnings.",
        "INFO: [Project 1-461] DRC finished with 0 Errors",
        "Running DRC as a precondition to command route_design",
        "  route_design completed successfully",
        "[Sat Nov 28 10:03:12 2026] Waiting for synth_1 to finish...",
        "",
    ],
)
def test_non_markers(line):
    parser = ProgressParser()
    assert parser.feed(line) is None
    assert parser.stage == "idle"
    assert parser.errors == [] and parser.critical_warnings == 0


def test_bitstream_completion_does_not_change_stage():
    parser = ProgressParser()
    parser.feed("Command: write_bitstream -force top.bit")
    assert parser.feed("INFO: [Vivado 12-1842] Bitgen Completed Successfully.") is None
    assert parser.bitstream_written is True
    assert parser.feed("write_bitstream completed successfully") is None
    assert parser.stage == "bitstream"


def test_failed_is_final():
    parser = ProgressParser()
    parser.feed("Command: route_design")
    assert parser.feed("ERROR: [Route 35-1] boom").stage == "failed"
    assert parser.feed("ERROR: [Common 17-39] 'route_design' failed due to earlier errors.") is None
    assert parser.feed("Command: write_bitstream") is None
    assert parser.feed("INFO: [Common 17-206] Exiting Vivado at Sat Nov 28 10:00:00 2026...") is None
    assert parser.stage == "failed"
    assert len(parser.errors) == 2


def test_summarize_accepts_open_file():
    with open(LOGS / "nonproject_2022_2.log", encoding="utf-8") as handle:
        events = summarize(handle)
    assert [e.stage for e in events][-1] == "done"
    assert len(events) == 8


def test_stage_event_is_frozen_and_stages_known():
    event = summarize(lines_of("nonproject_2022_2.log"))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.stage = "x"  # type: ignore[misc]
    for name in ("nonproject_2022_2.log", "project_2020_1.log", "synth_error_2021_1.log"):
        assert all(e.stage in STAGES for e in summarize(lines_of(name)))


def test_hwgen_checks_are_collected_and_other_warnings_are_not():
    p = ProgressParser()
    for line in ("WARNING: [Vivado 12-1017] Problems encountered",
                 "WARNING: hwgen: board files for tul.com.tw:pynq-z2:part0:1.0 are not installed",
                 "# puts \"WARNING: \\[hwgen dpu.arch_json\\] NOT CHECKED\"",     # the echoed command
                 "WARNING: [hwgen dpu.arch_json] NOT CHECKED: no arch.json"):
        assert p.feed(line) is None
    assert p.hwgen_checks == [("dpu.arch_json", "NOT CHECKED: no arch.json")]
    assert p.stage == "idle"
