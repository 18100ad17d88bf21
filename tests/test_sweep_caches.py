"""The in-process caches a sweep relies on never serve one design's result to another.

Each cache is keyed on the inputs its function reads (the design itself, or exactly the
fields the estimate and the clock solver read). For designs that differ in one input each
(the board, the DPU, the clock, a budget limit, the strategy), every cached answer, asked for
in an interleaved order with the caches warm, must equal the answer computed afresh with
the caches emptied, and the inputs that change the answer must change it.
"""

from __future__ import annotations

import pytest

from hwgen.budget import estimate as est
from hwgen.model.design import load_design
from hwgen.plan import blockdesign, clockflow
from hwgen.review import diagram, report, summary

VARIANTS = {
    "pynq": ("pynq_z2", "B512", ()),
    "zybo": ("zybo_z7_20", "B512", ()),
    "pynq_b1024": ("pynq_z2", "B1024", ()),
    "pynq_100": ("pynq_z2", "B512", ("dpu.clock_mhz=100",)),
    "pynq_lut10": ("pynq_z2", "B512", ("budget.lut=10",)),
    "pynq_strategy": ("pynq_z2", "B512", ("build.impl_strategy=Performance_Explore",)),
    "pynq_build": ("pynq_z2", "B512", ("build.synth_strategy=Flow_PerfOptimized_high", "build.jobs=3",
                                       "build.post_route_phys_opt=true", "build.design_name=other",
                                       "build.bd_name=other_bd", "build.interconnect=smartconnect")),
    "b4096_over": ("pynq_z2", "B4096", ()),
    "b4096_over_lut95": ("pynq_z2", "B4096", ("budget.lut=95",)),
    "b4096_over_strategy": ("pynq_z2", "B4096", ("build.impl_strategy=Performance_Explore",)),
}

CACHES = (clockflow._board_clocks, clockflow._plan_of, blockdesign.block_design_for,
          blockdesign._plan_block_design, blockdesign._plan_skeleton, est._lines_of, est._infrastructure, est._dpu_cost, est._alternatives_of,
          blockdesign.unplanned_blank, diagram._diagram_dot, est._estimate_of,
          summary._planned_summary, summary._member_text)


def _clear():
    for cache in CACHES:
        cache.cache_clear()
    diagram._TEXT_MEMO.clear()
    summary._SHARED.clear()
    summary._port_peers.cache_clear()
    for cache in (report._config_rows, report._address_rows, report._strategy_rows, report._interrupt_notes, report._register_windows,
                  report._interrupt_rows, report._memory_rows, report._planned_facts):
        cache.cache_clear()
    est._INFRASTRUCTURE.clear()
    est._ALTERNATIVES.clear()


def _dot(design):
    clocks = clockflow.design_clocks(design)
    bd = blockdesign.plan_block_design(design, clocks)
    s = report.design_summary(design, clocks, bd)
    return diagram.diagram_dot(bd, report.diagram_caption(s), report.interrupt_notes(design, s))


def _answers(design):
    return (clockflow.design_clocks(design), blockdesign.block_design_for(design),
            est.estimate(design), _dot(design))


@pytest.fixture(scope="module")
def designs():
    return {k: load_design(*v) for k, v in VARIANTS.items()}


def test_warm_caches_give_what_a_fresh_computation_gives(designs):
    _clear()
    warm = {}
    for _ in range(2):                        # twice, interleaved: the second round hits
        for key, design in designs.items():
            warm[key] = _answers(design)
    assert est._estimate_of.cache_info().hits > 0 and clockflow._board_clocks.cache_info().hits > 0
    # (the strategy variant's alternatives are served with its verdict: test below for their own cache)
    assert diagram._diagram_dot.cache_info().hits > 0 and summary._planned_summary.cache_info().hits > 0
    for key, design in designs.items():
        _clear()
        assert _answers(design) == warm[key], key


def test_inputs_that_matter_change_the_cached_answers(designs):
    _clear()
    a = {k: _answers(d) for k, d in designs.items()}
    clocks, bd, verdict, dot = 0, 1, 2, 3
    # the clock request reaches the plan; the board reaches the block design (its preset)
    assert a["pynq_100"][clocks] != a["pynq"][clocks]
    assert a["pynq_100"][clocks].dpu_mhz == 100 and a["pynq"][clocks].dpu_mhz == 150
    assert a["zybo"][bd] != a["pynq"][bd]
    # a budget limit reaches the verdict though the block design and costs are the same
    lut = lambda v: next(l for l in v.resources if l.name == "LUT")          # noqa: E731
    assert a["pynq_lut10"][bd] == a["pynq"][bd]
    assert lut(a["pynq_lut10"][verdict]).limit_percent == 10
    assert lut(a["pynq"][verdict]).limit_percent == 80
    assert a["pynq_lut10"][verdict].ok is False and a["pynq"][verdict].ok is True
    # the DPU profile reaches the costs
    assert lut(a["pynq_b1024"][verdict]).used > lut(a["pynq"][verdict]).used
    # an over-budget design's suggestions follow its own limits
    assert a["b4096_over"][verdict].messages != a["b4096_over_lut95"][verdict].messages
    # the drawing follows the board, the DPU and the clocks
    assert len({a[k][dot] for k in ("pynq", "zybo", "pynq_b1024", "pynq_100")}) == 4
    assert "zybo" in a["zybo"][dot] and "zybo" not in a["pynq"][dot]
    # the strategy changes none of these (so sharing them across strategies is right)
    assert a["pynq_strategy"][verdict] == a["pynq"][verdict]
    assert a["pynq_strategy"][dot] == a["pynq"][dot]
    assert a["b4096_over_strategy"][verdict] == a["b4096_over"][verdict]


def test_alternatives_are_shared_across_strategies_and_clocks_only(designs):
    """The suggestions of an over-budget design are remembered per design without its
    strategies and clocks (and what the costs read of its plan): the strategy and clock
    variants are served the same entry, equal to the list computed afresh for them, and a
    changed limit or DPU option gets its own."""
    _clear()
    over, strategy, lut95 = (designs[k] for k in ("b4096_over", "b4096_over_strategy", "b4096_over_lut95"))
    bd = blockdesign.block_design_for(over)
    first = est.alternatives(over, bd)
    assert est.alternatives(strategy, bd) is first
    assert est._alternatives_of.cache_info().misses == 1
    for sets in (("dpu.clock_mhz=100",), ("dpu.clock_mhz=200", "dpu.fclk_tolerance_ppm=3")):
        for board in ("pynq_z2", "zcu104"):
            other = load_design(board, "B4096", sets)
            other_bd = blockdesign.block_design_for(other)
            remembered = est.alternatives(other, other_bd)
            assert remembered == est._alternatives_of.__wrapped__(blockdesign.unplanned_blank(other), other_bd)
            assert (remembered is first) == (board == "pynq_z2")
    assert est.alternatives(lut95, bd) != first          # the limits reach every alternative
    low = est._set(over, dsp_usage="low")
    fresh = est._alternatives_of.__wrapped__(low, blockdesign.block_design_for(low))
    assert est.alternatives(low, blockdesign.block_design_for(low)) == fresh
    assert [a.label for a in fresh] != [a.label for a in first]   # no dsp_usage=low to suggest


def test_remembered_config_dict_is_the_macro_for_every_argument():
    from hwgen.emit.render import QuotingError, environment

    env = environment()
    remembered = env.globals["remembered_config_dict"]
    macro = env.get_template("tcl/_macros.tcl.j2").module.config_dict
    a = (("PCW_UART1_PERIPHERAL_ENABLE", "1"), ("PCW_FCLK0_PERIPHERAL_CLKSRC", "IO PLL"))
    b = (("PCW_UART1_PERIPHERAL_ENABLE", "0"), ("PCW_FCLK0_PERIPHERAL_CLKSRC", "IO PLL"))
    for props, target in ((a, "ps7"), (b, "ps7"), (a, "x"), (a, "ps7")):
        assert str(remembered(props, target)) == str(macro(props, target))
    assert remembered(a, "t") != remembered(b, "t") and "{1}" in remembered(a, "t")
    # a refusal is raised every time, never remembered as text
    bad = (("NAME", "a\\b"),)
    for _ in range(2):
        with pytest.raises(QuotingError):
            remembered(bad, "t")
    # an unhashable argument is laid out by the macro itself
    assert str(remembered([("X", "1")], "t")) == str(macro([("X", "1")], "t"))


def test_the_plan_is_the_same_with_the_unread_build_fields_blanked(designs):
    """plan_block_design plans a copy of the design without the fields it does not read
    (strategies, jobs, toolchain, design name, --set list); planning the design itself
    must give the same block design, and the fields it does read (bd_name, interconnect)
    must still reach it."""
    _clear()
    unblanked = blockdesign._plan_block_design.__wrapped__
    for key, design in designs.items():
        clocks = clockflow.design_clocks(design)
        assert blockdesign.plan_block_design(design, clocks) == unblanked(design, clocks), key
    # a smaller architecture suggested to two larger DPUs is one plan, the plan of that DPU's
    # own design (named as --dpu names it; dpu.profile as written is blanked anyway)
    from hwgen.model.design import load_dpu

    b1024 = load_dpu("B1024")[0]
    big = [est._with_profile(load_design("pynq_z2", arch, ()), "B1024", b1024) for arch in ("B4096", "B3136")]
    own = load_design("pynq_z2", "B1024", ())
    assert big[0].inputs == own.inputs and big[0].settings.dpu.profile == "B1024"
    assert blockdesign.block_design_for(big[0]) is blockdesign.block_design_for(big[1]) \
        is blockdesign.block_design_for(own)
    assert blockdesign.block_design_for(big[0]) == unblanked(big[1], clockflow.design_clocks(big[1]))
    b4096 = load_design("pynq_z2", "B4096", ())
    assert blockdesign.plan_block_design(b4096, clockflow.design_clocks(b4096)) \
        == unblanked(b4096, clockflow.design_clocks(b4096))    # "B4096" blanked, not read
    plain = blockdesign.block_design_for(designs["pynq"])
    other = blockdesign.block_design_for(designs["pynq_build"])
    assert other.name == "other_bd" and plain.name != "other_bd"
    assert {c.vlnv for c in other.cells} != {c.vlnv for c in plain.cells}   # the interconnect IP


def test_remembered_html_breaks_follow_the_value_and_its_type():
    import markupsafe

    from hwgen.emit.render import _breakable_str, html_breakable

    _breakable_str.cache_clear()
    for _ in range(2):                    # the second round is served from the cache
        assert html_breakable("ps7/S_AXI<HP0>") == "ps7/<wbr>S_<wbr>AXI&lt;HP0&gt;"
        assert html_breakable("a.b") == "a.<wbr>b" and html_breakable("a_b") == "a_<wbr>b"
        # a Markup equal to a remembered str is already HTML: not escaped again
        assert html_breakable(markupsafe.Markup("ps7/S_AXI<HP0>")) == "ps7/<wbr>S_<wbr>AXI<HP0>"
        assert html_breakable(7) == "7"
    assert _breakable_str.cache_info().hits == 3


def test_the_block_design_tcl_after_its_header_is_the_same_from_the_blanked_design(designs):
    """vivado/block_design.tcl's plan part is remembered per blanked design, clocks and
    plan: laying it out from the design itself gives the same text, and the inputs it
    shows (clock, board, DPU, bd_name) give different texts."""
    from hwgen.emit import vivado

    vivado.block_design_plan_tcl.cache_clear()
    texts = {}
    for key, design in designs.items():
        clocks = clockflow.design_clocks(design)
        bd = blockdesign.plan_block_design(design, clocks)
        cached = vivado.block_design_plan_tcl(blockdesign.unplanned_blank(design), clocks, bd)
        assert vivado.block_design_plan_tcl.__wrapped__(design, clocks, bd) == cached, key
        assert vivado.block_design_tcl(design, clocks, bd).endswith(cached), key
        texts[key] = cached
    assert vivado.block_design_plan_tcl.cache_info().hits > 0      # the strategy variants
    assert texts["pynq_strategy"] == texts["pynq"]
    assert len({texts[k] for k in ("pynq", "zybo", "pynq_b1024", "pynq_100", "pynq_build")}) == 5


def test_remembered_page_tables_are_the_macros_and_only_remember_strings():
    import markupsafe

    from hwgen.emit.render import environment
    from hwgen.review.report import Row

    env = environment()
    tables = env.globals["tables"]
    module = env.get_template("report/_tables.html.j2").module
    a = (Row(("dpu_clk", "clk_dpu", "150", "150 MHz", "wizard", "dpu.clock_mhz")),)
    b = (Row(("dpu_clk", "clk_dpu", "100", "100 MHz", "wizard", "dpu.clock_mhz")),)
    for rows in (a, b, a):
        assert str(tables["clocks"](rows)) == str(module.clocks(rows))
    assert tables["clocks"](a) != tables["clocks"](b) and "150 MHz" in tables["clocks"](a)
    # a Markup cell equal to a remembered str is not served the str's escaped text
    text = (Row(("a<b", "x")),)
    markup = (Row((markupsafe.Markup("a<b"), "x")),)
    assert "a&lt;b" in tables["dpu"](text, ()) and "a<b" in tables["dpu"](markup, ())
    assert str(tables["dpu"](markup, ())) == str(module.dpu(markup, ()))


def test_the_verdict_is_the_same_with_the_unestimated_fields_blanked(designs):
    """estimate() remembers the verdict per design without its run strategies, jobs,
    toolchain and --set list (verdict_key): estimating the design itself must give the same
    verdict, the strategy variants share one object, and what the estimate does read (the
    limits, the design name, where a setting was set) still reaches it."""
    _clear()
    for key, design in designs.items():
        assert est.estimate(design) == est._estimate(design, blockdesign.block_design_for(design), True), key
    assert est.estimate(designs["pynq_strategy"]) is est.estimate(designs["pynq"])
    named = load_design("pynq_z2", "B512", ("build.design_name=other",))
    assert est.estimate(named).design == "other" and est.estimate(designs["pynq"]).design == "pynq_z2_dpu"
    # equal designs (250 == 250.0) set in two ways: each message names its own --set
    typed = {text: est.estimate(load_design("pynq_z2", "B512", (f"dpu.clock_mhz={text}",)))
             for text in ("250", "250.0")}
    for text, verdict in typed.items():
        said = [m for m in verdict.messages if "--set dpu.clock_mhz=" in m]
        assert said and all(f"--set dpu.clock_mhz={text}:" in m for m in said), text


def test_the_summary_is_the_same_with_the_unplanned_fields_blanked(designs):
    """design_summary takes every field but the name, the settings and the strategies from
    the summary planned for the blanked design (_planned_summary); gathering it from the
    design itself gives the same fields, and design.json is json.dumps's text."""
    import json

    _clear()
    unblanked = summary._planned_summary.__wrapped__
    texts = {}
    for key, design in designs.items():
        clocks = clockflow.design_clocks(design)
        bd = blockdesign.plan_block_design(design, clocks)
        s = summary.design_summary(design, clocks, bd)
        fresh = unblanked(design, clocks, bd)
        for name in summary._field_names(summary.Summary):
            if name not in ("design", "settings", "strategies"):
                assert getattr(s, name) == getattr(fresh, name), (key, name)
        texts[key] = summary.to_json(s)
        assert texts[key] == json.dumps(summary._plain(s), indent=2) + "\n", key
    assert summary._planned_summary.cache_info().hits > 0
    plain = summary.design_summary(designs["pynq"])
    other = summary.design_summary(load_design("pynq_z2", "B512", (
        "build.synth_strategy=Flow_PerfOptimized_high", "build.jobs=3", "build.design_name=other")))
    assert other.clocks is plain.clocks          # shared with the strategy variant, written once
    assert other.design == "other" and other.strategies.jobs == 3 and plain.strategies.jobs != 3
    assert other.strategies.synth == "Flow_PerfOptimized_high" != plain.strategies.synth
    assert dict(other.settings)["build.jobs"] == 3 and '"build.jobs": 3' in texts["pynq_build"]
    assert len({texts[k] for k in ("pynq", "zybo", "pynq_b1024", "pynq_100", "pynq_build")}) == 5


def test_page_parts_are_the_macros_and_follow_their_arguments(designs):
    """The review page's and the summary's parts laid out through ``tables``
    (report/_tables.html.j2) and ``md_parts`` (report/_summary.md.j2) give the
    macro's own text, are served again for the same argument objects (a design's strategy
    variants share the rows), and change with the rows (another verdict, another board)."""
    from hwgen.budget.estimate import estimate
    from hwgen.emit.render import environment

    env = environment()
    tables = env.globals["tables"]
    module = env.get_template("report/_tables.html.j2").module
    md_module = env.get_template("report/_summary.md.j2").module
    pages = {}
    for key in ("pynq", "pynq_strategy", "zybo", "b4096_over"):
        design = designs[key]
        s = report.design_summary(design)
        f = report.facts(design, s, estimate(design))
        ddr = report.ddr_map(s)
        parts = {"findings": (f.messages, f.checks), "clock_notes": (f.mmcm, f.clock_notes),
                 "ports": (f.ports, f.interrupts), "addresses": (f.addresses,), "memory": (ddr, f.memory)}
        pages[key] = {name: str(tables[name](*args)) for name, args in parts.items()}
        for name, args in parts.items():
            assert pages[key][name] == str(getattr(module, name)(*args)), (key, name)
            assert tables[name](*args) is tables[name](*args)
        md = {"facts_line": (f.board, f.part, f.dpu, s.dpu), "budget": (f.budget, f.messages),
              "plan": (f.clocks, s.ps_ports, f.registers, f.interrupts, ddr.caption)}
        for name, args in md.items():
            pages[key]["md." + name] = str(env.globals["md_parts"][name](*args))
            assert pages[key]["md." + name] == str(getattr(md_module, name)(*args)), (key, name)
    assert pages["pynq_strategy"] == pages["pynq"]
    assert pages["zybo"]["ports"] != pages["pynq"]["ports"] and pages["zybo"]["memory"] != pages["pynq"]["memory"]
    assert "LUT " in pages["b4096_over"]["findings"] and "LUT " not in pages["pynq"]["findings"]
    assert "**OVER LIMIT**" in pages["b4096_over"]["md.budget"] and "**" not in pages["pynq"]["md.budget"]
    assert pages["zybo"]["md.facts_line"] != pages["pynq"]["md.facts_line"]


def test_templates_hold_the_environments_globals():
    """Each loaded template keeps its globals as a plain dict (render._template_class): the
    same names and values as the environment's, for a page, an imported macro file and one
    loaded through an import."""
    from hwgen.emit.render import environment

    env = environment()
    for name in ("report/index.html.j2", "tcl/_macros.tcl.j2", "report/_tables.html.j2"):
        template = env.get_template(name)
        assert type(template.globals) is dict and template.globals == dict(env.globals), name


def test_petalinux_plans_are_the_same_with_the_unplanned_fields_blanked(designs):
    """petalinux_outputs takes the memory plan, the DPU node and the command line planned for
    the blanked design (petalinux._planned): planning the design itself gives the same, a
    strategy variant shares the objects (its dtsi body laid out once, render.dts), and the
    files follow the Linux settings."""
    from hwgen.emit import petalinux

    petalinux._planned.cache_clear()
    for key, design in designs.items():
        blank = blockdesign.unplanned_blank(design)
        assert petalinux._planned(blank) == petalinux._planned.__wrapped__(design), key
    assert petalinux._planned(blockdesign.unplanned_blank(designs["pynq_strategy"])) \
        is petalinux._planned(blockdesign.unplanned_blank(designs["pynq"]))
    text = lambda d: {o.path: o.data for o in petalinux.petalinux_outputs(d)}    # noqa: E731
    cma = load_design("pynq_z2", "B512", ("linux.cma=128M",))
    assert text(cma)["petalinux/system-user.dtsi"] != text(designs["pynq"])["petalinux/system-user.dtsi"]
    assert b"cma=128M" in text(cma)["petalinux/system-user.dtsi"]
    strategy = text(designs["pynq_build"])["petalinux/system-user.dtsi"]
    assert b"--set build.jobs=3" in strategy and b"--set build.jobs=3" not in text(designs["pynq"])["petalinux/system-user.dtsi"]


def test_readme_body_follows_the_fingerprint_plan(designs):
    """vitis-ai/README.md after its header is laid out from the fingerprint plan alone
    (vitis_ai._readme_plan, render.vitis_ai): the strategy variant is served the same objects,
    the text is the macro's own, and another DPU gets its own."""
    from hwgen.emit import vitis_ai
    from hwgen.emit.render import environment

    module = environment().get_template("vitis_ai/_readme.md.j2").module
    names = ("plan", "arch", "ops", "arch_json", "fingerprint_form", "uses_name", "command", "checks", "sources")
    texts = {}
    for key in ("pynq", "pynq_strategy", "pynq_b1024"):
        plan = vitis_ai.fingerprint_plan(designs[key])
        parts = vitis_ai._readme_plan(plan)
        texts[key] = str(environment().globals["vitis_ai"]["readme"](*(parts[n] for n in names)))
        assert texts[key] == str(module.readme(*(parts[n] for n in names))), key
        readme = vitis_ai.arch_json_outputs(designs[key])[1].data.decode()
        assert readme.endswith(texts[key]), key
    assert vitis_ai._readme_plan(vitis_ai.fingerprint_plan(designs["pynq_strategy"])) \
        is vitis_ai._readme_plan(vitis_ai.fingerprint_plan(designs["pynq"]))
    assert texts["pynq_b1024"] != texts["pynq"] and "B1024" in texts["pynq_b1024"]


def test_remembered_escape_is_markupsafes_and_keeps_markup_apart():
    import markupsafe

    from hwgen.emit.render import environment

    e = environment().filters["e"]
    for _ in range(2):      # the second round is served from the cache
        assert e("a<b & 'c'") == markupsafe.escape("a<b & 'c'") == "a&lt;b &amp; &#39;c&#39;"
        assert isinstance(e("x"), markupsafe.Markup)
        # a Markup equal to a remembered str is already HTML: not escaped again
        assert e(markupsafe.Markup("a<b & 'c'")) == "a<b & 'c'"
        assert e(7) == "7"
    assert environment().filters["escape"] is e


def test_loading_with_remembered_sets_and_marks_is_loading_afresh():
    """load_design remembers each --set argument's parse (design._parsed_set) and where a
    shipped file's sections sit (design._SECTION_MARKS): a design loaded with both warm has
    the settings and the origins (every key's file:line:col or --set) of one loaded cold."""
    from hwgen.model import design as design_mod

    sets = ("dpu.clock_mhz=125", "linux.cma=128M", "build.impl_strategy=Performance_Explore")
    warm = [design_mod.load_design("zybo_z7_20", "B1024", sets) for _ in range(2)][1]
    design_mod._parsed_set.cache_clear()
    design_mod._SECTION_MARKS.clear()
    cold = design_mod.load_design("zybo_z7_20", "B1024", sets)
    assert warm == cold and warm.origins == cold.origins and warm.settings.linux.cma == 128 << 20
    assert str(warm.origin("linux.cma")) == "--set linux.cma=128M"
    assert str(warm.origin("dpu.ram_usage")).startswith("dpus/b1024.yaml:")
    assert design_mod.parse_sets(["dpu.clock_mhz=100"]) == design_mod._parse_sets(["dpu.clock_mhz=100"])
    with pytest.raises(design_mod.InputError):       # a problem is reported every time
        design_mod.parse_sets(["dpu.clock_mhz=100", "nosuch.key=1"])


def test_dpu_cost_is_shared_across_clocks_only(designs):
    """The DPU's cost is remembered per profile, IP options and channel augmentation
    (estimate._dpu_cost_of): the 100 MHz design is served the 150 MHz one's cost, equal to a
    fresh computation; another option or profile gets its own."""
    est._dpu_cost_of.cache_clear()
    est._dpu_cost.cache_clear()            # the memo by settings object in front of it
    cost = lambda d: est._dpu_cost(d.dpu, d.settings.dpu)                 # noqa: E731
    base = cost(designs["pynq"])
    assert cost(designs["pynq_100"]) is base
    assert base == est._dpu_cost_of.__wrapped__(designs["pynq_100"].dpu, est.dpu_arch.DpuOptions.of(
        designs["pynq_100"].settings.dpu), designs["pynq_100"].settings.dpu.channel_augmentation)
    low = load_design("pynq_z2", "B512", ("dpu.dsp_usage=low",))
    noaug = load_design("pynq_z2", "B512", ("dpu.channel_augmentation=false",))
    assert cost(low) != base and cost(noaug) != base and cost(designs["pynq_b1024"]) != base



def _strings_only(value) -> bool:
    if isinstance(value, tuple):
        return all(_strings_only(v) for v in value)
    if hasattr(type(value), "__dataclass_fields__"):
        return all(_strings_only(getattr(value, f)) for f in type(value).__dataclass_fields__)
    return type(value) is str


def test_block_design_parts_are_the_macros_for_every_cell_and_net(designs):
    """bd_parts remembers a cell's or a net's text by value: sound only because every field
    of the views is a str (1, 1.0 and True would be equal keys written apart). Every cell
    and net of designs at two clocks, on two boards and with two DPUs is laid out by the
    remembered macro exactly as by the macro itself, and a changed frequency changes it."""
    from hwgen.emit import vivado
    from hwgen.emit.render import environment

    env = environment()
    module = env.get_template("tcl/_block_design_parts.tcl.j2").module
    texts = {}
    for key in ("pynq", "pynq_100", "zybo", "pynq_b1024"):
        design = designs[key]
        bd = blockdesign.block_design_for(design)
        for kind, views in (("cell", vivado.cell_views(design, bd)), ("net", vivado.net_views(bd))):
            for view in views:
                assert _strings_only(view), view
                remembered = env.globals["bd_parts"][kind](view)
                assert str(remembered) == str(getattr(module, kind)(view))
                texts[key, kind, view.name] = str(remembered)
    assert texts["pynq", "net", "clk_dpu"] != texts["pynq_100", "net", "clk_dpu"]
    assert texts["pynq", "cell", "dpu_clk_wiz"] != texts["pynq_100", "cell", "dpu_clk_wiz"]
    # the DPU's cell and the reset nets do not see the clock: one text for both
    dpu = designs["pynq"].dpu.cell
    assert texts["pynq", "cell", dpu] == texts["pynq_100", "cell", dpu]
    assert texts["pynq", "net", "ps_resetn"] == texts["pynq_100", "net", "ps_resetn"]
    # every shipped board's views (the ZynqMP ones too) hold strings only
    from hwgen import resources

    for board in sorted(resources.shipped("boards")):
        design = load_design(board, "B1152", ())
        bd = blockdesign.block_design_for(design)
        for view in vivado.cell_views(design, bd) + vivado.net_views(bd):
            assert _strings_only(view), (board, view)
        # the PS's preset groups are the board's own block tuples (remembered by identity),
        # and they are the cell's preset, block by block
        ps = next(c for c in bd.cells if c.role == "ps")
        groups = next(v for v in vivado.cell_views(design, bd) if v.name == ps.name).groups[:-1]
        assert [g.props for g in groups] == [b for b in design.board.ps.preset], board
        assert all(g.props is b for g, b in zip(groups, design.board.ps.preset)), board
        assert tuple(p for g in groups for p in g.props) == ps.props[:ps.preset], board


def test_calls_in_templates_are_jinjas_calls():
    """The environment's Context calls a macro or an unmarked function straight away and
    leaves everything else to Jinja2: marked functions still get their context, environment
    or eval context, loop variables still reach a pass_context function, and a
    StopIteration still becomes an undefined value. Each template is rendered by hwgen's
    environment and by a plain Jinja2 one."""
    import jinja2

    from hwgen.emit.render import environment

    @jinja2.pass_context
    def seen(ctx, name):
        return f"{name}={ctx.get(name)}"

    @jinja2.pass_environment
    def env_kind(env):
        return "strict" if env.undefined is jinja2.StrictUndefined else "lenient"

    @jinja2.pass_eval_context
    def autoescaped(eval_ctx):
        return str(eval_ctx.autoescape)

    def stop():
        raise StopIteration

    class Callable:
        def __call__(self, x):
            return f"<{x}>"

    class MarkedCall:
        @jinja2.pass_context
        def __call__(self, ctx):
            return f"ctx {ctx.get('v')}"

    source = ('{% macro m(a, b="d") %}{{ a }}-{{ b }}{% endmacro %}'
              '{% macro c(a) %}{{ a }}-d{{ caller() }}{% endmacro %}'
              '{{ m(1) }} {{ m(2, b=3) }} {% call c(4) %}body{% endcall %} '
              '{% for i in [1, 2] %}{{ seen("i") }} {% set v = i %}{{ seen("v") }} {% endfor %}'
              '{{ env_kind() }} {{ autoescaped() }} {{ plain(5) }} {{ obj(6) }} {{ marked() }} '
              '[{{ stop() is undefined }}]')
    names = dict(seen=seen, env_kind=env_kind, autoescaped=autoescaped, stop=stop, obj=Callable(),
                 marked=MarkedCall(), plain=lambda x: x * 2, v="top")
    hwgen_env = environment()
    plain_env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                                   keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    ours = hwgen_env.from_string(source).render(**names)
    theirs = plain_env.from_string(source).render(**names)
    assert type(hwgen_env.from_string("").new_context()) is not jinja2.runtime.Context
    assert ours == theirs
    # a {% set %} inside the loop reaches the pass_context function (Jinja2 passes _loop_vars)
    assert "v=1" in ours and "v=2" in ours and "[True]" in ours and "4-dbody" in ours and "ctx top" in ours


def test_remembered_macros_tell_equal_values_of_other_kinds_apart():
    """A remembered macro's text is keyed on its arguments and on the kinds of the values in
    them (render._exact_kinds): 1, True and 1.0 are equal but written apart, and so are 0.0
    and -0.0; a Markup, a list or a record that leaves a field out of its comparison is laid
    out every time. Each call is compared with the macro itself, in an order that would
    serve a stale text if the kinds were not part of the key."""
    import dataclasses

    import jinja2
    import markupsafe

    from hwgen.emit import render

    env = render.make_environment(jinja2.DictLoader(
        {"t.j2": "{% macro show(a, b) %}{{ a }}|{{ b }}{% endmacro %}"}))
    macro = env.get_template("t.j2").module.show
    remembered = render._remembered_macro(env, "t.j2", "show", exact=True)

    @dataclasses.dataclass(frozen=True)
    class Loose:
        shown: str
        hidden: str = dataclasses.field(compare=False)

    calls = [(1, "x"), (True, "x"), (1.0, "x"), (0.0, "x"), (-0.0, "x"), (None, "x"),
             (("a", 1), "x"), (("a", True), "x"), (len, "x"), (markupsafe.Markup("<i>"), "x"),
             ("<i>", "x"), (Loose("s", "one"), "x"), (Loose("s", "two"), "x")]
    for a, b in calls + calls[::-1]:
        assert str(remembered(a, b)) == str(macro(a, b)), (a, b)
    assert render._exact_kinds(("s", ("t",))) == ""
    assert render._exact_kinds((1, True)) != render._exact_kinds((True, 1))
    assert render._exact_kinds((1,)) != render._exact_kinds((1.0,))
    assert render._exact_kinds((0.0,)) != render._exact_kinds((-0.0,))
    assert render._exact_kinds((len, None)) == render._exact_kinds((abs, None))
    assert render._exact_kinds((Loose("s", "one"),)) is None
    assert render._exact_kinds(([1],)) is None and render._exact_kinds((markupsafe.Markup("m"),)) is None
    assert render._exact_kinds((int,)) is None        # a class: not a value written as itself


def test_the_fingerprint_plan_follows_the_fingerprinted_settings_only(designs):
    """fingerprint_plan is remembered per FingerprintInputs (profile ISA, architecture, IP
    version, the fingerprinted DPU settings): equal to the plan computed afresh for every
    design, one object for designs that differ elsewhere (clock, board, strategies), another
    for another DPU or a fingerprinted option."""
    from hwgen.emit import vitis_ai

    vitis_ai._fingerprint_plan_of.cache_clear()
    plans = {k: vitis_ai.fingerprint_plan(d) for k, d in designs.items()}
    for key, design in designs.items():
        fp, config = vitis_ai.dpu_fingerprint(design)
        assert plans[key] == vitis_ai._plan(fp, config), key
        assert vitis_ai.arch_json_text(plans[key].decoded) == vitis_ai.arch_json_text.__wrapped__(
            plans[key].decoded)
    for same in ("zybo", "pynq_100", "pynq_strategy", "pynq_lut10"):
        assert plans[same] is plans["pynq"], same
    assert plans["pynq_b1024"] != plans["pynq"]
    relu = load_design("pynq_z2", "B512", ("dpu.leaky_relu=false",))
    assert vitis_ai.fingerprint_plan(relu).fingerprint != plans["pynq"].fingerprint


def test_outputs_of_one_text_object_are_one_output_with_its_own_hash():
    """text_output is remembered by the objects it is given (a text the strategy variants
    share is encoded and hashed once): the same text under another path or role is another
    Output, an equal text in another object an equal Output, and the remembered sha256 is
    the data's."""
    import hashlib

    from hwgen.emit.output import Output, text_output

    text = "digraph \u00b7 " * 100
    first = text_output("report/block_design.dot", "report.diagram_source", text)
    assert text_output("report/block_design.dot", "report.diagram_source", text) is first
    other = text_output("x.dot", "report.diagram_source", text)
    assert other.path == "x.dot" and other is not first
    copy = "".join(list(text))
    assert copy is not text
    assert text_output("report/block_design.dot", "report.diagram_source", copy) == first
    assert first.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest() == first.sha256
    assert Output("a", "b", b"x").sha256 == hashlib.sha256(b"x").hexdigest()


def _dot_laid_out_afresh(bd, caption, notes):
    """The DOT text with every node and edge laid out by its macro now (no _TEXT_MEMO)."""
    from hwgen.emit.render import environment, render

    d = diagram.build_diagram(bd, caption, notes)
    parts = diagram._parts(environment())
    return render("report/block_design.dot.j2", d=diagram.Frame(d.name, d.caption, d.legend, d.ranks),
                  nodes=[parts.node(n) for n in d.nodes], edges=[parts.edge(e) for e in d.edges])


def test_remembered_nodes_and_edges_are_their_macros(designs):
    """Every diagram, drawn with the node and edge texts remembered across designs (warm, in
    an interleaved order), is the one laid out afresh; the boards, DPUs and clocks make
    different nodes, and the memo is used (fewer entries than nodes and edges drawn)."""
    _clear()
    drawn = 0
    for _ in range(2):
        for key, design in designs.items():
            clocks = clockflow.design_clocks(design)
            bd = blockdesign.plan_block_design(design, clocks)
            s = report.design_summary(design, clocks, bd)
            caption, notes = report.diagram_caption(s), report.interrupt_notes(design, s)
            diagram._diagram_dot.cache_clear()      # the whole text laid out from the memo
            text = diagram.diagram_dot(bd, caption, notes)
            assert text == _dot_laid_out_afresh(bd, caption, notes), key
            d = diagram.build_diagram(bd, caption, notes)
            drawn += len(d.nodes) + len(d.edges)
    assert 0 < len(diagram._TEXT_MEMO) < drawn / 4


def test_a_markup_text_is_not_served_the_str_equal_to_it(designs):
    """|e escapes a str and leaves a Markup alone, and the two are equal: a diagram holding a
    Markup is laid out by the macros, never from (or into) the memo, and the caches keyed on
    the notes keep it apart from the str version."""
    from markupsafe import Markup

    design = designs["pynq"]
    clocks = clockflow.design_clocks(design)
    bd = blockdesign.plan_block_design(design, clocks)
    s = report.design_summary(design, clocks, bd)
    pin = report.interrupt_notes(design, s)[0][0]       # dpu/dpu0_interrupt
    plain, marked = ((pin, "IRQ <0>"),), ((pin, Markup("IRQ <0>")),)
    assert plain == marked
    _clear()
    as_str = diagram.diagram_dot(bd, "c", plain)
    as_markup = diagram.diagram_dot(bd, "c", marked)
    assert "IRQ &lt;0&gt;" in as_str and "IRQ <0>" in as_markup
    assert as_markup == _dot_laid_out_afresh(bd, "c", marked)
    assert as_str == _dot_laid_out_afresh(bd, "c", plain)
    assert diagram.diagram_dot(bd, "c", plain) == as_str     # and in the other order


def test_shared_summary_members_are_the_values_gathered_afresh(designs):
    """_planned_summary hands out one object per value (summary._shared) for the members a
    design's clock variants share: with that memo warm from every other design, each summary,
    its design.json and the page's facts equal what the design alone gives with every memo
    emptied, and the clock variants of a board and DPU hold the same objects."""
    _clear()
    warm = {}
    for _ in range(2):
        for key, design in designs.items():
            clocks = clockflow.design_clocks(design)
            bd = blockdesign.plan_block_design(design, clocks)
            s = summary.design_summary(design, clocks, bd)
            verdict = est.estimate(design)
            warm[key] = (s, summary.to_json(s), report.facts(design, s, verdict))
    assert warm["pynq_100"][0].cells is warm["pynq"][0].cells
    assert warm["pynq_100"][0].memory is warm["pynq"][0].memory
    assert warm["pynq_100"][2].addresses is warm["pynq"][2].addresses
    assert warm["pynq_100"][0].clocks != warm["pynq"][0].clocks
    assert warm["zybo"][0].board is not warm["pynq"][0].board
    assert warm["zybo"][0].strategies is warm["pynq"][0].strategies     # the same defaults
    assert warm["zybo"][2].strategies is warm["pynq"][2].strategies
    assert warm["pynq_build"][2].strategies != warm["pynq"][2].strategies
    for key, design in designs.items():     # the PS ports, the DPU interfaces behind them afresh
        clocks = clockflow.design_clocks(design)
        assert summary.ps_ports(design, blockdesign.plan_block_design(design, clocks)) == warm[key][0].ps_ports
    assert any(p.peers for p in warm["pynq"][0].ps_ports)
    for key, design in designs.items():
        _clear()
        clocks = clockflow.design_clocks(design)
        bd = blockdesign.plan_block_design(design, clocks)
        s = summary.design_summary(design, clocks, bd)
        fresh = (s, summary.to_json(s), report.facts(design, s, est.estimate(design)))
        assert fresh == warm[key], key
        assert report.interrupt_notes(design, s) == report._interrupt_notes.__wrapped__(
            warm[key][0].cells, warm[key][0].dpu, warm[key][0].interrupts, "IRQ_F2P"), key


def test_value_key_keeps_apart_what_is_written_apart():
    """Two values share one object only when every writer writes them alike: 1, True and 1.0
    are equal but written 1, true and 1.0; a Markup equal to a str is not escaped; 0.0 and
    -0.0 are equal floats written apart (so floats are never shared); a record and a tuple, or
    two record classes, with the same values are different JSON."""
    from markupsafe import Markup

    key = summary._value_key
    seg = summary.Segment("s", "dpu/reg", 0x4F000000, 1 << 24)
    assert key(seg) == key(summary.Segment("s", "dpu/reg", 0x4F000000, 1 << 24))
    assert key(seg) != key(summary.Segment("s", "dpu/reg", 0x4F000000, 1 << 25))
    assert key(summary.LinkFacts("a", "b", 1)) != key(summary.LinkFacts("a", "b", True))
    assert key(summary.CellFacts("a", "b", "c")) != key(summary.CellFacts(Markup("a"), "b", "c"))
    assert key(summary.CellFacts("a", "b", "c")) != key(("a", "b", "c"))
    assert key(summary.CellFacts("a", "b", "c")) != key(summary.BoardFacts("a", "b", "c", "d", 1, 2, "e"))
    assert key(summary.LinkFacts("a", "b", 1.0)) is None and key((0.0,)) is None
    assert key((("a", "b"),)) != key(("a", "b")) and key((("a", "b"),)) == key((("a", "b"),))
    # tuples of one kind of item (checked at once) and of several, alike
    link = summary.LinkFacts
    assert key((link("a", "b", 1), link("c", "d", 2))) == key((link("a", "b", 1), link("c", "d", 2)))
    assert key((link("a", "b", 1),)) != key((link("a", "b", True),))
    assert key((link("a", "b", True),)) == key((link("a", "b", True),))
    assert key((((1,),),)) != key((((True,),),)) and key(((1,),)) != key(((True,),))
    assert key((link("a", "b", 1), ("a", "b", 1))) != key((link("a", "b", 1), link("a", "b", 1)))
    assert key((link("a", "b", 0.5),)) is None
    nested = summary.DpuFacts("B512", "512", "v", "dpu", 1, (("ARCH", "512"),), "0x1", "t", True)
    assert key(nested) == key(summary.DpuFacts("B512", "512", "v", "dpu", 1, (("ARCH", "512"),),
                                               "0x1", "t", True))
    assert key(nested) != key(summary.DpuFacts("B512", "512", "v", "dpu", True, (("ARCH", "512"),),
                                               "0x1", "t", True))
    # shared: the first object of a value is handed out for every equal one, others stand alone
    summary._SHARED.clear()
    a, b = summary.Segment("s", "x", 1, 2), summary.Segment("s", "x", 1, 2)
    assert summary._shared(a) is a and summary._shared(b) is a
    odd = summary.LinkFacts("a", "b", 2.0)
    assert summary._shared(odd) is odd and summary._shared(summary.LinkFacts("a", "b", 2.0)) is not odd


def test_with_fields_is_dataclasses_replace(designs):
    import dataclasses

    s = summary.design_summary(designs["pynq"])
    for changes in ({}, {"design": "x"}, {"design": "x", "settings": (("a", 1),), "strategies": None}):
        assert summary.with_fields(s, **changes) == dataclasses.replace(s, **changes)
    with pytest.raises(TypeError):
        summary.with_fields(s, no_such_field=1)


def test_setting_text_with_the_remembered_schema_lookup_is_the_schema_read_afresh(designs):
    """setting_text remembers what each key names in the schema (_size_spec); every setting of
    every design is written as reading the schema afresh gives it."""
    from hwgen.model.records import SETTINGS_SCHEMA
    from hwgen.model.schema import Size, format_size, lookup

    def afresh(key, value):
        if value is None:
            return "(not set)"
        if isinstance(value, bool):
            return "true" if value else "false"
        spec = lookup(SETTINGS_SCHEMA, tuple(key.split(".")))
        if isinstance(spec, Size) and isinstance(value, int):
            return f"0x{value:08X}" if "address" in spec.what else format_size(value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    sizes = 0
    for design in designs.values():
        for key, value in summary.flat_settings(design.settings):
            sizes += summary._size_spec(key) is not None
            assert summary.setting_text(key, value) == afresh(key, value), key
            for other in (0x10000000, 256 << 20, True, 1.5, None):
                assert summary.setting_text(key, other) == afresh(key, other), (key, other)
    assert sizes > 0


def test_shared_records_are_shared_as_the_records_made_first():
    """_shared_records keys a tuple of records by their rows before making them: the key is
    _value_key's for the tuple made, so either way of asking hands out the same object, and
    rows with a leaf written apart (a bool for an int, a float) are never shared by value."""
    summary._SHARED.clear()
    rows = (("s", "dpu/reg", 0x4F000000, 1 << 24), ("s", "ddr", 0, 1 << 29))
    made = tuple(summary.Segment(*r) for r in rows)
    assert summary._value_key(made) == (tuple, summary.Segment, rows)
    first = summary._shared_records(summary.Segment, rows)
    assert first == made and summary._shared(made) is first
    assert summary._shared_records(summary.Segment, tuple(list(r) and r for r in rows)) is first
    assert summary._shared_records(summary.LinkFacts, (("a", "b", 1),)) is not \
        summary._shared_records(summary.LinkFacts, (("a", "b", True),))
    odd = summary._shared_records(summary.LinkFacts, (("a", "b", 2.0),))
    assert odd == (summary.LinkFacts("a", "b", 2.0),)
    assert summary._shared_records(summary.LinkFacts, (("a", "b", 2.0),)) is not odd
    assert summary._shared_records(summary.CellFacts, ()) == ()


def test_remembered_settings_sections_are_the_sections_checked_afresh():
    """The settings' sections remember the record each accepted value built (schema.MemoRec):
    a design loaded warm has the settings of one loaded with the memos emptied, designs that
    differ only in their strategy share the other sections' records, values equal in Python
    but of another type or sign get their own record, and a refused value is refused (and
    located) every time."""
    from hwgen.model import records
    from hwgen.model.schema import Ctx, MemoRec, _value_key

    sections = [f.spec for f in records.SETTINGS_SCHEMA.fields.values()]
    assert all(isinstance(s, MemoRec) for s in sections)
    sets = ("dpu.clock_mhz=125", "linux.cma=128M", "build.impl_strategy=Performance_Explore")
    warm = [load_design("zybo_z7_20", "B1024", sets) for _ in range(2)]
    assert warm[0].settings.dpu is warm[1].settings.dpu
    for s in sections:
        s._memo.clear()
    cold = load_design("zybo_z7_20", "B1024", sets)
    assert cold.settings == warm[1].settings and cold.settings.dpu is not warm[1].settings.dpu
    other = load_design("zybo_z7_20", "B1024", sets[:2] + ("build.impl_strategy=Flow_RunPhysOpt",))
    assert other.settings.dpu is cold.settings.dpu and other.settings.linux is cold.settings.linux
    assert other.settings.build != cold.settings.build
    # same value, same key; equal values of other types or signs, other keys
    assert _value_key({"a": [1, "x"]}) == _value_key({"a": [1, "x"]})
    assert len({_value_key(v) for v in (1, 1.0, True, 0.0, -0.0, "1", None)}) == 7
    assert _value_key({"a": object()}) is None
    flat = [{"a": 1}, {"a": True}, {"a": 1.0}, {"a": 0.0}, {"a": -0.0}, {"a": "1"}, {"a": None},
            {1: "a"}, {"a": [1]}, {"a": 1, "b": 2}, {"b": 2, "a": 1}, {}]
    assert len({_value_key(v) for v in flat}) == len(flat)           # one flat, one nested spelling
    assert _value_key({"a": 1, "b": "x"}) == _value_key(dict([("a", 1), ("b", "x")]))
    dpu = records.SETTINGS_SCHEMA.fields["dpu"].spec
    fresh = super(MemoRec, dpu).check         # the check without the memo
    for value in ({"fclk_tolerance_ppm": 0.0}, {"fclk_tolerance_ppm": -0.0}, {"clock_mhz": 100},
                  {"clock_mhz": 100.0}, {"softmax": True}):
        got = dpu.check(value, Ctx(lambda p, k=False: (None, ".".join(map(str, p)))), ())
        assert got == fresh(value, Ctx(lambda p, k=False: (None, "")), ())
        assert repr(got.fclk_tolerance_ppm) == repr(float(value.get("fclk_tolerance_ppm", 0.0)))
    for _ in range(2):
        with pytest.raises(est.InputError, match="dpu.cores"):
            load_design("pynq_z2", "B512", ("dpu.cores=9",))


def test_blanked_settings_are_shared_by_the_strategy_variants(designs):
    """unplanned_blank and verdict_key blank the sections the plan and the verdict do not
    read through memos keyed on the section records: the strategy variants of a design get
    one blanked Settings, equal to blanking afresh, and a section that differs gets its own."""
    from hwgen.frozen import replace

    plain, strategy, lut10 = (designs[k] for k in ("pynq", "pynq_strategy", "pynq_lut10"))
    for blank, memo in ((blockdesign.unplanned_blank, blockdesign._unplanned_settings),
                        (est.verdict_key, est._unestimated_settings)):
        blockdesign.unplanned_blank.cache_clear()
        assert blank(plain).settings is blank(strategy).settings
        assert blank(lut10).settings is not blank(plain).settings
        assert blank(lut10).settings.budget.lut == 10
    s = plain.settings
    assert blockdesign.unplanned_blank(plain).settings == replace(
        s, build=replace(s.build, **blockdesign._UNPLANNED_BUILD), dpu=replace(s.dpu, profile=""))
    assert est.verdict_key(plain).settings == replace(s, build=replace(s.build, **est._UNESTIMATED_BUILD))


def test_clock_plans_are_keyed_on_the_board_and_the_dpu_settings(designs):
    """design_clocks remembers the plan per board and clock settings (clockflow._board_clocks):
    a design that differs elsewhere is served the same plan, equal to planning afresh; a
    request no clock meets is an error located in the design that asked, every time."""
    clockflow._board_clocks.cache_clear()
    plain = clockflow.design_clocks(designs["pynq"])
    assert clockflow.design_clocks(designs["pynq_lut10"]) is plain
    s = designs["pynq"].settings.dpu
    assert plain == clockflow._board_clocks.__wrapped__(designs["pynq"].board, s.clock_mhz, s.dsp_clock_mhz,
                                                        s.fclk_tolerance_ppm)
    # an alternative's options (cores, softmax ...) leave its clocks the design's
    assert clockflow.design_clocks(est._set(designs["pynq"], cores=2)) is plain
    for sets in (("dpu.clock_mhz=777",), ("dpu.clock_mhz=150", "dpu.dsp_clock_mhz=777")):
        design = load_design("pynq_z2", "B512", sets)
        for _ in range(2):
            with pytest.raises(est.InputError) as err:
                clockflow.design_clocks(design)
            assert f"--set {sets[-1]}" in str(err.value)


def test_memory_plans_and_checks_are_keyed_on_what_they_read(designs):
    """plan_memory and memory_checks remember their answers per board and Linux settings (and,
    for the checks, where the settings their messages name were set): the designs of a board
    at other clocks and DPUs share them, equal to computing them afresh, and a --set that
    moves a named setting gets messages naming it."""
    from hwgen.plan import memory

    memory._plan_memory_of.cache_clear()
    memory._memory_checks_of.cache_clear()
    plain, other = designs["pynq"], designs["pynq_b1024"]
    assert memory.plan_memory(other) is memory.plan_memory(plain)
    assert memory.memory_checks(other) is memory.memory_checks(plain)
    for design in designs.values():
        fresh = memory._memory_checks(design, memory._plan_memory_of.__wrapped__(
            design.board, design.settings.linux))
        assert memory.memory_checks(design) == fresh
        assert memory.memory_checks(design, memory.plan_memory(design)) == fresh
    for sets in (("linux.cma=1G",), ("linux.cma=1024M",), ("linux.min_free=600M",)):
        design = load_design("pynq_z2", "B512", sets)
        failed = [c.message for c in memory.memory_checks(design) if not c.ok]
        assert failed and all(f"--set {sets[0]}" in m for m in failed), sets
        assert memory.memory_checks(design) == memory._memory_checks(design, memory.plan_memory(design))


def test_evaluations_are_shared_across_clocks_and_equal_a_fresh_one(designs):
    """The estimate lines are remembered per part, limits and the two costs objects
    (estimate._lines_of), the infrastructure's costs being one object for equal costs: the
    100 MHz design is served the 150 MHz one's lines, equal to a fresh evaluation; another
    limit or DPU gets its own."""
    _clear()
    est._INFRASTRUCTURE.clear()

    def fresh(design):
        bd = blockdesign.block_design_for(design)
        infra = est.infrastructure_cost(bd, frozenset({f"{design.dpu.cell}/{design.dpu.interfaces.control}"}))
        costs = est._dpu_cost_of.__wrapped__(design.dpu, est.dpu_arch.DpuOptions.of(design.settings.dpu),
                                             design.settings.dpu.channel_augmentation) \
            + est.Costs(lut=infra.lut, ff=infra.ff, notes=infra.unknown)
        return est._estimate_lines(design.part, design.settings.budget, costs), costs

    evaluate = lambda d: est._evaluate(d, blockdesign.block_design_for(d))   # noqa: E731
    assert blockdesign.block_design_for(designs["pynq_100"]) != blockdesign.block_design_for(designs["pynq"])
    assert evaluate(designs["pynq_100"]) is evaluate(designs["pynq"])
    for key, design in designs.items():
        assert evaluate(design) == fresh(design), key
    assert evaluate(designs["pynq_lut10"]) != evaluate(designs["pynq"])
    assert evaluate(designs["pynq_b1024"]) != evaluate(designs["pynq"])


def test_dpu_cores_are_keyed_on_what_they_read_and_refusals_are_located(designs, tmp_path):
    """dpu_cores remembers the listing per profile, family, core count and softmax
    (blockdesign._dpu_cores_of): designs that differ elsewhere share it, equal to a fresh
    listing; a profile whose masters cannot be named for a second core is refused every time,
    at the place that design set dpu.cores."""
    blockdesign._dpu_cores_of.cache_clear()
    plain = blockdesign.dpu_cores(designs["pynq"])
    assert blockdesign.dpu_cores(designs["pynq_100"]) is plain
    for key, design in designs.items():
        s = design.settings.dpu
        assert blockdesign.dpu_cores(design) == blockdesign._dpu_cores_of.__wrapped__(
            design.dpu, design.board.ps.family, s.cores, s.softmax), key
    two = load_design("pynq_z2", "B512", ("dpu.cores=2",))
    assert len(blockdesign.dpu_cores(two)) == 2 and blockdesign.dpu_cores(two)[1].interrupt == "dpu1_interrupt"
    from hwgen import resources

    text = resources.shipped("dpus")["b512"].read_text().replace("DPU0_M_AXI_DATA0", "M_AXI_DATA0")
    odd = tmp_path / "odd.yaml"
    odd.write_text(text)
    for sets in (("dpu.cores=2",), ("dpu.cores=3",)):
        design = load_design("pynq_z2", str(odd), sets)
        for _ in range(2):
            with pytest.raises(est.InputError) as err:
                blockdesign.dpu_cores(design)
            assert str(err.value).startswith(f"--set {sets[0]}: dpu.cores: expected 1 for profile B512: "
                                             "its master M_AXI_DATA0 does not follow the DPU0_ naming")


def test_shipped_names_resolve_to_the_files_they_name():
    """load_board and load_dpu remember a shipped name's file (design._shipped_named): the
    answer is the one resolving the name afresh gives, a name in other case is the same
    file, and a name that is not shipped is still refused with its message."""
    from hwgen.model import design as design_mod

    design_mod._shipped_named.cache_clear()
    for kind, load, name in (("boards", design_mod.load_board, "pynq_z2"), ("dpus", design_mod.load_dpu, "B512")):
        remembered = load(name)
        assert load(name.upper()) is remembered
        file = design_mod._resolve(kind, name, None, "--x")
        fresh = (design_mod._board if kind == "boards" else design_mod._dpu)(
            design_mod._shipped_path(file), "x")
        assert remembered[0] == fresh[0] and remembered[2] == fresh[2] and remembered[3] == fresh[3]
    assert design_mod._shipped_named("boards", "nosuch") is None
    for _ in range(2):
        with pytest.raises(est.InputError, match="expected one of the shipped dpus"):
            design_mod.load_dpu("nosuch")


def test_file_layers_are_merged_once_and_never_written_through():
    """load_design merges a board's defaults over a DPU's options once per pair of files
    (design._file_layers) and each design writes its --set values into copies: a design
    loaded warm has the settings and the origins (in the same order) of one loaded with the
    memo emptied, and one design's --set never shows in the next design's settings."""
    from hwgen.model import design as design_mod

    sets = ("dpu.cores=2", "linux.cma=128M", "build.impl_strategy=Performance_Explore")
    first = design_mod.load_design("zybo_z7_20", "B1024", sets)
    plain = design_mod.load_design("zybo_z7_20", "B1024", ())
    again = design_mod.load_design("zybo_z7_20", "B1024", sets)
    design_mod._file_layers.cache_clear()
    cold = design_mod.load_design("zybo_z7_20", "B1024", sets)
    design_mod._file_layers.cache_clear()
    cold_plain = design_mod.load_design("zybo_z7_20", "B1024", ())
    for warm, fresh in ((first, cold), (again, cold), (plain, cold_plain)):
        assert warm.settings == fresh.settings
        assert list(warm.origins.items()) == list(fresh.origins.items())
    assert first.settings.dpu.cores == 2 and plain.settings.dpu.cores == 1
    assert plain.settings.linux.cma != 128 << 20 and str(plain.origin("dpu.cores") or "") != "--set dpu.cores=2"
    dpu_doc, board_doc = first.documents["dpu"], first.documents["board"]
    layers = design_mod._file_layers(dpu_doc, design_mod._section(dpu_doc, "options"),
                                     board_doc, design_mod._section(board_doc, "defaults"))
    assert "cores" not in layers.data.get("dpu", {}) and ("dpu", "cores") not in layers.origin


def test_infrastructure_costs_are_keyed_on_what_they_read():
    """The infrastructure's costs are remembered by everything of the plan they read
    (infrastructure.cost_key): the plans of a design at each clock share the key and the
    costs, every plan's remembered costs equal a fresh computation, and plans that differ in
    what is read (the interconnect IP, the core count, the board) do not share a key with a
    different cost."""
    from hwgen.budget import infrastructure

    _clear()
    by_key: dict = {}
    for board in ("pynq_z2", "zybo_z7_20", "kv260"):
        for dpu in ("B512", "B1600"):
            for extra in ((), ("build.interconnect=smartconnect",), ("dpu.cores=2",)):
                for mhz in (100, 150, 200):
                    try:
                        design = load_design(board, dpu, (f"dpu.clock_mhz={mhz}",) + extra)
                        bd = blockdesign.block_design_for(design)
                    except est.InputError:
                        continue
                    control = f"{design.dpu.cell}/{design.dpu.interfaces.control}"
                    fresh = infrastructure.infrastructure_cost(bd, frozenset({control}))
                    remembered = est._infrastructure(bd, control)
                    assert (remembered.lut, remembered.ff, remembered.notes) == (fresh.lut, fresh.ff, fresh.unknown)
                    by_key.setdefault((infrastructure.cost_key(bd), control), set()).add((fresh, mhz, extra, board))
    assert all(len({f for f, *_ in group}) == 1 for group in by_key.values())
    clocks_shared = [g for g in by_key.values() if len({m for _, m, _, _ in g}) == 3]
    assert clocks_shared
    kinds = [{(e, b) for _, _, e, b in g} for g in by_key.values()]
    for extra in (("build.interconnect=smartconnect",), ("dpu.cores=2",)):
        assert not any(("pynq_z2", ()) in {(b, e) for e, b in k} and ("pynq_z2", extra) in {(b, e) for e, b in k}
                       for k in kinds), extra


def test_a_plan_without_its_clocks_is_the_same_for_every_clock(designs):
    """The plan's parts that no clock decides are remembered per design without its clock
    settings (blockdesign._plan_skeleton of unclocked): built from the design itself they
    are the same, the designs at other clocks share them, and the whole plan still follows
    the clocks (frequencies, the clocking wizard, FCLK0)."""
    _clear()
    for key, design in designs.items():
        blank = blockdesign.unplanned_blank(design)
        assert blockdesign._plan_skeleton(blockdesign.unclocked(blank)) \
            == blockdesign._plan_skeleton.__wrapped__(blank), key
    for mhz in (100, 125, 200):
        other = load_design("pynq_z2", "B512", (f"dpu.clock_mhz={mhz}", "dpu.fclk_tolerance_ppm=5"))
        blank = blockdesign.unplanned_blank(other)
        assert blockdesign._plan_skeleton(blockdesign.unclocked(blank)) \
            is blockdesign._plan_skeleton(blockdesign.unclocked(blockdesign.unplanned_blank(designs["pynq"])))
        bd = blockdesign.block_design_for(other)
        assert bd.net_of("dpu/m_axi_dpu_aclk").freq_mhz == mhz
        assert bd.cell(blockdesign.CLK_WIZ) != blockdesign.block_design_for(designs["pynq"]).cell(blockdesign.CLK_WIZ)


def test_clock_limits_are_the_parts_own():
    """The data-sheet limits are remembered per part name (clock_limits.limits_for): equal to
    reading them afresh, one record per part, None for a part no row covers."""
    from hwgen.plan import clock_limits

    clock_limits.limits_for.cache_clear()
    for part in ("xc7z020clg400-1", "xczu7ev-ffvc1156-2-e", "xck26-sfvc784-2LV-c", "xc7z020clg400-9"):
        assert clock_limits.limits_for(part) == clock_limits.limits_for.__wrapped__(part), part
        assert clock_limits.limits_for(part) is clock_limits.limits_for(part)
    assert clock_limits.limits_for("xc7z020clg400-1") != clock_limits.limits_for("xczu7ev-ffvc1156-2-e")
    assert clock_limits.limits_for("xc7z020clg400-9") is None


def test_the_blanked_settings_are_rebuilt_from_every_section():
    """blockdesign._unplanned_settings and _unclocked_settings and estimate._unestimated_settings
    make a Settings from its four sections by name: a fifth section would be dropped there (or
    left at its default), so the record's fields are held to the four they pass."""
    import dataclasses

    from hwgen.model import records

    assert tuple(f.name for f in dataclasses.fields(records.Settings)) == ("dpu", "linux", "build", "budget")
