"""The PEP 517 build backend of lamina-sdk: setuptools, and the standard library where setuptools cannot.

setuptools before 70.1 needs the separate ``wheel`` package to build a wheel, and a standard Python 3.11 (pyenv's,
python.org's) does not ship it; nothing can be downloaded here. So when ``wheel`` is importable every hook is
setuptools' own, and when it is not, this module writes the wheel of this pure-Python package itself (zipfile, the
metadata from pyproject.toml's ``[project]`` table read by tomllib), which is all ``pip install
--no-build-isolation ./sdk-python`` needs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tarfile
import tomllib
import zipfile
from pathlib import Path

from setuptools import build_meta as _setuptools

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "lamina"


def _has_wheel() -> bool:
    try:
        import wheel  # noqa: F401
    except ImportError:
        return False
    return True


def _project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def _metadata() -> str:
    project = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        f"License: {project['license']['text']}",
        "Description-Content-Type: text/markdown",
    ]
    readme = (ROOT / project["readme"]).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + readme


def _dist_info() -> str:
    project = _project()
    return f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"


def _files() -> list[Path]:
    return sorted(path for path in (ROOT / PACKAGE).rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory: str) -> str:
    project = _project()
    dist_info = _dist_info()
    name = f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"
    entries: list[tuple[str, bytes]] = [(path.relative_to(ROOT).as_posix(), path.read_bytes()) for path in _files()]
    entries.append((f"{dist_info}/METADATA", _metadata().encode()))
    entries.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: lamina_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    entries.append((f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode()))
    record = [_record_line(entry, data) for entry, data in entries] + [f"{dist_info}/RECORD,,"]
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries:
            archive.writestr(entry, data)
    return name


def get_requires_for_build_wheel(config_settings=None):
    return _setuptools.get_requires_for_build_wheel(config_settings) if _has_wheel() else []


def get_requires_for_build_sdist(config_settings=None):
    return _setuptools.get_requires_for_build_sdist(config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    if _has_wheel():
        return _setuptools.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
    target = Path(metadata_directory) / _dist_info()
    target.mkdir(parents=True, exist_ok=True)
    (target / "METADATA").write_text(_metadata(), encoding="utf-8")
    return target.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if _has_wheel():
        return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    return _write_wheel(wheel_directory)


def build_sdist(sdist_directory, config_settings=None):
    if _has_wheel():
        return _setuptools.build_sdist(sdist_directory, config_settings)
    project = _project()
    base = f"{project['name'].replace('-', '_')}-{project['version']}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as archive:
        for relative in ["pyproject.toml", "README.md", "_build/lamina_build.py"]:
            archive.add(ROOT / relative, arcname=f"{base}/{relative}")
        for path in _files():
            archive.add(path, arcname=f"{base}/{path.relative_to(ROOT).as_posix()}")
    return name
