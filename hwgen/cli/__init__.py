"""The command line: thin click commands over the stages below; the last stage.

Owns: argument parsing, exit codes and terminal output of every command. Heavy modules
load inside the commands that need them, so `hwgen --help` stays fast.

May import: every stage.
"""

# The commands register themselves on the group as their modules load; the group is the
# console-script entry point (hwgen.cli:main), so its name and place stay.
from hwgen.cli.app import main
from hwgen.cli import board, build, check, explore, listing, review  # noqa: F401  (registers commands)

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
