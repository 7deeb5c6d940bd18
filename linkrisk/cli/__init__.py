"""The ``linkrisk`` command line. Each area registers its commands from its own module.

The top layer: may import every other package; none imports it.

No command prints a traceback for bad input: a typed error (``LinkriskError``) is printed as
one line, ``error: …``, and the command exits 2 like any other usage error (``LinkriskGroup``);
options and arguments are checked by click before the command runs (exit 2 as well).
"""

from __future__ import annotations

import logging
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from linkrisk.errors import LinkriskError, NotReady

EXIT_USAGE = 2  # click's code for a usage error; a refused input is one too


class LinkriskGroup(TyperGroup):
    """The command tree's root: typed errors become one line on stderr and exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # click's Context (typer vendors click)
        try:
            return super().invoke(ctx)
        except LinkriskError as exc:
            from linkrisk.loaders.scrub import scrub_text  # an ID number is never printed

            typer.secho(f"error: {scrub_text(exc.detail)}", fg=typer.colors.RED, err=True)
            if isinstance(exc, NotReady):  # often: the data is elsewhere (the demo's store)
                from linkrisk.cli.store_location import demo_hint

                hint = demo_hint()
                if hint:
                    typer.secho(hint, err=True)
            raise typer.Exit(EXIT_USAGE) from None


app = typer.Typer(
    name="linkrisk",
    help="Graph-based risk and linked-entity monitoring for credit-based supervision.",
    cls=LinkriskGroup,
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
        importlib.import_module(f"linkrisk.cli.{module.name}")


Command = TyperCommand | TyperGroup


def _plain_flags(command: Command, ctx: typer.Context) -> None:
    """Boolean flags take no value: show them without a ``<bool>`` type in the help."""
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False):
            param.metavar = ""
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if isinstance(sub, TyperCommand | TyperGroup):
                _plain_flags(sub, typer.Context(sub, parent=ctx, info_name=name))


def command() -> Command:
    """The whole command tree (what ``linkrisk`` runs; the tests walk it)."""
    _register()
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    _plain_flags(root, typer.Context(root, info_name="linkrisk"))
    return root


def main() -> None:
    """Entry point."""
    # The Neo4j driver logs each failed connection and retry on its own; a command reports the
    # outcome once (``error: Neo4j at … is unavailable``), so only the driver's criticals show.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    command()(prog_name="linkrisk")
