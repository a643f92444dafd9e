"""Browser fixtures: the real app on a free loopback port and Debian's headless Chromium,
driven by Playwright's Python package.

Chromium must exist in CI (``CI=true``): a missing browser fails there instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from search_service import create_app

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class LiveServer:
    def __init__(self, server: BaseWSGIServer) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"


def serve_app(index_dir: Path, host: str = "127.0.0.1", **config: object) -> Iterator[LiveServer]:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(server)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(index_dir: Path) -> Iterator[LiveServer]:
    yield from serve_app(index_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    """A fresh page that records console errors and CSP violations; the test fails on any."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.problems = problems
    yield page
    context.close()
    assert not problems, "\n".join(problems)


# --- Widget hosts: pages on another origin that embed the widget under a strict policy. ---

class HostSite:
    """Pages on a second origin (``localhost`` and its own port, while the service is on
    ``127.0.0.1``), each served with the Content-Security-Policy given for it."""

    def __init__(self, server: BaseWSGIServer, pages: dict[str, tuple[str, str]]) -> None:
        self.server = server
        self.pages = pages
        self.origin = f"http://localhost:{server.server_port}"

    def add(self, body: str, policy: str, head: str = "") -> str:
        path = f"/page-{len(self.pages)}.html"
        html = (f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
                f"<title>Host page</title>{head}</head><body><main>{body}</main></body></html>")
        self.pages[path] = (html, policy)
        return self.origin + path


@pytest.fixture(scope="session")
def host_site() -> Iterator[HostSite]:
    from werkzeug.wrappers import Request, Response

    pages: dict[str, tuple[str, str]] = {}

    def app(environ: dict[str, object], start_response: object) -> object:
        request = Request(environ)  # type: ignore[arg-type]
        if request.path == "/favicon.ico":
            return Response(status=204)(environ, start_response)  # type: ignore[arg-type]
        if request.path not in pages:
            return Response("not found", 404)(environ, start_response)  # type: ignore[arg-type]
        html, policy = pages[request.path]
        response = Response(html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = policy
        return response(environ, start_response)  # type: ignore[arg-type]

    server = make_server("127.0.0.1", 0, app, threaded=True)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostSite(server, pages)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def widget_service(index_dir: Path) -> Iterator[LiveServer]:
    """The service, allowing any loopback http page to frame /embed (tests run on http)."""
    yield from serve_app(index_dir, FRAME_ANCESTORS="http://localhost:*")
