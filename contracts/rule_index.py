"""The rules of one endpoint compiled when the pack loads: plain parameter rules indexed by name.

A plain rule (``deprecated_parameter`` with literal names and no condition) finds the call's
parameters that it names; the index maps each such name, and its ``query:`` key, to the rules
naming it, so a call costs one set intersection for all of them rather than one rule at a time.
Every other rule is judged by its kind, in its place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from miready.contracts.params import QUERY_PREFIX

if TYPE_CHECKING:
    from miready.contracts.rules import Finding, Rule

FindingOf = Callable[["Rule", tuple[str, ...]], "Finding"]


@dataclass(frozen=True, slots=True)
class EndpointRules:
    rules: tuple[Rule, ...]  # in rule order
    judged: tuple[int, ...]  # positions of the rules judged by their kind, one call each
    names: frozenset[str]  # every name an indexed rule finds
    by_name: dict[str, tuple[int, ...]]  # name -> positions of the indexed rules finding it
    single: dict[tuple[int, str], Finding]  # the finding of an indexed rule finding one name
    finding_of: FindingOf  # the finding of an indexed rule finding several names (sorted)

    @classmethod
    def of(
        cls, rules: tuple[Rule, ...], indexable: Callable[[Rule], bool], finding_of: FindingOf
    ) -> EndpointRules:
        by_name: dict[str, list[int]] = {}
        judged = []
        for i, rule in enumerate(rules):
            if not indexable(rule):
                judged.append(i)
                continue
            for name in sorted(rule.param_matcher.exact):
                for key in (name, f"{QUERY_PREFIX}{name}"):
                    by_name.setdefault(key, []).append(i)
        return cls(
            rules=rules,
            judged=tuple(judged),
            names=frozenset(by_name),
            by_name={k: tuple(dict.fromkeys(v)) for k, v in by_name.items()},
            single={(i, k): finding_of(rules[i], (k,)) for k, v in by_name.items() for i in v},
            finding_of=finding_of,
        )

    def findings(self, params: frozenset[str]) -> dict[int, Finding]:
        """The findings of the indexed rules, by position: the call's parameters each names."""
        found: dict[int, list[str]] = {}
        for name in self.names & params:
            for i in self.by_name[name]:
                found.setdefault(i, []).append(name)
        return {
            i: self.single[i, names[0]]
            if len(names) == 1
            else self.finding_of(self.rules[i], tuple(sorted(names)))
            for i, names in found.items()
        }

    def order(self, indexed: dict[int, Finding]) -> Sequence[int]:
        """The positions to visit, in rule order: every judged rule and the indexed ones found."""
        if not indexed:
            return self.judged
        if not self.judged:
            return sorted(indexed)
        return sorted(indexed.keys() | set(self.judged))
