"""Build hook: a wheel carries the repo-root templates/, static/ and migrations/ as inspection/_data/.

The directories stay at the repository root, where a checkout (and so an editable install) serves them;
`inspection.config.data_dir` looks in inspection/_data/ first, so an installed wheel finds its own copy.
Everything else about the project is declared in pyproject.toml.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_DIRS = ("templates", "static", "migrations")


class build_py_with_data(build_py):
    """Copy the data directories into the built package (not for an editable install, which uses the checkout)."""

    def run(self) -> None:
        """Build the Python modules, then the data directories beside them."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "inspection" / "_data"
        shutil.rmtree(target, ignore_errors=True)  # never ship a file removed since the last build
        for name in DATA_DIRS:
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_data})
