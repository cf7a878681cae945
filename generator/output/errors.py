"""Failures about the output folder, each said in one line: the path, what is wrong, what to do."""

from __future__ import annotations

import errno
import os
import re

from generator.files import NotAFile

PREVIOUS = "the previous tree is as it was"


class OutputError(Exception):
    """xacct refuses to write (or compare) an output folder; the message is the whole story."""


_CAUSES = {
    errno.EROFS: "the file system is read-only: pass --out a folder on a writable file system",
    errno.EACCES: "permission denied: make it writable for this user, or pass --out a folder you can write",
    errno.EPERM: "operation not permitted: make it writable for this user, or pass --out another folder",
    errno.ENOSPC: "no space left on the device: free some space and run again",
    errno.EDQUOT: "the disk quota is exceeded: free some space and run again",
    errno.ENOTDIR: "a file is where xacct expects a folder: move the file away and run again",
    errno.EISDIR: "a folder is where xacct expects a file: move the folder away and run again",
    errno.ENAMETOOLONG: "the path is too long: pass a shorter --out path",
    errno.EEXIST: "already exists and xacct did not write it: move it away and run again",
    errno.ELOOP: "too many levels of symbolic links: replace the links with folders and run again",
    errno.EXDEV: "is on another file system (a mount point inside the tree?): move it out and run again",
    errno.EMLINK: "has too many hard links: copy it (a new file) and run again",
    errno.EBUSY: "is busy (a mount point, or in use): pass --out a folder that is not a mount point",
    errno.EIO: "an input/output error: check the disk and run again",
    errno.ENOENT: "does not exist: check the path and run again",
}


def describe(exc: OSError, tail: str = PREVIOUS) -> str:
    """One line for an OSError met while writing or reading the output folder (``tail`` ends it)."""
    path = os.fsdecode(exc.filename) if exc.filename is not None else "the output folder"
    path = re.sub(r"/\.([^/]+)\.xacct-new-\d+(?=/|$)", r"/\1", path)  # where it was going, not the stage
    if isinstance(exc, NotAFile):
        cause = f"{exc.strerror}: pass a regular file"
    else:
        cause = _CAUSES.get(exc.errno or 0) or f"{exc.strerror or exc}: check it and run again"
    return f"{path}: {cause}; {tail}" if tail else f"{path}: {cause}"
