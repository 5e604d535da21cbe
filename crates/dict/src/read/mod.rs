//! Readers: dyad's own formats and the TABARI / PETRARCH (Phoenix) formats, all into one
//! [`DictSet`].

mod dyad;
mod legacy;

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result, Severity};
use crate::model::{Dialect, DictSet, FileId, Kind};

/// A repair made to an obviously wrong line of a source file while reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub file: String,
    pub line: u32,
    pub before: String,
    pub after: String,
    pub why: &'static str,
}

/// What loading produced besides the set itself.
#[derive(Debug, Default)]
pub struct Loaded {
    pub set: DictSet,
    /// Lines skipped or repaired, and other things worth a look.
    pub warnings: Vec<Diagnostic>,
    /// Repairs of obvious data errors (listed in imported files' headers).
    pub fixes: Vec<Fix>,
    /// Files in the given directories that are not dictionaries (README, LICENSE, ...).
    pub ignored: Vec<String>,
}

/// How to read one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    pub kind: Kind,
    pub dialect: Dialect,
}

/// Loads dictionary layers. Each path is one layer: a directory (its dictionary files, not
/// recursively, in name order), a single file, or a TABARI `.project` file. Later layers
/// take priority over earlier ones (see [`crate::Dictionary`]).
///
/// # Errors
/// [`Error::Io`] for unreadable paths, [`Error::Syntax`] for the first malformed line,
/// [`Error::UnknownFormat`] for a file given explicitly that is not a dictionary.
pub fn load_layers(paths: &[PathBuf]) -> Result<Loaded> {
    let mut out = Loaded::default();
    for (layer, path) in paths.iter().enumerate() {
        load_path(path, layer as u32, &mut out)?;
    }
    Ok(out)
}

/// Adds one path as layer `layer` to `out`.
pub fn load_path(path: &Path, layer: u32, out: &mut Loaded) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    if meta.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| io_err(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            if is_project(&f) {
                load_project(&f, layer, out)?;
                continue;
            }
            let text = read_text(&f)?;
            match detect(&f, &text) {
                Some(fmt) => read_into(out, &display(&f), &text, fmt, layer)?,
                None => out.ignored.push(display(&f)),
            }
        }
        return Ok(());
    }
    if is_project(path) {
        return load_project(path, layer, out);
    }
    let text = read_text(path)?;
    let fmt = detect(path, &text).ok_or_else(|| Error::UnknownFormat {
        path: display(path),
        why: "expected a dictionary file (*.actors, *.agents, *.verbs, *.discards, *.issues, *.words, \
              PETRARCH *.txt, TABARI *.project)"
            .into(),
    })?;
    read_into(out, &display(path), &text, fmt, layer)
}

/// Reads dictionary text of a known format into `out` (the in-memory entry point, used by
/// tests and by callers that have the text already).
pub fn read_into(out: &mut Loaded, name: &str, text: &str, fmt: Format, layer: u32) -> Result<()> {
    let file = out.set.add_file(name, fmt.kind, fmt.dialect, layer);
    let mut cx = Cx { name: name.to_string(), file, warnings: &mut out.warnings, fixes: &mut out.fixes };
    let set = &mut out.set;
    match (fmt.dialect, fmt.kind) {
        (Dialect::Dyad, Kind::Actors) => dyad::actors(&mut cx, text, set),
        (Dialect::Dyad, Kind::Agents) => dyad::agents(&mut cx, text, set),
        (Dialect::Dyad, Kind::Verbs) => dyad::verbs(&mut cx, text, set),
        (Dialect::Dyad, Kind::Discards) => dyad::discards(&mut cx, text, set),
        (Dialect::Dyad, Kind::Issues) => dyad::issues(&mut cx, text, set),
        (Dialect::Dyad, Kind::Prepositions) => dyad::words(&mut cx, text, set),
        (d, Kind::Actors) => legacy::actors(&mut cx, text, set, d),
        (d, Kind::Agents) => legacy::agents(&mut cx, text, set, d),
        (Dialect::Tabari, Kind::Verbs) => legacy::tabari_verbs(&mut cx, text, set),
        (_, Kind::Verbs) => legacy::petrarch_verbs(&mut cx, text, set),
        (_, Kind::Discards) => legacy::discards(&mut cx, text, set),
        (_, Kind::Issues) => legacy::issues(&mut cx, text, set),
        (_, Kind::Prepositions) => legacy::prepositions(&mut cx, text, set),
    }
}

fn is_project(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("project"))
}

/// A TABARI project names its dictionaries in `<actorsfile> NAME` lines; they are read
/// relative to the project file.
fn load_project(path: &Path, layer: u32, out: &mut Loaded) -> Result<()> {
    let text = read_text(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut found = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let kind =
            [("<actorsfile>", Kind::Actors), ("<verbsfile>", Kind::Verbs), ("<agentsfile>", Kind::Agents)]
                .into_iter()
                .find_map(|(tag, k)| line.strip_prefix(tag).map(|rest| (rest.trim(), k)));
        let Some((name, kind)) = kind else { continue };
        if name.is_empty() {
            return Err(Diagnostic::at(
                Severity::Error,
                &display(path),
                i as u32 + 1,
                raw,
                raw.len(),
                raw.len(),
                "expected a file name after the tag",
            )
            .into());
        }
        let f = dir.join(name);
        let text = read_text(&f)?;
        read_into(out, &display(&f), &text, Format { kind, dialect: Dialect::Tabari }, layer)?;
        found = true;
    }
    if !found {
        return Err(Error::UnknownFormat {
            path: display(path),
            why: "a TABARI project names its dictionaries in <actorsfile>, <verbsfile>, <agentsfile> lines"
                .into(),
        });
    }
    Ok(())
}

/// Works out a file's format from its name and, for extensions TABARI shares with dyad,
/// from its content. `None` for files that are not dictionaries.
pub fn detect(path: &Path, text: &str) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("");
    let dyad_kind = match ext {
        "actors" => Some(Kind::Actors),
        "agents" => Some(Kind::Agents),
        "verbs" => Some(Kind::Verbs),
        "discards" => Some(Kind::Discards),
        "issues" => Some(Kind::Issues),
        "words" => Some(Kind::Prepositions),
        _ => None,
    };
    if let Some(kind) = dyad_kind {
        let dialect = if looks_like_dyad(kind, text) { Dialect::Dyad } else { Dialect::Tabari };
        return Some(Format { kind, dialect });
    }
    if ext != "txt" {
        return None;
    }
    let kind = if name.contains("actor") {
        Kind::Actors
    } else if name.contains("agent") {
        Kind::Agents
    } else if name.contains("verb") || name.starts_with("cameo.") {
        Kind::Verbs
    } else if name.contains("discard") {
        Kind::Discards
    } else if name.contains("issue") {
        Kind::Issues
    } else if name.contains("preposition") {
        Kind::Prepositions
    } else {
        return None;
    };
    Some(Format { kind, dialect: Dialect::Petrarch })
}

/// dyad files indent their `+`/`=` lines or use keywords; TABARI files do neither.
fn looks_like_dyad(kind: Kind, text: &str) -> bool {
    if matches!(kind, Kind::Discards | Kind::Issues | Kind::Prepositions) {
        return true;
    }
    text.lines().any(|l| {
        let t = l.trim_start();
        let indented = t.len() < l.len();
        (indented
            && (t.starts_with("= ") || t.starts_with("+ ") || t.starts_with("- ") || t == "=" || t == "+"))
            || l.starts_with("block ")
            || l.starts_with("synset ")
            || l.starts_with("# dyad ")
    })
}

pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let line_start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            Err(Error::InvalidUtf8 { path: display(path), line, byte: valid - line_start + 1 })
        }
    }
}

fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: display(path), source }
}

pub(crate) fn display(p: &Path) -> String {
    p.display().to_string()
}

/// Per-file reading context: names the file in messages and collects warnings.
pub(crate) struct Cx<'a> {
    pub name: String,
    pub file: FileId,
    pub warnings: &'a mut Vec<Diagnostic>,
    pub fixes: &'a mut Vec<Fix>,
}

impl Cx<'_> {
    pub fn loc(&self, line: u32) -> crate::model::Loc {
        crate::model::Loc { file: self.file, line }
    }

    /// An error pointing at bytes `start..end` of line `line` whose text is `text`.
    pub fn error(&self, line: u32, text: &str, start: usize, end: usize, msg: impl Into<String>) -> Error {
        Diagnostic::at(Severity::Error, &self.name, line, text, start, end, msg).into()
    }

    pub fn warn(&mut self, line: u32, text: &str, start: usize, end: usize, msg: impl Into<String>) {
        self.warnings.push(Diagnostic::at(Severity::Warning, &self.name, line, text, start, end, msg));
    }
}

/// Lines with 1-based numbers, `\r` removed.
pub(crate) fn numbered(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n').enumerate().map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l)))
}

/// Byte offset of `sub` (a subslice of `line`) in `line`.
pub(crate) fn offset_in(line: &str, sub: &str) -> usize {
    (sub.as_ptr() as usize).saturating_sub(line.as_ptr() as usize).min(line.len())
}
