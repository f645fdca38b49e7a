"""`python seed.py [--scale demo|medium|large] [--reset]`: load data (as `flask seed` does)."""

from flask.cli import ScriptInfo

from lms import create_app
from lms.seed.command import seed_command

if __name__ == "__main__":
    # The app (and the embedded server) is only built once the options parse, so --help is quick.
    seed_command.main(prog_name="seed.py", obj=ScriptInfo(create_app=create_app))
