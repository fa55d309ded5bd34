"""The package boundaries the architecture promises, checked on the source (ast, nothing imported):
a domain takes from `server` only what `server.kernel` offers, and no test imports a conftest
(shared fixtures live in the conftest of the directory that shares them)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import ROOT

# Every top-level package but the composition root, the benchmark runner (it starts the app in-process
# and so may import server.app and server.settings) and the tests: a new domain is covered by itself.
NOT_DOMAINS = {"server", "loadtests", "tests"}
DOMAINS = tuple(sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in NOT_DOMAINS))


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in the file, including those inside functions."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def offending(root: Path, bad: object) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted(root.rglob("*.py"))
        for line, module in imported_modules(path)
        if bad(module)  # type: ignore[operator]
    ]


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_imports_from_server_only_its_kernel(domain):
    def outside_kernel(module: str) -> bool:
        return (module == "server" or module.startswith("server.")) and not (
            module == "server.kernel" or module.startswith("server.kernel.")
        )

    assert offending(ROOT / domain, outside_kernel) == []


def test_no_test_imports_a_conftest():
    assert offending(ROOT / "tests", lambda module: module.rsplit(".", 1)[-1] == "conftest") == []


def test_every_domain_package_is_checked():
    assert set(DOMAINS) >= {"broadcast", "distribution", "commission"}


def test_the_check_sees_a_forbidden_import(tmp_path):
    # the walker itself: an import inside a function is still an import
    (tmp_path / "m.py").write_text("def f():\n    from server.settings import Settings\n")
    assert [m for _, m in imported_modules(tmp_path / "m.py")] == ["server.settings"]


def subpackage_imports(domain: str) -> dict[str, set[str]]:
    """{sub-package: the sibling sub-packages it imports}, e.g. {"checkout": {"coupons"}}."""
    subpackages = {p.name for p in (ROOT / domain).iterdir() if (p / "__init__.py").exists()}
    found: dict[str, set[str]] = {name: set() for name in subpackages}
    for name in subpackages:
        for path in (ROOT / domain / name).rglob("*.py"):
            for _, module in imported_modules(path):
                parts = module.split(".")
                if parts[0] == domain and len(parts) > 1 and parts[1] in subpackages - {name}:
                    found[name].add(parts[1])
    return found


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_two_sub_packages_of_a_domain_import_each_other(domain):
    # checkout applies coupons, so coupons learns the cart through app.state, not by importing checkout
    imports = subpackage_imports(domain)
    assert sorted((a, b) for a in imports for b in imports[a] if a < b and a in imports[b]) == []


def test_no_benchmark_imports_the_tests():
    # benchmarks and tests start the app through one launcher (server/ops/launcher.py) instead
    def from_tests(module: str) -> bool:
        return module == "tests" or module.startswith("tests.")

    assert offending(ROOT / "loadtests", from_tests) == []


def test_distribution_tells_the_live_room_through_events_only():
    # the PK board emits PkStandingsChanged; it never imports the room's runtime, store or hub to
    # write into it (reading broadcast's read models, such as the room's funnel counts, is allowed)
    internals = ("broadcast.liveroom.runtime", "broadcast.liveroom.store", "broadcast.liveroom.hub")
    assert offending(ROOT / "distribution", lambda module: module.startswith(internals)) == []


@pytest.mark.parametrize("domain", [*DOMAINS, "server"])
def test_no_module_hands_out_a_process_global_for_handlers_to_find(domain):
    # handlers get the room, the board and the gateway passed in (server/kernel/handler_dependencies.py)
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / domain).rglob("*.py"))
        if path != ROOT / "server/kernel/clock.py"  # the one clock, moved by tests and the demo
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Global) or (isinstance(node, ast.FunctionDef) and node.name == "current")
    ]
    assert found == []
