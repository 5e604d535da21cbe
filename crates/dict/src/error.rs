//! The crate's error type and located diagnostics (errors and warnings in dictionary files).

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file loads; something was skipped, repaired or looks suspicious.
    Warning,
    /// The file (or, for lints, the dictionary set) is wrong.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem at a place in a dictionary source file.
///
/// `Display` renders it like a compiler message, with the offending line and a caret under
/// the bad text:
///
/// ```text
/// error: Phoenix.agents.txt:123:20: expected `]` to close the code
///     |
/// 123 | FOREIGN_MINISTER_  [ ~GOVFRM
///     |                    ^
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user named it.
    pub file: String,
    /// 1-based line number; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based column in characters; 0 when the problem concerns the whole line.
    pub column: u32,
    /// How many characters to underline (at least one caret is drawn when `column > 0`).
    pub width: u32,
    pub message: String,
    /// The source line, without its line break (empty when not known).
    pub text: String,
}

impl Diagnostic {
    /// A diagnostic about a whole line (no caret).
    pub fn line(severity: Severity, file: &str, line: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            file: file.to_string(),
            line,
            column: 0,
            width: 0,
            message: message.into(),
            text: String::new(),
        }
    }

    /// A diagnostic pointing at bytes `start..end` of `text` (the source line `line`).
    pub fn at(
        severity: Severity,
        file: &str,
        line: u32,
        text: &str,
        start: usize,
        end: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let start = floor_boundary(text, start.min(text.len()));
        let end = floor_boundary(text, end.clamp(start, text.len()));
        let column = text[..start].chars().count() as u32 + 1;
        let width = text[start..end].chars().count().max(1) as u32;
        Diagnostic {
            severity,
            file: file.to_string(),
            line,
            column,
            width,
            message: message.into(),
            text: text.to_string(),
        }
    }

    /// One line: `file:line: severity: message` (what `dyad dict check` prints).
    pub fn short(&self) -> String {
        let mut s = self.file.clone();
        if self.line > 0 {
            s.push_str(&format!(":{}", self.line));
        }
        if self.column > 0 {
            s.push_str(&format!(":{}", self.column));
        }
        format!("{s}: {}: {}", self.severity, self.message)
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if self.column > 0 {
            write!(f, ":{}", self.column)?;
        }
        write!(f, ": {}", self.message)?;
        if self.line == 0 || self.text.is_empty() {
            return Ok(());
        }
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        // Tabs would misalign the caret: show each as four spaces.
        let shown: String =
            self.text.chars().map(|c| if c == '\t' { "    ".to_string() } else { c.to_string() }).collect();
        write!(f, "\n{pad} |\n{num} | {}", shown.trim_end())?;
        if self.column > 0 {
            let lead: usize =
                self.text.chars().take(self.column as usize - 1).map(|c| if c == '\t' { 4 } else { 1 }).sum();
            let carets: usize = self
                .text
                .chars()
                .skip(self.column as usize - 1)
                .take(self.width as usize)
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum::<usize>()
                .max(1);
            write!(f, "\n{pad} | {}{}", " ".repeat(lead), "^".repeat(carets))?;
        }
        Ok(())
    }
}

/// Everything that can go wrong reading, compiling or loading dictionaries.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A malformed line in a dictionary source file.
    #[error("{0}")]
    Syntax(Box<Diagnostic>),
    #[error("{path}: cannot read: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: cannot write: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{path}: invalid UTF-8 at line {line}, byte {byte}")]
    InvalidUtf8 { path: String, line: u32, byte: usize },
    #[error("{path}: cannot tell what kind of dictionary this is ({why})")]
    UnknownFormat { path: String, why: String },
    #[error("{path}: not a compiled dyad dictionary (bad magic bytes)")]
    BadMagic { path: String },
    #[error(
        "{path}: compiled dictionary format version {found}, but this dyad reads version {expected}; \
         rebuild it with `dyad dict compile`"
    )]
    Version { path: String, found: u32, expected: u32 },
    #[error("{path}: corrupt compiled dictionary: {what}")]
    Corrupt { path: String, what: String },
    /// A dictionary set that cannot be compiled; the diagnostics say where and why.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render_all(ds: &[Diagnostic]) -> String {
    ds.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::Syntax(Box::new(d))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_bad_text() {
        let d = Diagnostic::at(
            Severity::Error,
            "Phoenix.agents.txt",
            123,
            "FOREIGN_MINISTER_  [ ~GOVFRM",
            19,
            20,
            "expected `]` to close the code",
        );
        assert_eq!(
            d.to_string(),
            "error: Phoenix.agents.txt:123:20: expected `]` to close the code\n    |\n\
             123 | FOREIGN_MINISTER_  [ ~GOVFRM\n    |                    ^"
        );
        assert_eq!(d.short(), "Phoenix.agents.txt:123:20: error: expected `]` to close the code");
    }

    #[test]
    fn tabs_keep_the_caret_aligned() {
        let d = Diagnostic::at(Severity::Warning, "f", 7, "\t[X 9901]", 4, 8, "bad date");
        assert_eq!(d.to_string(), "warning: f:7:5: bad date\n  |\n7 |     [X 9901]\n  |        ^^^^");
    }
}
