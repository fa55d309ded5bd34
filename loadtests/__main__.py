"""`python -m loadtests <name> [options]` — run one benchmark; `python -m loadtests --help` lists them.

Each benchmark is a module `loadtests/bench_<name>.py` exposing `DESCRIPTION: str`,
`add_arguments(parser)` and `run(args) -> dict` (its figures; the last line printed is that dict
as JSON)."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from types import ModuleType

import loadtests


def benchmarks() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(loadtests.__path__):
        if info.name.startswith("bench_"):
            found[info.name.removeprefix("bench_")] = importlib.import_module(f"loadtests.{info.name}")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtests", description="Zhixiang benchmarks (loopback only).")
    sub = parser.add_subparsers(dest="name", required=True, metavar="BENCHMARK")
    every = sub.add_parser("all", help="run every benchmark, print one table, rewrite BENCHMARKS.md")
    every.add_argument("--quick", action="store_true", help="short runs (the whole set in under five minutes)")
    for name, module in sorted(benchmarks().items()):
        bench = sub.add_parser(name, help=module.DESCRIPTION, description=module.DESCRIPTION)
        module.add_arguments(bench)
        bench.set_defaults(module=module)
    args = parser.parse_args(argv)
    if args.name == "all":
        from loadtests.run_all import run_all

        figures = run_all(benchmarks(), args.quick)
    else:
        figures = args.module.run(args)
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
