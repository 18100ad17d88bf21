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
                 pl_dtsi: str | None = None) -> Path:
    """Compile ``dtsi`` inside the skeleton; fail on any error or warning. Returns the dtb."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "system-user.dtsi").write_text(dtsi)
    (folder / "system-conf.dtsi").write_text(SYSTEM_CONF)
    pl = ""
    if pl_dtsi is not None:
        (folder / "pl.dtsi").write_text(pl_dtsi)
        pl = '/include/ "pl.dtsi"\n'
    (folder / "system-top.dts").write_text(_TOP.format(base=ddr_base, size=ddr_size, pl=pl))
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
