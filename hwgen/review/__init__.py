"""The review stage: what a reviewer reads about a design besides the generated files.

Owns: the design summary in engineering terms (summary), the block diagram (diagram),
the HTML and Markdown review pages (report) and what `hwgen fingerprint` prints
(fingerprint_report).

May import: hwgen.budget, hwgen.emit, hwgen.plan, hwgen.dpu, hwgen.model and the foundation.
"""
