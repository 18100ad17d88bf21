"""dtc/fdtget helpers: compile a generated system-user.dtsi the way PetaLinux includes it.

The skeleton stands in for what PetaLinux 2023.2 provides around system-user.dtsi:
the root with one address and one size cell (zynq-7000.dtsi), the PS bus ``amba`` and
the GIC ``intc`` with three interrupt cells, a memory node for the board's DDR, a
``system-conf.dtsi`` with its own /chosen, and optionally a ``pl.dtsi`` like the one
the device-tree generator writes from an XSA. Any dtc warning fails the test.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

SYSTEM_CONF = """\
/ {
	chosen {
		bootargs = "console=ttyPS0,115200 earlycon";
		stdout-path = "serial0:115200n8";
	};
};
"""

_TOP = """\
/dts-v1/;
/ {{
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "xlnx,zynq-7000";
	interrupt-parent = <&intc>;
	memory@{base:x} {{
		device_type = "memory";
		reg = <0x{base:x} 0x{size:x}>;
	}};
	amba: axi {{
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		intc: interrupt-controller@f8f01000 {{
			compatible = "arm,cortex-a9-gic";
			#address-cells = <0>;
			#interrupt-cells = <3>;
			interrupt-controller;
			reg = <0xf8f01000 0x1000>, <0xf8f00100 0x100>;
		}};
	}};
}};
{pl}/include/ "system-user.dtsi"
"""

# Zynq UltraScale+: what Linux zynqmp.dtsi provides around system-user.dtsi (Xilinx/linux-xlnx
# arch/arm64/boot/dts/xilinx/zynqmp.dtsi): two address and two size cells at the root and
# on the PS bus, the GIC-400 at 0xF901_0000 labelled gic with three interrupt cells, and a
# memory node with one reg entry per DDR range (2 GiB low, the rest from 0x8_0000_0000).
_TOP_ZYNQMP = """\
/dts-v1/;
/ {{
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "xlnx,zynqmp";
	interrupt-parent = <&gic>;
	memory@{base:x} {{
		device_type = "memory";
		reg = {memory};
	}};
	amba: axi {{
		compatible = "simple-bus";
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		gic: interrupt-controller@f9010000 {{
			compatible = "arm,gic-400";
			#address-cells = <0>;
			#interrupt-cells = <3>;
			interrupt-controller;
			reg = <0x0 0xf9010000 0x0 0x10000>, <0x0 0xf9020000 0x0 0x20000>,
			      <0x0 0xf9040000 0x0 0x20000>, <0x0 0xf9060000 0x0 0x20000>;
		}};
	}};
}};
{pl}/include/ "system-user.dtsi"
"""


def _cells2(n: int) -> str:
    return f"0x{n >> 32:x} 0x{n & 0xFFFFFFFF:x}"


# What PetaLinux's generator writes for a DPUCZDX8G cell named "dpu" (node name, label,
# compatible, clocks from the XSA). Its interrupt deliberately differs from hwgen's so a
# test can see which one wins.
GENERATED_PL = """\
/ {
	misc_clk_0: misc_clk_0 {
		#clock-cells = <0>;
		clock-frequency = <300000000>;
		compatible = "fixed-clock";
	};
	amba_pl: amba_pl {
		#address-cells = <1>;
		#size-cells = <1>;
		compatible = "simple-bus";
		ranges ;
		dpu: dpuczdx8g@4f000000 {
			clock-names = "s_axi_aclk", "dpu_2x_clk", "m_axi_dpu_aclk";
			clocks = <&misc_clk_0>, <&misc_clk_0>, <&misc_clk_0>;
			compatible = "xlnx,dpuczdx8g-4.1";
			interrupt-names = "dpu0_interrupt";
			interrupt-parent = <&intc>;
			interrupts = <0 35 1>;
			reg = <0x4f000000 0x1000000>;
		};
	};
};
"""


def compile_dtsi(dtsi: str, folder: Path, ddr_base: int, ddr_size: int,
                 pl_dtsi: str | None = None, family: str = "zynq7") -> Path:
    """Compile ``dtsi`` inside the family's skeleton; fail on any error or warning. Returns the dtb."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "system-user.dtsi").write_text(dtsi)
    (folder / "system-conf.dtsi").write_text(SYSTEM_CONF)
    pl = ""
    if pl_dtsi is not None:
        (folder / "pl.dtsi").write_text(pl_dtsi)
        pl = '/include/ "pl.dtsi"\n'
    if family == "zynq7":
        top = _TOP.format(base=ddr_base, size=ddr_size, pl=pl)
    else:
        from hwgen.model.family import load_family

        ranges = load_family(family).ddr_regions(ddr_base, ddr_size)
        memory = ", ".join(f"<{_cells2(b)} {_cells2(s)}>" for _, b, s in ranges)
        top = _TOP_ZYNQMP.format(base=ddr_base, memory=memory, pl=pl)
    (folder / "system-top.dts").write_text(top)
    dtb = folder / "system.dtb"
    r = subprocess.run(["dtc", "-@", "-I", "dts", "-O", "dtb", "-o", str(dtb), "system-top.dts"],
                       cwd=folder, capture_output=True, text=True)
    assert r.returncode == 0 and not r.stderr.strip(), f"dtc rc={r.returncode}:\n{r.stderr}"
    return dtb


def fdtget(dtb: Path, node: str, prop: str, kind: str = "x"):
    """A property as ints (``kind`` 'x' or 'u') or a string ('s'); None when it is missing."""
    r = subprocess.run(["fdtget", "-t", kind, str(dtb), node, prop], capture_output=True, text=True)
    if r.returncode:
        return None
    out = r.stdout.strip()
    if kind == "s":
        return out
    return [int(w, 16 if kind == "x" else 10) for w in out.split()]


def subnodes(dtb: Path, node: str) -> list[str]:
    r = subprocess.run(["fdtget", "-l", str(dtb), node], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def properties(dtb: Path, node: str) -> list[str]:
    r = subprocess.run(["fdtget", "-p", str(dtb), node], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()
