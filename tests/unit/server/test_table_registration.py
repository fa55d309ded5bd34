"""Tables are registered in one place, `server.metadata`: it names every table the code defines,
and a models module registers only its own tables (no imports of other packages' models)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

TABLES_OF = """
import importlib, json, pkgutil, sys
from sqlmodel import SQLModel
for name in sys.argv[1:]:
    if name.endswith(".*"):
        package = importlib.import_module(name[:-2])
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if "migrations" not in info.name:
                importlib.import_module(info.name)
    else:
        importlib.import_module(name)
print(json.dumps(sorted(SQLModel.metadata.tables)))
"""


def tables_after_importing(*modules: str) -> list[str]:
    """The tables registered in a fresh interpreter after importing `modules` (`pkg.*` = all of it)."""
    out = subprocess.run([sys.executable, "-c", TABLES_OF, *modules], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def test_server_metadata_registers_every_table_the_code_defines():
    every_module = ["broadcast.*", "distribution.*", "commission.*", "server.*"]
    assert tables_after_importing("server.metadata") == tables_after_importing(*every_module)


@pytest.mark.parametrize("module", ["broadcast.models"])
def test_a_models_module_registers_only_its_own_tables(module):
    source = Path(importlib.util.find_spec(module).origin)  # type: ignore[union-attr, arg-type]
    files = source.parent.rglob("*.py") if source.name == "__init__.py" else [source]
    own = {name for f in files for name in re.findall(r'__tablename__ = "(\w+)"', f.read_text())}
    kernel = set(tables_after_importing("server.kernel.outbox"))
    assert set(tables_after_importing(module)) - own - kernel == set()
