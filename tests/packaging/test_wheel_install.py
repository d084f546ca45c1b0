"""The built wheel installs next to the ``proxy.py`` distribution and runs ``miready demo`` there.

miready occupies the one import name ``miready``; ``proxy.py`` owns the top-level ``proxy``, so
both must import side by side. Slow (it builds and installs): pip's cache keeps reruns short.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 600
# pip builds in the source tree, and setuptools never empties build/lib: a stale module from an
# earlier build would ride along in the wheel. So the wheel is built from a clean copy.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    ".tox",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".hypothesis",
    ".schemathesis",
    ".ruff_cache",
    "results",
    "*.db",
    "*.db-*",
    "tests",
)


def _run(cmd: list[str], cwd: Path, timeout: float = INSTALL_TIMEOUT) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test__wheel__installed_next_to_proxy_py__should_run_the_demo(tmp_path):
    started = time.monotonic()
    wheels = tmp_path / "wheels"
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(source)],
        tmp_path,
    )
    (wheel,) = wheels.glob("miready-*.whl")
    top_level = {
        name.split("/", 1)[0]
        for name in zipfile.ZipFile(wheel).namelist()
        if not name.split("/", 1)[0].endswith((".dist-info", ".data"))
    }
    assert top_level == {"miready"}, top_level

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    # --no-compile: byte-compiling every dependency is most of an install from a warm cache.
    install = [str(python), "-m", "pip", "install", "-q", "--no-compile", str(wheel), "proxy.py"]
    _run(install, tmp_path)
    built = time.monotonic() - started

    both = _run(
        [
            str(python),
            "-c",
            # miready.proxy.cli loads mitmproxy: its first import also writes the bytecode
            # that --no-compile skipped, so the demo's proxy child starts in time.
            "import proxy, miready.proxy.cli, miready.demo; "
            "print(proxy.__file__); print(miready.proxy.cli.__file__)",
        ],
        tmp_path,
    )
    assert "site-packages/proxy/" in both and "site-packages/miready/proxy/" in both, both

    # What an app's CI gets from `pip install miready`: pytest loads the pytest11 entry points of
    # every installed distribution, and the only one is miready's (no schemathesis, hypothesis).
    plugins = _run(
        [
            str(python),
            "-c",
            "import json; from importlib.metadata import distributions, entry_points; "
            "print(json.dumps([e.value for e in entry_points(group='pytest11')])); "
            "print(json.dumps([d.metadata['Name'].lower() for d in distributions()]))",
        ],
        tmp_path,
    ).splitlines()
    assert json.loads(plugins[0]) == ["miready.pytest_plugin"], plugins
    assert not {"schemathesis", "hypothesis", "pytest"} & set(json.loads(plugins[1])), plugins[1]

    demo = _run([str(venv / "bin" / "miready"), "demo", "--dir", str(tmp_path / "demo")], tmp_path)
    ran = time.monotonic() - started - built
    print(f"wheel built and installed in {built:.1f} s; demo in {ran:.1f} s")
    assert "not_ready" in demo or "NOT READY" in demo.upper(), demo[-2000:]
