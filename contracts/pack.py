"""A platform pack: one folder holding everything a platform is, loaded and checked as a whole.

``contracts/packs/<name>/`` holds ``pack.yaml`` (the manifest), ``openapi.yaml`` (+ ``schemas/``),
``mapping.yaml``, ``rules.yaml`` and ``coverage.yaml``. Each file is validated by its JSON Schema
in ``contracts/schemas/``; then the parts are checked against each other, so a fact written in
two files cannot drift: every deprecated operation has a rule, every rule's endpoint is an
operation, every coverage family names real operations and rules, every legacy endpoint of the
mapping is an operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from miready.contracts import DEFAULT_PACK, PACKS_DIR, packcache
from miready.contracts.errors import ContractError, Span
from miready.contracts.families import Family, load_families
from miready.contracts.manifest import Manifest, load_manifest
from miready.contracts.mapping import Mapping, load_mapping
from miready.contracts.rules import RulePack, load_rules
from miready.contracts.spec import OperationIndex, load_operations

PACK_FILES = ("pack.yaml", "openapi.yaml", "mapping.yaml", "rules.yaml", "coverage.yaml")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformPack:
    manifest: Manifest
    operations: OperationIndex
    mapping: Mapping
    rules: RulePack
    families: tuple[Family, ...]
    path: Path

    @property
    def name(self) -> str:
        return self.manifest.name


def known_packs() -> list[str]:
    return sorted(p.parent.name for p in PACKS_DIR.glob("*/pack.yaml"))


def resolve_pack_dir(name_or_path: str | Path | None) -> Path:
    """A pack name (``tiendanube-multi-inventory``) or a folder (or a file in it)."""
    if name_or_path is None or name_or_path == "":
        name_or_path = DEFAULT_PACK
    candidate = Path(name_or_path)
    if candidate.is_file():
        candidate = candidate.parent
    if candidate.is_dir():
        return candidate.resolve()
    named = PACKS_DIR / str(name_or_path)
    if "/" not in str(name_or_path) and named.is_dir():
        return named
    raise ContractError(
        f"no platform pack named {str(name_or_path)!r}: give a pack name"
        f" (known: {', '.join(known_packs())}) or a pack folder"
    )


def load_pack(name_or_path: str | Path | None = None) -> PlatformPack:
    """The pack, loaded once per folder and process; a broken pack raises one ``ContractError``."""
    return _load(resolve_pack_dir(name_or_path))


@cache
def _load(folder: Path) -> PlatformPack:
    """The pack in ``folder``: from the on-disk cache when nothing it depends on changed."""
    if not packcache.enabled():
        return _compile(folder)
    name = packcache.key(folder)
    pack = packcache.read(name)
    if not isinstance(pack, PlatformPack) or pack.path != folder:
        pack = _compile(folder)
        packcache.write(name, pack)
    return pack


def _compile(folder: Path) -> PlatformPack:
    for name in PACK_FILES:
        if not (folder / name).is_file():
            raise ContractError(f"the pack has no {name}", Span(folder / name, 1))
    manifest = load_manifest(folder / "pack.yaml")
    operations = load_operations(folder / "openapi.yaml")
    if operations.prefix != manifest.base_path:
        raise ContractError(
            f"api.base_path {manifest.base_path!r} differs from the spec's server url"
            f" {operations.prefix!r} (openapi.yaml servers[0].url)",
            Span(manifest.path, 1),
        )
    mapping = load_mapping(folder / "mapping.yaml")
    rules = load_rules(folder / "rules.yaml", manifest, operations, mapping.field_names())
    families = load_families(folder / "coverage.yaml")
    pack = PlatformPack(
        manifest=manifest,
        operations=operations,
        mapping=mapping,
        rules=rules,
        families=families,
        path=folder,
    )
    check_consistency(pack)
    return pack


def check_consistency(pack: PlatformPack) -> None:
    """The parts agree: the first disagreement raises, naming its file and place."""
    ops, rules = pack.operations, pack.rules
    covered = {e for r in rules.rules for e in r.endpoints}
    for op in ops.operations:
        if op.deprecated and op.endpoint not in covered:
            raise ContractError(
                f"operation {op.operation_id} ({op.endpoint}) is deprecated in openapi.yaml but"
                " no rule of rules.yaml covers it: add a rule (deprecated_endpoint)",
                Span(pack.path / "rules.yaml", 1),
            )
    rule_ids = {r.id for r in rules.rules}
    for family in pack.families:
        for op_id in family.new + family.legacy:
            try:
                ops.by_id(op_id)
            except KeyError:
                raise ContractError(
                    f"family {family.id!r}: no operation {op_id!r} in openapi.yaml", family.span
                ) from None
        for rule_id in family.legacy_rules:
            if rule_id not in rule_ids:
                raise ContractError(
                    f"family {family.id!r}: no rule {rule_id!r} in rules.yaml", family.span
                )
    mapping = pack.mapping
    named = [(e.legacy, e.span) for e in mapping.endpoints] + [
        (e, Span(mapping.path, 1))
        for e in (*sorted(mapping.legacy_views), mapping.first_fo_list, mapping.tracking_events)
        if e
    ]
    for endpoint, span in named:
        if ops.by_endpoint(endpoint) is None:
            raise ContractError(
                f"legacy endpoint {endpoint!r} of mapping.yaml is not an operation of openapi.yaml",
                span,
            )
    check_functions(mapping)


def check_functions(mapping: Mapping) -> None:
    """Every transform and derivation a mapping row names is one `contracts.compat` has."""
    from miready.contracts.compat import DERIVERS, TRANSFORMS  # compat reads the default pack

    at = Span(mapping.path, 1) if mapping.path else None
    rows = [*mapping.fields, *mapping.tracking_event_fields, *mapping.order_input_params]
    for row in rows:
        if row.transform and row.transform not in TRANSFORMS:
            known = ", ".join(sorted(TRANSFORMS))
            raise ContractError(
                f"mapping row {row.legacy!r}: unknown transform {row.transform!r} (known: {known})",
                getattr(row, "span", None) or at,
            )
    for derived in mapping.derived.values():
        if derived.derive not in DERIVERS:
            known = ", ".join(sorted(DERIVERS))
            raise ContractError(
                f"derived field {derived.legacy!r}: unknown derive {derived.derive!r} "
                f"(known: {known})",
                at,
            )


@cache
def default_pack() -> PlatformPack:
    return load_pack(DEFAULT_PACK)


def pack_of(rules: RulePack | None) -> PlatformPack:
    """The whole pack a ``RulePack`` came from (the default pack when it has no folder)."""
    if rules is None or rules.path is None:
        return default_pack()
    if rules.path.is_absolute():  # a loaded pack's own folder: no file system look-ups per call
        return _load(rules.path)
    return load_pack(rules.path)
