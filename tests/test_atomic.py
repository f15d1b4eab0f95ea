"""Atomic outputs: a build killed with SIGKILL leaves the previous outputs byte-identical,
the next build leaves no temporary file behind, and no build ever writes a source
(issue 7, item 3).

The builds run as real child processes in their own session, killed as a group (the
build's worker processes die with it, as they would when a laptop's battery dies).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_project
from pdfread import page_texts
from test_bad_input import CH1, PARA1, edit, snapshot, temp_files

from zinepress import cli

TARGETS = ["pdf", "epub"]
NEW_WORDS = "Freshly added words."
WAIT_S = 60


def tree_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Return {path: (sha256, mtime_ns)} for every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                               p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def hashes(build: Path) -> dict[str, str]:
    """Return {output: sha256} for the outputs (temporary files and the layout cache in
    ``build/.parts/`` left aside)."""
    return {name: digest for name, (digest, _) in snapshot(build).items()
            if not name.startswith(".tmp-") and "/" not in name}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny project built once (pdf, epub), with its sources' state before the build."""
    root = copy_project(tmp_path_factory.mktemp("atomic") / "tiny", FIXTURES / "tiny" / "source")
    sources_before = {d: tree_state(root / d) for d in ("source", "templates")}
    assert cli.main(["--root", str(root), "-q", "build", *TARGETS]) == 0
    return root, sources_before


@pytest.fixture
def project(built, tmp_path) -> Path:
    import shutil
    return Path(shutil.copytree(built[0], tmp_path / "tiny", symlinks=True))


def start_build(root: Path, targets=TARGETS, env: dict | None = None) -> subprocess.Popen:
    """Start ``python build.py build TARGETS`` in its own session (killable as a group)."""
    return subprocess.Popen([sys.executable, "build.py", "--root", str(root), "build", *targets],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, **(env or {})})


def kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=WAIT_S)
    proc.stdout.close()
    proc.stderr.close()


def rebuild_and_check_change(root: Path) -> None:
    """Build again: it succeeds, leaves no temporary file and shows the new words."""
    proc = subprocess.run([sys.executable, "build.py", "--root", str(root), "-q", "build",
                           *TARGETS], cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
    assert proc.returncode == 0, proc.stderr
    assert temp_files(root / "build") == []
    assert NEW_WORDS in " ".join(" ".join(page_texts(root / "build/a-tiny-zine.pdf")).split())


def test_sigkill_while_rendering_keeps_previous_outputs(project: Path):
    before = hashes(project / "build")
    edit(CH1, PARA1, PARA1 + " " + NEW_WORDS)(project)
    proc = start_build(project)
    # The first line comes once sources are loaded and checked; rendering starts then.
    line = proc.stderr.readline()
    assert line.startswith("load and check"), line
    time.sleep(0.3)
    assert proc.poll() is None, "the build finished before it could be killed"
    kill_group(proc)
    assert proc.returncode == -signal.SIGKILL
    assert hashes(project / "build") == before
    rebuild_and_check_change(project)


SLOW_DISK = '''\
import os, time
_fsync = os.fsync
def fsync(fd):
    # A disk that takes a minute to flush an output: the build dies before the rename.
    # (The part layouts kept in build/.parts/ flush at once, so the output is reached.)
    if "/.parts/" not in os.readlink(f"/proc/self/fd/{fd}"):
        time.sleep(60)
    _fsync(fd)
os.fsync = fsync
'''


def test_sigkill_while_writing_keeps_previous_outputs_and_next_build_cleans_up(
        project: Path, tmp_path: Path):
    """Killed between writing a new output and renaming it into place.

    A ``sitecustomize`` (loaded by the build and its workers) makes ``fsync`` take a
    minute, so the new bytes sit written but unrenamed when the build is killed. Only
    the PDF is built: it is the output written by :func:`zinepress.build.output.write_atomic`.
    """
    build = project / "build"
    before = hashes(build)
    slow = tmp_path / "slowdisk"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(SLOW_DISK)
    edit(CH1, PARA1, PARA1 + " " + NEW_WORDS)(project)
    proc = start_build(project, ["pdf"], env={"PYTHONPATH": str(slow)})
    deadline = time.monotonic() + WAIT_S
    # Wait for a written temporary file, or (without atomic writes) for a changed output.
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.is_file() for p in build.glob(".tmp-*")) or hashes(build) != before:
            break
        time.sleep(0.02)
    assert proc.poll() is None, proc.communicate()[1]
    kill_group(proc)
    assert hashes(build) == before, "a killed build changed an output"
    left = temp_files(build)
    assert left, "expected the killed build's temporary file to be left behind"
    rebuild_and_check_change(project)


def test_a_build_never_writes_sources(built):
    """After a full build, source/ and templates/ hold the same bytes and mtimes as before."""
    root, sources_before = built
    assert {d: tree_state(root / d) for d in ("source", "templates")} == sources_before
    assert (root / "build/a-tiny-zine.pdf").is_file()
