"""The error of an output that cannot be written, with a fix fitted to its cause; shared by the
result store and the report writers."""

from __future__ import annotations

import errno
import os

from ..errors import ActlabError

__all__ = ["OutputError", "output_error"]


class OutputError(ActlabError, OSError):
    """A file or directory actlab cannot write (read-only, no permission, disk full); the
    message names the path and what to do."""


def output_error(path: str | os.PathLike, e: OSError, what: str = "write") -> OutputError:
    """An :class:`OutputError` for ``e`` raised while writing ``path``, with a fix that fits it."""
    code = e.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        fix = "the disk (or quota) is full: free some space, or pass another --out directory"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "it is read-only or not yours: pass an --out directory you can write to"
    else:
        fix = "pass an --out directory you can write to"
    reason = e.strerror or str(e)
    return OutputError(f"cannot {what} {path}: {reason}; {fix}")
