//! Validation suites: TABARI projects (`Validate.project` + `Validate.text`)
//! and PETRARCH validation XML (`PETR.UnitTest.records.xml`), read into one
//! common form, and their scoring.
//!
//! A suite is a sequence of [`Item`]s: option changes and records, in file
//! order, so a runner applies each change before the records that follow it.
//! Each [`Record`] carries its raw text, date, category and what it expects
//! ([`Expected`]): a set of (source, target, code) triples, no events, a
//! complexity rejection, a discard, or an error.
//!
//! The suite data itself (GPL test data for TABARI) is only read at run time
//! from wherever the user keeps it; nothing of it is compiled into dyad.

mod petrarch;
pub mod run;
pub mod score;
mod tabari;
pub mod xml;

use std::fmt;
use std::path::{Path, PathBuf};

use dyad_text::Date;

pub use crate::options::Dialect;
use crate::options::{OptionChange, Options};
use crate::{Error, Result};

pub use run::{run_loaded, run_suite, suite_lexicon};
pub use score::{Outcome, Report, Scorer};

/// The dictionary files a suite names, resolved against its directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuiteFiles {
    pub actors: Vec<PathBuf>,
    pub verbs: Vec<PathBuf>,
    pub agents: Vec<PathBuf>,
    pub discards: Vec<PathBuf>,
    pub options: Option<PathBuf>,
    pub text: Option<PathBuf>,
}

/// One (source, target, event code) triple, as the suites write them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Triple {
    pub source: String,
    pub target: String,
    pub code: String,
}

impl Triple {
    pub fn new(source: &str, target: &str, code: &str) -> Triple {
        Triple {
            source: source.trim().to_string(),
            target: target.trim().to_string(),
            code: code.trim().to_string(),
        }
    }
}

impl fmt::Display for Triple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.source, self.target, self.code)
    }
}

/// Which discard a record expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscardKind {
    /// TABARI `{###}`: a discard code anywhere.
    Any,
    /// PETRARCH `storydiscard`: the whole story is dropped.
    Story,
    /// PETRARCH `sentencediscard`: the sentence is dropped.
    Sentence,
}

/// What a record expects the coder to produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// These events, no more, no fewer (order does not matter).
    Events(Vec<Triple>),
    /// No events (TABARI `{---}`, PETRARCH `noevents="True"`).
    NoEvents,
    /// Rejected as too complex (TABARI `{+++}`).
    Complex,
    /// Rejected by a discard phrase or code.
    Discard(DiscardKind),
    /// Rejected as bad input, with PETRARCH's error name (`dateline`, `bad_input_parse`).
    Error(String),
}

/// One validation record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub category: String,
    /// Line of the record in the suite file.
    pub line: usize,
    /// The record's date; `None` when it is missing or impossible.
    pub date: Option<Date>,
    /// The raw text to code (comments and suite annotations removed).
    pub text: String,
    /// `None` when the record states no expectation.
    pub expected: Option<Expected>,
    /// Whether the record counts in the score; when not, `skip` says why.
    pub skip: Option<String>,
    /// A parse supplied with the record (PETRARCH); dyad ignores it for
    /// coding and only checks that it is well formed.
    pub parse: Option<String>,
}

impl Record {
    pub fn scored(&self) -> bool {
        self.skip.is_none()
    }
}

/// An entry of a suite, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// Option changes to apply before the records that follow.
    Options {
        line: usize,
        changes: Vec<OptionChange>,
    },
    Record(Record),
}

/// A validation suite read into memory.
#[derive(Clone, Debug)]
pub struct Suite {
    pub dialect: Dialect,
    pub path: PathBuf,
    pub files: SuiteFiles,
    /// The options in force before the first item (the dialect's defaults
    /// plus the suite's options file).
    pub options: Options,
    pub items: Vec<Item>,
}

impl Suite {
    /// Reads a TABARI project (`*.project`) or a PETRARCH validation file (`*.xml`).
    ///
    /// # Errors
    /// When a file cannot be read or is malformed; the error names the file and line.
    pub fn load(path: &Path) -> Result<Suite> {
        let text = read_text(path)?;
        let head = text.trim_start();
        let is_xml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml"))
            || head.starts_with('<') && (head.starts_with("<Validation") || head.starts_with("<?xml"));
        if is_xml {
            petrarch::load(path, &text)
        } else if text.contains("<textfile>") {
            tabari::load_project(path, &text)
        } else {
            Err(Error::Suite {
                path: path.to_path_buf(),
                message: "not a suite: expected a TABARI project (with <textfile>) or a PETRARCH \
                          validation XML file"
                    .into(),
            })
        }
    }

    /// The records, in order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.items.iter().filter_map(|i| match i {
            Item::Record(r) => Some(r),
            Item::Options { .. } => None,
        })
    }
}

/// Reads a text file; files that are not UTF-8 are read as Latin-1, which is
/// what TABARI-era dictionaries and suites use.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    };
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// The record category: the id up to its first `-` (`PATTERN-03a` → `PATTERN`).
pub(crate) fn category_of(id: &str) -> String {
    id.split('-').next().unwrap_or(id).to_string()
}
