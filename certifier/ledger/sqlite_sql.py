"""The SQLite ledger's statements: its migrations, and the inserts and upserts of one batch."""

# Release 1, as it shipped: a ledger it wrote is upgraded from here.
SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    app_id TEXT NOT NULL,
    store_id TEXT,
    token_id TEXT,
    operation_id TEXT,
    method TEXT NOT NULL,
    path_template TEXT NOT NULL,
    status INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    params TEXT NOT NULL,
    findings TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_app_at ON calls (app_id, at);
CREATE TABLE IF NOT EXISTS apps (
    app_id TEXT PRIMARY KEY,
    name TEXT,
    scopes TEXT NOT NULL DEFAULT '[]',
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS examples (
    app_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    example TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (app_id, rule_id)
);
CREATE TABLE IF NOT EXISTS rollups (
    app_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (app_id, day, kind, key)
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_app_at ON reviews (app_id, at);
"""

# Every call has an id (unique: retries and re-imports never count twice); unidentified traffic is
# kept apart; refused records are quarantined; ``ledger_meta`` remembers the prune boundary.
CALL_IDENTITY_V2 = """
ALTER TABLE calls ADD COLUMN call_id TEXT;
UPDATE calls SET call_id = 'v1-' || id;
ALTER TABLE calls ADD COLUMN identified INTEGER NOT NULL DEFAULT 1;
ALTER TABLE calls ADD COLUMN test_id TEXT;
CREATE UNIQUE INDEX calls_call_id ON calls (call_id);
CREATE INDEX calls_at ON calls (at);
CREATE INDEX calls_unidentified ON calls (at) WHERE identified = 0;
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT UNIQUE,
    at TEXT NOT NULL,
    error TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
"""

MIGRATIONS = (SCHEMA_V1, CALL_IDENTITY_V2)  # script N brings a ledger to version N

INSERT_CALL = """
INSERT INTO calls (call_id, identified, test_id, at, app_id, store_id, token_id, operation_id,
                   method,
                   path_template, status, latency_ms, params, findings, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (call_id) DO NOTHING
"""
# Name and scopes follow the newest call that carried them (compared with the stored last_seen).
UPSERT_APP = """
INSERT INTO apps (app_id, name, scopes, first_seen, last_seen)
VALUES (?, ?, coalesce(?, '[]'), ?, ?)
ON CONFLICT (app_id) DO UPDATE SET
    name = CASE WHEN excluded.name IS NOT NULL AND excluded.last_seen >= apps.last_seen
                THEN excluded.name ELSE coalesce(apps.name, excluded.name) END,
    scopes = CASE WHEN excluded.scopes <> '[]'
                       AND (excluded.last_seen >= apps.last_seen OR apps.scopes = '[]')
                  THEN excluded.scopes ELSE apps.scopes END,
    first_seen = min(apps.first_seen, excluded.first_seen),
    last_seen = max(apps.last_seen, excluded.last_seen)
"""
INSERT_EXAMPLE = """
INSERT INTO examples (app_id, rule_id, example, at) VALUES (?, ?, ?, ?)
ON CONFLICT (app_id, rule_id) DO NOTHING
"""
UPSERT_ROLLUP = """
INSERT INTO rollups (app_id, day, kind, key, count, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (app_id, day, kind, key) DO UPDATE SET
    count = rollups.count + excluded.count,
    first_at = min(rollups.first_at, excluded.first_at),
    last_at = max(rollups.last_at, excluded.last_at)
"""
INSERT_QUARANTINE = """
INSERT INTO quarantine (call_id, at, error, record) VALUES (?, ?, ?, ?)
ON CONFLICT (call_id) DO NOTHING
"""
SET_META = """
INSERT INTO ledger_meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""
