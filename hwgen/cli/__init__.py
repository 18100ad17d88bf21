"""The command line: thin click commands over the stages below; the last stage.

Owns: argument parsing, exit codes and terminal output of every command. Heavy modules
load inside the commands that need them, so `hwgen --help` stays fast.

May import: every stage.
"""

# The commands register themselves on the group as their modules load, and the group loads
# a command's module when the command is asked for (hwgen.cli.app.COMMAND_MODULES); the
# group is the console-script entry point (hwgen.cli:main), so its name and place stay.
from hwgen.cli.app import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
