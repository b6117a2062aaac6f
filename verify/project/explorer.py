"""Contract sources as block explorers publish them: a JSON file instead of Solidity.

Three shapes are read:

* a sources map, as Etherscan gives a multi-file contract: ``{"contracts/Ballot.sol": {"content": ...}}``;
* a solc standard-JSON input: ``{"language": "Solidity", "sources": {...}, "settings": {...}}``, which
  Etherscan wraps in one extra pair of braces (the text starts with ``{{``);
* solc metadata with the sources' ``content`` (its ``compiler.version`` names the release).

The sources are written below a folder per content hash in the system temp dir
(``<tmp>/ouro-explorer/<sha256[:16]>/``, written atomically and reused), so the compiler, Slither and
the reports see ordinary files. Unit names are sanitised: a leading ``/`` is dropped and a ``..``
that would leave the folder is dropped, so nothing is written outside it. Every top-level folder of
the sources gets a remapping to itself (``@openzeppelin/=<folder>/@openzeppelin/``), so the
non-relative imports resolve as they did for the author; ``settings.remappings`` are rewritten to
point inside the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ExplorerInputError", "ExplorerSources", "MANIFEST", "explorer_sources_of", "is_explorer_json",
           "load_explorer_json"]

MANIFEST = ".ouro-explorer.json"  # in each materialised folder: what load_explorer_json returned
_MAX_BYTES = 32 * 1024 * 1024
# solc settings a deployed contract's compile may depend on (outputSelection is ouro's own;
# compilationTarget is metadata's, not an input setting)
_SETTINGS_KEPT = ("optimizer", "evmVersion", "viaIR", "libraries", "metadata")
_VERSION = re.compile(r"v?(\d+\.\d+\.\d+)")


class ExplorerInputError(ValueError):
    """An explorer JSON file that cannot be used; the message names the file and the field or line."""


@dataclass
class ExplorerSources:
    input: Path  # the .json file
    folder: Path  # where the sources were written
    units: list[str]  # source unit names as in the JSON, e.g. "contracts/Ballot.sol"
    remappings: list[str]  # settings.remappings pointing inside folder, plus one per top-level folder
    settings: dict  # optimizer, evmVersion, viaIR, libraries, metadata as given
    version: str | None  # when the JSON or its metadata names the compiler
    files: dict[str, Path] = field(default_factory=dict)  # unit -> the file written for it

    def path_of(self, unit: str) -> Path:
        return self.files[unit]

    def compile_overrides(self) -> dict[str, Any]:
        """The solc settings for a compile of these sources (libraries keyed by written files)."""
        out = {k: v for k, v in self.settings.items() if k in ("optimizer", "viaIR", "evmVersion")}
        libs = self.settings.get("libraries")
        if isinstance(libs, dict) and libs:
            out["libraries"] = {str(self.files[u]) if u in self.files else u: v for u, v in libs.items()}
        return out


def _strip_double_braces(text: str) -> tuple[str, int]:
    """Etherscan's ``{{ ... }}``: the inner object, and the offset it starts at in ``text``."""
    start = len(text) - len(text.lstrip())
    body = text.rstrip()
    if text[start:start + 2] == "{{" and body.endswith("}}"):
        return text[start + 1:len(body) - 1], start + 1
    return text, 0


def _parse(path: Path, text: str) -> Any:
    inner, shift = _strip_double_braces(text)
    try:
        return json.loads(inner)
    except json.JSONDecodeError as exc:
        pos = exc.pos + shift
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise ExplorerInputError(f"{path}:{line}:{col}: not valid JSON: {exc.msg}") from None


def _kind(doc: Any) -> str | None:
    """'standard' (has a sources object), 'map' (every value is a source entry) or None."""
    if not isinstance(doc, dict) or not doc:
        return None
    if isinstance(doc.get("sources"), dict) and (
            "language" in doc or "settings" in doc or "compiler" in doc or len(doc) <= 3):
        return "standard"
    if all(isinstance(v, dict) and ("content" in v or "urls" in v) for v in doc.values()) and any(
            k.endswith(".sol") for k in doc):
        return "map"
    return None


def is_explorer_json(path: Path) -> bool:
    """A ``.json`` file whose object is a sources map or a standard-JSON input (or metadata)."""
    path = Path(path)
    try:
        if path.suffix.lower() != ".json" or not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return False
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip()
        if not head.startswith(b"{"):
            return False
        return _kind(_parse(path, path.read_text(encoding="utf-8"))) is not None
    except (OSError, UnicodeDecodeError, ExplorerInputError):
        return False


def _safe_unit_path(unit: str) -> str:
    """The unit name as a relative path that cannot leave the folder."""
    name = unit.replace("\\", "/")
    name = re.sub(r"^[A-Za-z]:/", "", name).lstrip("/")
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue  # above the root: dropped
        parts.append(part)
    return posixpath.join(*parts) if parts else ""


def _version_of(doc: dict) -> str | None:
    for value in ((doc.get("compiler") or {}).get("version") if isinstance(doc.get("compiler"), dict) else None,
                  doc.get("compilerVersion"), doc.get("CompilerVersion")):
        if isinstance(value, str):
            m = _VERSION.search(value)
            if m:
                return m.group(1)
    return None


def load_explorer_json(path: Path) -> ExplorerSources:
    """Read an explorer JSON file and write its sources below their folder (see the module doc)."""
    path = Path(path).resolve()
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise ExplorerInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ExplorerInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    doc = _parse(path, text)
    kind = _kind(doc)
    if kind is None:
        if isinstance(doc, dict) and "sources" in doc:
            raise ExplorerInputError(f"{path}: field 'sources' must be an object mapping unit names to "
                                     "{\"content\": ...}")
        raise ExplorerInputError(f"{path}: neither a sources map ({{\"File.sol\": {{\"content\": ...}}}}) nor a "
                                 "solc standard-JSON input ({\"language\": \"Solidity\", \"sources\": ...})")
    sources = doc["sources"] if kind == "standard" else doc
    settings_in = doc.get("settings") if kind == "standard" else None
    if settings_in is not None and not isinstance(settings_in, dict):
        raise ExplorerInputError(f"{path}: field 'settings' must be an object")
    settings_in = settings_in or {}
    if kind == "standard" and doc.get("language", "Solidity") != "Solidity":
        raise ExplorerInputError(f"{path}: field 'language' is {doc.get('language')!r}; only Solidity is verified")
    field_prefix = "sources." if kind == "standard" else ""
    contents: dict[str, str] = {}
    written: dict[str, str] = {}
    for unit, entry in sources.items():
        where = f"{path}: field '{field_prefix}{unit}'"
        if not isinstance(entry, dict):
            raise ExplorerInputError(f"{where} must be an object with 'content'")
        content = entry.get("content")
        if content is None:
            if "urls" in entry:
                raise ExplorerInputError(f"{where} has only 'urls' (the source text is not in the file); "
                                         "ouro fetches nothing: put the text in 'content'")
            raise ExplorerInputError(f"{where} has no 'content'")
        if not isinstance(content, str):
            raise ExplorerInputError(f"{where}.content must be a string")
        rel = _safe_unit_path(unit)
        if not rel:
            raise ExplorerInputError(f"{where}: the unit name is not a file name")
        if rel in written.values():
            raise ExplorerInputError(f"{where}: names the same file as '{next(u for u, r in written.items() if r == rel)}'")
        contents[unit], written[unit] = content, rel
    if not contents:
        raise ExplorerInputError(f"{path}: field '{field_prefix or 'sources'}' holds no source")
    remaps_in = settings_in.get("remappings") or []
    if not isinstance(remaps_in, list) or not all(isinstance(r, str) for r in remaps_in):
        raise ExplorerInputError(f"{path}: field 'settings.remappings' must be a list of strings")

    folder = Path(tempfile.gettempdir()).resolve() / "ouro-explorer" / hashlib.sha256(raw).hexdigest()[:16]
    settings = {k: settings_in[k] for k in _SETTINGS_KEPT if k in settings_in}
    remappings = _remappings(remaps_in, folder, written.values())
    result = ExplorerSources(input=path, folder=folder, units=list(contents), remappings=remappings,
                             settings=settings, version=_version_of(doc),
                             files={u: folder / rel for u, rel in written.items()})
    _materialise(result, contents, written)
    return result


def _remappings(given: list[str], folder: Path, rels) -> list[str]:
    out = []
    for r in given:
        context, sep, rest = r.rpartition(":") if ":" in r.split("=", 1)[0] else ("", "", r)
        prefix, eq, target = rest.partition("=")
        if not eq or not prefix:
            continue  # solc ignores these too
        target_rel = _safe_unit_path(target)
        new = str(folder / target_rel) + ("/" if target.endswith("/") or not target_rel else "")
        out.append(f"{context}{sep}{prefix}={new}")
    given_prefixes = {m.split(":", 1)[-1].split("=", 1)[0] for m in out}
    rels = list(rels)
    for top in sorted({rel.split("/", 1)[0] for rel in rels if "/" in rel}):
        if f"{top}/" not in given_prefixes:
            out.append(f"{top}/={folder / top}/")
    for rel in sorted(r for r in rels if "/" not in r):  # 'import "Lib.sol";' beside a top-level unit
        if rel not in given_prefixes:
            out.append(f"{rel}={folder / rel}")
    return out


def _materialise(src: ExplorerSources, contents: dict[str, str], written: dict[str, str]) -> None:
    folder = src.folder
    if (folder / MANIFEST).is_file():
        return  # the same content, written before
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for unit, rel in written.items():
            target = (tmp / rel).resolve()
            if tmp.resolve() not in target.parents:
                raise ExplorerInputError(f"{src.input}: unit {unit!r} would be written outside its folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(contents[unit], encoding="utf-8")
        _write_manifest(src, tmp)
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / MANIFEST).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process wrote the same content first
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_manifest(src: ExplorerSources, where: Path) -> None:
    data = {"input": str(src.input), "units": src.units, "remappings": src.remappings, "settings": src.settings,
            "version": src.version, "files": {u: os.path.relpath(p, src.folder) for u, p in src.files.items()}}
    (where / MANIFEST).write_text(json.dumps(data, indent=1), encoding="utf-8")


def explorer_sources_of(path: Path) -> ExplorerSources | None:
    """The explorer sources a written file belongs to (read from its folder's manifest), else None."""
    root = Path(tempfile.gettempdir()).resolve() / "ouro-explorer"
    p = Path(path).resolve()
    if root not in p.parents:
        return None
    folder = root / p.relative_to(root).parts[0]
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return ExplorerSources(input=Path(data["input"]), folder=folder, units=data["units"],
                           remappings=data["remappings"], settings=data["settings"], version=data["version"],
                           files={u: folder / rel for u, rel in data["files"].items()})
