"""The budget stage: does the design fit, before Vivado (estimate) and after it (reports)?

Owns: the resource estimate and the verdict (estimate), the infrastructure cells' cost
(infrastructure), performance warnings (lint), Vivado report parsers (reports), the
verdict as text, JSON and JUnit (verdict_format), and what `hwgen check` does (check).

May import: hwgen.emit, hwgen.plan, hwgen.dpu, hwgen.model and the foundation.
"""
