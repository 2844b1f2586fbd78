"""Write the three templates, and rewrite them only when what they say has changed.

The digest of a build covers the generator's own source and the full spec of every template
(which is derived from the contracts, the reference lists and the display labels), so a new
status spelling, a renamed header or a change in this package gives new templates, and
anything else (a new month of exchange rates) does not. A small manifest beside the
templates records the digest and each file's sha256; a file that is missing or was edited
by hand is written again. Files are written beside their final name and moved into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sr_pipeline.reference import Reference, load_reference
from sr_pipeline.templates.spec import TEMPLATE_FUNDS, TemplateSpec, template_spec
from sr_pipeline.templates.workbook import write_template

MANIFEST = ".manifest.json"  # hidden: not something to send to a unit
_GENERATOR = Path(__file__).parent


@dataclass
class TemplatesOutcome:
    folder: Path
    files: dict[str, Path]  # fund -> template
    digest: str
    written: list[str] = field(default_factory=list)  # funds whose file was (re)written
    reason: str = "unchanged"


def template_specs(reference: Reference | None = None) -> dict[str, TemplateSpec]:
    reference = reference or load_reference()
    return {fund: template_spec(fund, reference) for fund in TEMPLATE_FUNDS}


def inputs_digest(specs: dict[str, TemplateSpec]) -> str:
    """sha256 of the generator's source and of everything the templates say."""
    digest = hashlib.sha256()
    for source in sorted(_GENERATOR.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    digest.update(repr(sorted(specs.items())).encode())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(spec: TemplateSpec, target: Path, digest: str) -> None:
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        write_template(spec, temporary, comment=f"sr_pipeline.templates, inputs {digest[:12]}")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def ensure_templates(
    out_dir: Path, reference: Reference | None = None, force: bool = False
) -> TemplatesOutcome:
    """Bring ``out_dir`` up to date: write the templates whose inputs changed (all of them
    when the digest differs), or that are missing or were modified; otherwise touch nothing."""
    specs = template_specs(reference)
    digest = inputs_digest(specs)
    files = {fund: out_dir / spec.file_name for fund, spec in specs.items()}
    outcome = TemplatesOutcome(out_dir, files, digest)
    manifest_path = out_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    recorded = manifest.get("files", {}) if manifest.get("digest") == digest else {}
    if force:
        outcome.reason = "forced"
    elif not manifest:
        outcome.reason = "no manifest"
    elif manifest.get("digest") != digest:
        outcome.reason = "contracts, reference lists or generator changed"
    out_dir.mkdir(parents=True, exist_ok=True)
    for fund, path in files.items():
        known = recorded.get(fund, {})
        if (
            not force
            and path.is_file()
            and known.get("name") == path.name
            and (known.get("sha256") == _sha256(path))
        ):
            continue
        if outcome.reason == "unchanged":
            outcome.reason = "missing or modified file"
        _write(specs[fund], path, digest)
        outcome.written.append(fund)
    if outcome.written or manifest.get("digest") != digest:
        entries = {fund: {"name": p.name, "sha256": _sha256(p)} for fund, p in files.items()}
        text = json.dumps({"digest": digest, "files": entries}, indent=2, sort_keys=True)
        manifest_path.write_text(text + "\n", encoding="utf-8")
    return outcome


def write_templates(out_dir: Path, reference: Reference | None = None) -> dict[str, Path]:
    """Write the three templates into ``out_dir`` (always) and return them by fund."""
    return ensure_templates(out_dir, reference, force=True).files
