"""The emit stage: plans turned into the text of generated files, written atomically.

Owns: the one Jinja2 environment and its quoting filters (render), atomic writing
and the manifest (output), terminal tables (texttable), and the generators of the Vivado
Tcl (vivado), the PetaLinux fragments (petalinux), the FuseSoC core (fusesoc_core) and
the Vitis AI handshake (vitis_ai).

May import: hwgen.plan, hwgen.dpu, hwgen.model and the foundation.
"""
