"""Typed loader for a pack's ``pack.yaml``: the platform, its API, decision policy and wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from miready.contracts.validate import load_valid


class DecisionPolicy(StrEnum):
    ROLLING_WINDOW = "rolling_window"  # seed 004: no finding in the last N days
    DATED_BLOCKS = "dated_blocks"  # seed 001: installs and new locations blocked at dates


@dataclass(frozen=True, slots=True, kw_only=True)
class GraceHeader:
    """A request header that graces a call until its date (seed 001's bypass header)."""

    name: str
    value: str | None
    until: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Wording:
    ready: str
    not_ready: str
    policy: str
    advisory: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    name: str
    title: str
    platform: str
    source: str
    documentation: tuple[tuple[str, str], ...]  # (title, url)
    base_path: str
    auth_header: str
    version_parameter: str | None
    last_legacy_version: str | None
    policy: DecisionPolicy
    window_days: int
    deprecated_since: date | None
    sunset: date | None
    affected_scopes: frozenset[str]
    app_kinds: tuple[str, ...]
    grace_header: GraceHeader | None
    wording: Wording
    path: Path

    @property
    def documentation_url(self) -> str:
        return self.documentation[0][1] if self.documentation else ""


def _date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_manifest(path: Path) -> Manifest:
    raw = load_valid(path, "pack.schema.json")
    api, decision, wording = raw["api"], raw["decision"], raw["wording"]
    grace = raw.get("grace_header")
    return Manifest(
        name=raw["name"],
        title=raw["title"],
        platform=raw["platform"],
        source=raw.get("source", ""),
        documentation=tuple((d["title"], d["url"]) for d in raw.get("documentation", ())),
        base_path=api["base_path"],
        auth_header=api["auth_header"],
        version_parameter=api.get("version_parameter"),
        last_legacy_version=api.get("last_legacy_version"),
        policy=DecisionPolicy(decision["policy"]),
        window_days=decision["window_days"],
        deprecated_since=_date(decision.get("deprecated_since")),
        sunset=_date(decision.get("sunset")),
        affected_scopes=frozenset(raw["affected_scopes"]),
        app_kinds=tuple(raw.get("app_kinds", ())),
        grace_header=GraceHeader(
            name=grace["name"], value=grace.get("value"), until=_date(grace.get("until"))
        )
        if grace
        else None,
        wording=Wording(
            ready=wording["ready"],
            not_ready=wording["not_ready"],
            policy=" ".join(wording["policy"].split()),
            advisory=" ".join(wording.get("advisory", "").split()),
        ),
        path=path,
    )
