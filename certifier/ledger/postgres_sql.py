"""The PostgreSQL ledger's statements: its migrations, and the inserts and upserts of one batch."""

# Release 1, as it shipped: a ledger it wrote is upgraded from here.
SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    app_id text NOT NULL,
    store_id text,
    token_id text,
    operation_id text,
    method text NOT NULL,
    path_template text NOT NULL,
    status integer NOT NULL,
    latency_ms double precision NOT NULL,
    params jsonb NOT NULL,
    findings jsonb NOT NULL,
    source text NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_app_at ON calls (app_id, at);
CREATE TABLE IF NOT EXISTS apps (
    app_id text PRIMARY KEY,
    name text,
    scopes jsonb NOT NULL DEFAULT '[]',
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS examples (
    app_id text NOT NULL,
    rule_id text NOT NULL,
    example text NOT NULL,
    at timestamptz NOT NULL,
    PRIMARY KEY (app_id, rule_id)
);
CREATE TABLE IF NOT EXISTS rollups (
    app_id text NOT NULL,
    day date NOT NULL,
    kind text NOT NULL,
    key text NOT NULL,
    count bigint NOT NULL,
    first_at timestamptz NOT NULL,
    last_at timestamptz NOT NULL,
    PRIMARY KEY (app_id, day, kind, key)
);
CREATE TABLE IF NOT EXISTS reviews (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app_id text NOT NULL,
    decision text NOT NULL,
    reviewer text NOT NULL,
    reason text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_app_at ON reviews (app_id, at);
"""

# Every call has an id (unique: retries and re-imports never count twice); unidentified traffic is
# kept apart; refused records are quarantined; ``ledger_meta`` remembers the prune boundary.
CALL_IDENTITY_V2 = """
ALTER TABLE calls ADD COLUMN call_id text;
UPDATE calls SET call_id = 'v1-' || id;
ALTER TABLE calls ALTER COLUMN call_id SET NOT NULL;
ALTER TABLE calls ADD COLUMN identified boolean NOT NULL DEFAULT true;
ALTER TABLE calls ADD COLUMN test_id text;
CREATE UNIQUE INDEX calls_call_id ON calls (call_id);
CREATE INDEX calls_at ON calls (at);
CREATE INDEX calls_unidentified ON calls (at) WHERE NOT identified;
CREATE TABLE quarantine (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id text UNIQUE,
    at timestamptz NOT NULL,
    error text NOT NULL,
    record text NOT NULL
);
CREATE TABLE ledger_meta (key text PRIMARY KEY, value text NOT NULL)
"""

MIGRATIONS = (SCHEMA_V1, CALL_IDENTITY_V2)  # script N brings a ledger to version N

INSERT_CALL = """
INSERT INTO calls (call_id, identified, test_id, at, app_id, store_id, token_id, operation_id,
                   method,
                   path_template, status, latency_ms, params, findings, source)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s)
ON CONFLICT (call_id) DO NOTHING
RETURNING call_id
"""
# Name and scopes follow the newest call that carried them (compared with the stored last_seen).
UPSERT_APP = """
INSERT INTO apps (app_id, name, scopes, first_seen, last_seen)
VALUES (%s, %s, coalesce(%s::jsonb, '[]'::jsonb), %s, %s)
ON CONFLICT (app_id) DO UPDATE SET
    name = CASE WHEN excluded.name IS NOT NULL AND excluded.last_seen >= apps.last_seen
                THEN excluded.name ELSE coalesce(apps.name, excluded.name) END,
    scopes = CASE WHEN excluded.scopes <> '[]'::jsonb
                       AND (excluded.last_seen >= apps.last_seen OR apps.scopes = '[]'::jsonb)
                  THEN excluded.scopes ELSE apps.scopes END,
    first_seen = least(apps.first_seen, excluded.first_seen),
    last_seen = greatest(apps.last_seen, excluded.last_seen)
"""
INSERT_EXAMPLE = """
INSERT INTO examples (app_id, rule_id, example, at) VALUES (%s, %s, %s, %s)
ON CONFLICT (app_id, rule_id) DO NOTHING
"""
UPSERT_ROLLUP = """
INSERT INTO rollups (app_id, day, kind, key, count, first_at, last_at)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (app_id, day, kind, key) DO UPDATE SET
    count = rollups.count + excluded.count,
    first_at = least(rollups.first_at, excluded.first_at),
    last_at = greatest(rollups.last_at, excluded.last_at)
"""
INSERT_QUARANTINE = """
INSERT INTO quarantine (call_id, at, error, record) VALUES (%s, %s, %s, %s)
ON CONFLICT (call_id) DO NOTHING
"""
SET_META = """
INSERT INTO ledger_meta (key, value) VALUES (%s, %s)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""
