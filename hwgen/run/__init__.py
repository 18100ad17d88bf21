"""The run stage: from a build folder to a bitstream, through Edalize and Vivado.

Owns: what `hwgen run` does (run), the Edalize bridge (edalize_bridge) and Vivado's
progress read from its logs (vivado_log, progress).

May import: every earlier stage (hwgen.explore down to hwgen.model) and the foundation.
"""
