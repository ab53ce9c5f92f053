"""The ``borderflow`` command line (Typer + Rich): one module of commands per layer."""

from borderflow.cli import _data, _service, _sim, _waits  # noqa: F401  (commands register)
from borderflow.cli._app import app


def main() -> None:
    """Entry point of the ``borderflow`` console script."""
    app()


__all__ = ["app", "main"]
