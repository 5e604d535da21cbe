#![allow(dead_code)]

use std::path::PathBuf;

use dyad_dict::{read_into, Dialect, Dictionary, Format, Kind, Loaded, Result};

/// Reads one in-memory file into a fresh set.
pub fn load(name: &str, text: &str, kind: Kind, dialect: Dialect) -> Result<Loaded> {
    let mut l = Loaded::default();
    read_into(&mut l, name, text, Format { kind, dialect }, 0)?;
    Ok(l)
}

/// Reads several in-memory files, each `(name, text, kind, dialect, layer)`.
pub fn load_all(files: &[(&str, &str, Kind, Dialect, u32)]) -> Result<Loaded> {
    let mut l = Loaded::default();
    for &(name, text, kind, dialect, layer) in files {
        read_into(&mut l, name, text, Format { kind, dialect }, layer)?;
    }
    Ok(l)
}

/// The syntax error message of a failed read.
pub fn error_of(r: Result<Loaded>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

pub fn dict(l: &Loaded) -> Dictionary {
    Dictionary::from_set(&l.set).expect("compiles")
}

/// `../shared` next to the workspace, if present.
pub fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("data/dictionaries").is_dir() {
        Some(p)
    } else {
        eprintln!("note: ../shared is absent; skipping tests that need the shared dictionaries");
        None
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh temporary directory for one test.
pub fn tempdir(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("dyad-dict-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("temp dir");
    p
}
