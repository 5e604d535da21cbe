use std::path::PathBuf;

/// Everything that can go wrong loading, training or evaluating models.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: line {line}: {message}")]
    Conllu { path: PathBuf, line: usize, message: String },
    #[error("model {what}: {message}")]
    Model { what: &'static str, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
