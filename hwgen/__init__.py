"""hwgen: Zynq + Xilinx DPU designs from YAML to Vivado Tcl, PetaLinux fragments and budgets."""

__version__ = "0.1.0"
