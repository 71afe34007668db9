"""The one way projtrack writes a file an officer asked for (a weekly report, an export, a
progress fill-in sheet): never through a symlink, never half.

- The target is checked first: its folder must exist and be a folder, the target itself must
  not be a folder nor a symlink (a symlink's final component would send the write elsewhere);
  each refusal names the path (``BadUsage``, exit 2).
- The content is written to a temporary file beside the target (``.NAME.projtrack-PID-X.part``,
  created exclusively, never following a symlink), flushed to the disk (fsync) and renamed over
  the target with ``os.replace``: a reader sees the old file or the new one, never a truncated
  one, whether the process is killed or the disk fills.  A failure removes the temporary and
  is ``BadData`` naming the path and the system's reason (disk full, read-only, no permission).
- Temporaries left by a killed process (its PID no longer runs) are removed the next time a
  file is written into that folder.
- Files are created ``0o666`` less the umask (reports are for sharing); ``private=True`` makes
  them ``0o600`` (anything holding the database's content beyond a report).

``staged`` gives the temporary paths of several files at once and renames them only when
``commit`` is called, so that a caller can do something between writing and publishing (the
weekly report freezes its week there).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from projtrack.errors import BadData, BadUsage

_TAG = ".projtrack-"
_SUFFIX = ".part"


def check_target(path: Path | str) -> Path:
    """``path`` as a Path, if projtrack may write a file there; BadUsage naming it otherwise."""
    path = Path(path)
    folder = path.parent
    if not folder.exists():
        raise BadUsage("err.no_such_folder", folder=str(folder))
    if not folder.is_dir():
        raise BadUsage("err.not_a_folder", path=str(folder))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise BadData("err.write_failed", path=str(path), why=_why(exc)) from exc
    if stat.S_ISLNK(st.st_mode):
        raise BadUsage("err.symlink_target", path=str(path))
    if stat.S_ISDIR(st.st_mode):
        raise BadUsage("err.target_is_folder", path=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise BadUsage("err.target_not_file", path=str(path))
    return path


def check_folder(folder: Path | str) -> Path:
    """``folder`` as a Path, if it is a folder or can be made one (its parents are made by the
    caller); BadUsage naming it when it is a file or a symlink to something else."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BadUsage("err.not_a_folder", path=str(folder))
    return folder


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(path: Path) -> None:
    """Remove the temporaries of ``path`` that a process no longer running left behind."""
    prefix = f".{path.name}{_TAG}"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(_SUFFIX)):
            continue
        pid_text = name[len(prefix):-len(_SUFFIX)].split("-", 1)[0]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or _alive(int(pid_text))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)


class Staged:
    """Temporary files beside their targets, renamed into place by ``commit``."""

    def __init__(self, private: bool = False):
        self._mode = 0o600 if private else 0o666
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def temp_for(self, target: Path | str) -> Path:
        """A new, empty temporary file beside ``target`` (checked first) to write into."""
        target = check_target(target)
        remove_leftovers(target)
        temp = target.with_name(f".{target.name}{_TAG}{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, self._mode)
        except OSError as exc:
            raise BadData("err.write_failed", path=str(target), why=_why(exc)) from exc
        os.close(fd)
        self._pending.append((temp, target))
        return temp

    def write(self, target: Path | str, writer: Callable[[Path], object]) -> Path:
        """Stage ``target``: ``writer(temporary)`` writes the content.  A failure to write
        (disk full, permission) removes the temporaries and is BadData naming ``target``."""
        temp = self.temp_for(target)
        try:
            writer(temp)
            _fsync(temp)
        except OSError as exc:
            self.discard()
            raise BadData("err.write_failed", path=str(target), why=_why(exc)) from exc
        except BaseException:
            self.discard()
            raise
        return Path(target)

    def retarget(self, old: Path, new: Path) -> None:
        """Publish the staged file meant for ``old`` under the name ``new`` instead."""
        self._pending = [(tmp, new if tgt == old else tgt) for tmp, tgt in self._pending]

    def commit(self) -> list[Path]:
        """Rename every staged file over its target (refused again if a symlink appeared
        meanwhile); the targets."""
        done: list[Path] = []
        try:
            for temp, target in self._pending:
                check_target(target)
                try:
                    os.replace(temp, target)
                except OSError as exc:
                    raise BadData("err.write_failed", path=str(target), why=_why(exc)) from exc
                done.append(target)
            for folder in {t.parent for t in done}:
                _fsync_dir(folder)
        finally:
            self.discard()
        return done

    def discard(self) -> None:
        """Remove the temporaries not renamed yet."""
        for temp, _target in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        self._pending = []


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staged(*, private: bool = False) -> Iterator[Staged]:
    """A ``Staged`` whose temporaries are removed if the block fails before ``commit``."""
    files = Staged(private)
    try:
        yield files
    finally:
        files.discard()


def write_file(target: Path | str, writer: Callable[[Path], object], *,
               private: bool = False) -> Path:
    """Write ``target`` safely (see the module docstring): ``writer(path)`` writes the content
    into a temporary that then replaces ``target``."""
    with staged(private=private) as files:
        files.write(target, writer)
        return files.commit()[0]


def write_bytes(target: Path | str, data: bytes, *, private: bool = False) -> Path:
    return write_file(target, lambda p: p.write_bytes(data), private=private)


def write_text(target: Path | str, text: str, *, encoding: str = "utf-8",
               private: bool = False) -> Path:
    return write_bytes(target, text.encode(encoding), private=private)
