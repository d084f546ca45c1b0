"""The single source of truth as data: platform packs (spec, mapping, rules, coverage, manifest).

Imports none of miready's other packages; every other package imports this one.
"""

from pathlib import Path

CONTRACTS_DIR = Path(__file__).resolve().parent
PACKS_DIR = CONTRACTS_DIR / "packs"  # one folder per platform pack
SCHEMAS_DIR = CONTRACTS_DIR / "schemas"  # the JSON Schemas of pack files and of reports
DEFAULT_PACK = "tiendanube-multi-inventory"
DEFAULT_PACK_DIR = PACKS_DIR / DEFAULT_PACK
OPENAPI_PATH = DEFAULT_PACK_DIR / "openapi.yaml"
MAPPING_PATH = DEFAULT_PACK_DIR / "mapping.yaml"
COVERAGE_PATH = DEFAULT_PACK_DIR / "coverage.yaml"
