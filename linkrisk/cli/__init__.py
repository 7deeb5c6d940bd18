"""The ``linkrisk`` command line. Each area registers its commands from its own module.

The top layer: may import every other package; none imports it.
"""

from __future__ import annotations

import logging
import sys

import typer

from linkrisk.errors import LinkriskError

app = typer.Typer(
    name="linkrisk",
    help="Graph-based risk and linked-entity monitoring for credit-based supervision.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register() -> None:
    """Import every module of this package: each adds its commands to ``app``."""
    import importlib
    import pkgutil

    import linkrisk.cli as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "output":
            importlib.import_module(f"linkrisk.cli.{module.name}")


def main() -> None:
    """Entry point: typed errors are printed as one readable line, never as a traceback."""
    # The Neo4j driver logs each failed connection and retry on its own; a command reports the
    # outcome once (``error: Neo4j at … is unavailable``), so only the driver's criticals show.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    _register()
    try:
        app()
    except LinkriskError as exc:
        from linkrisk.loaders.scrub import scrub_text

        typer.secho(f"error: {scrub_text(exc.detail)}", fg=typer.colors.RED, err=True)
        sys.exit(2)
