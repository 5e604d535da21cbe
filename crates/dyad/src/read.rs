//! Reading documents for `dyad code` and `dyad ingest` with
//! `dyad_text::input`: files and directories (searched recursively, in name
//! order), one result per document so that a bad document is reported and
//! the rest goes on.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result};
use dyad_store::{Input, ReadFailure};
use dyad_text::input::{Documents, Format, Options};

/// One input file, and the document id its whole-file document gets when
/// it was found in a directory (the path below that directory), so that
/// `a/x.txt` and `b/x.txt` stay two documents.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub id: Option<String>,
}

/// Extensions read from directories.
const EXTENSIONS: [&str; 5] = ["txt", "jsonl", "ndjson", "html", "htm"];

/// The files of `args`: each file as given (`-` is standard input), and the
/// `.txt`, `.jsonl`, `.ndjson`, `.html` and `.htm` files below each
/// directory, hidden ones left out, sorted by path.
///
/// # Errors
/// A path that does not exist or a directory that cannot be listed.
pub fn sources(args: &[PathBuf]) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Source { path: arg.clone(), id: None });
            continue;
        }
        let meta = std::fs::metadata(arg).with_context(|| format!("{}: cannot read", arg.display()))?;
        if !meta.is_dir() {
            out.push(Source { path: arg.clone(), id: None });
            continue;
        }
        let mut stack = vec![arg.clone()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            let entries =
                std::fs::read_dir(&dir).with_context(|| format!("{}: cannot list", dir.display()))?;
            for entry in entries {
                let path = entry.with_context(|| format!("{}: cannot list", dir.display()))?.path();
                if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else if path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                {
                    let rel = path.strip_prefix(arg).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                    found.push(Source { path, id: Some(rel) });
                }
            }
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        out.extend(found);
    }
    Ok(out)
}

/// Warnings about documents that were read anyway (no date, duplicate id,
/// HTML that had to be dropped): counted, the first few kept for the report.
#[derive(Debug, Default)]
pub struct Warnings {
    pub count: u64,
    pub first: Vec<String>,
}

impl Warnings {
    /// Prints the first warnings and how many there were in all.
    pub fn report(&self) {
        for w in &self.first {
            eprintln!("warning: {w}");
        }
        if self.count > self.first.len() as u64 {
            eprintln!("warning: ... {} warnings in all", self.count);
        }
    }
}

/// The documents of a list of sources, in order.
pub struct Docs {
    sources: std::vec::IntoIter<Source>,
    current: Option<(Source, bool, Documents)>,
    options: Options,
    /// Shared with the caller, who reports them at the end.
    pub warnings: Rc<RefCell<Warnings>>,
}

impl Docs {
    pub fn new(sources: Vec<Source>, options: Options) -> Docs {
        Docs {
            sources: sources.into_iter(),
            current: None,
            options,
            warnings: Rc::new(RefCell::new(Warnings::default())),
        }
    }
}

/// One document (or failure) of `source`, with its origin: the file, and
/// the line for JSON Lines.
fn convert(
    warnings: &RefCell<Warnings>,
    source: &Source,
    lines: bool,
    item: dyad_text::Result<dyad_text::input::Item>,
) -> Result<Input, ReadFailure> {
    let name = source.path.display().to_string();
    let name = if name == "-" { "stdin".to_string() } else { name };
    match item {
        Ok(mut item) => {
            if !item.warnings.is_empty() {
                let mut w = warnings.borrow_mut();
                w.count += item.warnings.len() as u64;
                for x in &item.warnings {
                    if w.first.len() < 5 {
                        w.first.push(x.to_string());
                    }
                }
            }
            if !lines {
                if let Some(id) = &source.id {
                    item.doc.id = id.clone();
                }
            }
            let origin = if lines { format!("{name}:{}", item.line) } else { name };
            Ok(Input { doc: item.doc, origin })
        }
        Err(e) => {
            let line = error_line(&e);
            let mut reason = e.to_string();
            // The message starts with the input's name; the origin says it.
            let path = error_path(&e).map(|p| p.display().to_string());
            if let Some(rest) = path.as_deref().and_then(|p| reason.strip_prefix(p)) {
                reason = rest.trim_start_matches(':').trim_start().to_string();
            }
            let origin = match line {
                Some(l) if lines => {
                    if let Some(rest) = reason.strip_prefix(&format!("line {l}: ")) {
                        reason = rest.to_string();
                    }
                    format!("{name}:{l}")
                }
                _ => name,
            };
            let doc_id = if lines { None } else { source.id.clone().or_else(|| file_id(&source.path)) };
            Err(ReadFailure { origin, doc_id, reason })
        }
    }
}

fn file_id(path: &Path) -> Option<String> {
    (path.as_os_str() != "-").then(|| path.file_name().map(|n| n.to_string_lossy().into_owned())).flatten()
}

fn error_path(e: &dyad_text::Error) -> Option<&Path> {
    use dyad_text::Error as E;
    match e {
        E::Io { path, .. }
        | E::InvalidUtf8 { path, .. }
        | E::Binary { path, .. }
        | E::Empty { path, .. }
        | E::TooLarge { path, .. }
        | E::BadJson { path, .. }
        | E::BadHtml { path, .. } => Some(path),
        _ => None,
    }
}

fn error_line(e: &dyad_text::Error) -> Option<usize> {
    use dyad_text::Error as E;
    match e {
        E::InvalidUtf8 { line, .. }
        | E::Empty { line, .. }
        | E::TooLarge { line, .. }
        | E::BadJson { line, .. }
        | E::BadHtml { line, .. } => Some(*line),
        _ => None,
    }
}

impl Iterator for Docs {
    type Item = Result<Input, ReadFailure>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((source, lines, docs)) = &mut self.current {
                if let Some(item) = docs.next() {
                    return Some(convert(&self.warnings, source, *lines, item));
                }
                self.current = None;
            }
            let source = self.sources.next()?;
            let lines = source.path.as_os_str() == "-"
                || self.options.format.unwrap_or_else(|| Format::from_path(&source.path))
                    == Format::JsonLines;
            let docs = dyad_text::input::read(&source.path, &self.options);
            self.current = Some((source, lines, docs));
        }
    }
}
