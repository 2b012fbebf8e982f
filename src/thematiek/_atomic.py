"""Lock a file and replace it atomically.

Private helper of :mod:`thematiek.corpus`.

Locking uses ``fcntl.flock`` on the file itself, so no lock file is ever left behind.
``os.replace`` swaps in a new inode, so after acquiring the lock we check that the path
still points at the inode we locked; if another process replaced the file meanwhile, we
lock the new one and try again. Writers always hold the lock of the inode they replace,
so two writers never interleave. (flock is advisory and POSIX only; on systems without
fcntl the write is still atomic but not serialised.)
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".thematiek-tmp"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[bytes]:
    """Hold an exclusive lock on ``path`` and yield its current bytes.

    Raises:
        OSError: The file cannot be opened or read.
    """
    while True:
        with open(path, "rb") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            opened = os.fstat(handle.fileno())
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is not None and (current.st_dev, current.st_ino) != (
                opened.st_dev,
                opened.st_ino,
            ):
                continue  # replaced while we waited: lock the new file
            yield handle.read()
            return


def read_bytes(path: Path) -> bytes:
    """The bytes of a file, without a lock."""
    with open(path, "rb") as handle:
        return handle.read()


def replace_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it and move it over ``path``.

    The file keeps its permission bits (and owner, where allowed). On failure the temporary
    file is removed and ``path`` is untouched.

    Raises:
        OSError: The folder is not writable, the disk is full, and so on.
    """
    info = os.stat(path)
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(handle.fileno(), info.st_uid, info.st_gid)
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
