"""The folder stage: a build folder as a whole.

Owns: assembling and writing everything a build folder holds, budget gate first (build),
and comparing two build folders or designs in engineering terms (diff).

May import: hwgen.review, hwgen.budget, hwgen.emit, hwgen.plan, hwgen.dpu, hwgen.model
and the foundation.
"""
