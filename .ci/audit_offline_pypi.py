#!/usr/bin/env python3
"""Fallback dependency audit for networks where pip-audit cannot work.

pip-audit's PyPI service asks ``https://pypi.org/pypi/<name>/<version>/json``. Some mirrors and
proxies (the development machines of this project among them) answer only the project-level
``/pypi/<name>/json``, whose ``vulnerabilities`` list is that of the latest release. So this
script can vouch exactly for pins that *are* the latest release and says which it cannot check.

Usage: python3 .ci/audit_offline_pypi.py constraints.txt   (exit 1 on any known vulnerability)
"""

from __future__ import annotations

import json
import sys
import urllib.request


def main(path: str) -> int:
    vulnerable = unchecked = clean = 0
    for line in open(path, encoding="utf-8"):
        name, sep, version = line.strip().partition("==")
        if not sep:
            continue
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as r:
            data = json.load(r)
        latest = data["info"]["version"]
        if version != latest:
            unchecked += 1
            print(f"unchecked   {name}=={version} (latest {latest}; per-version data unavailable)")
        elif data.get("vulnerabilities"):
            vulnerable += 1
            for vuln in data["vulnerabilities"]:
                print(f"VULNERABLE  {name}=={version} {vuln.get('id')} "
                      f"fixed in {', '.join(vuln.get('fixed_in') or ['?'])}")
        else:
            clean += 1
    print(f"{clean} clean, {vulnerable} vulnerable, {unchecked} not checkable here")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "constraints.txt"))
