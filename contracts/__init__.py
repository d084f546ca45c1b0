"""The single source of truth as data: the OpenAPI spec, the legacy mapping and the rule packs.

Imports none of miready's other packages; every other package imports this one.
"""

from pathlib import Path

CONTRACTS_DIR = Path(__file__).resolve().parent
OPENAPI_PATH = CONTRACTS_DIR / "openapi.yaml"
MAPPING_PATH = CONTRACTS_DIR / "mapping.yaml"
RULES_DIR = CONTRACTS_DIR / "rules"
SCHEMAS_DIR = CONTRACTS_DIR / "schemas"
