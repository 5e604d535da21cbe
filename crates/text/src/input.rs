//! Reading documents: plain text, JSON Lines and HTML.
//!
//! [`read`] opens one input (a file, or `-` for standard input) and returns an
//! iterator with one `Result` per document, so a caller reports a bad document
//! and goes on with the rest:
//!
//! ```
//! use dyad_text::input::{read_from, Format, Options};
//!
//! let data = "{\"id\": \"a\", \"text\": \"Talks began.\", \"date\": \"2025-03-14\"}\n\
//!             not json\n\
//!             {\"id\": \"b\", \"text\": \"They ended.\"}\n";
//! let opts = Options { format: Some(Format::JsonLines), ..Options::default() };
//! let items: Vec<_> = read_from("feed.jsonl", data.as_bytes(), &opts).collect();
//! assert_eq!(items.len(), 3);
//! assert_eq!(items[0].as_ref().unwrap().doc.id, "a");
//! assert!(items[1].as_ref().unwrap_err().to_string().contains("feed.jsonl: line 2"));
//! // "b" has no date: kept, with a warning.
//! let b = items[2].as_ref().unwrap();
//! assert_eq!(b.doc.date, None);
//! assert!(b.warnings[0].to_string().contains("no date"));
//! ```
//!
//! ## Formats
//! Chosen by extension (`.jsonl`/`.ndjson`: JSON Lines, `.html`/`.htm`:
//! HTML, anything else: plain text) unless [`Options::format`] says; standard
//! input is sniffed (first non-blank byte `{`: JSON Lines, `<`: HTML, else
//! text).
//!
//! - **Plain text**: the whole file is one document. Its id is the file name
//!   without its directory (`seed-article.txt`; `stdin` for standard input),
//!   its text the file's content (a leading byte-order mark removed; nothing
//!   else changed, so offsets are offsets into the file after the BOM).
//! - **JSON Lines**: one document per line, an object with `id` (string,
//!   required), `text` (string, required) and optional `date` (`YYYY-MM-DD` or
//!   an ISO 8601 timestamp, of which the date is kept), `title`, `source`,
//!   `url`; other fields are ignored, blank lines skipped.
//! - **HTML**: one document per file, the visible text (see below) with the
//!   `<title>` as title and a date from `<meta>` (`article:published_time`,
//!   `date`, ...) when there is one; id as for plain text.
//!
//! ## Dates
//! A document's own date wins; a document without one gets
//! [`Options::default_date`] (the CLI's `--date`); a document left without a
//! date has `date: None` and a warning, never today's date. An impossible
//! date (`2025-02-30`, `0000-00-00`, year 99999) is a warning, and the
//! document is kept without a date: a bad date never loses a document.
//!
//! ## Bad input
//! Each problem is one [`Error`] naming the input and the line (and byte
//! offset from the start of the input, where it helps): invalid UTF-8,
//! binary data (a NUL byte; the rest of that input is skipped), an empty or
//! blank document, malformed JSON or a missing `id`/`text` (that line only),
//! and documents over [`Options::max_doc_bytes`], which are refused without
//! being read into memory: a file by its size, before reading; a JSON line by
//! keeping at most the limit and skipping to the next newline (the lines
//! after it are read); standard input by reading at most the limit. Duplicate
//! ids in one input and HTML that had to be dropped (an unclosed `<script>`,
//! a tag without `>`) are warnings. Nothing here panics on any input.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::{html, Date, Document, Error, Result};

/// The default for [`Options::max_doc_bytes`]: 32 MiB.
pub const MAX_DOC_BYTES: u64 = 32 << 20;

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    JsonLines,
    Html,
}

impl Format {
    /// The format a file name's extension implies (plain text when unknown).
    pub fn from_path(path: &Path) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Format::JsonLines,
            "html" | "htm" | "xhtml" => Format::Html,
            _ => Format::Text,
        }
    }

    /// Guesses the format from the first bytes of an input.
    pub fn sniff(head: &[u8]) -> Format {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Format::JsonLines,
            Some(b'<') => Format::Html,
            _ => Format::Text,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Ok(Format::Text),
            "jsonl" | "ndjson" | "json" | "jsonlines" => Ok(Format::JsonLines),
            "html" | "htm" => Ok(Format::Html),
            _ => Err(format!("unknown input format {s:?} (expected text, jsonl or html)")),
        }
    }
}

/// How inputs are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Forces a format instead of going by extension (or sniffing stdin).
    pub format: Option<Format>,
    /// The date of documents that give none (the CLI's `--date`).
    pub default_date: Option<Date>,
    /// Documents (files, JSON lines) larger than this are refused.
    pub max_doc_bytes: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options { format: None, default_date: None, max_doc_bytes: MAX_DOC_BYTES }
    }
}

/// Something worth knowing about a document that was read anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}: {}", self.path.display(), self.line, self.message)
    }
}

/// A document read, where it came from, and the warnings about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub doc: Document,
    /// The line the document starts on (1 for whole-file formats).
    pub line: usize,
    pub warnings: Vec<Warning>,
}

/// The documents of one input.
pub struct Documents {
    inner: Inner,
}

enum Inner {
    /// At most one result left (whole-file formats, or an error opening the input).
    One(Option<Result<Item>>),
    Lines(Box<JsonLines>),
}

impl Iterator for Documents {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        match &mut self.inner {
            Inner::One(item) => item.take(),
            Inner::Lines(lines) => lines.next(),
        }
    }
}

/// Reads the documents of `path` (`-` is standard input).
///
/// Errors come as items of the iterator, never as a panic: [`Error::Io`]
/// when the input cannot be opened or read, and the errors listed in the
/// [module documentation](self).
pub fn read(path: &Path, options: &Options) -> Documents {
    if path == Path::new("-") {
        return read_from("stdin", std::io::stdin().lock(), options);
    }
    let format = options.format.unwrap_or_else(|| Format::from_path(path));
    let file = match File::open(path) {
        Ok(f) => f,
        Err(source) => return one(Err(Error::Io { path: path.into(), source })),
    };
    if format != Format::JsonLines {
        // Refuse an oversized file before reading any of it.
        if let Ok(meta) = file.metadata() {
            if meta.is_file() && meta.len() > options.max_doc_bytes {
                return one(Err(Error::TooLarge {
                    path: path.into(),
                    line: 1,
                    size: meta.len(),
                    limit: options.max_doc_bytes,
                }));
            }
        }
    }
    let id =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    open(path.to_path_buf(), id, Box::new(BufReader::new(file)), format, options)
}

/// Reads documents from `reader`, naming the input `name` in ids and messages.
/// The format is [`Options::format`], or sniffed from the first bytes.
pub fn read_from<R: Read + 'static>(name: &str, reader: R, options: &Options) -> Documents {
    let mut reader = BufReader::new(reader);
    let format = match options.format {
        Some(f) => f,
        None => match reader.fill_buf() {
            Ok(head) => Format::sniff(head),
            Err(source) => return one(Err(Error::Io { path: name.into(), source })),
        },
    };
    open(PathBuf::from(name), name.to_string(), Box::new(reader), format, options)
}

fn one(item: Result<Item>) -> Documents {
    Documents { inner: Inner::One(Some(item)) }
}

fn open(path: PathBuf, id: String, reader: Box<dyn BufRead>, format: Format, options: &Options) -> Documents {
    match format {
        Format::JsonLines => Documents {
            inner: Inner::Lines(Box::new(JsonLines {
                path,
                reader,
                options: options.clone(),
                line: 0,
                offset: 0,
                seen: HashSet::new(),
                buf: Vec::new(),
                done: false,
            })),
        },
        Format::Text | Format::Html => one(whole(path, id, reader, format, options)),
    }
}

/// Reads a whole-file document (text or HTML), at most the size limit.
fn whole(
    path: PathBuf,
    id: String,
    reader: Box<dyn BufRead>,
    format: Format,
    options: &Options,
) -> Result<Item> {
    let limit = options.max_doc_bytes;
    let mut bytes = Vec::new();
    let io = |source| Error::Io { path: path.clone(), source };
    let mut reader = reader.take(limit.saturating_add(1));
    reader.read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        // Not read further: the input may not even end (a pipe).
        return Err(Error::TooLarge { path, line: 1, size: bytes.len() as u64, limit });
    }
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let text = check_text(&path, &bytes, bom, 1, 0)?;
    let mut warnings = Vec::new();
    let mut doc = match format {
        Format::Html => {
            let e = html::extract(text);
            for (line, message) in e.warnings {
                warnings.push(Warning { path: path.clone(), line, message });
            }
            let mut doc = Document::new(id, e.text);
            doc.title = e.title;
            if let Some(d) = e.date {
                doc.date = parse_date(&path, 1, &d, &mut warnings);
            }
            doc
        }
        _ => Document::new(id, text),
    };
    if doc.text.trim().is_empty() {
        return Err(Error::Empty { path, line: 1 });
    }
    finish_date(&path, 1, &mut doc, options, &mut warnings, false);
    Ok(Item { doc, line: 1, warnings })
}

/// `bytes[start..]` as text, or the error for its first NUL or invalid UTF-8
/// byte. `line0`/`offset0` are the line and input offset of `bytes[0]`.
fn check_text<'a>(path: &Path, bytes: &'a [u8], start: usize, line0: usize, offset0: u64) -> Result<&'a str> {
    let body = &bytes[start..];
    let line_of = |k: usize| line0 + bytes[..start + k].iter().filter(|&&b| b == b'\n').count();
    if let Some(k) = body.iter().position(|&b| b == 0) {
        return Err(Error::Binary { path: path.into(), byte: (offset0 + (start + k) as u64) as usize });
    }
    std::str::from_utf8(body).map_err(|e| {
        let k = e.valid_up_to();
        Error::InvalidUtf8 {
            path: path.into(),
            line: line_of(k),
            byte: (offset0 + (start + k) as u64) as usize,
        }
    })
}

/// Parses a document date: `YYYY-MM-DD`, `YYYYMMDD`, or an ISO 8601
/// timestamp (`2025-03-14T10:00:00Z`), keeping the date. A bad date is a
/// warning and `None`.
fn parse_date(path: &Path, line: usize, s: &str, warnings: &mut Vec<Warning>) -> Option<Date> {
    let t = s.trim();
    let day = match t.find(['T', 't', ' ']) {
        Some(k) if k >= 8 => &t[..k],
        _ => t,
    };
    match day.parse::<Date>() {
        Ok(d) => Some(d),
        Err(e) => {
            warnings.push(Warning {
                path: path.into(),
                line,
                message: format!("{e}; the document is kept without a date"),
            });
            None
        }
    }
}

/// Applies the default date and warns about a document left without one.
fn finish_date(
    path: &Path,
    line: usize,
    doc: &mut Document,
    options: &Options,
    warnings: &mut Vec<Warning>,
    had_bad_date: bool,
) {
    if doc.date.is_none() && !had_bad_date {
        doc.date = options.default_date;
    }
    if doc.date.is_none() && !had_bad_date {
        warnings.push(Warning {
            path: path.into(),
            line,
            message: format!("document {:?} has no date (give one with --date)", doc.id),
        });
    }
}

/// JSON Lines, read one line at a time with bounded memory.
struct JsonLines {
    path: PathBuf,
    reader: Box<dyn BufRead>,
    options: Options,
    /// Number of the last line read (1-based).
    line: usize,
    /// Input offset of the next line.
    offset: u64,
    seen: HashSet<String>,
    buf: Vec<u8>,
    done: bool,
}

/// One JSON Lines record, loosely typed so that errors can say what is wrong.
#[derive(serde::Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    text: Option<serde_json::Value>,
    date: Option<serde_json::Value>,
    title: Option<serde_json::Value>,
    source: Option<serde_json::Value>,
    url: Option<serde_json::Value>,
}

impl Iterator for JsonLines {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        while !self.done {
            let start = self.offset;
            let (len, over) =
                match read_line_capped(&mut self.reader, &mut self.buf, self.options.max_doc_bytes) {
                    Ok(r) => r,
                    Err(source) => {
                        self.done = true;
                        return Some(Err(Error::Io { path: self.path.clone(), source }));
                    }
                };
            if len == 0 {
                self.done = true;
                return None;
            }
            self.line += 1;
            self.offset += len;
            if over {
                return Some(Err(Error::TooLarge {
                    path: self.path.clone(),
                    line: self.line,
                    size: len,
                    limit: self.options.max_doc_bytes,
                }));
            }
            let buf = std::mem::take(&mut self.buf);
            let bom = if self.line == 1 && buf.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            let result = match check_text(&self.path, &buf, bom, self.line, start) {
                // A binary file would give an error per line: one is enough.
                Err(e) => {
                    self.done = matches!(e, Error::Binary { .. });
                    Some(Err(e))
                }
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) => Some(self.record(text)),
            };
            self.buf = buf;
            if result.is_some() {
                return result;
            }
        }
        None
    }
}

impl JsonLines {
    fn bad(&self, message: impl Into<String>) -> Error {
        Error::BadJson { path: self.path.clone(), line: self.line, message: message.into() }
    }

    fn record(&mut self, text: &str) -> Result<Item> {
        let r: Record = serde_json::from_str(text).map_err(|e| self.bad(e.to_string()))?;
        let string = |v: Option<serde_json::Value>, field: &str| -> Result<Option<String>> {
            match v {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(self.bad(format!("\"{field}\" must be a string, not {other}"))),
            }
        };
        let id = string(r.id, "id")?.ok_or_else(|| self.bad("missing \"id\""))?;
        let text =
            string(r.text, "text")?.ok_or_else(|| self.bad(format!("document {id:?}: missing \"text\"")))?;
        let date = string(r.date, "date")?;
        let (title, source, url) =
            (string(r.title, "title")?, string(r.source, "source")?, string(r.url, "url")?);
        if text.trim().is_empty() {
            return Err(Error::Empty { path: self.path.clone(), line: self.line });
        }
        let mut warnings = Vec::new();
        if !self.seen.insert(id.clone()) {
            warnings.push(Warning {
                path: self.path.clone(),
                line: self.line,
                message: format!("duplicate id {id:?} (an earlier line has it too)"),
            });
        }
        let mut doc = Document { id, text, date: None, title, source, url };
        let mut bad_date = false;
        if let Some(d) = date {
            doc.date = parse_date(&self.path, self.line, &d, &mut warnings);
            bad_date = doc.date.is_none();
        }
        finish_date(&self.path, self.line, &mut doc, &self.options, &mut warnings, bad_date);
        Ok(Item { doc, line: self.line, warnings })
    }
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `cap` bytes of
/// it. Returns the line's full length in the input and whether it was over
/// `cap` (then `buf` is empty and the line was skipped).
fn read_line_capped(r: &mut dyn BufRead, buf: &mut Vec<u8>, cap: u64) -> std::io::Result<(u64, bool)> {
    buf.clear();
    let mut total = 0u64;
    let mut over = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(k) => (k + 1, true),
            None => (chunk.len(), false),
        };
        total += take as u64;
        if !over {
            // Room for the limit plus "\r\n", which do not count.
            if (buf.len() + take) as u64 > cap.saturating_add(2) {
                over = true;
                buf.clear();
                buf.shrink_to(64 * 1024);
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(take);
        if done {
            break;
        }
    }
    if !over {
        while buf.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
            buf.pop();
        }
        over = buf.len() as u64 > cap;
        if over {
            buf.clear();
        }
    }
    Ok((total, over))
}
