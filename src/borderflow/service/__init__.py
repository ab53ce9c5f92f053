"""HTTP API and web dashboard: :func:`create_app` builds the FastAPI application."""

from borderflow.service.app import create_app

__all__ = ["create_app"]
