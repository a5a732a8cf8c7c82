"""HEAD answered like GET without a body, as HTTP requires of every GET resource.

FastAPI's routes answer only the methods they declare, so ``HEAD /`` (what uptime monitors
and link checkers send) got 405. Starlette's plain ``Route`` adds HEAD by itself; FastAPI's
``APIRoute`` does not, and declaring it on every route would also list it in the OpenAPI
schema. A pure ASGI middleware (a few lines) runs the GET and drops its body; the headers,
Content-Length included, stay those of the GET.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    """Serves ``HEAD`` requests with the matching ``GET`` route, minus the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
