"""A hand-built block design of the shape hwgen's default Pynq-Z2 + DPU design has.

Used to test the infrastructure estimate independently of hwgen/plan/blockdesign.py: every
cell, link width and clock net is written out here, so each expected figure can be
worked out by hand from parts/infrastructure.yaml.
"""

from hwgen.plan.bdgraph import BlockDesign, Cell, IntfLink, Net

IC = "xilinx.com:ip:axi_interconnect:2.1"
SC = "xilinx.com:ip:smartconnect:1.0"


def default_bd(hp2_interconnect: bool = True, interconnect_vlnv: str = IC) -> BlockDesign:
    """PS7, DPU, one clk_wiz, three resets, GP0 1x1 to the DPU's AXI4-Lite S_AXI,
    HP0 2x1 (DATA0 64 bit + INSTR 32 bit), HP2 1x1 pass-through, an IRQ concat."""
    cells = [
        Cell("ps", "xilinx.com:ip:processing_system7:5.5", (), "ps"),
        Cell("dpu", "xilinx.com:ip:dpuczdx8g:4.1", (), "dpu"),
        Cell("dpu_clk_wiz", "xilinx.com:ip:clk_wiz:6.0", (("NUM_OUT_CLKS", "2"),), "clock"),
        Cell("rst_ps", "xilinx.com:ip:proc_sys_reset:5.0", (), "reset"),
        Cell("rst_dpu", "xilinx.com:ip:proc_sys_reset:5.0", (), "reset"),
        Cell("rst_dsp", "xilinx.com:ip:proc_sys_reset:5.0", (), "reset"),
        Cell("axi_gp0", interconnect_vlnv, (("NUM_SI", "1"), ("NUM_MI", "1")), "interconnect"),
        Cell("axi_hp0", interconnect_vlnv, (("NUM_SI", "2"), ("NUM_MI", "1")), "interconnect"),
        Cell("irq_concat", "xilinx.com:ip:xlconcat:2.1", (("NUM_PORTS", "1"),), "irq_concat"),
    ]
    links = [
        IntfLink("ps/M_AXI_GP0", "axi_gp0/S00_AXI", 32),
        IntfLink("axi_gp0/M00_AXI", "dpu/S_AXI", 32),
        IntfLink("dpu/DPU0_M_AXI_DATA0", "axi_hp0/S00_AXI", 64),
        IntfLink("dpu/DPU0_M_AXI_INSTR", "axi_hp0/S01_AXI", 32),
        IntfLink("axi_hp0/M00_AXI", "ps/S_AXI_HP0", 64),
    ]
    if hp2_interconnect:
        cells.append(Cell("axi_hp2", interconnect_vlnv, (("NUM_SI", "1"), ("NUM_MI", "1")), "interconnect"))
        links += [IntfLink("dpu/DPU0_M_AXI_DATA1", "axi_hp2/S00_AXI", 64),
                  IntfLink("axi_hp2/M00_AXI", "ps/S_AXI_HP2", 64)]
    else:
        links.append(IntfLink("dpu/DPU0_M_AXI_DATA1", "ps/S_AXI_HP2", 64))
    dpu_clk_loads = ("dpu/m_axi_dpu_aclk", "rst_dpu/slowest_sync_clk", "axi_hp0/ACLK",
                     "axi_hp0/S00_ACLK", "axi_hp0/S01_ACLK", "axi_hp0/M00_ACLK", "ps/S_AXI_HP0_ACLK",
                     "ps/S_AXI_HP2_ACLK")
    if hp2_interconnect:
        dpu_clk_loads += ("axi_hp2/ACLK", "axi_hp2/S00_ACLK", "axi_hp2/M00_ACLK")
    nets = [
        Net("fclk0", "ps/FCLK_CLK0", ("dpu_clk_wiz/clk_in1", "ps/M_AXI_GP0_ACLK", "axi_gp0/ACLK",
                                      "axi_gp0/S00_ACLK", "axi_gp0/M00_ACLK", "dpu/s_axi_aclk",
                                      "rst_ps/slowest_sync_clk"), "clock", 150.0),
        Net("clk_dpu", "dpu_clk_wiz/clk_out2", dpu_clk_loads, "clock", 150.0),
        Net("clk_dsp", "dpu_clk_wiz/clk_out1", ("dpu/dpu_2x_clk", "rst_dsp/slowest_sync_clk"), "clock", 300.0),
        Net("irq", "irq_concat/dout", ("ps/IRQ_F2P",), "interrupt"),
    ]
    return BlockDesign("system", tuple(cells), (), tuple(links), tuple(nets), ())
