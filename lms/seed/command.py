"""`flask seed` / `python seed.py`: load data at a named scale."""
import click


@click.command("seed")
@click.option("--scale", type=click.Choice(["demo", "medium", "large"]), default="demo",
              show_default=True, help="How much data to make (see README).")
def seed_command(scale: str) -> None:
    """Load data at SCALE: demo (hand-picked, idempotent) or medium/large (generated in SQL)."""
    raise click.ClickException("not implemented yet")
