"""hwgen: Zynq + Xilinx DPU designs from YAML to Vivado Tcl, PetaLinux fragments and budgets.

The package follows the data flow, one sub-package per stage, imports pointing down:
model -> dpu -> plan -> emit -> budget -> review -> folder -> explore -> run -> cli.
The foundation every stage may use sits here: errors (exit codes, located problems),
resources (where the shipped data lives) and frozen (the typed records' decorator).
tests/test_layout.py enforces the direction.
"""

__version__ = "0.1.0"
