"""The packages' layering, read from the source: a lower layer never imports a higher one.

extract (pure) < db < crawler < alerts < yrdwatch (the application, which alone joins crawls and
digests). Imports are read with ``ast``, so lazy imports inside functions count too; a package
installed as ``yrdwatch.<name>`` is read as ``<name>``.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("extract", "db", "crawler", "alerts", "yrdwatch")
# What each package may not import (besides the packages above it in PACKAGES' order).
FORBIDDEN = {
    "extract": {"db", "crawler", "alerts", "yrdwatch", "scrapy", "twisted", "sqlite3", "sqlite_utils"},
    "db": {"crawler", "alerts", "yrdwatch", "scrapy"},
    "crawler": {"alerts", "yrdwatch"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level names ``path`` imports (relative imports are of its own package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "yrdwatch" and len(parts) > 1 and parts[1] in PACKAGES:
                parts = parts[1:]  # yrdwatch.crawler… is the crawler package
            names.add(parts[0])
    return names


def violations(package: str) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {name}"
            for path in sorted((ROOT / package).rglob("*.py"))
            for name in sorted(imported_packages(path) & FORBIDDEN[package])]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_higher_ones(package):
    assert violations(package) == []


def test_the_check_sees_lazy_and_namespaced_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\ndef f():\n    from alerts.digest import run_subscription\n"
                      "    import yrdwatch.db.store\n    from . import x\n", encoding="utf-8")
    assert imported_packages(module) == {"os", "alerts", "db"}
