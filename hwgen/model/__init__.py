"""The model stage: YAML in, a frozen, validated Design out.

Owns: the YAML loader that remembers file:line:col (loader), the declarative schema
(schema), the typed records for boards, DPU profiles, parts and settings (records), the
PS family data (family), the result types every check produces (verdict), and design
assembly from a board, a DPU profile, the parts data and --set (design).

May import: hwgen.errors and hwgen.resources only. Every later stage reads the model.
"""
