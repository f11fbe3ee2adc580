"""Packaging: a built wheel carries templates/, static/ and migrations/ and runs when installed; dependencies
come from lock files that match pyproject.toml; the Docker image installs them before copying the code and
migrates only when asked."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
DATA_DIRS = ("templates", "static", "migrations")
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)")


def _pyproject() -> dict:
    """Return pyproject.toml as a mapping."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _lock(name: str) -> dict[str, str]:
    """Return {canonical name: version} pinned in a lock file, checking each pin carries a hash."""
    pins: dict[str, str] = {}
    text = (ROOT / name).read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _data_files() -> list[str]:
    """Return the repo-root data files a wheel must ship, as paths relative to the root."""
    return sorted(str(path.relative_to(ROOT)) for name in DATA_DIRS for path in (ROOT / name).rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


@pytest.mark.parametrize("lock, extras", [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))])
def test_lock_pins_every_declared_dependency(lock, extras):
    """Each dependency of pyproject.toml (and the build backend) is pinned, hashed and within its range."""
    project = _pyproject()
    declared = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
    for extra in extras:
        declared += project["project"]["optional-dependencies"][extra]
    pins = _lock(lock)
    for spec in map(Requirement, declared):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{spec.name} is not in {lock}: run `make lock`"
        assert spec.specifier.contains(pins[name], prereleases=True), f"{lock} pins {name}=={pins[name]}, not {spec}"


def test_dev_lock_agrees_with_runtime_lock():
    """A package in both locks has the same version in each, so tests run what production runs."""
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def _instructions() -> list[str]:
    """Return the Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_installs_the_lock_before_copying_the_code():
    """The dependency layer (lock copied, then installed) comes before any COPY of the code."""
    steps = _instructions()
    copy_lock = steps.index("COPY requirements.lock ./")
    install = next(i for i, s in enumerate(steps) if s.startswith("RUN pip install -r requirements.lock"))
    code = [i for i, s in enumerate(steps) if s.startswith("COPY") and i != copy_lock]
    assert copy_lock < install < min(code)
    project_install = next(s for s in steps if "pip install --no-deps" in s)
    assert steps.index(project_install) > max(code)


def test_docker_image_copies_what_the_build_needs():
    """Every file the build and the entrypoint need is copied, and .dockerignore excludes none of them."""
    copied = " ".join(s for s in _instructions() if s.startswith("COPY"))
    for name in ("setup.py", "MANIFEST.in", "pyproject.toml", "wsgi.py", "gunicorn.conf.py", "docker-entrypoint.sh",
                 "inspection", *DATA_DIRS):
        assert re.search(rf"(^|\s){re.escape(name)}(\s|$)", copied), name
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not set(ignored) & {"setup.py", "MANIFEST.in", "gunicorn.conf.py", "requirements.lock", *DATA_DIRS}
    assert ".env" in ignored  # secrets never enter an image


@pytest.fixture
def fake_flask(tmp_path):
    """A `flask` on PATH that only records its arguments, to watch what the entrypoint runs."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    script = bin_dir / "flask"
    script.write_text(f"#!/bin/sh\necho \"$*\" >> {shlex.quote(str(calls))}\n")
    script.chmod(0o755)

    def run(*argv: str, **env: str) -> tuple[int, list[str]]:
        """Run the entrypoint with argv; return its exit status and the flask calls it made."""
        environ = {k: v for k, v in os.environ.items() if k != "RUN_MIGRATIONS"}
        environ.update(env, PATH=f"{bin_dir}{os.pathsep}{environ['PATH']}")
        status = subprocess.run(["sh", str(ROOT / "docker-entrypoint.sh"), *argv], env=environ,
                                capture_output=True, timeout=30).returncode
        return status, calls.read_text().splitlines() if calls.exists() else []

    return run


def test_entrypoint_does_not_migrate_on_every_start(fake_flask):
    """Starting the server runs no migration unless RUN_MIGRATIONS=1 asks for it."""
    assert fake_flask("true") == (0, [])
    assert fake_flask("true", RUN_MIGRATIONS="0") == (0, [])


def test_entrypoint_migrates_when_asked(fake_flask, tmp_path):
    """`migrate` applies the migrations and stops; RUN_MIGRATIONS=1 applies them before the command."""
    assert fake_flask("migrate") == (0, ["--app wsgi db upgrade"])
    (tmp_path / "calls").unlink()
    marker = tmp_path / "started"
    assert fake_flask("touch", str(marker), RUN_MIGRATIONS="1") == (0, ["--app wsgi db upgrade"])
    assert marker.exists()


def test_entrypoint_refuses_an_unclear_run_migrations(fake_flask):
    """RUN_MIGRATIONS other than 1/0 stops with status 2 before anything runs."""
    assert fake_flask("true", RUN_MIGRATIONS="yes please") == (2, [])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the project's wheel from the checkout, as `pip wheel` does (no dependencies, no downloads)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=600)
    (built,) = out.glob("inspection-*.whl")
    return built


@pytest.mark.slow
def test_wheel_ships_templates_static_and_migrations(wheel):
    """Every file of templates/, static/ and migrations/ is in the wheel under inspection/_data/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _data_files()
    assert any(name.startswith("migrations/versions/") for name in expected)
    missing = [name for name in expected if f"inspection/_data/{name}" not in names]
    assert missing == []
    assert "inspection/__main__.py" in names
    assert any(name.startswith("inspection/pdf/fonts/") for name in names)
    assert not [name for name in names if name.startswith(("tests/", "bench/", "templates/", "static/"))]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """Install the wheel (alone) into a new venv that borrows this venv's dependencies; return its python."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # A plain path line: this venv's packages become importable, but not its editable hook for the checkout.
    Path(purelib, "_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # a checkout on the path looks installed
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=300, env=clean)
    return python


def _run_installed(python: Path, argv: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run argv from an empty directory (so the checkout cannot be imported) with a fresh instance folder."""
    environ = {k: v for k, v in os.environ.items()
               if k not in {"PYTHONPATH", "APP_ENV", "SECRET_KEY", "DATABASE_URL", "INSTANCE_PATH", "FLASK_APP"}}
    environ.update({"INSTANCE_PATH": str(tmp_path / "instance"),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.sqlite3'}", **env})
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    return subprocess.run([str(python), *argv], cwd=work, env=environ, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_installed_wheel_migrates_and_serves_pages(installed, tmp_path):
    """From the installed copy: the migrations run, the CLI lists routes, /login renders and static files serve."""
    upgrade = _run_installed(installed, ["-m", "flask", "--app", "inspection:create_app", "db", "upgrade"], tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    routes = _run_installed(installed, [str(installed.parent / "inspection"), "routes"], tmp_path)
    assert routes.returncode == 0, routes.stderr
    assert "/login" in routes.stdout
    probe = textwrap.dedent("""
        import json, inspection
        app = inspection.create_app()
        client = app.test_client()
        login, css = client.get("/login"), client.get("/static/css/app.css")
        print(json.dumps({"package": inspection.__file__, "templates": app.template_folder,
                          "login": login.status_code, "form": b"<form" in login.data,
                          "css": css.status_code, "css_bytes": len(css.data)}))
    """)
    result = _run_installed(installed, ["-c", probe], tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    site = str(installed.parent.parent)
    assert report["package"].startswith(site) and report["templates"].startswith(site)
    assert (report["login"], report["form"], report["css"]) == (200, True, 200)
    assert report["css_bytes"] == (ROOT / "static" / "css" / "app.css").stat().st_size


@pytest.mark.slow
def test_installed_wheel_keeps_its_instance_folder_out_of_site_packages(installed, tmp_path):
    """Without INSTANCE_PATH an installed copy uses <venv>/var/inspection-instance, never site-packages."""
    probe = "import inspection; print(inspection.create_app().instance_path)"
    result = _run_installed(installed, ["-c", probe], tmp_path, INSTANCE_PATH="")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]) == installed.parent.parent / "var" / "inspection-instance"


@pytest.mark.parametrize("changed, stale", [
    ("requirements.lock", {".venv/.installed", ".venv/.installed-dev"}),
    ("requirements-dev.lock", {".venv/.installed-dev"}),
    ("pyproject.toml", {".venv/.installed", ".venv/.installed-dev"}),
])
def test_make_reinstalls_when_a_lock_changes(tmp_path, changed, stale):
    """A lock (or pyproject.toml) newer than the venv's stamps makes `make` install again; nothing else does."""
    for name in ("Makefile", "requirements.lock", "requirements-dev.lock", "pyproject.toml", "setup.py"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
        os.utime(tmp_path / name, (1_000_000_000, 1_000_000_000))
    (tmp_path / ".venv").mkdir()
    for stamp in (".venv/.installed", ".venv/.installed-dev"):
        (tmp_path / stamp).touch()
    os.utime(tmp_path / ".venv/.installed", (1_000_000_100, 1_000_000_100))
    os.utime(tmp_path / ".venv/.installed-dev", (1_000_000_200, 1_000_000_200))

    def outdated() -> set[str]:
        """Return the stamps `make -q` says need remaking."""
        return {stamp for stamp in (".venv/.installed", ".venv/.installed-dev")
                if subprocess.run(["make", "-q", stamp], cwd=tmp_path, capture_output=True).returncode != 0}

    assert outdated() == set()
    os.utime(tmp_path / changed, (1_000_000_300, 1_000_000_300))
    assert outdated() == stale
