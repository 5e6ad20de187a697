"""The bundled offline sample news sites: content, CMS-style templates and a local HTTP server."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from yrdwatch.crawler.sources import SAMPLE_SEEDS
DEFAULT_BASE = "http://127.0.0.1:8765"


def seeds_for(base_url: str, directory: str | Path) -> Path:
    """``seeds/sample.toml`` pointed at a sample server on another address (tests pick free ports):
    its URLs and the address its sources may reach (``private_addresses``)."""
    target = Path(directory) / "sample.toml"
    target.write_text(SAMPLE_SEEDS.read_text(encoding="utf-8").replace(urlsplit(DEFAULT_BASE).netloc,
                                                                         urlsplit(base_url).netloc), encoding="utf-8")
    return target
