"""The ``borderflow`` command line (Typer + Rich): one module of commands per layer."""

from borderflow.cli import _data, _plan, _service, _sim  # noqa: F401  (commands register on app)
from borderflow.cli._app import app


def main() -> None:
    """Entry point of the ``borderflow`` console script."""
    app()


__all__ = ["app", "main"]
