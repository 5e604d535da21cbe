//! The store's SQL schema and its migrations.
//!
//! The schema version lives in SQLite's `user_version`, the file's kind in
//! `application_id` ("dyad" in ASCII). `MIGRATIONS[i]` takes a store from
//! version `i` to `i + 1`; each step runs in one transaction, so a failed or
//! interrupted migration leaves the file at the version it had.
//! `docs/store.md` documents every table and column.

use std::path::Path;

use rusqlite::Connection;

use crate::{Error, Result};

/// `application_id` of a dyad store: the bytes of "dyad".
pub const APPLICATION_ID: i64 = 0x6479_6164;

/// The schema version this dyad writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 1: documents, event mentions, actor mentions, quotes, places,
/// positions, skipped sentences, unknown records, failures, events and the
/// views over them. Quotes, places and positions are empty until the coder
/// produces them.
const V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE documents (
    doc_key      INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    hash         TEXT NOT NULL,
    date         TEXT,
    source       TEXT,
    url          TEXT,
    title        TEXT,
    origin       TEXT,
    bytes        INTEGER NOT NULL,
    sentences    INTEGER NOT NULL,
    n_events     INTEGER NOT NULL,
    n_actors     INTEGER NOT NULL,
    n_quotes     INTEGER NOT NULL,
    n_places     INTEGER NOT NULL,
    n_positions  INTEGER NOT NULL,
    n_skips      INTEGER NOT NULL,
    n_other      INTEGER NOT NULL,
    dyad_version TEXT NOT NULL
);
CREATE INDEX documents_date_source ON documents(date, source);

CREATE TABLE mentions (
    mention_key   INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    doc_key       INTEGER NOT NULL,
    sentence      INTEGER NOT NULL,
    sent_start    INTEGER NOT NULL,
    sent_end      INTEGER NOT NULL,
    sentence_text TEXT,
    date          TEXT,
    date_source   TEXT,
    source_code   TEXT NOT NULL,
    source_text   TEXT,
    source_start  INTEGER,
    source_end    INTEGER,
    target_code   TEXT NOT NULL,
    target_text   TEXT,
    target_start  INTEGER,
    target_end    INTEGER,
    cameo         TEXT NOT NULL,
    plover        TEXT,
    mode          TEXT,
    context       TEXT,
    quad          INTEGER,
    goldstein     REAL,
    event_text    TEXT,
    place_group   TEXT NOT NULL,
    place_name    TEXT,
    place_country TEXT,
    place_adm1    TEXT,
    place_lat     REAL,
    place_lon     REAL,
    place_id      TEXT,
    verb          TEXT,
    pattern       TEXT,
    dictionary    TEXT,
    json          TEXT NOT NULL
);
CREATE INDEX mentions_doc ON mentions(doc_key);
CREATE INDEX mentions_date ON mentions(date);

CREATE TABLE actor_mentions (
    actor_key    INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    doc_key      INTEGER NOT NULL,
    sentence     INTEGER NOT NULL,
    date         TEXT,
    code         TEXT NOT NULL,
    sector       TEXT,
    text         TEXT,
    start        INTEGER,
    end          INTEGER,
    refers_to    TEXT,
    json         TEXT NOT NULL
);
CREATE INDEX actor_mentions_doc ON actor_mentions(doc_key);

CREATE TABLE quotes (
    quote_key    INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    doc_key      INTEGER NOT NULL,
    sentence     INTEGER,
    start        INTEGER,
    end          INTEGER,
    text         TEXT,
    kind         TEXT,
    speaker_text TEXT,
    speaker_code TEXT,
    cue          TEXT,
    json         TEXT NOT NULL
);
CREATE INDEX quotes_doc ON quotes(doc_key);

CREATE TABLE places (
    place_key    INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    doc_key      INTEGER NOT NULL,
    sentence     INTEGER,
    start        INTEGER,
    end          INTEGER,
    name         TEXT,
    country      TEXT,
    adm1         TEXT,
    lat          REAL,
    lon          REAL,
    feature_id   TEXT,
    json         TEXT NOT NULL
);
CREATE INDEX places_doc ON places(doc_key);

CREATE TABLE positions (
    position_key INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    doc_key      INTEGER NOT NULL,
    sentence     INTEGER,
    start        INTEGER,
    end          INTEGER,
    actor_code   TEXT,
    actor_text   TEXT,
    issue        TEXT,
    stance       REAL,
    json         TEXT NOT NULL
);
CREATE INDEX positions_doc ON positions(doc_key);

CREATE TABLE skips (
    skip_key     INTEGER PRIMARY KEY,
    doc_key      INTEGER NOT NULL,
    sentence     INTEGER,
    start        INTEGER,
    end          INTEGER,
    reason       TEXT NOT NULL
);
CREATE INDEX skips_doc ON skips(doc_key);

CREATE TABLE other_records (
    other_key    INTEGER PRIMARY KEY,
    doc_key      INTEGER NOT NULL,
    type         TEXT NOT NULL,
    json         TEXT NOT NULL
);
CREATE INDEX other_records_doc ON other_records(doc_key);

CREATE TABLE failures (
    failure_key  TEXT PRIMARY KEY,
    doc_id       TEXT,
    origin       TEXT,
    stage        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    hash         TEXT,
    dyad_version TEXT NOT NULL
);
CREATE INDEX failures_doc ON failures(doc_id);

CREATE TABLE events (
    event_key     INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    date          TEXT,
    end_date      TEXT,
    source_code   TEXT NOT NULL,
    target_code   TEXT NOT NULL,
    cameo         TEXT NOT NULL,
    plover        TEXT,
    quad          INTEGER,
    goldstein     REAL,
    place_group   TEXT NOT NULL,
    place_name    TEXT,
    place_country TEXT,
    place_adm1    TEXT,
    place_lat     REAL,
    place_lon     REAL,
    place_id      TEXT,
    n_mentions    INTEGER NOT NULL,
    n_documents   INTEGER NOT NULL,
    n_sources     INTEGER NOT NULL,
    is_root       INTEGER NOT NULL,
    first_mention INTEGER NOT NULL
);
CREATE INDEX events_date ON events(date);

CREATE TABLE event_mentions (
    event_key   INTEGER NOT NULL,
    mention_key INTEGER NOT NULL,
    PRIMARY KEY (event_key, mention_key)
) WITHOUT ROWID;
CREATE INDEX event_mentions_mention ON event_mentions(mention_key);

CREATE VIEW daily_counts AS
    SELECT date, source,
           COUNT(*)       AS documents,
           SUM(sentences) AS sentences,
           SUM(n_events)  AS mentions,
           SUM(n_quotes)  AS quotes
    FROM documents
    GROUP BY date, source;

CREATE VIEW events_daily AS
    SELECT date, source_code, target_code, cameo,
           COUNT(*)                AS n_mentions,
           COUNT(DISTINCT doc_key) AS n_documents
    FROM mentions
    GROUP BY date, source_code, target_code, cameo;

CREATE VIEW event_documents AS
    SELECT e.id AS event_id, m.id AS mention_id, d.id AS doc_id,
           d.source AS source, d.url AS url, d.date AS doc_date,
           m.sentence AS sentence
    FROM events e
    JOIN event_mentions em ON em.event_key = e.event_key
    JOIN mentions m ON m.mention_key = em.mention_key
    JOIN documents d ON d.doc_key = m.doc_key;

INSERT INTO meta(key, value) VALUES ('events_window_days', '1'), ('events_dirty', '0');
"#;

/// The migrations, in order: `MIGRATIONS[i]` goes from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1];

/// What a file at a path turned out to be.
pub(crate) enum Found {
    /// A new or empty database: the migrations start from version 0.
    Fresh,
    /// A dyad store at this schema version.
    Store(i64),
}

/// Reads what kind of database `conn` is, without writing to it.
pub(crate) fn inspect(conn: &Connection, path: &Path) -> Result<Found> {
    let pragma = |name: &str| -> Result<i64> {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))
            .map_err(|e| Error::sqlite(path, &format!("reading {name}"), e, 0))
    };
    let app = pragma("application_id")?;
    let version = pragma("user_version")?;
    if app == APPLICATION_ID {
        return Ok(Found::Store(version));
    }
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 6")
        .map_err(|e| Error::sqlite(path, "reading the schema", e, 0))?;
    let objects: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| Error::sqlite(path, "reading the schema", e, 0))?;
    if app == 0 && version == 0 && objects.is_empty() {
        return Ok(Found::Fresh);
    }
    let detail = if app != 0 {
        format!("application_id {app:#x}, a dyad store has {APPLICATION_ID:#x}")
    } else if objects.is_empty() {
        format!("user_version {version} but no tables")
    } else {
        format!("it holds {}", objects.join(", "))
    };
    Err(Error::Foreign { path: path.to_path_buf(), detail })
}

/// Brings the store from `from` to `migrations.len()`, one transaction per step.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, from: i64, migrations: &[&str]) -> Result<()> {
    let target = migrations.len() as i64;
    for (i, sql) in migrations.iter().enumerate() {
        let to = i as i64 + 1;
        if to <= from {
            continue;
        }
        let step = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {to};"
            ))?;
            tx.commit()
        };
        step(conn).map_err(|source| match Error::sqlite(path, "migrating", source, 0) {
            Error::Sqlite { source, .. } => {
                Error::Migration { path: path.to_path_buf(), from: to - 1, to, source }
            }
            other => other,
        })?;
    }
    debug_assert!(from <= target);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn migrations_step_up_and_roll_back_on_failure() {
        let path = Path::new("memory");
        let mut conn = Connection::open_in_memory().unwrap();
        assert!(matches!(inspect(&conn, path).unwrap(), Found::Fresh));
        migrate(&mut conn, path, 0, MIGRATIONS).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        assert!(matches!(inspect(&conn, path).unwrap(), Found::Store(v) if v == SCHEMA_VERSION));
        conn.execute("INSERT INTO meta(key, value) VALUES ('probe', 'kept')", []).unwrap();

        // A later version adds a column: the data stays.
        let mut next: Vec<&str> = MIGRATIONS.to_vec();
        next.push("ALTER TABLE documents ADD COLUMN language TEXT;");
        migrate(&mut conn, path, SCHEMA_VERSION, &next).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION + 1);
        let kept: String =
            conn.query_row("SELECT value FROM meta WHERE key = 'probe'", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, "kept");

        // A failing step leaves the version and the schema as they were.
        next.push("CREATE TABLE half_done(x); ALTER TABLE no_such_table ADD COLUMN y;");
        let err = migrate(&mut conn, path, SCHEMA_VERSION + 1, &next).unwrap_err();
        assert!(
            matches!(err, Error::Migration { from, to, .. } if from == SCHEMA_VERSION + 1 && to == SCHEMA_VERSION + 2),
            "{err}"
        );
        assert_eq!(version(&conn), SCHEMA_VERSION + 1);
        let half: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(half, 0);
    }
}
