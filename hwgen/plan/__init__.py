"""The plan stage: decisions as pure functions of a Design; no text, no files.

Owns: the clock plan (clocks: PLL/MMCM solver; clockflow: a Design's clocks or a located
error), the address map and interrupt numbers (addressmap), the block-design graph
(bdgraph: the data structure; blockdesign: what hwgen builds), what the DPU's ports can
move (bandwidth) and the memory plan with its checks (memory).

May import: hwgen.dpu, hwgen.model and the foundation.
"""
