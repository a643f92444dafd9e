"""Copy the NHS.UK frontend's compiled CSS, JS and icons from node_modules into web/vendor.

The copy is committed, so that ``pip install .`` gives the styled site on a machine without
Node. ``make assets`` runs this after ``npm ci`` to refresh it when package.json moves to a
new nhsuk-frontend; ``--check`` (run by the tests) fails when the committed copy differs from
what this script makes from node_modules. Stdlib only, so it runs before the venv exists.

The compiled CSS loads the Frutiger web font from the NHS's CDN. This service is not an NHS
service (the font is licensed for those) and its pages load nothing from third parties under a
strict Content Security Policy, so the ``@font-face`` rules are dropped (text falls back to the
design system's own fallback, Arial). Icon URLs are made relative, so the CSS works wherever
the folder is served. Anything else that still points off-site fails the copy.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
TARGET = ROOT / "web" / "vendor" / "nhsuk-frontend"
ICONS = "nhsuk-icon-*.svg"

# The npm package carries no licence file: this is the upstream repository's.
LICENSE = """\
nhsuk-frontend (https://github.com/nhsuk/nhsuk-frontend), copied from its npm package's dist/
by scripts/vendor_assets.py (font rules removed, icon URLs made relative, source maps dropped).

MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


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


def write_copy(target: Path) -> None:
    """Write the cleaned copy of node_modules' nhsuk-frontend into ``target``."""
    if target.exists():
        shutil.rmtree(target)
    (target / "assets" / "images").mkdir(parents=True)
    css = (SOURCE / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    (target / "nhsuk-frontend.min.css").write_text(clean_css(css), encoding="utf-8")
    js = (SOURCE / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    (target / "nhsuk-frontend.min.js").write_text(clean_js(js), encoding="utf-8")
    for icon in sorted((SOURCE / "assets" / "images").glob(ICONS)):
        shutil.copyfile(icon, target / "assets" / "images" / icon.name)
    version = (SOURCE.parent.parent / "package.json").read_text(encoding="utf-8")
    found = re.search(r'"version":\s*"([^"]+)"', version)
    (target / "VERSION").write_text((found.group(1) if found else "unknown") + "\n",
                                    encoding="utf-8")
    (target / "LICENSE").write_text(LICENSE, encoding="utf-8")


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or are on one side only, between two folders (recursively)."""
    compare = filecmp.dircmp(left, right)
    found = [str(left / n) for n in compare.left_only]
    found += [str(right / n) for n in compare.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, compare.common_files, shallow=False)
    found += [str(right / n) for n in mismatch + errors]
    for sub in compare.common_dirs:
        found += differences(left / sub, right / sub)
    return found


def main(argv: list[str]) -> int:
    if not SOURCE.is_dir():
        print(f"{SOURCE} is missing; run `npm ci` first", file=sys.stderr)
        return 1
    if "--check" not in argv:
        write_copy(TARGET)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "nhsuk-frontend"
        write_copy(fresh)
        changed = differences(fresh, TARGET) if TARGET.is_dir() else [str(TARGET)]
    if changed:
        print(f"{TARGET} differs from node_modules ({', '.join(changed[:5])}); run "
              "`make assets` and commit web/vendor", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
