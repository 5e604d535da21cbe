use std::path::PathBuf;

/// Everything that can go wrong with a store.
///
/// Every variant that concerns a database file names it. None of them means
/// that committed data was lost: a failed batch is rolled back as a whole and
/// everything committed before it stays.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such database (run `dyad ingest ... --db {path}` to create one)")]
    Missing { path: PathBuf },

    #[error("{path}: not an SQLite database (the file starts with {head:?}); it may be corrupt or another kind of file, and was left untouched")]
    NotSqlite { path: PathBuf, head: String },

    #[error("{path}: an SQLite database, but not a dyad store ({detail}); it was left untouched")]
    Foreign { path: PathBuf, detail: String },

    #[error("{path}: made by a newer dyad (store schema version {found}; this dyad {version} reads versions up to {supported}); upgrade dyad, the file was left untouched")]
    TooNew { path: PathBuf, found: i64, supported: i64, version: &'static str },

    #[error("{path}: the database is damaged ({detail}); nothing was written. Recover what it holds with `sqlite3 {path} .recover`, or ingest into a new file")]
    Corrupt { path: PathBuf, detail: String },

    #[error("{path}: the disk (or the database's size limit) is full: {detail}. The batch being written was rolled back; the {committed} documents this run committed before it stay stored, as does everything stored earlier. Free some space and run the same ingest again to store the rest")]
    Full { path: PathBuf, committed: u64, detail: String },

    #[error("{path}: the database is locked by another process (another `dyad ingest`?); try again when it has finished")]
    Busy { path: PathBuf },

    #[error("{path}: cannot read or write: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{path}: {context}: {source}")]
    Sqlite { path: PathBuf, context: String, source: rusqlite::Error },

    #[error(
        "{path}: schema migration to version {to} failed ({source}); the database was left at version {from}"
    )]
    Migration { path: PathBuf, from: i64, to: i64, source: rusqlite::Error },

    #[error("bad query: {0}")]
    BadQuery(String),

    #[error("{path}: writing the export failed: {detail}")]
    Export { path: String, detail: String },

    #[error("the ingest stopped: {0}")]
    Aborted(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Classifies an SQLite error: full disk, damaged file and busy database
    /// get their own variants, the rest keeps its context.
    pub(crate) fn sqlite(path: &std::path::Path, context: &str, e: rusqlite::Error, committed: u64) -> Error {
        use rusqlite::ErrorCode as C;
        let path = path.to_path_buf();
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let detail = msg.clone().unwrap_or_else(|| f.to_string());
            match f.code {
                C::DiskFull => return Error::Full { path, committed, detail },
                C::DatabaseCorrupt | C::NotADatabase => return Error::Corrupt { path, detail },
                C::DatabaseBusy | C::DatabaseLocked => return Error::Busy { path },
                _ => {}
            }
        }
        Error::Sqlite { path, context: context.to_string(), source: e }
    }
}
