"""Serve the explorer on 127.0.0.1: a free port unless one is given; Ctrl-C stops it cleanly."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from pathlib import Path

import panel as pn

from scenarios.outputs.explorer.app import ExplorerPage
from scenarios.outputs.explorer.engine import Explorer

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def app_factory(
    config: str | Path, *, samples: int, seed: int | None
) -> Callable[[], pn.viewable.Viewable]:
    """A function that builds a fresh page (its own state) for every browser session."""

    def build() -> pn.viewable.Viewable:
        return ExplorerPage(config, samples=samples, seed=seed).layout()

    return build


def make_server(
    config: str | Path,
    *,
    port: int | None = None,
    samples: int = 1000,
    seed: int | None = None,
    open_browser: bool = False,
):
    """A started-but-not-running Bokeh server for the explorer, bound to 127.0.0.1 only."""
    pn.extension(inline=True, design="native")  # every asset from this server, none from a CDN
    port = port or free_port()
    return pn.serve(
        {"/": app_factory(config, samples=samples, seed=seed)},
        address=HOST,
        port=port,
        websocket_origin=[f"{HOST}:{port}", f"localhost:{port}"],
        show=open_browser,
        start=False,
        title="scenarios explore",
        threaded=False,
        verbose=False,
    )


def serve(
    config: str | Path,
    *,
    port: int | None = None,
    samples: int = 1000,
    seed: int | None = None,
    open_browser: bool = False,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the explorer until Ctrl-C; prints its address first.

    The config is checked before the server starts, so a bad one fails here with the schema's
    message (and the command's exit code 2) rather than in the page.
    """
    Explorer(config, samples=samples, seed=seed)
    server = make_server(config, port=port, samples=samples, seed=seed, open_browser=False)
    server.start()
    url = f"http://{HOST}:{server.port}/"
    echo(f"scenarios explore: {url}  (Ctrl-C stops)")
    if open_browser:
        server.io_loop.add_callback(server.show, "/")

    def stop(signum: int, frame: object) -> None:  # Ctrl-C or SIGTERM: finish the loop, then stop
        server.io_loop.add_callback(server.io_loop.stop)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.io_loop.start()
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    echo("stopped")
