"""Headless Debian Chromium for the browser tests: render a loopback URL, return its DOM, save a PNG.

The Chromium command line (``--dump-dom`` / ``--screenshot``) is enough for "did the page render
these rows": no driver package and nothing downloaded. The flags keep Chromium off the network
(background networking, component updates and sync would otherwise try to reach Google).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--lang=zh-CN",
]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="yrdwatch-chromium-") as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def dump_dom(url: str, timeout: float = 60, budget_ms: int = 5000) -> str:
    """The DOM after the page's scripts ran (``--virtual-time-budget`` lets them finish)."""
    done = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", url], timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(url: str, path: Path, size: str = "1280,1600", timeout: float = 60) -> Path:
    """Save a PNG of the rendered page to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    done = _run(["--virtual-time-budget=5000", f"--window-size={size}", f"--screenshot={path}", url], timeout)
    assert done.returncode == 0 and path.exists() and path.stat().st_size > 0, done.stderr[-2000:]
    return path


def nonblank_fraction(png: Path) -> float:
    """Share of pixels that are not (near) white: a blank render is ~0."""
    from matplotlib import image  # already a dependency (digest charts); reads PNG without Pillow APIs

    pixels = image.imread(str(png))[..., :3]
    return float((pixels.min(axis=-1) < 0.94).mean())
