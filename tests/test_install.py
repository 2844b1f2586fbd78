"""The package installed the ordinary way (a wheel, not an editable checkout) builds a month.

Guards against: SQL, reference data or the Dagster config left outside the package (they
would only be found in a source checkout), and paths taken from the checkout rather than from
``SR_TRACKERS_DIR`` / ``SR_WAREHOUSE``. The wheel is built offline from a copy of the sources
and installed without dependencies into a fresh virtual environment that borrows the test
environment's third-party packages (so no download is needed); the month is built from
another folder with ``python -m dagster``, and its figures read from the published file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests import DEMO_TRACKERS, ROOT

pytestmark = pytest.mark.slow


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout + done.stderr


def test_a_wheel_installed_elsewhere_builds_june_2018(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("sr_pipeline", "demo", "benchmarks", "tests"):  # the wheel picks its own
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(source)], cwd=tmp_path)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("sr_pipeline-*.whl")
    # Production code only: no demo generator, benchmark or test in the wheel; the SQL, the
    # reference data and the portal's templates in it.
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"sr_pipeline"}
    for packaged in ("sr_pipeline/warehouse/sql/marts/insert_donors.sql",
                     "sr_pipeline/reference/funds.csv",
                     "sr_pipeline/portal/templates/portal/check.html"):  # fmt: skip
        assert packaged in names

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                    cwd=tmp_path).strip())  # fmt: skip
    # Third-party packages from the test environment, after the venv's own site-packages
    # (a plain path in a .pth file: the checkout's editable-install hook is not loaded).
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    located = run([str(python), "-c", "import sr_pipeline; print(sr_pipeline.__file__)"],
                  cwd=elsewhere).strip()  # fmt: skip
    assert located.startswith(str(site)), located  # the installed copy, not the checkout

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "SR_TRACKERS_DIR": str(DEMO_TRACKERS),
           "SR_WAREHOUSE": str(warehouse)}  # fmt: skip
    env.pop("PYTHONPATH", None)
    log = run([str(python), "-m", "dagster", "asset", "materialize", "-m",
               "sr_pipeline.definitions", "--select", "*", "--partition", "2018-06-01"],
              cwd=elsewhere, env=env)  # fmt: skip
    assert "RUN_SUCCESS" in log

    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = dict(
            con.execute(
                "SELECT fund || ' ' || figure, value FROM marts.bulletin_figures "
                "WHERE as_of = DATE '2018-06-30' AND figure = 'projects_total'"
            ).fetchall()
        )
    # Bulletin #41 prints 441 QIPs, 132 Trust Fund and 14 PBF projects.
    assert found == {"QIP projects_total": 441, "TF projects_total": 132, "PBF projects_total": 14}
    assert (warehouse.parent / "bulletins" / "2018-06" / "index.html").is_file()
    # The printed editions need the map's shapes, which are package data too.
    for language in ("en", "fr"):
        assert (
            warehouse.parent / "bulletins" / "2018-06" / f"bulletin-2018-06-{language}.pdf"
        ).is_file()
    assert not (elsewhere / "warehouse").exists()  # nothing written where it was run from
