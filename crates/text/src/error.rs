use std::path::PathBuf;

/// Everything that can go wrong reading documents.
///
/// Each variant names the input and where in it the problem is, so a batch
/// can report the bad document and go on with the rest.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: line {line}, byte {byte}: invalid UTF-8")]
    InvalidUtf8 { path: PathBuf, line: usize, byte: usize },
    #[error("{path}: looks like a binary file (NUL byte at byte {byte}), not text")]
    Binary { path: PathBuf, byte: usize },
    #[error("{path}: line {line}: empty document (no text)")]
    Empty { path: PathBuf, line: usize },
    /// `size` is exact for files and JSON lines; for other streams it is the
    /// number of bytes read before giving up (the limit plus one).
    #[error("{path}: line {line}: document of {size} bytes or more is over the limit of {limit} bytes (see --max-doc-bytes)")]
    TooLarge { path: PathBuf, line: usize, size: u64, limit: u64 },
    #[error("{path}: line {line}: {message}")]
    BadJson { path: PathBuf, line: usize, message: String },
    #[error("{path}: line {line}: {message}")]
    BadHtml { path: PathBuf, line: usize, message: String },
    #[error("sentence model: {message}")]
    BadModel { message: String },
    #[error("not a date (expected YYYY-MM-DD, a real day between years 1 and 9999): {text:?}")]
    BadDate { text: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
