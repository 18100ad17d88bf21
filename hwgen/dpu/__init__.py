"""The DPU stage: what the DPUCZDX8G IP builds, independent of any board.

Owns: the architecture geometry and the IP's own resource formulas (arch), and the
fingerprint the Vitis AI compiler checks, encoded, decoded and named (fingerprint).

May import: hwgen.model and the foundation (hwgen.errors, hwgen.resources).
"""
