"""Headless Debian Chromium for the browser tests: render a loopback URL, return its DOM, save a PNG.

The Chromium command line (``--dump-dom`` / ``--screenshot``) is enough for "did the page render
these rows": no driver package and nothing downloaded. The flags keep Chromium off the network
(background networking, component updates and sync would otherwise try to reach Google).
"""
from __future__ import annotations

import contextlib
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


needs_chromedriver = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("chromedriver") is None,
    reason="Debian's chromium-driver is not installed (.ci/run installs it: apt-get install chromium-driver)")


@contextlib.contextmanager
def chrome(width: int, height: int):
    """Headless Chromium driven by Debian's chromedriver (Selenium), its viewport exactly
    ``width`` × ``height`` CSS pixels (a phone's when narrower than 600), for measuring layout."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument("--headless=new" if flag == "--headless" else flag)
    with tempfile.TemporaryDirectory(prefix="yrdwatch-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
            driver.set_page_load_timeout(60)
            yield driver
        finally:
            driver.quit()


# What a reader sees of a loaded page: how many of ``rows`` lie wholly on the first screen, how
# far the page scrolls sideways, and the narrowest of each kind of ``cells`` in characters
# (its width over its own font size: one CJK character is one em wide).
_LAYOUT = """
const [rowSelector, cellSelectors] = arguments;
const fold = window.innerHeight;
const rows = [...document.querySelectorAll(rowSelector)];
const visible = rows.filter(r => { const b = r.getBoundingClientRect(); return b.height > 0 && b.top >= 0 && b.bottom <= fold; });
const narrowest = {};
for (const selector of cellSelectors) {
  const widths = [...document.querySelectorAll(selector)].filter(c => c.getBoundingClientRect().height > 0)
    .map(c => c.getBoundingClientRect().width / parseFloat(getComputedStyle(c).fontSize));
  narrowest[selector] = widths.length ? Math.min(...widths) : null;
}
return {rows: rows.length, rows_above_fold: visible.length,
        overflow_px: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        narrowest_chars: narrowest};
"""


def layout(driver, url: str, row_selector: str, cell_selectors: list[str] = ()) -> dict:
    driver.get(url)
    return driver.execute_script(_LAYOUT, row_selector, list(cell_selectors))
