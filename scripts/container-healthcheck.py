#!/usr/bin/python3
"""The container's HEALTHCHECK: GET /health/ on the web server inside the container; exit 0 only on 200.

/health/ runs a query, so a web process whose database is gone is reported unhealthy. The request names the first
entry of ALLOWED_HOSTS as its Host, so the probe passes Django's host check with the production settings.
Standard library only (it runs with Debian's python3, outside the virtualenv).
"""

import os
import sys
import urllib.error
import urllib.request


def probe_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/"
    request = urllib.request.Request(url, headers={"Host": probe_host()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
