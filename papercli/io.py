"""Small file helpers shared by the commands."""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temp path in the folder of `path` to write to; when the block ends without an error it replaces
    `path` (os.replace), else it is removed. The one way papercli writes a file atomically.

    The file gets the mode of the file it replaces, else 0666 less the umask (mkstemp alone gives 0600).
    A symbolic link is followed (its target is replaced); a FIFO, device or socket (/dev/stdout, a named
    pipe) is yielded itself, written into directly, never replaced.
    """
    path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        yield path
        return
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to path atomically (`atomic_path`)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters (an ESC in a file name or a question) shown as \\xNN, never sent to
    the terminal; newlines and tabs are kept."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(e: BaseException) -> str:
    """An error as one line: "FILE: reason" for a file error, else its type and the first line of its message."""
    if isinstance(e, OSError) and e.strerror:
        return f"{e.filename}: {e.strerror}" if e.filename else e.strerror
    first = next((ln.strip() for ln in str(e).splitlines() if ln.strip()), "")
    return f"{type(e).__name__}: {first}" if first else type(e).__name__


def to_json(obj, indent: int | None = None, compact: bool = False) -> str:
    """`obj` as JSON text, non-ASCII characters as they are; escaped (\\udcff) when a string cannot be UTF-8, as a
    file name of other bytes is (a fuzzer's "\\xff\\xfe.txt" made the output invalid UTF-8)."""
    seps = (",", ":") if compact else None
    text = json.dumps(obj, ensure_ascii=False, indent=indent, separators=seps)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, indent=indent, separators=seps)
    return text


def write_json(path: str | os.PathLike, obj, indent: int = 1) -> None:
    """Write `obj` as JSON to path atomically (results, configs, calibration: never half a file)."""
    write_atomic(path, json.dumps(obj, indent=indent) + "\n")


def output_names(paths: list[str], ext: str, stem: bool = False) -> dict[str, str]:
    """A distinct output file name per input: `<file name><ext>` (e.g. paper.pdf.json), or `<stem><ext>` when
    `stem` (paper.json). Inputs whose names clash all get longer ones: the file name (stem mode), then as
    many parent folders as it takes ("a__paper.pdf.json", "b__paper.pdf.json"), then a counter. A path's
    name does not depend on the order of the inputs, and no input takes the plain name of a clashing group,
    so a rerun with one more input never pairs an old output with another paper."""
    parts = {p: ["stdin"] if p == "-" else [x for x in Path(p).parts if x not in ("/", "..", ".")] or [p]
             for p in dict.fromkeys(paths)}

    def named(p: str, n: int) -> str:  # n: 0 the stem, 1 the file name, 2+ with parent folders
        return (Path(parts[p][-1]).stem if n == 0 else "__".join(parts[p][-n:])) + ext

    names: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for p in parts:
        groups.setdefault(named(p, 0 if stem else 1), []).append(p)
    for group in groups.values():
        n = 0 if stem else 1
        while len({named(p, n) for p in group}) < len(group) and n < max(len(parts[p]) for p in group):
            n += 1
        for p in group:
            names[p] = named(p, n)
    seen: dict[str, int] = {}
    for p in sorted(names, key=lambda p: (names[p], p)):  # identical names left: a counter, in path order
        k = seen[names[p]] = seen.get(names[p], 0) + 1
        if k > 1:
            names[p] = f"{names[p][:-len(ext)]}-{k}{ext}"
    return names
