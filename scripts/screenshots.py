"""Screenshots of every page type at phone (375 px) and desktop (1280 px) widths.

Builds an index of the bundled corpus in a temporary folder, serves the app on a free loopback
port and drives Debian's Chromium through Playwright. Writes docs/screenshots/<page>-<width>.png;
the README shows search-1280.png. Run with ``make screenshots``.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from indexer.build import build_index
from indexer.paths import corpus_dir
from search_service import create_app

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (375, 1280)
DRAFT = ("Clinical librarian supports a business case for a frailty virtual ward. The team "
         "asked for evidence on remote monitoring of older people at home and its effect "
         "on admissions and length of stay.")
PAGES: dict[str, str] = {
    "search": "/?q=falls",
    "search-filtered": "/?q=sepsis&sector=acute&has_savings=true",
    "case": "/cases/falls-bundle-evidence-review-northmoor",
    "similar": "/similar",
    "about": "/about",
    "widget": "/widget",
    "embed": "/embed?q=falls&region=north_west&mode=boost",
}


def chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium",
                      shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Chromium is not installed: apt-get install -y chromium")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        build_index(corpus_dir() / "cases", Path(tmp))
        app = create_app({"INDEX_DIR": tmp})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium(), args=["--headless=new", "--no-sandbox"])
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    for name, path in PAGES.items():
                        page.goto(base + path)
                        if name == "similar":
                            page.fill("#text", DRAFT)
                            page.click("button:has-text('Find similar case studies')")
                            page.wait_for_load_state()
                        target = args.out / f"{name}-{width}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target.relative_to(ROOT))
                    page.close()
                browser.close()
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
