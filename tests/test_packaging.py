"""What `pip install yrdwatch` puts into site-packages: the one `yrdwatch` package and its dist-info.

The design card's folders (crawler/, extract/, db/, alerts/, seeds/, sample_sites/) install as
yrdwatch.crawler, yrdwatch.extract … (pyproject's package-dir), so installing yrdwatch beside another
distribution's `db` or `extract` breaks neither. The wheel is built offline from a copy of the checkout
(no build isolation: the test extra brings setuptools) and installed into an empty target directory.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "yrdwatch", "crawler", "extract", "db", "alerts", "seeds", "sample_sites")


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "-q", "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return next((tmp_path / "dist").glob("yrdwatch-*.whl"))


def test_the_wheel_installs_only_the_yrdwatch_namespace_and_it_runs_outside_the_checkout(tmp_path):
    wheel = build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"yrdwatch", "yrdwatch-0.1.0.dist-info"}
    # Data the code reads at run time travels with it.
    for data in ("yrdwatch/extract/data/decisions.json", "yrdwatch/db/schema.sql", "yrdwatch/db/metadata.yaml",
                 "yrdwatch/seeds/sample.toml", "yrdwatch/sample_sites/content/seed_articles.toml",
                 "yrdwatch/db/templates/index.html", "yrdwatch/db/static/yrdwatch.css", "yrdwatch/db/data/link_weights.json"):
        assert data in names, data
    assert any(name.startswith("yrdwatch/alerts/templates/") for name in names)
    assert any(name.startswith("yrdwatch/sample_sites/templates/") for name in names)

    target = tmp_path / "site-packages"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target",
                             str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(path.name for path in target.iterdir() if path.name != "bin") == ["yrdwatch", "yrdwatch-0.1.0.dist-info"]
    # Run from an empty directory with only the target on the path: nothing comes from the checkout.
    probe = ("import yrdwatch.extract.article as a, yrdwatch.crawler.settings as s, yrdwatch.db.store as d; "
             "print(a.__file__); print(s.SPIDER_MODULES[0]); print(d.__file__)")
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONNOUSERSITE": "1"}
    ran = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path.extend({sys.path[1:]!r}); {probe}"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-3000:]
    extract_file, spiders, store_file = ran.stdout.split()
    assert extract_file.startswith(str(target)) and store_file.startswith(str(target))
    assert spiders == "yrdwatch.crawler.spiders"
