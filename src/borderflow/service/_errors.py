"""One JSON error shape for every 4xx/5xx the API answers.

Every error body is ``{"error": {"status", "code", "message", "parameter", "suggestions",
"candidates"}}`` (:class:`ErrorBody`). Text taken from the request is capped before it is
echoed (:func:`clip`), so a 100 KB path segment never comes back whole.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

#: Longest piece of request text echoed back in an error message [characters].
ECHO_MAX = 60
#: Longest accepted path or query parameter [characters].
PARAM_MAX = 100


def clip(text: object, limit: int = ECHO_MAX) -> str:
    """Return ``repr``-free text of ``text`` cut to ``limit`` characters (with a marker)."""
    s = str(text)
    if len(s) <= limit:
        return s
    return f"{s[:limit]}… ({len(s)} characters)"


class ErrorDetail(BaseModel):
    """What went wrong, for a person and for a program."""

    status: int = Field(description="HTTP status code, repeated.")
    code: str = Field(description="Stable machine-readable code, e.g. `port_not_found`.")
    message: str = Field(description="What went wrong, naming the parameter and value.")
    parameter: str | None = Field(
        default=None, description="The request parameter at fault, when one is."
    )
    suggestions: list[str] = Field(
        default_factory=list, description="Close matches (e.g. crossing ids and names)."
    )
    candidates: list[dict[str, Any]] = Field(
        default_factory=list, description="Records an ambiguous query matched."
    )


class ErrorBody(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API reports in the one shape (raise it from any route).

    Parameters
    ----------
    status
        HTTP status code.
    code
        Machine-readable code.
    message
        Text for a person; request text in it must already be clipped.
    parameter, suggestions, candidates
        See :class:`ErrorDetail`.
    headers
        Extra response headers (e.g. ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        parameter: str | None = None,
        suggestions: list[str] | None = None,
        candidates: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.detail = ErrorDetail(
            status=status,
            code=code,
            message=message,
            parameter=parameter,
            suggestions=suggestions or [],
            candidates=candidates or [],
        )
        self.headers = headers or {}


def error_response(exc: ApiError) -> JSONResponse:
    """Render an :class:`ApiError` as the one error shape."""
    return JSONResponse(
        status_code=exc.detail.status,
        content=ErrorBody(error=exc.detail).model_dump(mode="json"),
        headers=exc.headers,
    )


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    429: "too_many_requests",
    500: "internal_error",
    501: "not_available",
    503: "unavailable",
}


def _validation_message(err: dict[str, Any]) -> tuple[str | None, str]:
    """Return (parameter, message) for one pydantic/FastAPI validation error."""
    loc = [str(x) for x in err.get("loc", ())]
    where = loc[0] if loc else ""
    # A list parameter's item index (measure.0) is not a parameter name: drop it.
    name = ".".join(x for x in loc[1:] if not x.isdigit()) if len(loc) > 1 else where
    msg = str(err.get("msg", "invalid value"))
    if "input" in err and where in ("query", "path", "header"):
        return name, f"{where} parameter {name} = {clip(err['input'])!r}: {msg}"
    if where == "body":
        return name or "body", f"request body {name or ''}: {msg}".replace("  ", " ")
    return name or None, f"{name}: {msg}"


def install_error_handlers(app: FastAPI) -> None:
    """Make every error the app answers follow :class:`ErrorBody`."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        param, message = _validation_message(errors[0]) if errors else (None, "invalid request")
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more problem(s))"
        return error_response(ApiError(422, "invalid_parameter", message, parameter=param))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        if exc.status_code == 404:
            message = f"no such endpoint: {clip(request.url.path)}; the API is listed at /docs"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {clip(request.url.path)}"
        else:
            message = clip(exc.detail, 200)
        headers = dict(exc.headers) if exc.headers else None
        return error_response(ApiError(exc.status_code, code, message, headers=headers))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        # Never a stack trace to the client; the server log has it.
        return error_response(
            ApiError(500, "internal_error", f"internal error ({type(exc).__name__})")
        )


#: ``responses=`` for routes: every 4xx/5xx declared with the one shape in OpenAPI.
def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Return the OpenAPI ``responses`` mapping declaring :class:`ErrorBody` for ``codes``."""
    return {c: {"model": ErrorBody, "description": _STATUS_CODES.get(c, "error")} for c in codes}


#: Largest request body accepted [bytes]: a scenario is a few KB; 1 MB leaves room for
#: listed arrival times and empirical samples.
MAX_BODY_BYTES = 1_000_000


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413 in the one error shape.

    Checks ``Content-Length`` first, then counts the bytes of a streamed body, so a huge
    upload never sits in memory.
    """

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = error_response(
            ApiError(
                413,
                "body_too_large",
                f"the request body is over the cap of {self.max_bytes:,} bytes",
            )
        )
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await too_large(scope, receive, send)
                return
        seen = 0
        refused = False

        async def counted() -> Any:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answer now and tell the app the client left: it stops reading.
                    refused = True
                    await too_large(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Any) -> None:
            if not refused:  # after the 413, the app's answer is dropped
                await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            if not refused:
                raise
