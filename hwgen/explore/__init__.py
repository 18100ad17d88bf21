"""The explore stage: which DPU to pick, and how fast it runs a network.

Owns: the roofline performance model (perf) and its formats (perf_format), and the sweep
over DPU configurations and clocks (sweep) with its formats (sweep_format).

May import: hwgen.folder, hwgen.review, hwgen.budget, hwgen.emit, hwgen.plan, hwgen.dpu,
hwgen.model and the foundation.
"""
