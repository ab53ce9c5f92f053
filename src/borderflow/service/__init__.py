"""HTTP API and web dashboard: :func:`create_app` builds the FastAPI application.

:class:`Limits` caps simulation requests and sizes the worker pool; :class:`Providers`
names the library functions behind predictions (tests pass their own).
"""

from borderflow.service._app import create_app
from borderflow.service._limits import Limits
from borderflow.service._providers import NotAvailableError, Providers

__all__ = ["Limits", "NotAvailableError", "Providers", "create_app"]
