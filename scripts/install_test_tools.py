#!/usr/bin/env python3
"""Install what the browser, accessibility and HTML-validity tests need, and nothing else.

- Debian packages ``chromium`` and ``fonts-ipaexfont-gothic`` (apt-get, root only),
  ``redis-server`` for the shared-cache tests (each test session starts a throwaway one:
  tests/conftest.py ``redis_url``), and the libraries WeasyPrint prints the PDFs with (pango,
  its FreeType backend and HarfBuzz's subsetter: ``WEASYPRINT_PACKAGES``; the app needs them
  too, not only the tests);
- the Python package ``playwright`` in the project's .venv (never ``playwright install``: the
  tests drive the system Chromium at /usr/bin/chromium);
- npm packages ``axe-core`` and ``vnu-jar`` into ./node_modules from the committed
  package.json / package-lock.json (``--ignore-scripts``: vnu-jar ships its jar, its postinstall
  download is not needed).

Idempotent and fast when everything is present. With ``CI=true`` anything still missing at the
end is an error (exit 1); otherwise a clear message is printed and the browser tests skip.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
WEASYPRINT_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]
APT_PACKAGES = ["chromium", "fonts-ipaexfont-gothic", "redis-server", *WEASYPRINT_PACKAGES]
NPM_FILES = {
    "axe-core": ROOT / "node_modules" / "axe-core" / "axe.min.js",
    "vnu-jar": ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
}


def say(message: str) -> None:
    print(f"[test tools] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> bool:
    say("$ " + " ".join(cmd))
    try:
        return subprocess.run(cmd, check=False, **kwargs).returncode == 0
    except OSError as exc:
        say(f"could not run {cmd[0]}: {exc}")
        return False


def apt_missing(packages=APT_PACKAGES) -> list[str]:
    if not shutil.which("dpkg-query"):
        return list(packages)
    missing = []
    for name in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def ensure_apt(packages=APT_PACKAGES) -> list[str]:
    missing = apt_missing(packages)
    if not missing:
        return []
    if not shutil.which("apt-get"):
        say(f"apt-get is not available; install {', '.join(missing)} by hand.")
        return missing
    if os.geteuid() != 0:
        say(f"not root: install by hand with `sudo apt-get install -y {' '.join(missing)}`.")
        return missing
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update"], env=env)
    run(["apt-get", "install", "-y", "--no-install-recommends", *missing], env=env)
    return apt_missing(packages)


def ensure_playwright() -> list[str]:
    venv_python = ROOT / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable

    def present() -> bool:
        if Path(python).resolve() == Path(sys.executable).resolve():
            return importlib.util.find_spec("playwright") is not None
        return (
            subprocess.run(
                [python, "-c", "import playwright.sync_api"], capture_output=True, check=False
            ).returncode
            == 0
        )

    if present():
        return []
    run([python, "-m", "pip", "install", "--quiet", "playwright"])
    return [] if present() else ["playwright (pip)"]


def ensure_npm() -> list[str]:
    def missing() -> list[str]:
        return [name for name, path in NPM_FILES.items() if not path.exists()]

    if not missing():
        return []
    npm = shutil.which("npm")
    if not npm:
        say("npm is not available (Debian: apt-get install -y npm); axe-core/vnu-jar missing.")
        return missing()
    flags = ["--no-audit", "--no-fund", "--ignore-scripts"]
    if (ROOT / "package-lock.json").exists():
        ok = run([npm, "ci", *flags], cwd=ROOT)
    else:
        ok = False
    if not ok:
        run([npm, "install", *flags], cwd=ROOT)
    return [f"{name} (npm)" for name in missing()]


def runtime() -> int:
    """``--runtime`` (make run, make serve): only what the site itself needs, WeasyPrint's
    libraries for the PDFs; a missing one is reported, the site still starts (the PDFs fail)."""
    missing = ensure_apt(WEASYPRINT_PACKAGES)
    if missing:
        say(
            "missing: " + ", ".join(missing) + " — the PDF downloads will not work until installed."
        )
    return 0


def main() -> int:
    if "--runtime" in sys.argv[1:]:
        return runtime()
    missing = ensure_apt() + ensure_playwright() + ensure_npm()
    if not shutil.which("java"):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            run(["apt-get", "install", "-y", "--no-install-recommends", "default-jre-headless"])
        if not shutil.which("java"):
            missing.append("java (default-jre-headless)")
    if not missing:
        say("all present: chromium, IPAex font, redis-server, playwright, axe-core, vnu-jar, java.")
        return 0
    message = "missing: " + ", ".join(missing)
    if CI:
        say(message + " — CI=true, so this is an error.")
        return 1
    say(message + " — the browser/accessibility/HTML tests will be skipped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
