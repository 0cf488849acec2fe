"""Run every benchmark in one go, then print the issue's targets as met or missed.

python benchmarks/run_all.py --quick
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import _common
from _targets import targets

SCRIPTS = ("micro", "waiting", "scale", "real_traffic", "server")


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    here = Path(__file__).parent
    passed = ["--data", str(args.data), "--out", str(args.out)]
    passed += ["--quick"] if args.quick else []

    for name in SCRIPTS:
        print(f"\n=== {name}", flush=True)
        done = subprocess.run([sys.executable, str(here / f"{name}.py"), *passed])
        if done.returncode:
            print(f"{name} failed with exit status {done.returncode}")

    print("\n=== targets")
    print(_common.table(["target", "figure", "status"], targets(args.out)))


if __name__ == "__main__":
    main()
