"""Small file helpers shared by the commands."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text to path atomically: a temp file in the same folder, then os.replace.

    The file gets the mode of the file it replaces, else 0666 less the umask (mkstemp alone gives 0600).
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json(path: str | os.PathLike, obj, indent: int = 1) -> None:
    """Write `obj` as JSON to path atomically (results, configs, calibration: never half a file)."""
    write_atomic(path, json.dumps(obj, indent=indent) + "\n")


def output_names(paths: list[str], ext: str, stem: bool = False) -> dict[str, str]:
    """A distinct output file name per input: `<file name><ext>` (e.g. paper.pdf.json), or `<stem><ext>` when
    `stem` (paper.json); on clashes the file name, then its parents, then a counter are added."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for path in paths:
        parts = ["stdin"] if path == "-" else list(Path(path).parts)
        n = 1
        name = (Path(parts[-1]).stem if stem else parts[-1]) + ext
        if stem and name in used:
            name = parts[-1] + ext
        while name in used and n < len(parts):
            n += 1
            name = "__".join(p for p in parts[-n:] if p not in ("/", "..", ".")) + ext
        k = 2
        base = name
        while name in used:
            name = f"{base[:-len(ext)]}-{k}{ext}"
            k += 1
        used.add(name)
        names[path] = name
    return names
