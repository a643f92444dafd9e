"""Copy the NHS.UK frontend's compiled CSS, JS and icons from node_modules into web/vendor.

Run by the Makefile after ``npm ci``; stdlib only, so it runs before the venv exists.

The compiled CSS loads the Frutiger web font from the NHS's CDN. This service is not an NHS
service (the font is licensed for those) and its pages load nothing from third parties under a
strict Content Security Policy, so the ``@font-face`` rules are dropped (text falls back to the
design system's own fallback, Arial). Icon URLs are made relative, so the CSS works wherever
the folder is served. Anything else that still points off-site fails the copy.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
TARGET = ROOT / "web" / "vendor" / "nhsuk-frontend"
ICONS = "nhsuk-icon-*.svg"


def clean_css(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("url(/assets/", "url(assets/")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    remote = re.findall(r"url\((?:['\"])?(?:https?:)?//[^)]*\)", css)
    if remote:
        raise SystemExit(f"nhsuk-frontend CSS still loads remote resources: {remote[:3]}")
    return css


def clean_js(js: str) -> str:
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)


def main() -> int:
    if not SOURCE.is_dir():
        print(f"{SOURCE} is missing; run `npm ci` first", file=sys.stderr)
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "assets" / "images").mkdir(parents=True)
    css = (SOURCE / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    (TARGET / "nhsuk-frontend.min.css").write_text(clean_css(css), encoding="utf-8")
    js = (SOURCE / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    (TARGET / "nhsuk-frontend.min.js").write_text(clean_js(js), encoding="utf-8")
    for icon in sorted((SOURCE / "assets" / "images").glob(ICONS)):
        shutil.copy2(icon, TARGET / "assets" / "images" / icon.name)
    version = (SOURCE.parent.parent / "package.json").read_text(encoding="utf-8")
    found = re.search(r'"version":\s*"([^"]+)"', version)
    (TARGET / "VERSION").write_text((found.group(1) if found else "unknown") + "\n",
                                    encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
