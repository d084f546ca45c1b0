"""Which API families an app exercised in the window, and whether through the new endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from miready.certifier.decision import Decision
from miready.contracts.families import Family
from miready.contracts.pack import pack_of
from miready.contracts.rules import RulePack
from miready.contracts.spec import OperationIndex


@dataclass(frozen=True, slots=True, kw_only=True)
class FamilyCoverage:
    family: Family
    new_calls: int
    legacy_calls: int
    new_operations: tuple[str, ...]  # the new operations the app called
    legacy_operations: tuple[str, ...]  # the legacy operations and rules it was found using

    @property
    def exercised(self) -> bool:
        return self.new_calls + self.legacy_calls > 0

    @property
    def uses_new(self) -> bool:
        return self.new_calls > 0

    @property
    def status(self) -> str:
        """``new``, ``legacy``, ``mixed`` or ``unused``."""
        if not self.exercised:
            return "unused"
        if self.legacy_calls == 0:
            return "new"
        return "mixed" if self.new_calls else "legacy"


def coverage(
    decision: Decision, pack: RulePack, families: tuple[Family, ...] | None = None
) -> list[FamilyCoverage]:
    """Each family of the pack, with the app's new and legacy calls in the window."""
    platform = pack_of(pack)
    ops = decision.operations
    hits = {h.rule_id: h.count for h in decision.hits}
    index = platform.operations
    result = []
    for family in platform.families if families is None else families:
        new_calls = sum(ops.get(op, 0) for op in family.new)
        legacy_calls = sum(ops.get(op, 0) for op in family.legacy)
        legacy_used = [op for op in family.legacy if ops.get(op)]
        for rule_id in family.legacy_rules:
            count = hits.get(rule_id, 0)
            if not count:
                continue
            legacy_calls += count
            legacy_used.append(rule_id)
            if _on_operations(pack, index, rule_id, family.new):
                new_calls -= count
        result.append(
            FamilyCoverage(
                family=family,
                new_calls=max(new_calls, 0),
                legacy_calls=legacy_calls,
                new_operations=tuple(op for op in family.new if ops.get(op)),
                legacy_operations=tuple(legacy_used),
            )
        )
    return result


def _on_operations(
    pack: RulePack, index: OperationIndex, rule_id: str, operations: tuple[str, ...]
) -> bool:
    try:
        rule = pack.rule(rule_id)
    except KeyError:
        return False
    for endpoint in rule.endpoints:
        op = index.by_endpoint(endpoint)
        if op is not None and op.operation_id in operations:
            return True
    return False
