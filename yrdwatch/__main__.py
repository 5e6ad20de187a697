from yrdwatch.cli import cli

cli(prog_name="yrdwatch")
