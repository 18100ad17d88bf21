"""Tests for hwgen.budget.reports against hand-written fixtures in each Vivado version's format.

Every fixture number is invented; the expected values below are the ones written
into the fixtures, so a parser reading the wrong column, row or section fails here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hwgen.budget.reports import (
    ClockSummary,
    ReportError,
    ResourceUse,
    Timing,
    Utilization,
    normalise_part,
    parse_timing_summary,
    parse_timing_summary_file,
    parse_utilization,
    parse_utilization_file,
    parts_match,
    split_part,
)

FIX = Path(__file__).parent / "fixtures" / "reports"


def read(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


def raises_one_line(func, *args, match: str) -> ReportError:
    with pytest.raises(ReportError, match=match) as info:
        func(*args)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    return info.value


# --------------------------------------------------------------------------- utilization

# (fixture, tool_version, device, part, design_state, family,
#  [(name, used, available, row), ...] in the order the API promises)
UTIL_CASES = [
    (
        "util_2018_3_7series_placed.rpt", "2018.3", "7z020clg484-1", "7z020clg4841",
        "Fully Placed", "7series",
        [("LUT", 9876, 53200, "Slice LUTs"), ("FF", 14321, 106400, "Slice Registers"),
         ("BRAM", 60.5, 140, "Block RAM Tile"), ("DSP", 142, 220, "DSPs")],
    ),
    (
        "util_2018_3_7series_synth.rpt", "2018.3", "7z020clg484-1", "7z020clg4841",
        "Synthesized", "7series",
        [("LUT", 10507, 53200, "Slice LUTs*"), ("FF", 14400, 106400, "Slice Registers"),
         ("BRAM", 61, 140, "Block RAM Tile"), ("DSP", 142, 220, "DSPs")],
    ),
    (
        "util_2019_2_us_synth.rpt", "2019.2", "xczu3egsbva484-1", "zu3egsbva4841",
        "Synthesized", "ultrascale+",
        [("LUT", 41234, 70560, "CLB LUTs*"), ("FF", 61234, 141120, "CLB Registers"),
         ("BRAM", 153.5, 216, "Block RAM Tile"), ("DSP", 326, 360, "DSPs")],
    ),
    (
        "util_2020_1_7series_placed.rpt", "2020.1", "7z020clg484-1", "7z020clg4841",
        "Fully Placed", "7series",
        [("LUT", 23456, 53200, "Slice LUTs"), ("FF", 34567, 106400, "Slice Registers"),
         ("BRAM", 66.5, 140, "Block RAM Tile"), ("DSP", 96, 220, "DSPs")],
    ),
    (
        "util_2021_1_7series_placed.rpt", "2021.1", "7z010clg400-1", "7z010clg4001",
        "Fully Placed", "7series",
        [("LUT", 3120, 17600, "Slice LUTs"), ("FF", 4410, 35200, "Slice Registers"),
         ("BRAM", 2.5, 60, "Block RAM Tile"), ("DSP", 0, 80, "DSPs")],
    ),
    (
        "util_2024_1_7series_placed.rpt", "2024.1", "xc7z020clg400-1", "7z020clg4001",
        "Fully Placed", "7series",
        [("LUT", 31337, 53200, "Slice LUTs"), ("FF", 45001, 106400, "Slice Registers"),
         ("BRAM", 40.5, 140, "Block RAM Tile"), ("DSP", 110, 220, "DSPs")],
    ),
    (
        "util_2024_1_us_uram_placed.rpt", "2024.1", "xczu48dr-ffvg1517-2-e", "zu48drffvg15172e",
        "Fully Placed", "ultrascale+",
        [("LUT", 123456, 425280, "CLB LUTs"), ("FF", 201234, 850560, "CLB Registers"),
         ("BRAM", 333.5, 1080, "Block RAM Tile"), ("DSP", 1024, 4272, "DSPs"),
         ("URAM", 20, 80, "URAM")],
    ),
]


def _check_util(util: Utilization, case) -> None:
    _, version, device, part, state, family, resources = case
    assert util.tool_version == version
    assert util.device == device
    assert util.part == part
    assert util.design_state == state
    assert util.family == family
    assert util.hierarchical is False
    got = [(r.name, r.used, r.available, r.row) for r in util.resources]
    assert got == resources
    for name, used, available, row in resources:
        res = util.get(name)
        assert res == ResourceUse(name, used, available, row)
    for r in util.resources:
        assert isinstance(r.used, float)


@pytest.mark.parametrize("case", UTIL_CASES, ids=[c[0] for c in UTIL_CASES])
def test_utilization_fixture_values(case):
    path = FIX / case[0]
    util = parse_utilization_file(path)
    _check_util(util, case)
    assert util.source == str(path)


@pytest.mark.parametrize("case", UTIL_CASES, ids=[c[0] for c in UTIL_CASES])
def test_utilization_from_text_uses_given_source(case):
    util = parse_utilization(read(case[0]), source="util.rpt")
    _check_util(util, case)
    assert util.source == "util.rpt"


@pytest.mark.parametrize("case", UTIL_CASES, ids=[c[0] for c in UTIL_CASES])
def test_utilization_crlf_copy(case, tmp_path):
    data = (FIX / case[0]).read_bytes()
    assert b"\r\n" not in data  # the fixtures are LF, as Vivado writes them
    crlf = tmp_path / "crlf.rpt"
    crlf.write_bytes(data.replace(b"\n", b"\r\n"))
    util = parse_utilization_file(crlf)
    _check_util(util, case)
    for res in util.resources:
        assert "\r" not in res.row
    assert "\r" not in util.device and "\r" not in (util.design_state or "")


def test_utilization_is_frozen():
    util = parse_utilization(read("util_2020_1_7series_placed.rpt"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        util.device = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        util.resources[0].used = 1.0  # type: ignore[misc]


def test_get_unknown_and_case():
    util = parse_utilization(read("util_2020_1_7series_placed.rpt"))
    assert util.get("URAM") is None
    assert util.get("lut").used == 23456
    assert util.get("CARRY8") is None


def test_no_uram_row_means_no_uram_resource():
    # xczu3eg has no URAM; the report prints no row and the result has no entry.
    util = parse_utilization(read("util_2019_2_us_synth.rpt"))
    assert [r.name for r in util.resources] == ["LUT", "FF", "BRAM", "DSP"]


def test_prohibited_column_does_not_shift_available():
    text = read("util_2021_1_7series_placed.rpt")
    assert "| Prohibited |" in text
    util = parse_utilization(text)
    # Prohibited is 0 everywhere; positional parsing of the 2020.1 layout would give 0.
    assert util.get("LUT").available == 17600
    assert util.get("DSP").available == 80


def test_first_occurrence_wins_over_logic_distribution():
    text = read("util_2020_1_7series_placed.rpt")
    first = text.index("| Slice Registers ")
    second = text.index("| Slice Registers ", first + 1)
    line_end = text.index("\n", second)
    row = text[second:line_end]
    altered = row.replace("34567", "77777")
    assert altered != row
    text = text[:second] + altered + text[line_end:]
    util = parse_utilization(text)
    assert util.get("FF").used == 34567


def test_row_only_in_distribution_section_is_an_error():
    # The totals must come from the "Slice Logic" section, never from the repeat
    # in "Slice Logic Distribution".
    text = read("util_2020_1_7series_placed.rpt")
    start = text.index("| Slice Registers ")
    end = text.index("\n", start) + 1
    text = text[:start] + text[end:]
    raises_one_line(parse_utilization, text, "u.rpt", match=r"u\.rpt: .*'Slice Registers' \(FF\)")


def test_sections_found_by_title_not_number():
    text = read("util_2020_1_7series_placed.rpt")
    text = text.replace("3. Memory\n---------", "9. Memory\n---------")
    text = text.replace("4. DSP\n------", "12. DSP\n-------")
    util = parse_utilization(text)
    assert util.get("BRAM").used == 66.5
    assert util.get("DSP").used == 96


def test_synth_report_memory_is_section_two():
    text = read("util_2018_3_7series_synth.rpt")
    assert "2. Memory\n" in text and "Slice Logic Distribution" not in text
    assert parse_utilization(text).get("BRAM").used == 61


def test_columns_located_by_header_name():
    # Widen the Used column and move nothing else: offsets change, names do not.
    text = read("util_2024_1_7series_placed.rpt")
    text = text.replace("| Slice LUTs                 | 31337 |", "| Slice LUTs                 |      31337 |")
    text = text.replace("|          Site Type         |  Used |", "|          Site Type         |    Used    |", 1)
    assert "|      31337 |" in text
    assert parse_utilization(text).get("LUT").used == 31337


def test_star_only_stripped_for_matching():
    text = read("util_2020_1_7series_placed.rpt").replace("| Slice LUTs  ", "| Slice LUTs* ", 1)
    util = parse_utilization(text)
    assert util.get("LUT").row == "Slice LUTs*"
    assert util.get("LUT").used == 23456


def test_lut_adjusted_note_is_ignored():
    text = read("util_2024_1_7series_placed.rpt")
    assert "* Warning! LUT value is adjusted to account for LUT combining." in text
    assert "| Speed File   : -1" in text
    assert parse_utilization(text).get("LUT").used == 31337


@pytest.mark.parametrize(
    "label, resource",
    [("Slice LUTs ", "LUT"), ("Slice Registers ", "FF"), ("Block RAM Tile ", "BRAM"), ("DSPs ", "DSP")],
)
def test_missing_required_row_names_it(label, resource):
    text = read("util_2020_1_7series_placed.rpt")
    start = text.index("| " + label)
    end = text.index("\n", start) + 1
    text = text[:start] + text[end:]
    err = raises_one_line(parse_utilization, text, "util.rpt", match=rf"util\.rpt: .*\({resource}\)")
    assert label.strip() in str(err)


def test_missing_uram_row_is_not_an_error():
    text = read("util_2024_1_us_uram_placed.rpt")
    start = text.index("| URAM ")
    end = text.index("\n", start) + 1
    util = parse_utilization(text[:start] + text[end:])
    assert util.get("URAM") is None
    assert util.get("DSP").used == 1024


def test_non_numeric_used_value_is_an_error():
    text = read("util_2020_1_7series_placed.rpt")
    row = text[text.index("| DSPs "):]
    row = row[: row.index("\n")]
    text = text.replace(row, row.replace("|   96 |", "|  9x6 |"), 1)
    assert "|  9x6 |" in text
    raises_one_line(parse_utilization, text, "u.rpt", match=r"u\.rpt:\d+:\d+: row 'DSPs' has a non-numeric Used value '9x6'")


def test_truncated_header_only():
    raises_one_line(
        parse_utilization_file, FIX / "util_truncated_header_only.rpt",
        match=r"util_truncated_header_only\.rpt: .*no sections \(truncated report\?\)",
    )


def test_truncated_mid_row_never_returns_partial_number():
    text = read("util_truncated_midrow.rpt")
    assert text.endswith("| Slice Registers            | 345")
    raises_one_line(
        parse_utilization_file, FIX / "util_truncated_midrow.rpt",
        match=r"util_truncated_midrow\.rpt:\d+: row 'Slice Registers' is incomplete",
    )


@pytest.mark.parametrize("cut_after", ["| DSPs  ", "| Block RAM Tile ", "4. DSP\n"])
def test_truncated_at_later_points(cut_after):
    text = read("util_2020_1_7series_placed.rpt")
    text = text[: text.index(cut_after) + len(cut_after)]
    with pytest.raises(ReportError):
        parse_utilization(text)


def test_last_row_without_newline_is_rejected():
    # A complete-looking row that ends the file may still be cut: Vivado always
    # writes more after the DSP table.
    text = read("util_2020_1_7series_placed.rpt")
    start = text.index("| DSPs ")
    end = text.index("\n", start)
    raises_one_line(parse_utilization, text[:end], "u.rpt", match=r"row 'DSPs' is incomplete")


def test_empty_file():
    raises_one_line(parse_utilization_file, FIX / "empty.rpt", match=r"empty\.rpt: empty report")


def test_whitespace_only_text():
    raises_one_line(parse_utilization, " \n\r\n\t\n", "w.rpt", match=r"w\.rpt: empty report")


def test_binary_file():
    raises_one_line(parse_utilization_file, FIX / "binary.rpt", match=r"binary\.rpt: binary data")
    raises_one_line(parse_timing_summary_file, FIX / "binary.rpt", match=r"binary\.rpt: binary data")


def test_invalid_utf8(tmp_path):
    path = tmp_path / "latin1.rpt"
    path.write_bytes(read("util_2020_1_7series_placed.rpt").encode("utf-8") + b"\xe9t\xe9\n")
    raises_one_line(parse_utilization_file, path, match=r"latin1\.rpt: not valid UTF-8")


def test_missing_file(tmp_path):
    raises_one_line(parse_utilization_file, tmp_path / "nope.rpt", match=r"nope\.rpt: cannot read file")


def test_not_a_vivado_report():
    raises_one_line(
        parse_utilization_file, FIX / "not_vivado.rpt",
        match=r"not_vivado\.rpt: not a Vivado report_utilization report \(no 'Device' header\)",
    )


def test_timing_report_given_to_utilization_parser():
    raises_one_line(
        parse_utilization_file, FIX / "timing_2020_1_not_met.rpt",
        match=r"this is a report_timing_summary report, not report_utilization",
    )


def test_other_vivado_report_rejected():
    text = read("util_2020_1_7series_placed.rpt").replace(
        "| Command      : report_utilization", "| Command      : report_power", 1
    )
    raises_one_line(parse_utilization, text, "p.rpt", match=r"Command is 'report_power'")


def test_bom_is_tolerated():
    util = parse_utilization("\ufeff" + read("util_2020_1_7series_placed.rpt"))
    assert util.get("LUT").used == 23456


# --------------------------------------------------------------------------- hierarchical


def test_hierarchical_kintex_us_2019_1():
    util = parse_utilization_file(FIX / "util_hier_2019_1_kintexus.rpt")
    assert util.hierarchical is True
    assert util.tool_version == "2019.1"
    assert util.device == "xcku035-fbva676-2-e"
    assert util.part == "ku035fbva6762e"
    assert util.design_state == "Routed"
    assert util.family == "ultrascale+"
    assert [(r.name, r.used, r.available, r.row) for r in util.resources] == [
        ("LUT", 48213, None, "Total LUTs"),
        ("FF", 61377, None, "FFs"),
        ("BRAM", 92.0, None, "RAMB36 + RAMB18/2"),  # 87 + 10/2
        ("DSP", 120, None, "DSP48 Blocks"),
        ("URAM", 0, None, "URAM"),
    ]


def test_hierarchical_7series_dsp_blocks_no_uram():
    util = parse_utilization_file(FIX / "util_hier_2022_1_7series.rpt")
    assert util.tool_version == "2022.1.2"
    assert util.family == "7series"
    assert util.part == "7z020clg4001"
    assert [(r.name, r.used) for r in util.resources] == [
        ("LUT", 27001), ("FF", 38002), ("BRAM", 64.5), ("DSP", 196),
    ]
    assert util.get("DSP").row == "DSP Blocks"
    assert util.get("URAM") is None


def test_hierarchical_crlf(tmp_path):
    path = tmp_path / "h.rpt"
    path.write_bytes((FIX / "util_hier_2019_1_kintexus.rpt").read_bytes().replace(b"\n", b"\r\n"))
    assert parse_utilization_file(path).get("LUT").used == 48213


def test_hierarchical_without_top_row():
    text = read("util_hier_2019_1_kintexus.rpt").replace("(top)", "kc_top_impl")
    raises_one_line(parse_utilization, text, "h.rpt", match=r"h\.rpt: no '\(top\)' row")


def test_hierarchical_truncated_top_row():
    text = read("util_hier_2019_1_kintexus.rpt")
    text = text[: text.index("| kc_top ") + 60]
    raises_one_line(parse_utilization, text, "h.rpt", match=r"h\.rpt:\d+: row 'kc_top' is incomplete")


def test_hierarchical_without_table():
    text = read("util_hier_2019_1_kintexus.rpt")
    text = text[: text.index("+---")]
    raises_one_line(parse_utilization, text, "h.rpt", match=r"has no table")


def test_hierarchical_missing_column():
    text = read("util_hier_2019_1_kintexus.rpt").replace("RAMB18", "RAMBXX")
    raises_one_line(parse_utilization, text, "h.rpt", match=r"no 'RAMB18' column")


def _big_hierarchical(target_bytes: int) -> str:
    text = read("util_hier_2019_1_kintexus.rpt")
    rows_at = text.index("|   u_eth")
    rows_end = text.index("+---", rows_at)
    block = text[rows_at:rows_end]
    repeat = max(1, target_bytes // len(block))
    return text[:rows_at] + block * repeat + text[rows_end:]


# Speed is measured in benchmarks/ (bench_reports); these check that big inputs parse right.
def test_large_hierarchical_report():
    util = parse_utilization(_big_hierarchical(4 * 1024 * 1024))
    assert util.get("LUT").used == 48213


def test_large_file_read_path_is_fast(tmp_path):
    path = tmp_path / "big.rpt"
    path.write_text(_big_hierarchical(4 * 1024 * 1024), encoding="utf-8")
    util = parse_utilization_file(path)
    assert util.get("DSP").used == 120


def test_large_report_full_scan():
    # Needed rows placed after ~20 MB of an unrelated table: no early exit helps,
    # so this measures the per-line scan itself.
    text = read("util_2020_1_7series_placed.rpt")
    filler = "| 0     |          Yes |           - |            - |\n"
    anchor = text.index(filler)
    line_end = text.index("\n", anchor) + 1
    count = (4 * 1024 * 1024) // len(filler)
    big = text[:line_end] + filler * count + text[line_end:]
    util = parse_utilization(big)
    assert util.get("DSP").used == 96


# --------------------------------------------------------------------------- part names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("xc7z020clg400-1", "7z020clg4001"),
        ("7z020clg400-1", "7z020clg4001"),
        ("XC7Z020CLG400-1", "7z020clg4001"),
        ("xczu48dr-ffvg1517-2-e", "zu48drffvg15172e"),
        ("xczu3egsbva484-1", "zu3egsbva4841"),
        ("7z020-clg484", "7z020clg484"),
    ],
)
def test_normalise_part(text, expected):
    assert normalise_part(text) == expected


def test_split_part():
    assert split_part("xczu48dr-ffvg1517-2-e") == ("zu48drffvg1517", "2", "e")
    assert split_part("xc7z020clg400-1") == ("7z020clg400", "1", None)
    assert split_part("7z020-clg400") == ("7z020clg400", None, None)
    assert split_part("xczu3eg-sbva484") == ("zu3egsbva484", None, None)


@pytest.mark.parametrize(
    "design, report, expected",
    [
        ("xc7z020clg400-1", "7z020clg400-1", True),
        ("xc7z020clg400-1", "xc7z020clg400-1", True),
        ("xc7z020clg400-1", "7z020-clg400", True),  # timing report: no speed grade
        ("xc7z020clg484-1", "7z020-clg484", True),
        ("xczu3eg-sbva484-1-e", "xczu3egsbva484-1", True),
        ("xczu3eg-sbva484-1-e", "xczu3eg-sbva484", True),
        ("xczu48dr-ffvg1517-2-e", "xczu48dr-ffvg1517-2-e", True),
        ("xc7z020clg400-1", "7z020clg484-1", False),  # other package
        ("xc7z020clg400-1", "7z020clg400-2", False),  # other speed grade
        ("xc7z020clg400-1", "7z010-clg400", False),
        ("xczu48dr-ffvg1517-2-e", "xczu48dr-ffvg1517-2-i", False),
        ("xc7z020clg400-1", "", False),
    ],
)
def test_parts_match(design, report, expected):
    assert parts_match(design, report) is expected


def test_parts_match_with_parsed_reports():
    util = parse_utilization_file(FIX / "util_2024_1_7series_placed.rpt")
    timing = parse_timing_summary_file(FIX / "timing_2024_1_met.rpt")
    assert parts_match("xc7z020clg400-1", util.device)
    assert parts_match("xc7z020clg400-1", timing.device)
    assert parts_match(util.device, timing.device)
    assert not parts_match("xc7z020clg484-1", timing.device)


# --------------------------------------------------------------------------- timing summary


def test_timing_met_2018_3():
    t = parse_timing_summary_file(FIX / "timing_2018_3_met.rpt")
    assert (t.tool_version, t.device) == ("2018.3", "7z020-clg484")
    assert (t.wns, t.tns, t.tns_failing_endpoints, t.tns_total_endpoints) == (1.204, 0.0, 0, 24410)
    assert (t.whs, t.ths, t.ths_failing_endpoints, t.ths_total_endpoints) == (0.037, 0.0, 0, 24410)
    assert (t.wpws, t.tpws, t.tpws_failing_endpoints, t.tpws_total_endpoints) == (3.75, 0.0, 0, 10523)
    assert t.verdict == "met"
    assert t.design_state is None
    assert t.clocks == (ClockSummary("clk_fpga_0", 10.0, 100.0, (0.0, 5.0), None),)


def test_timing_not_met_2020_1():
    t = parse_timing_summary_file(FIX / "timing_2020_1_not_met.rpt")
    assert t.tool_version == "2020.1"
    assert t.wns == -0.412
    assert t.tns == -12.345
    assert t.tns_failing_endpoints == 37
    assert t.tns_total_endpoints == 51234
    assert (t.whs, t.ths, t.ths_failing_endpoints) == (0.021, 0.0, 0)
    assert (t.wpws, t.tpws_failing_endpoints, t.tpws_total_endpoints) == (2.75, 0, 19877)
    assert t.verdict == "not met"
    assert [(c.name, c.period_ns, c.frequency_mhz, c.master) for c in t.clocks] == [
        ("clk_fpga_0", 10.0, 100.0, None),
        ("clk_out1_design_1_clk_wiz_0_0", 6.667, 149.993, "clk_fpga_0"),
        ("clkfbout_design_1_clk_wiz_0_0", 50.0, 20.0, "clk_fpga_0"),
        ("clk_fpga_1", 5.0, 200.0, None),
    ]
    assert t.clocks[1].waveform == (0.0, 3.333)


def test_timing_us_2019_2_temperature_grade_header():
    text = read("timing_2019_2_us_met.rpt")
    assert "| Temperature Grade : E" in text and "| Tool Version      :" in text
    t = parse_timing_summary(text, "t.rpt")
    assert t.source == "t.rpt"
    assert (t.tool_version, t.device) == ("2019.2", "xczu3eg-sbva484")
    assert (t.wns, t.tns, t.whs, t.ths, t.wpws) == (0.089, 0.0, 0.010, 0.0, 0.5)
    assert (t.tns_failing_endpoints, t.ths_failing_endpoints, t.tpws_failing_endpoints) == (0, 0, 0)
    assert t.verdict == "met"
    assert [c.name for c in t.clocks] == ["clk_pl_0", "clk_pl_1"]
    assert t.clocks[1].frequency_mhz == 300.03


def test_timing_unconstrained_2021_1():
    t = parse_timing_summary_file(FIX / "timing_2021_1_unconstrained.rpt")
    assert t.device == "7z010-clg400"
    assert (t.wns, t.tns, t.whs, t.ths) == (None, None, None, None)
    assert (t.tns_failing_endpoints, t.ths_failing_endpoints) == (None, None)
    assert (t.tns_total_endpoints, t.ths_total_endpoints) == (None, None)
    assert (t.wpws, t.tpws, t.tpws_failing_endpoints, t.tpws_total_endpoints) == (8.75, 0.0, 0, 12)
    assert t.verdict == "unconstrained"
    assert t.clocks == ()


def test_timing_2024_1_design_state():
    t = parse_timing_summary_file(FIX / "timing_2024_1_met.rpt")
    assert (t.tool_version, t.device, t.design_state) == ("2024.1", "7z020-clg400", "Routed")
    assert (t.wns, t.whs, t.wpws) == (0.318, 0.014, 2.02)
    assert t.verdict == "met"
    assert [c.master for c in t.clocks] == [None, "clk_fpga_0", "clk_fpga_0", "clk_fpga_0"]


@pytest.mark.parametrize(
    "name",
    ["timing_2018_3_met.rpt", "timing_2019_2_us_met.rpt", "timing_2020_1_not_met.rpt",
     "timing_2021_1_unconstrained.rpt", "timing_2024_1_met.rpt"],
)
def test_timing_crlf_equals_lf(name, tmp_path):
    path = tmp_path / name
    path.write_bytes((FIX / name).read_bytes().replace(b"\n", b"\r\n"))
    lf = parse_timing_summary_file(FIX / name)
    crlf = parse_timing_summary_file(path)
    assert dataclasses.replace(crlf, source=lf.source) == lf


def test_timing_is_frozen():
    t = parse_timing_summary_file(FIX / "timing_2018_3_met.rpt")
    assert isinstance(t, Timing)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.wns = 0.0  # type: ignore[misc]


def test_timing_truncated_fixture():
    raises_one_line(
        parse_timing_summary_file, FIX / "timing_truncated.rpt",
        match=r"timing_truncated\.rpt: 'Design Timing Summary' block has no values",
    )


def test_timing_truncated_before_summary():
    text = read("timing_2020_1_not_met.rpt")
    text = text[: text.index("| Design Timing Summary")]
    raises_one_line(parse_timing_summary, text, "t.rpt", match=r"t\.rpt: no 'Design Timing Summary' block")


def test_timing_truncated_inside_value_line():
    text = read("timing_2020_1_not_met.rpt")
    start = text.index("     -0.412      -12.345")
    raises_one_line(parse_timing_summary, text[: start + 60], "t.rpt", match=r"value line is incomplete")


def test_timing_value_line_cut_in_last_number():
    # All 12 tokens present but the file ends inside the last one ("19877" -> "198").
    text = read("timing_2020_1_not_met.rpt")
    end = text.index("19877", text.index("     -0.412")) + 3
    raises_one_line(parse_timing_summary, text[:end], "t.rpt", match=r"value line is incomplete")


def test_timing_without_verdict_sentence():
    text = read("timing_2020_1_not_met.rpt").replace("Timing constraints are not met.\n", "")
    t = parse_timing_summary(text)
    assert t.verdict is None
    assert t.wns == -0.412
    assert len(t.clocks) == 4  # the clock summary after it is still read


def test_timing_bad_value_token():
    text = read("timing_2018_3_met.rpt").replace("      1.204        0.000", "      1.2x4        0.000", 1)
    raises_one_line(parse_timing_summary, text, "t.rpt", match=r"unexpected WNS\(ns\) value '1\.2x4'")


def test_timing_header_columns_checked():
    text = read("timing_2018_3_met.rpt").replace("THS Failing Endpoints", "THS Failed Endpoints", 1)
    raises_one_line(parse_timing_summary, text, "t.rpt", match=r"12 expected columns")


def test_utilization_given_to_timing_parser():
    raises_one_line(
        parse_timing_summary_file, FIX / "util_2020_1_7series_placed.rpt",
        match=r"this is a report_utilization report, not report_timing_summary",
    )


def test_timing_empty_and_not_vivado():
    raises_one_line(parse_timing_summary_file, FIX / "empty.rpt", match=r"empty report")
    raises_one_line(
        parse_timing_summary_file, FIX / "not_vivado.rpt",
        match=r"not a Vivado report_timing_summary report \(no 'Device' header\)",
    )


def test_per_clock_tables_do_not_override_design_summary():
    # The Intra Clock Table repeats the WNS labels with other numbers; the design
    # values must still come from the Design Timing Summary block.
    t = parse_timing_summary_file(FIX / "timing_2020_1_not_met.rpt")
    assert t.wns == -0.412 and t.tns == -12.345


@pytest.mark.parametrize(
    "body",
    [
        "| a" + " " * 2_000_000 + "b\n",
        "1. a" + " " * 2_000_000 + "b\n-----\n",
        "1" + ".1" * 1_000_000 + "x\n-----\n",
        "1. Slice Logic\n--------------\n\n|" + " x |" * 500_000 + "\n| Slice LUTs" + " " * 2_000_000 + "|\n",
        "Clock  Waveform(ns)\n-----  ------------\na" + " " * 2_000_000 + "{" + "0" * 1_000_000 + "\n",
        "\n" * 500_000,
    ],
    ids=["pipe-spaces", "title-spaces", "title-dots", "wide-table", "clock-like", "newlines"],
)
def test_pathological_input_is_rejected_quickly(body):
    # Malformed input must fail in linear time: no regex backtracking blow-up.
    head = read("util_2020_1_7series_placed.rpt")
    head = head[: head.index("Utilization Design Information")]
    for text, func in ((head + body, parse_utilization), (body, parse_timing_summary)):
        with pytest.raises(ReportError):
            func(text, "p.rpt")


def test_unreadable_clock_row_is_skipped_not_guessed():
    text = read("timing_2020_1_not_met.rpt").replace("{0.000 2.500}", "{0.000 x.500}", 1)
    t = parse_timing_summary(text)
    assert [c.name for c in t.clocks] == [
        "clk_fpga_0", "clk_out1_design_1_clk_wiz_0_0", "clkfbout_design_1_clk_wiz_0_0",
    ]
    assert t.wns == -0.412
