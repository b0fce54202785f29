"""A backup's manifest: what it holds, each file's size and SHA-256, and each table's row count
and checksum. `lianfang restore` checks every file against it before it touches anything, and the
restored database against it afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .fingerprints import Fingerprints

NAME = "manifest.json"
FORMAT = 1
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA = "media"
CHECKPOINTS = "audit-checkpoints.log"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Manifest:
    engine: str
    created_at: str
    tables: Fingerprints = field(default_factory=dict)
    # Path within the backup → (size, sha256).
    files: dict[str, tuple[int, str]] = field(default_factory=dict)
    format: int = FORMAT

    def add_file(self, root: Path, path: Path) -> None:
        self.files[path.relative_to(root).as_posix()] = (path.stat().st_size, sha256_of(path))

    def write(self, root: Path) -> None:
        (root / NAME).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True), "utf-8")

    @classmethod
    def read(cls, root: Path) -> Manifest:
        data = json.loads((root / NAME).read_text("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        return cls(
            engine=str(data["engine"]),
            created_at=str(data["created_at"]),
            tables={k: (int(v[0]), str(v[1])) for k, v in data["tables"].items()},
            files={k: (int(v[0]), str(v[1])) for k, v in data["files"].items()},
        )

    def damaged_files(self, root: Path) -> list[str]:
        """The files that are missing, or whose size or checksum differs; and files not listed."""
        problems = []
        for name, (size, digest) in sorted(self.files.items()):
            path = root / name
            if not path.is_file():
                problems.append(_("%(name)s: missing") % {"name": name})
            elif path.stat().st_size != size or sha256_of(path) != digest:
                problems.append(_("%(name)s: changed since the backup") % {"name": name})
        listed = set(self.files) | {NAME}
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.relative_to(root).as_posix() not in listed:
                problems.append(_("%(name)s: not in the manifest") % {"name": path.relative_to(root).as_posix()})
        return problems
