//! Opening a store: telling a dyad store from a foreign, damaged or newer
//! file before writing a single byte to it.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::schema::{self, Found, MIGRATIONS, SCHEMA_VERSION};
use crate::{Error, Result};

/// How to open a store.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Create the file when it does not exist (ingest); otherwise a missing
    /// file is an error (query, export).
    pub create: bool,
    /// Cap the database at this many pages (SQLite's `max_page_count`): a
    /// quota, and the way tests simulate a full disk.
    pub max_pages: Option<u64>,
}

/// An open dyad store: one SQLite file in WAL mode.
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

/// Row counts of the store's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub documents: u64,
    pub sentences: u64,
    pub mentions: u64,
    pub actor_mentions: u64,
    pub quotes: u64,
    pub places: u64,
    pub positions: u64,
    pub skips: u64,
    pub other_records: u64,
    pub failures: u64,
    pub events: u64,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens (or, with `create`, creates) the store at `path`.
    ///
    /// # Errors
    /// [`Error::Missing`], [`Error::NotSqlite`], [`Error::Foreign`],
    /// [`Error::TooNew`], [`Error::Corrupt`], [`Error::Busy`] — in each case
    /// the file is left as it was.
    pub fn open(path: impl AsRef<Path>, opts: &OpenOptions) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let exists = check_header(&path)?;
        if !exists && !opts.create {
            return Err(Error::Missing { path });
        }
        let mut flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        if opts.create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn =
            Connection::open_with_flags(&path, flags).map_err(|e| Error::sqlite(&path, "opening", e, 0))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| Error::sqlite(&path, "opening", e, 0))?;
        let version = match schema::inspect(&conn, &path)? {
            Found::Fresh => 0,
            Found::Store(v) if v > SCHEMA_VERSION => {
                return Err(Error::TooNew {
                    path,
                    found: v,
                    supported: SCHEMA_VERSION,
                    version: dyad_code::record::DYAD_VERSION,
                })
            }
            Found::Store(v) => v,
        };
        // From here on the file is ours to write.
        let pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32000;";
        conn.execute_batch(pragmas).map_err(|e| Error::sqlite(&path, "setting up", e, 0))?;
        if let Some(pages) = opts.max_pages {
            conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
                .map_err(|e| Error::sqlite(&path, "setting max_page_count", e, 0))?;
        }
        schema::migrate(&mut conn, &path, version, MIGRATIONS)?;
        Ok(Store { conn, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for SQL of one's own (read it; writing
    /// behind the store's back voids its guarantees).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err("reading user_version", e))
    }

    /// SQLite's `quick_check`: `Ok` when the file is sound.
    ///
    /// # Errors
    /// [`Error::Corrupt`] with SQLite's first complaint.
    pub fn check(&self) -> Result<()> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| self.err("checking", e))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(Error::Corrupt { path: self.path.clone(), detail: verdict })
        }
    }

    /// Row counts of every table.
    pub fn counts(&self) -> Result<Counts> {
        let n = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|v| v.max(0) as u64)
                .map_err(|e| self.err("counting", e))
        };
        Ok(Counts {
            documents: n("SELECT COUNT(*) FROM documents")?,
            sentences: n("SELECT COALESCE(SUM(sentences), 0) FROM documents")?,
            mentions: n("SELECT COUNT(*) FROM mentions")?,
            actor_mentions: n("SELECT COUNT(*) FROM actor_mentions")?,
            quotes: n("SELECT COUNT(*) FROM quotes")?,
            places: n("SELECT COUNT(*) FROM places")?,
            positions: n("SELECT COUNT(*) FROM positions")?,
            skips: n("SELECT COUNT(*) FROM skips")?,
            other_records: n("SELECT COUNT(*) FROM other_records")?,
            failures: n("SELECT COUNT(*) FROM failures")?,
            events: n("SELECT COUNT(*) FROM events")?,
        })
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err("reading meta", e))
    }

    pub(crate) fn err(&self, context: &str, e: rusqlite::Error) -> Error {
        Error::sqlite(&self.path, context, e, 0)
    }
}

/// `Ok(true)` for an existing file that starts like an SQLite database,
/// `Ok(false)` for a missing or empty file.
fn check_header(path: &Path) -> Result<bool> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => return Err(Error::Io { path: path.to_path_buf(), source }),
    };
    let mut head = Vec::with_capacity(16);
    f.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    if head.is_empty() {
        return Ok(false);
    }
    if head.as_slice() != SQLITE_MAGIC {
        let shown: String =
            head.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect();
        return Err(Error::NotSqlite { path: path.to_path_buf(), head: shown });
    }
    Ok(true)
}
