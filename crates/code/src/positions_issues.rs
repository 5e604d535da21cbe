//! The issues file (`dictionaries/issues.txt`): reading it and matching its
//! phrases against scanned text. The format is documented in the file's header.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::dates::lex::{self, Kind, Tok};

use super::Stance;

/// The issues file compiled into dyad.
pub const ISSUES_TXT: &str = include_str!("../../../dictionaries/issues.txt");

/// A bad line in an issues file: where and why.
///
/// (Module-local until the crate's shared error type lands.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}\n  |\n  | {text}")]
pub struct IssueFileError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending line.
    pub text: String,
}

/// A slot of a frame pattern: `{X}` or `{Y}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    X,
    Y,
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Slot::X => "X",
            Slot::Y => "Y",
        })
    }
}

/// One item of a frame pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Word(String),
    Slot(Slot),
}

#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub items: Vec<Item>,
    /// The stance the phrase gives a slot's filler ("{X}'s bid to join {Y}").
    pub holder: Option<(Slot, Stance)>,
    pub line: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct Frame {
    /// "{X} joining {Y}".
    pub name: String,
    pub patterns: Vec<Pattern>,
}

#[derive(Clone, Debug)]
pub(crate) struct Entity {
    pub name: String,
    pub code: Option<String>,
}

/// What a phrase of the file stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Val {
    /// Alias of issue `0`, valid only for actors whose code starts with
    /// `conds[1]` when that is set.
    Issue(u32, Option<u32>),
    Entity(u32),
    /// A proposal noun (index into `heads`).
    Head(u32),
    Drop,
    Generic,
}

/// A phrase's normalised tokens and what it stands for.
type Phrase = (Vec<String>, Val);

/// Token sequences indexed by their first token.
#[derive(Clone, Debug)]
pub(crate) struct PhraseSet {
    by_first: HashMap<Box<[u8]>, Vec<Phrase>, Fnv>,
    /// Bit `len` of `quick[first byte % 64]` is set when some first word has
    /// that first byte and length (lengths over 31 share bit 31): most words
    /// are rejected without hashing.
    quick: [u32; 64],
}

impl Default for PhraseSet {
    fn default() -> Self {
        PhraseSet { by_first: HashMap::default(), quick: [0; 64] }
    }
}

fn quick_bit(key: &[u8]) -> Option<(usize, u32)> {
    let first = *key.first()?;
    Some((usize::from(first % 64), 1u32 << key.len().min(31)))
}

/// FNV-1a: the keys are short words, for which SipHash is slow.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Fnv;

impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

pub(crate) struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl PhraseSet {
    pub(crate) fn add(&mut self, toks: Vec<String>, val: Val) {
        let Some(first) = toks.first().cloned() else { return };
        if let Some((slot, bit)) = quick_bit(first.as_bytes()) {
            self.quick[slot] |= bit;
        }
        let list = self.by_first.entry(first.into_bytes().into_boxed_slice()).or_default();
        if !list.iter().any(|(t, v)| *t == toks && *v == val) {
            list.push((toks, val));
            list.sort_by_key(|x| std::cmp::Reverse(x.0.len()));
        }
    }

    /// Phrases starting at token `i` of `toks`, longest first: (tokens spanned, value).
    pub fn at<'s>(
        &'s self,
        text: &'s str,
        toks: &'s [Tok],
        i: usize,
    ) -> impl Iterator<Item = (usize, Val)> + 's {
        let mut buf = [0u8; 32];
        let list = toks.get(i).and_then(|t| {
            let k = norm_bytes(t.text(text), &mut buf)?;
            self.by_first.get(k)
        });
        list.into_iter().flatten().filter_map(move |(seq, v)| {
            let n = seq.len();
            let ok =
                toks.get(i..i + n).is_some_and(|ts| ts.iter().zip(seq).all(|(t, w)| tok_eq(t.text(text), w)));
            ok.then_some((n, *v))
        })
    }

    pub fn has_first(&self, w: &str) -> bool {
        let mut buf = [0u8; 32];
        norm_bytes(w, &mut buf).is_some_and(|k| {
            quick_bit(k).is_some_and(|(slot, bit)| self.quick[slot] & bit != 0)
                && self.by_first.contains_key(k)
        })
    }
}

/// `w` lowercased with apostrophes made ASCII, in `buf`; `None` when it
/// does not fit or is not ASCII after that.
pub(crate) fn norm_into<'b>(w: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    let b = norm_bytes(w, buf)?;
    std::str::from_utf8(b).ok()
}

/// [`norm_into`] as bytes (all ASCII), without the UTF-8 check.
pub(crate) fn norm_bytes<'b>(w: &str, buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    let src = w.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        let out = if b.is_ascii() {
            i += 1;
            if b == b'`' {
                b'\''
            } else {
                b.to_ascii_lowercase()
            }
        } else {
            // ’ ‘ (E2 80 99, E2 80 98) and ´ (C2 B4) are apostrophes; any
            // other non-ASCII character makes the word unmatchable here.
            match src.get(i..i + 3) {
                Some([0xE2, 0x80, 0x98 | 0x99]) => i += 3,
                _ if src.get(i..i + 2) == Some(&[0xC2, 0xB4]) => i += 2,
                _ => return None,
            }
            b'\''
        };
        *buf.get_mut(n)? = out;
        n += 1;
    }
    buf.get(..n)
}

/// A token compared with a normalised word.
pub(crate) fn tok_eq(tok: &str, word: &str) -> bool {
    let mut buf = [0u8; 32];
    match norm_bytes(tok, &mut buf) {
        Some(t) => t == word.as_bytes(),
        None => norm_string(tok) == word,
    }
}

/// The normalised form of a word (lower case, ASCII apostrophes).
pub(crate) fn norm_string(w: &str) -> String {
    w.chars()
        .map(|c| match c {
            '’' | '‘' | '`' | '´' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The compiled issues file: immutable, share it with `Arc`.
#[derive(Clone, Debug, Default)]
pub struct Issues {
    /// The file's name, for provenance.
    pub(crate) file: String,
    pub(crate) names: Vec<String>,
    /// The line of each issue and head entry.
    pub(crate) name_lines: Vec<usize>,
    pub(crate) head_lines: Vec<usize>,
    pub(crate) conds: Vec<String>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) entities: Vec<Entity>,
    /// Head nouns, by their canonical form.
    pub(crate) heads: Vec<String>,
    /// Aliases, entity aliases, heads and their synonyms, drops, generics.
    pub(crate) phrases: PhraseSet,
    /// Every literal word of a frame pattern (frames are tried only where one occurs).
    pub(crate) frame_words: PhraseSet,
}

impl Issues {
    /// The issues file compiled into dyad (`dictionaries/issues.txt`).
    ///
    /// # Panics
    /// Never at run time: the embedded file is checked by the crate's tests.
    pub fn embedded() -> Issues {
        Issues::parse("dictionaries/issues.txt", ISSUES_TXT).unwrap_or_default()
    }

    /// Reads an issues file.
    ///
    /// # Errors
    /// An [`IssueFileError`] naming the file, line and column of the first
    /// bad line (an I/O failure is reported at line 0).
    pub fn load(path: &Path) -> Result<Issues, IssueFileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| IssueFileError {
            file: name.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
            text: String::new(),
        })?;
        Issues::parse(&name, &text)
    }

    /// Compiles the text of an issues file; `file` names it in errors.
    ///
    /// # Errors
    /// An [`IssueFileError`] for the first bad line.
    pub fn parse(file: &str, text: &str) -> Result<Issues, IssueFileError> {
        let mut is = Issues { file: file.to_string(), ..Issues::default() };
        let mut current: Option<Entry> = None;
        for (ln, raw) in text.lines().enumerate() {
            let line_no = ln + 1;
            let err = |column: usize, message: String| IssueFileError {
                file: file.to_string(),
                line: line_no,
                column,
                message,
                text: raw.to_string(),
            };
            let line = strip_comment(raw);
            if line.trim().is_empty() {
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            let body = line.trim();
            let col = raw.len() - raw.trim_start().len() + 1;
            if !indented {
                let (kw, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
                let rest = rest.trim();
                if rest.is_empty() {
                    return Err(err(col, format!("'{kw}' needs a name after it")));
                }
                current = Some(match kw {
                    "issue" => {
                        is.names.push(rest.to_string());
                        is.name_lines.push(line_no);
                        Entry::Issue((is.names.len() - 1) as u32)
                    }
                    "frame" => {
                        let slots = parse_items(rest).map_err(|m| err(col + kw.len() + 1, m))?;
                        if !slots.iter().any(|i| matches!(i, Item::Slot(_))) {
                            return Err(err(col, "a frame's name needs a slot, {X} or {Y}".into()));
                        }
                        is.frames.push(Frame { name: rest.to_string(), patterns: Vec::new() });
                        Entry::Frame((is.frames.len() - 1) as u32)
                    }
                    "entity" => {
                        is.entities.push(Entity { name: rest.to_string(), code: None });
                        let e = (is.entities.len() - 1) as u32;
                        is.phrases.add(tokens(rest), Val::Entity(e));
                        Entry::Entity(e)
                    }
                    "head" => {
                        let toks = tokens(rest);
                        is.heads.push(toks.join(" "));
                        is.head_lines.push(line_no);
                        let h = (is.heads.len() - 1) as u32;
                        is.phrases.add(toks, Val::Head(h));
                        Entry::Head(h)
                    }
                    "drop" => {
                        is.phrases.add(tokens(rest), Val::Drop);
                        Entry::Plain
                    }
                    "generic" => {
                        is.phrases.add(tokens(rest), Val::Generic);
                        Entry::Plain
                    }
                    _ => {
                        return Err(err(
                            col,
                            format!(
                                "unknown entry '{kw}' (expected issue, frame, entity, head, drop or generic)"
                            ),
                        ))
                    }
                });
                continue;
            }
            let Some(entry) = current else {
                return Err(err(col, "an indented line before any entry".into()));
            };
            let (mark, rest) = body.split_at(body.chars().next().map_or(0, char::len_utf8));
            let rest = rest.trim();
            match (mark, entry) {
                ("+", Entry::Issue(i)) => {
                    let (phrase, cond) = match rest.rsplit_once(char::is_whitespace) {
                        Some((p, c)) if c.starts_with('@') => (p.trim(), Some(c)),
                        _ => (rest, None),
                    };
                    let cond = match cond {
                        Some(c) => {
                            let code = &c[1..];
                            if code.is_empty()
                                || !code.chars().all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())
                            {
                                return Err(err(
                                    col,
                                    format!("'{c}': a condition is @ and an actor code (@UKR)"),
                                ));
                            }
                            is.conds.push(code.to_string());
                            Some((is.conds.len() - 1) as u32)
                        }
                        None => None,
                    };
                    let toks = tokens(phrase);
                    if toks.is_empty() {
                        return Err(err(col, "an empty phrase".into()));
                    }
                    is.phrases.add(toks, Val::Issue(i, cond));
                }
                ("+", Entry::Frame(f)) => {
                    let (pat, holder) = match rest.split_once("=>") {
                        Some((p, h)) => (p.trim(), Some(parse_holder(h.trim()).map_err(|m| err(col, m))?)),
                        None => (rest, None),
                    };
                    let items = parse_items(pat).map_err(|m| err(col + 2, m))?;
                    if !items.iter().any(|i| matches!(i, Item::Word(_))) {
                        return Err(err(col, "a pattern needs at least one word besides its slots".into()));
                    }
                    if let Some((s, _)) = holder {
                        if !items.contains(&Item::Slot(s)) {
                            return Err(err(
                                col,
                                format!("the stance is given to {{{s}}}, which the pattern lacks"),
                            ));
                        }
                    }
                    // Frames are tried only in sentences holding one of their
                    // distinctive words ("membership", "join"), not "in" or "'s".
                    for it in &items {
                        if let Item::Word(w) = it {
                            if w.len() > 3 && !matches!(w.as_str(), "into" | "from" | "with" | "that") {
                                is.frame_words.add(vec![w.clone()], Val::Drop);
                            }
                        }
                    }
                    if let Some(fr) = is.frames.get_mut(f as usize) {
                        fr.patterns.push(Pattern { items, holder, line: line_no });
                    }
                }
                ("+", Entry::Entity(e)) => is.phrases.add(tokens(rest), Val::Entity(e)),
                ("=", Entry::Entity(e)) => {
                    if rest.is_empty() || !rest.chars().all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())
                    {
                        return Err(err(
                            col,
                            format!("'{rest}' is not an actor code (capital letters and digits)"),
                        ));
                    }
                    if let Some(en) = is.entities.get_mut(e as usize) {
                        en.code = Some(rest.to_string());
                    }
                }
                ("+", Entry::Head(h)) => is.phrases.add(tokens(rest), Val::Head(h)),
                (m, _) => {
                    return Err(err(
                        col,
                        format!("unexpected '{m}' here (see the format in the file's header)"),
                    ));
                }
            }
        }
        for (f, fr) in is.frames.iter().enumerate() {
            if fr.patterns.is_empty() {
                return Err(IssueFileError {
                    file: file.to_string(),
                    line: 0,
                    column: 0,
                    message: format!("frame '{}' (number {}) has no patterns", fr.name, f + 1),
                    text: String::new(),
                });
            }
        }
        Ok(is)
    }

    /// Number of issues, frames, entities and heads.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (self.names.len(), self.frames.len(), self.entities.len(), self.heads.len())
    }

    /// The entity whose code `code` starts with (`IGOWSTNAT` → NATO).
    pub(crate) fn entity_by_code(&self, code: &str) -> Option<&Entity> {
        self.entities
            .iter()
            .filter(|e| e.code.as_deref().is_some_and(|c| code.starts_with(c)))
            .max_by_key(|e| e.code.as_ref().map_or(0, String::len))
    }
}

#[derive(Clone, Copy)]
enum Entry {
    Issue(u32),
    Frame(u32),
    Entity(u32),
    Head(u32),
    Plain,
}

fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// The normalised tokens of a phrase.
pub(crate) fn tokens(phrase: &str) -> Vec<String> {
    let mut toks = Vec::new();
    lex::scan(phrase, 0, phrase.len(), &mut toks);
    toks.iter().map(|t| norm_string(t.text(phrase))).collect()
}

/// A pattern's items: words and `{X}`/`{Y}` slots.
fn parse_items(pat: &str) -> Result<Vec<Item>, String> {
    let mut toks = Vec::new();
    lex::scan(pat, 0, pat.len(), &mut toks);
    let mut items = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].text(pat);
        if t == "{" {
            let name = toks.get(i + 1).map(|x| x.text(pat));
            let close = toks.get(i + 2).map(|x| x.text(pat));
            let slot = match (name, close) {
                (Some("X"), Some("}")) => Slot::X,
                (Some("Y"), Some("}")) => Slot::Y,
                _ => return Err(format!("a slot is {{X}} or {{Y}}, in '{pat}'")),
            };
            if items.contains(&Item::Slot(slot)) {
                return Err(format!("slot {{{slot}}} twice in '{pat}'"));
            }
            items.push(Item::Slot(slot));
            i += 3;
        } else {
            if toks[i].kind == Kind::Punct && matches!(t, "{" | "}") {
                return Err(format!("a stray brace in '{pat}'"));
            }
            items.push(Item::Word(norm_string(t)));
            i += 1;
        }
    }
    Ok(items)
}

/// `X for`, `{X} against`.
fn parse_holder(h: &str) -> Result<(Slot, Stance), String> {
    let mut it = h.split_whitespace();
    let slot = match it.next().map(|s| s.trim_matches(['{', '}'])) {
        Some("X") => Slot::X,
        Some("Y") => Slot::Y,
        _ => return Err(format!("'=> {h}': expected a slot and a stance, as in '=> X for'")),
    };
    let stance = it
        .next()
        .and_then(Stance::parse)
        .ok_or_else(|| format!("'=> {h}': the stance is for, against, open or neutral"))?;
    if it.next().is_some() {
        return Err(format!("'=> {h}': extra words after the stance"));
    }
    Ok((slot, stance))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_reads() {
        let is = Issues::parse("dictionaries/issues.txt", ISSUES_TXT).unwrap();
        let (issues, frames, entities, heads) = is.counts();
        assert!(issues >= 2 && frames >= 1 && entities >= 3 && heads >= 20);
        assert_eq!(is.entity_by_code("IGOWSTNAT").unwrap().name, "NATO");
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = Issues::parse("x.txt", "issue A\n  + a b\nfrob C\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.message.contains("unknown entry"), "{e}");
        let e = Issues::parse("x.txt", "frame {X} joining {Z}\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Issues::parse("x.txt", "frame {X} joining {Y}\n  + {X} joins {Y} => Z for\n").unwrap_err();
        assert!(e.message.contains("slot and a stance"), "{e}");
        let e = Issues::parse("x.txt", "frame {X} joining {Y}\n  + {X} joins => Y for\n").unwrap_err();
        assert!(e.message.contains("lacks"), "{e}");
        let e = Issues::parse("x.txt", "  + orphan\n").unwrap_err();
        assert!(e.message.contains("before any entry"), "{e}");
        let e = Issues::parse("x.txt", "issue A\n  + a  @ukr\n").unwrap_err();
        assert!(e.message.contains("condition"), "{e}");
        let e = Issues::parse("x.txt", "frame {X} joining {Y}\n").unwrap_err();
        assert!(e.message.contains("no patterns"), "{e}");
        assert!(Issues::parse("x.txt", "# only a comment\n\nhead truce # trailing\n").is_ok());
    }

    #[test]
    fn phrases_match_across_apostrophes_and_case() {
        let is = Issues::parse("x.txt", "issue Ukraine joining NATO\n  + Kiev's NATO aspirations\n").unwrap();
        let text = "Moscow named KIEV’S NATO aspirations a cause.";
        let mut toks = Vec::new();
        lex::scan(text, 0, text.len(), &mut toks);
        let i = toks.iter().position(|t| t.text(text) == "KIEV").unwrap();
        let hits: Vec<(usize, Val)> = is.phrases.at(text, &toks, i).collect();
        assert_eq!(hits, [(5, Val::Issue(0, None))]);
    }
}
