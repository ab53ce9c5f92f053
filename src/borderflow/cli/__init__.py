"""The ``borderflow`` command line (Typer + Rich): one module of commands per layer."""

# Importing a command module registers its commands on ``app``.
from borderflow.cli import (  # noqa: F401
    _calibrate,
    _closure,
    _data,
    _demand,
    _forecast,
    _plan,
    _routes,
    _service,
    _sim,
    _waits,
)
from borderflow.cli._app import app


def main() -> None:
    """Entry point of the ``borderflow`` console script."""
    app()


__all__ = ["app", "main"]
