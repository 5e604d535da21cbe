use std::path::PathBuf;

/// Everything that can go wrong in the coder and its suite readers.
///
/// Errors about input files name the file and the line, so a bad suite or
/// option file can be fixed without guessing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Syntax { path: PathBuf, line: usize, message: String },
    #[error("{path}: {message}")]
    Suite { path: PathBuf, message: String },
}

impl Error {
    pub(crate) fn syntax(path: &std::path::Path, line: usize, message: impl Into<String>) -> Error {
        Error::Syntax { path: path.to_path_buf(), line, message: message.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
