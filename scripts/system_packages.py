"""Installing a Debian package when the machine lets us: as root, or with password-less
sudo. Used by ensure_browser (chromium) and serve (haproxy)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess


def apt_install_command(package: str) -> str | None:
    """The shell command that installs ``package`` with apt-get, or None when apt-get
    is missing or would need a password."""
    if not shutil.which("apt-get"):
        return None
    apt = f"apt-get update -q && apt-get install -y -q {shlex.quote(package)}"
    if os.geteuid() == 0:
        return f"export DEBIAN_FRONTEND=noninteractive; {apt}"
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return f"sudo -n env DEBIAN_FRONTEND=noninteractive sh -c {shlex.quote(apt)}"
    return None
