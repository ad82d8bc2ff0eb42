"""Find or install a Chromium for the browser tests and print its path:
``python -m scripts.ensure_browser`` (``make test`` runs it and hands the path to pytest
as IBCF_CHROMIUM).

In order, the first that works:
1. ``$IBCF_CHROMIUM``, when set (it must then be a working browser);
2. a browser already present: Debian's /usr/bin/chromium and the usual other places
   (``$IBCF_BROWSER_CANDIDATES``, colon-separated, replaces the list), or one that
   Playwright installed earlier;
3. Playwright's own download (``playwright install chromium``), given a time limit so
   that a machine without that download site moves on quickly;
4. the system package manager, when running as root or with password-less sudo:
   ``apt-get update && apt-get install -y chromium``.
When none works it says exactly what to run, and exits 1.

``$IBCF_PLAYWRIGHT_INSTALL`` and ``$IBCF_SYSTEM_INSTALL`` replace the commands of steps 3
and 4 (a shell command; empty skips the step); ``$IBCF_BROWSER_INSTALL_SECONDS`` is the
time limit of each. Messages go to stderr; stdout is the path.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys

from scripts.system_packages import apt_install_command

DEFAULT_CANDIDATES = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
]
HELP = """no Chromium for the browser tests, and none could be installed. One of:
  sudo apt-get install chromium                     # Debian or Ubuntu's package
  .venv/bin/python -m playwright install chromium   # Playwright's build (needs its site)
  IBCF_CHROMIUM=/path/to/chromium make test         # a Chromium or Chrome you have"""


def say(message: str) -> None:
    print(f"ensure-browser: {message}", file=sys.stderr)


def works(path: str) -> bool:
    """An executable file that answers ``--version``."""
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return False
    try:
        result = subprocess.run(
            [path, "--version"], capture_output=True, timeout=30, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def candidates() -> list[str]:
    listed = os.environ.get("IBCF_BROWSER_CANDIDATES")
    if listed is not None:
        return [path for path in listed.split(":") if path]
    return DEFAULT_CANDIDATES


def present() -> str | None:
    for path in candidates():
        if works(path):
            return path
    return None


def playwright_browser() -> str | None:
    """The Chromium that Playwright installed, if it did."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if works(path) else None


def run_step(name: str, command: str) -> bool:
    """Run an install command with a time limit; True when it exited 0. On time-out the
    command's whole process group is stopped, so nothing it started lingers."""
    seconds = float(os.environ.get("IBCF_BROWSER_INSTALL_SECONDS", "180"))
    say(f"trying {name}: {command}")
    proc = subprocess.Popen(
        command,
        shell=True,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,
        stderr=sys.stderr,
        start_new_session=True,
    )
    try:
        returncode = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        say(f"{name} gave no answer in {seconds:g} s; moving on")
        return False
    if returncode != 0:
        say(f"{name} failed (exit {returncode}); moving on")
    return returncode == 0


def system_install_command() -> str | None:
    if "IBCF_SYSTEM_INSTALL" in os.environ:
        return os.environ["IBCF_SYSTEM_INSTALL"] or None
    return apt_install_command("chromium")


def find() -> str | None:
    explicit = os.environ.get("IBCF_CHROMIUM")
    if explicit:
        if works(explicit):
            return explicit
        say(f"IBCF_CHROMIUM={explicit} is not a working browser")
        return None
    found = present() or playwright_browser()
    if found:
        return found
    playwright = os.environ.get(
        "IBCF_PLAYWRIGHT_INSTALL", f"{shlex.quote(sys.executable)} -m playwright install chromium"
    )
    if playwright and run_step("Playwright's download", playwright):
        found = present() or playwright_browser()
        if found:
            return found
    system = system_install_command()
    if system and run_step("the system package manager", system):
        found = present()
        if found:
            return found
    return None


def main() -> int:
    found = find()
    if found is None:
        say(HELP)
        return 1
    say(f"using {found}")
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
