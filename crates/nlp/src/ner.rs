//! Name recognition: persons, locations and organisations in tokenised sentences.
//!
//! A first-order sequence labeller (BILOU or BIO tags) trained as a structured
//! averaged perceptron and decoded with constrained Viterbi, so every output is
//! a well-formed span. Features describe each word (form, lower case, shape,
//! affixes, how often the word is capitalised mid-sentence elsewhere, name
//! lists it belongs to) and its neighbours up to two words away.
//!
//! Two optional feature families are built in and measured, but off in the
//! shipped model because they gave no gain on the UNER dev set (see
//! [`crate::ner_recipe`]): part-of-speech features over the tagger's Penn
//! tags ([`Ner::spans_tagged`]; trained on jackknifed tags) and document
//! features, how the same word is written elsewhere in the document
//! ([`DocumentContext`], [`Ner::spans_in_document`]). A model without them
//! ignores tags and documents, so callers can always pass them.
//!
//! Run time is built for speed: a word's features only depend on the word, so
//! for the most frequent training words the model stores the sums of their
//! features' weights in each of the five positions a word can hold relative
//! to the token being labelled. Labelling a known word then costs one table
//! probe plus a handful of lookups for the features that pair it with
//! neighbours. The model file holds every table as it lies in memory (hash
//! tables in slot order), so loading is a few copies: milliseconds.
//!
//! ```
//! use dyad_nlp::ner::{EntityKind, Ner, NerScratch};
//! # fn main() -> dyad_nlp::Result<()> {
//! # let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/ner.bin"));
//! let ner = Ner::load(path)?; // once; share it (`Arc`) across threads
//! let mut scratch = NerScratch::default(); // one per thread
//! let mut spans = Vec::new();
//! let words = ["The", "NATO", "chief", "met", "Volodymyr", "Zelensky", "in", "Kyiv", "."];
//! ner.spans(&words, &mut scratch, &mut spans);
//! assert!(spans.iter().any(|s| (s.start, s.end, s.kind) == (4, 6, EntityKind::Person)));
//! assert!(spans.iter().any(|s| (s.start, s.end, s.kind) == (7, 8, EntityKind::Location)));
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::hash;
use crate::model::{Reader, Writer};
use crate::perceptron::{Trainer, Weights};
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"DYADNER\0";
const VERSION: u32 = 2;

/// The kinds of names dyad reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Person,
    Location,
    Organization,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [EntityKind::Person, EntityKind::Location, EntityKind::Organization];

    /// The CoNLL label: `PER`, `LOC` or `ORG`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Location => "LOC",
            EntityKind::Organization => "ORG",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A name found in a sentence: tokens `start..end` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntitySpan {
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
}

/// Classes of annotated spans: dyad's three kinds, plus the early UNER `OTH`
/// (demonyms, groups), which training may learn as a class of its own so that
/// it stops competing with the others. `Other` is never reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanClass {
    Kind(EntityKind),
    Other,
}

impl SpanClass {
    fn index(self) -> usize {
        match self {
            SpanClass::Kind(k) => k.index(),
            SpanClass::Other => 3,
        }
    }

    fn from_index(i: usize) -> SpanClass {
        match i {
            0 => SpanClass::Kind(EntityKind::Person),
            1 => SpanClass::Kind(EntityKind::Location),
            2 => SpanClass::Kind(EntityKind::Organization),
            _ => SpanClass::Other,
        }
    }
}

/// One annotated span of a training or evaluation sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnnotatedSpan {
    pub start: usize,
    pub end: usize,
    pub class: SpanClass,
}

/// A sentence with its gold names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnnotatedSentence {
    pub sent_id: String,
    pub words: Vec<String>,
    /// Non-overlapping, in order.
    pub spans: Vec<AnnotatedSpan>,
    /// Predicted Penn tags as [`pos_id`]s, one per word; empty when untagged.
    pub pos: Vec<u8>,
    /// How each word is written elsewhere in its document (see
    /// [`DocumentContext`]); empty when the document is unknown.
    pub doc: Vec<u8>,
}

/// The Penn Treebank tags (UD English XPOS) the recogniser's part-of-speech
/// features know, sorted; [`pos_id`] numbers them from 1.
pub const XPOS_TAGS: [&str; 50] = [
    "$", "''", ",", "-LRB-", "-RRB-", ".", ":", "ADD", "AFX", "CC", "CD", "DT", "EX", "FW", "GW", "HYPH",
    "IN", "JJ", "JJR", "JJS", "LS", "MD", "NFP", "NN", "NNP", "NNPS", "NNS", "PDT", "POS", "PRP", "PRP$",
    "RB", "RBR", "RBS", "RP", "SYM", "TO", "UH", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "WDT", "WP", "WP$",
    "WRB", "XX", "``",
];

/// Part-of-speech ids: 0 is an unknown tag, [`XPOS_TAGS`] are `1..=50`, and
/// `POS_EDGE` stands for a neighbour beyond the sentence.
const POS_EDGE: u8 = XPOS_TAGS.len() as u8 + 1;
const N_POS: usize = XPOS_TAGS.len() + 2;

/// The id of a Penn tag (`NNP` → its place in [`XPOS_TAGS`] plus one; 0 when unknown).
pub fn pos_id(xpos: &str) -> u8 {
    XPOS_TAGS.binary_search(&xpos).map_or(0, |i| i as u8 + 1)
}

/// Reads a Universal NER `.iob2` file (columns: id, token, IOB2 tag, ...).
///
/// `B-O` (a glitch of early UNER files) reads as `O`; `OTH` spans become
/// [`SpanClass::Other`].
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Conllu`] naming the
/// line of a malformed row or an unknown tag.
pub fn read_iob2(path: &Path) -> Result<Vec<AnnotatedSentence>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.into(), source })?;
    parse_iob2(&text).map_err(|(line, message)| Error::Conllu { path: path.into(), line, message })
}

/// Parses `.iob2` text; an error is `(line number, message)`.
pub fn parse_iob2(text: &str) -> Result<Vec<AnnotatedSentence>, (usize, String)> {
    let mut out = Vec::new();
    let mut cur = AnnotatedSentence::default();
    // (class, start) of the span being read.
    let mut open: Option<(SpanClass, usize)> = None;
    let close = |cur: &mut AnnotatedSentence, open: &mut Option<(SpanClass, usize)>| {
        if let Some((class, start)) = open.take() {
            cur.spans.push(AnnotatedSpan { start, end: cur.words.len(), class });
        }
    };
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            close(&mut cur, &mut open);
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if let Some(v) = c.trim_start().strip_prefix("sent_id") {
                cur.sent_id = v.trim_start().trim_start_matches('=').trim().to_string();
            }
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(_id), Some(form), Some(tag)) = (cols.next(), cols.next(), cols.next()) else {
            return Err((lineno, "expected at least 3 tab-separated columns (id, token, tag)".into()));
        };
        let (prefix, class) = match tag {
            "O" | "B-O" | "I-O" => ('O', None),
            _ => {
                let (p, t) = tag
                    .split_once('-')
                    .ok_or_else(|| (lineno, format!("tag {tag:?} is not O, B-TYPE or I-TYPE")))?;
                let class = match t {
                    "PER" => SpanClass::Kind(EntityKind::Person),
                    "LOC" => SpanClass::Kind(EntityKind::Location),
                    "ORG" => SpanClass::Kind(EntityKind::Organization),
                    "OTH" | "MISC" => SpanClass::Other,
                    _ => return Err((lineno, format!("unknown entity type {t:?} in tag {tag:?}"))),
                };
                match p {
                    "B" => ('B', Some(class)),
                    "I" => ('I', Some(class)),
                    _ => return Err((lineno, format!("tag {tag:?} is not O, B-TYPE or I-TYPE"))),
                }
            }
        };
        // conlleval: an I- that does not continue a span of its type opens one.
        let continues = prefix == 'I' && open.is_some_and(|(c, _)| Some(c) == class);
        if !continues {
            close(&mut cur, &mut open);
            if let Some(c) = class {
                open = Some((c, cur.words.len()));
            }
        }
        cur.words.push(form.to_string());
    }
    close(&mut cur, &mut open);
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Tag schemes

/// How spans are spelled as per-token tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Begin / inside / outside.
    Bio,
    /// Begin / inside / last / outside / unit: the model sees where names end.
    Bilou,
}

#[derive(Clone, Copy, Debug)]
struct Labels {
    scheme: Scheme,
    n_classes: usize,
}

// Parts of a label within its class.
const B: usize = 0;
const I: usize = 1;
const L: usize = 2;
const U: usize = 3;

impl Labels {
    fn per_class(self) -> usize {
        match self.scheme {
            Scheme::Bio => 2,
            Scheme::Bilou => 4,
        }
    }

    fn count(self) -> usize {
        1 + self.per_class() * self.n_classes
    }

    fn label(self, class: usize, part: usize) -> usize {
        1 + class * self.per_class() + part
    }

    /// `(class, part)` of a label; `None` for O.
    fn split(self, label: usize) -> Option<(usize, usize)> {
        let l = label.checked_sub(1)?;
        Some((l / self.per_class(), l % self.per_class()))
    }

    /// Whether `cur` may follow `prev` (`None`: sentence start).
    fn allowed(self, prev: Option<usize>, cur: usize) -> bool {
        let p = prev.and_then(|p| self.split(p));
        let c = self.split(cur);
        match self.scheme {
            Scheme::Bio => match c {
                Some((cc, I)) => matches!(p, Some((pc, _)) if pc == cc),
                _ => true,
            },
            Scheme::Bilou => match p {
                Some((pc, B | I)) => matches!(c, Some((cc, I | L)) if cc == pc),
                _ => !matches!(c, Some((_, I | L))),
            },
        }
    }

    fn allowed_end(self, label: usize) -> bool {
        match self.scheme {
            Scheme::Bio => true,
            Scheme::Bilou => !matches!(self.split(label), Some((_, B | I))),
        }
    }

    /// Gold labels of a sentence; classes at or beyond `n_classes` read as O.
    fn encode(self, n: usize, spans: &[AnnotatedSpan], out: &mut Vec<u8>) {
        out.clear();
        out.resize(n, 0);
        for s in spans {
            let c = s.class.index();
            if c >= self.n_classes || s.start >= s.end || s.end > n {
                continue;
            }
            for (k, slot) in out[s.start..s.end].iter_mut().enumerate() {
                let part = match self.scheme {
                    Scheme::Bio => usize::from(k > 0),
                    Scheme::Bilou => match (k == 0, s.start + k + 1 == s.end) {
                        (true, true) => U,
                        (true, false) => B,
                        (false, true) => L,
                        (false, false) => I,
                    },
                };
                *slot = self.label(c, part) as u8;
            }
        }
    }

    /// Spans of a label sequence, read leniently (an I without its B opens a span).
    fn decode(self, labels: &[u8], mut emit: impl FnMut(usize, usize, usize)) {
        let mut open: Option<(usize, usize)> = None; // (class, start)
        for (i, &l) in labels.iter().enumerate() {
            let sp = self.split(usize::from(l));
            let continues = matches!((open, sp), (Some((oc, _)), Some((c, I | L))) if oc == c);
            if !continues {
                if let Some((c, s)) = open.take() {
                    emit(s, i, c);
                }
                if let Some((c, _)) = sp {
                    open = Some((c, i));
                }
            }
            if let Some((_, U | L)) = sp {
                if let Some((c, s)) = open.take() {
                    emit(s, i + 1, c);
                }
            }
        }
        if let Some((c, s)) = open {
            emit(s, labels.len(), c);
        }
    }
}

// ---------------------------------------------------------------------------
// Word analysis

/// FNV-1a over bytes, finished like [`hash::bytes`].
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }

    #[inline]
    fn char(&mut self, c: char) {
        if c.is_ascii() {
            self.byte(c as u8);
        } else {
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                self.byte(b);
            }
        }
    }

    fn finish(self) -> u64 {
        hash::finish(self.0)
    }
}

/// Typographic quotes read as ASCII ones.
#[inline]
fn fold(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        _ => c,
    }
}

#[inline]
fn push_lower(h: &mut Fnv, c: char) {
    let c = fold(c);
    if c.is_ascii() {
        h.byte(c.to_ascii_lowercase() as u8);
    } else {
        for l in c.to_lowercase() {
            h.char(l);
        }
    }
}

/// Hash of `s` lower-cased (Unicode), with typographic quotes folded.
pub fn lower_hash(s: &str) -> u64 {
    let mut h = Fnv::new();
    for c in s.chars() {
        push_lower(&mut h, c);
    }
    h.finish()
}

// Bits of `WordInfo::flags`.
const F_INIT_UPPER: u8 = 1;
const F_ALL_UPPER: u8 = 2;
const F_HAS_LOWER: u8 = 4;
const F_DIGIT: u8 = 8;
const F_HYPHEN: u8 = 16;
const F_PERIOD: u8 = 32;
const F_LETTER: u8 = 64;
const F_OTHER: u8 = 128;

/// What the features of neighbouring words need to know about a word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct WordInfo {
    lower: u64,
    /// Shape with runs collapsed: `Xx`, `X.X.`, `d-d`.
    short: u64,
    flags: u8,
    /// Lexicon attributes (see [`Lexicon::attrs`]); zero where unknown.
    attrs: u32,
}

/// `i32`s a packed [`WordInfo`] takes.
const INFO: usize = 6;

impl WordInfo {
    fn pack(&self) -> [i32; INFO] {
        let s = |v: u64| [v as u32 as i32, (v >> 32) as u32 as i32];
        let (l, h) = (s(self.lower), s(self.short));
        [l[0], l[1], h[0], h[1], i32::from(self.flags), self.attrs as i32]
    }

    fn unpack(p: &[i32]) -> WordInfo {
        let g = |i: usize| u64::from(p.get(i).copied().unwrap_or(0) as u32);
        WordInfo { lower: g(0) | g(1) << 32, short: g(2) | g(3) << 32, flags: g(4) as u8, attrs: g(5) as u32 }
    }
}

/// Character class for shapes.
#[inline]
fn shape_char(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else if c.is_alphabetic() {
        'a'
    } else {
        let c = fold(c);
        if c.is_ascii() {
            c
        } else {
            '*'
        }
    }
}

/// One pass over the word: lower-case hash, shapes and flags. Returns the
/// info and the long shape hash (runs capped at four).
fn analyse(word: &str) -> (WordInfo, u64) {
    let mut lower = Fnv::new();
    let mut long = Fnv::new();
    let mut short = Fnv::new();
    let mut flags = 0u8;
    let mut prev = '\0';
    let mut run = 0usize;
    let mut first = true;
    let mut all_upper = true;
    for c in word.chars() {
        push_lower(&mut lower, c);
        let s = shape_char(c);
        if s == prev {
            run += 1;
        } else {
            run = 1;
            short.char(s);
            prev = s;
        }
        if run <= 4 {
            long.char(s);
        }
        match s {
            'X' => {
                flags |= F_LETTER;
                if first {
                    flags |= F_INIT_UPPER;
                }
            }
            'x' => {
                flags |= F_LETTER | F_HAS_LOWER;
                all_upper = false;
            }
            'a' => {
                flags |= F_LETTER;
                all_upper = false;
            }
            'd' => flags |= F_DIGIT,
            '-' => flags |= F_HYPHEN,
            '.' => flags |= F_PERIOD,
            _ => flags |= F_OTHER,
        }
        first = false;
    }
    if all_upper && flags & F_LETTER != 0 {
        flags |= F_ALL_UPPER;
    }
    (WordInfo { lower: lower.finish(), short: short.finish(), flags, attrs: 0 }, long.finish())
}

// ---------------------------------------------------------------------------
// Lexicon: what the model knows about words beyond the training sentences

/// Word-level knowledge the features use: how often a word is capitalised
/// inside sentences of a larger text, and the name lists it belongs to.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// Lower-case hash → (capitalised, total) counts of non-initial occurrences.
    case: BTreeMap<u64, (u32, u32)>,
    /// Lower-case hash → name-list bits.
    lists: BTreeMap<u64, u32>,
    /// Phrase hash of a multi-token name → `PHRASE | 1 << list`.
    phrases: BTreeMap<u64, u32>,
}

/// Marks a lexicon entry as a whole multi-token name (its key is a phrase hash).
const PHRASE: u32 = 1 << 31;
/// Longest listed name matched as a whole, in tokens.
const MAX_PHRASE: usize = 6;
const PHRASE_SEED: u64 = 0x7068_7261_7365;
/// Name-list bits that say "first token of a multi-token name".
const MULTI_BEGIN: u32 = 0b010_010_010_010_010_010_010_010 << 4;
/// Name-list bits that say "later token of a multi-token name".
const MULTI_INSIDE: u32 = MULTI_BEGIN << 1;

/// Marks, per token, where it stands in listed multi-token names found in the
/// sentence: bit `3 * list + part` with part 0 first, 1 inside, 2 last token.
fn phrase_matches(info: &[WordInfo], attrs: &Table, out: &mut Vec<u32>) {
    out.clear();
    out.resize(info.len(), 0);
    for i in 0..info.len() {
        if info[i].attrs & MULTI_BEGIN == 0 {
            continue;
        }
        let mut h = hash::mix(PHRASE_SEED, info[i].lower);
        for j in i + 1..(i + MAX_PHRASE).min(info.len()) {
            // Names only go on through words listed inside names (or punctuation).
            if info[j].attrs & MULTI_INSIDE == 0 && info[j].flags & (F_LETTER | F_DIGIT) != 0 {
                break;
            }
            h = hash::mix(h, info[j].lower);
            let Some(v) = attrs.get(hash::finish(h)).filter(|v| v & PHRASE != 0) else { continue };
            let mut lists = v & 0xff;
            while lists != 0 {
                let l = lists.trailing_zeros();
                for (k, m) in out[i..=j].iter_mut().enumerate() {
                    let part = if k == 0 {
                        0
                    } else if i + k == j {
                        2
                    } else {
                        1
                    };
                    *m |= 1 << (3 * l + part);
                }
                lists &= lists - 1;
            }
        }
    }
}

/// Name lists a [`Lexicon`] can hold (at most eight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameList {
    Place,
    Person,
    Organization,
    Demonym,
    FirstName,
    /// Words for people's roles and titles (`minister`, `farmer`, `Mr.`).
    Role,
    /// Words that organisations' names end in or are built on (`Inc.`, `University`).
    OrgWord,
}

impl Lexicon {
    /// Counts how the words of a sentence are capitalised (the first word and
    /// all-capitals sentences are skipped: they say nothing).
    pub fn count_case(&mut self, words: &[&str]) {
        let mut letters = 0;
        let mut upper = 0;
        for w in words {
            let (info, _) = analyse(w);
            if info.flags & F_LETTER != 0 {
                letters += 1;
                if info.flags & F_ALL_UPPER != 0 {
                    upper += 1;
                }
            }
        }
        if letters >= 3 && upper * 10 >= letters * 6 {
            return;
        }
        for w in words.iter().skip(1) {
            let (info, _) = analyse(w);
            if info.flags & F_LETTER == 0 {
                continue;
            }
            let e = self.case.entry(info.lower).or_insert((0, 0));
            if info.flags & F_INIT_UPPER != 0 {
                e.0 += 1;
            }
            e.1 += 1;
        }
    }

    /// Adds a name (as tokens) to a list: each token is marked as the whole
    /// name, its first token or a later token.
    pub fn add_name(&mut self, list: NameList, tokens: &[&str]) {
        let base = 4 + 3 * list as u32;
        for (i, t) in tokens.iter().enumerate() {
            if !t.chars().any(char::is_alphanumeric) {
                continue;
            }
            let bit = match (tokens.len(), i) {
                (1, _) => base,
                (_, 0) => base + 1,
                _ => base + 2,
            };
            *self.lists.entry(lower_hash(t)).or_insert(0) |= 1 << bit;
        }
        if (2..=MAX_PHRASE).contains(&tokens.len()) {
            let h = tokens.iter().fold(PHRASE_SEED, |h, t| hash::mix(h, lower_hash(t)));
            *self.phrases.entry(hash::finish(h)).or_insert(PHRASE) |= 1 << list as u32;
        }
    }

    /// Word attributes: bits 0-3 a capitalisation bucket, then name-list bits.
    fn attrs(&self) -> Vec<(u64, u32)> {
        let mut out: BTreeMap<u64, u32> = self.lists.clone();
        for (&k, &v) in &self.phrases {
            *out.entry(k).or_insert(0) |= v;
        }
        for (&k, &(cap, total)) in &self.case {
            let bucket = if total < 3 {
                0
            } else {
                let r = f64::from(cap) / f64::from(total);
                match r {
                    r if r < 0.02 => 1,
                    r if r < 0.2 => 2,
                    r if r < 0.5 => 3,
                    r if r < 0.8 => 4,
                    r if r < 0.98 => 5,
                    _ => 6,
                }
            };
            if bucket != 0 {
                *out.entry(k).or_insert(0) |= bucket;
            }
        }
        out.into_iter().filter(|&(_, v)| v != 0).collect()
    }
}

// ---------------------------------------------------------------------------
// Documents

/// How the words of one document are written: names recur within a
/// document, and an occurrence in the middle of a sentence shows whether
/// the word is capitalised there (a sentence-initial or lower-cased use
/// elsewhere then gets that evidence).
#[derive(Clone, Debug, Default)]
pub struct DocumentContext {
    /// Lower-case hash → (capitalised mid-sentence, lower-case mid-sentence, sentence-initial) counts.
    counts: std::collections::HashMap<u64, [u32; 3]>,
}

/// Which of the three counts an occurrence adds to; `None` when it says nothing.
fn doc_slot(info: &WordInfo, initial: bool) -> Option<usize> {
    if info.flags & F_LETTER == 0 {
        None
    } else if initial {
        Some(2)
    } else if info.flags & F_INIT_UPPER != 0 {
        Some(0)
    } else if info.flags & F_HAS_LOWER != 0 {
        Some(1)
    } else {
        None
    }
}

/// Whether a sentence is mostly in capitals (its case says nothing).
fn shouting(info: &[WordInfo]) -> bool {
    profile(info) == 1
}

impl DocumentContext {
    /// Forgets the document (keeps the memory).
    pub fn clear(&mut self) {
        self.counts.clear();
    }

    /// Counts one sentence of the document; add every sentence before
    /// labelling any (or as many as are known).
    pub fn add_sentence(&mut self, words: &[&str]) {
        let info: Vec<WordInfo> = words.iter().map(|w| analyse(w).0).collect();
        if shouting(&info) {
            return;
        }
        for (i, w) in info.iter().enumerate() {
            if let Some(k) = doc_slot(w, i == 0) {
                self.counts.entry(w.lower).or_insert([0; 3])[k] += 1;
            }
        }
    }

    /// Per word of a sentence of the document (already added), what the
    /// *other* occurrences of the word in it show: 1 none, 2 only at
    /// sentence starts, 3/4 capitalised mid-sentence once/more, 5 both
    /// capitalised and not, 6/7 lower case once/more.
    pub fn values(&self, words: &[&str], out: &mut Vec<u8>) {
        out.clear();
        let mut info = Vec::with_capacity(words.len());
        info.extend(words.iter().map(|w| analyse(w).0));
        let shout = shouting(&info);
        for (i, w) in info.iter().enumerate() {
            let mut c = self.counts.get(&w.lower).copied().unwrap_or([0; 3]);
            if !shout {
                if let Some(k) = doc_slot(w, i == 0) {
                    c[k] = c[k].saturating_sub(1);
                }
            }
            out.push(match c {
                [0, 0, 0] => 1,
                [0, 0, _] => 2,
                [1, 0, _] => 3,
                [_, 0, _] => 4,
                [0, 1, _] => 6,
                [0, _, _] => 7,
                _ => 5,
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Features

/// Positions a word can hold relative to the token being labelled.
const ROLES: usize = 5;
const R_CUR: usize = 0;
const R_P1: usize = 1;
const R_P2: usize = 2;
const R_N1: usize = 3;
const R_N2: usize = 4;

// Feature templates.
const T_FORM: u32 = 1;
const T_LOWER: u32 = 2;
const T_SHAPE: u32 = 3;
const T_SHORT: u32 = 4;
const T_FLAGS: u32 = 5;
const T_PRE: u32 = 6;
const T_SUF: u32 = 7;
const T_LEN: u32 = 8;
const T_CASE: u32 = 9;
const T_LIST: u32 = 10;
const T_PAD: u32 = 12;
const T_CASE_FLAGS: u32 = 13;
const T_LIST_FLAGS: u32 = 14;
const T_MATCH: u32 = 15;
const T_BI_LEFT: u32 = 20;
const T_BI_RIGHT: u32 = 21;
const T_SHAPE3: u32 = 22;
const T_FIRST: u32 = 23;
const T_PROFILE: u32 = 24;
const T_PREV_SHAPE: u32 = 25;
const T_SHAPE_NEXT: u32 = 26;
const T_PROFILE_LOWER: u32 = 27;
const T_BIAS: u32 = 28;
const T_TRANS: u32 = 30;
const T_POS: u32 = 31;
const T_POS_LEFT: u32 = 32;
const T_POS_RIGHT: u32 = 33;
const T_POS3: u32 = 34;
const T_POS_SHAPE: u32 = 35;
const T_POS_LOWER: u32 = 36;
const T_POS_PREV_WORD: u32 = 37;
const T_POS_CASE: u32 = 38;
const T_DOC: u32 = 39;
const T_DOC_CASE: u32 = 40;
const T_DOC_NEIGHBOURS: u32 = 41;

/// Document templates (bits of `doc_mask`): the word's document value with
/// its flags, with its capitalisation bucket, and the values of the words
/// around it.
const DOC_FLAGS: u32 = 1;
const DOC_CASE: u32 = 2;
const DOC_NEIGHBOURS: u32 = 4;
/// The document templates on by default.
pub const DEFAULT_DOC: u32 = DOC_FLAGS | DOC_CASE;
const N_DOC: usize = 3;

/// Keys of the document templates of token `i` (none when `doc` is empty
/// or says nothing); returns how many.
fn doc_keys(info: &[WordInfo], doc: &[u8], i: usize, mask: u32, out: &mut [u64; N_DOC]) -> usize {
    let Some(&v) = doc.get(i).filter(|&&v| v != 0) else { return 0 };
    let w = info.get(i).copied().unwrap_or_default();
    let v = u64::from(v);
    let mut k = 0;
    if mask & DOC_FLAGS != 0 {
        out[k] = hash::feature(T_DOC, &[v, u64::from(w.flags)]);
        k += 1;
    }
    if mask & DOC_CASE != 0 {
        out[k] = hash::feature(T_DOC_CASE, &[v, u64::from(w.attrs & 15)]);
        k += 1;
    }
    if mask & DOC_NEIGHBOURS != 0 {
        let at = |j: Option<usize>| j.and_then(|j| doc.get(j)).map_or(0, |&x| u64::from(x));
        out[k] = hash::feature(T_DOC_NEIGHBOURS, &[at(i.checked_sub(1)), v, at(Some(i + 1))]);
        k += 1;
    }
    k
}

/// Part-of-speech templates (bits of `pos`): the tag of each word in the
/// window (a small dense table at run time), the tag bigrams left and right
/// of the token (dense too), and hashed ones: the tag trigram, the tag with
/// the word's shape, with its lower case, with the previous word, and with
/// the word's capitalisation bucket.
const POS_UNI: u32 = 1;
const POS_BI: u32 = 2;
const POS_TRI: u32 = 4;
const POS_SHAPE: u32 = 8;
const POS_LOWER: u32 = 16;
const POS_PREV_WORD: u32 = 32;
const POS_CASE: u32 = 64;
/// The part-of-speech templates on by default.
pub const DEFAULT_POS: u32 = POS_UNI | POS_BI | POS_TRI | POS_SHAPE;
const N_POS_HASHED: usize = 5;

fn pos_uni_key(role: usize, p: u8) -> u64 {
    hash::feature(T_POS, &[role as u64, u64::from(p)])
}

fn pos_left_key(p: u8, c: u8) -> u64 {
    hash::feature(T_POS_LEFT, &[u64::from(p), u64::from(c)])
}

fn pos_right_key(c: u8, n: u8) -> u64 {
    hash::feature(T_POS_RIGHT, &[u64::from(c), u64::from(n)])
}

/// The tag of token `j` (as a signed position), `POS_EDGE` beyond the sentence.
#[inline]
fn pos_at(pos: &[u8], i: usize, off: isize) -> u8 {
    let j = i as isize + off;
    if j < 0 {
        POS_EDGE
    } else {
        pos.get(j as usize).copied().map_or(POS_EDGE, |p| p.min(POS_EDGE - 1))
    }
}

/// Keys of the hashed part-of-speech templates of token `i`; returns how many.
fn pos_hashed_keys(
    info: &[WordInfo],
    pos: &[u8],
    i: usize,
    mask: u32,
    out: &mut [u64; N_POS_HASHED],
) -> usize {
    let (p, c, n) = (pos_at(pos, i, -1), pos_at(pos, i, 0), pos_at(pos, i, 1));
    let w = info.get(i).copied().unwrap_or_default();
    let prev = if i == 0 { EDGE } else { info.get(i - 1).map_or(EDGE, |x| x.lower) };
    let mut k = 0;
    let mut push = |bit: u32, key: &dyn Fn() -> u64| {
        if mask & bit != 0 {
            out[k] = key();
            k += 1;
        }
    };
    let c64 = u64::from(c);
    push(POS_TRI, &|| hash::feature(T_POS3, &[u64::from(p), c64, u64::from(n)]));
    push(POS_SHAPE, &|| hash::feature(T_POS_SHAPE, &[c64, w.short]));
    push(POS_LOWER, &|| hash::feature(T_POS_LOWER, &[c64, w.lower]));
    push(POS_PREV_WORD, &|| hash::feature(T_POS_PREV_WORD, &[prev, c64]));
    push(POS_CASE, &|| hash::feature(T_POS_CASE, &[c64, u64::from(w.attrs & 15), u64::from(w.flags)]));
    k
}

/// Every part-of-speech key of token `i` (training and tests).
fn pos_keys(info: &[WordInfo], pos: &[u8], i: usize, mask: u32, out: &mut Vec<u64>) {
    if mask & POS_UNI != 0 {
        for (role, off) in [(R_CUR, 0), (R_P1, -1), (R_P2, -2), (R_N1, 1), (R_N2, 2)] {
            out.push(pos_uni_key(role, pos_at(pos, i, off)));
        }
    }
    if mask & POS_BI != 0 {
        out.push(pos_left_key(pos_at(pos, i, -1), pos_at(pos, i, 0)));
        out.push(pos_right_key(pos_at(pos, i, 0), pos_at(pos, i, 1)));
    }
    let mut h = [0; N_POS_HASHED];
    let k = pos_hashed_keys(info, pos, i, mask, &mut h);
    out.extend_from_slice(&h[..k]);
}

const N_CONTEXT: usize = 8;
/// Context templates on by default: the three-word shape, the sentence's case
/// profile with the word's shape and with its lower case, the previous word
/// with this one's shape, and listed multi-token names matched as a whole.
/// The others (word bigrams, first word, shape with next word) gave no
/// measurable gain on the UNER dev set and cost a lookup per token each.
const DEFAULT_CONTEXT: u32 = 0x1b4;

/// Boundary value for neighbours beyond the sentence.
const EDGE: u64 = 0x005e_ed0f_ed9e;

/// A sorted open-addressing table from 64-bit keys to `u32` values.
#[derive(Clone, Debug, Default)]
struct Table {
    mask: usize,
    slots: Vec<(u64, u32)>,
}

impl Table {
    fn build(items: impl ExactSizeIterator<Item = (u64, u32)>) -> Table {
        let cap = (items.len() * 2).next_power_of_two().max(16);
        let mut t = Table { mask: cap - 1, slots: vec![(0, 0); cap] };
        for (k, v) in items {
            let k = k.max(1);
            let mut s = k as usize & t.mask;
            loop {
                if t.slots[s].0 == 0 {
                    t.slots[s] = (k, v);
                    break;
                }
                if t.slots[s].0 == k {
                    break; // first wins
                }
                s = (s + 1) & t.mask;
            }
        }
        t
    }

    /// The values of the occupied slots.
    fn values(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().filter(|s| s.0 != 0).map(|s| s.1)
    }

    /// Writes the table as it lies in memory: capacity, then the occupied
    /// slots in slot order.
    fn write(&self, w: &mut Writer) {
        w.u32(self.slots.len() as u32);
        let used = self.slots.iter().filter(|s| s.0 != 0).count();
        w.u32(used as u32);
        for (i, &(k, v)) in self.slots.iter().enumerate() {
            if k != 0 {
                w.u32(i as u32);
                w.u64(k);
                w.u32(v);
            }
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Table> {
        let cap = r.u32()? as usize;
        let used = r.len(16)?;
        // A power of two with a free slot, so probing always ends, and no
        // larger than its entries need (a corrupt file allocates no more).
        if !cap.is_power_of_two() || cap > (used.max(8) * 4).next_power_of_two() || used >= cap {
            return Err(r.err(format!("a table of {used} entries in {cap} slots")));
        }
        let mut t = Table { mask: cap - 1, slots: vec![(0, 0); cap] };
        let mut last = None;
        for b in r.take(16 * used)?.chunks_exact(16) {
            let i = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
            let k = u64::from_le_bytes([b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11]]);
            let v = u32::from_le_bytes([b[12], b[13], b[14], b[15]]);
            if i >= cap || last.is_some_and(|l| l >= i) || k == 0 {
                return Err(r.err(format!("table slot {i} out of order or empty")));
            }
            t.slots[i] = (k, v);
            last = Some(i);
        }
        Ok(t)
    }

    #[inline]
    fn get(&self, k: u64) -> Option<u32> {
        let k = k.max(1);
        let mut s = k as usize & self.mask;
        loop {
            let (sk, v) = *self.slots.get(s)?;
            if sk == k {
                return Some(v);
            }
            if sk == 0 {
                return None;
            }
            s = (s + 1) & self.mask;
        }
    }
}

/// A word analysed once for all the roles it holds.
struct Analysed {
    info: WordInfo,
    long: u64,
    attrs: u32,
}

fn analyse_word(word: &str, attrs: &Table) -> Analysed {
    let (mut info, long) = analyse(word);
    info.attrs = attrs.get(info.lower).unwrap_or(0) & !PHRASE;
    Analysed { info, long, attrs: info.attrs }
}

/// Feature keys of `word` holding position `role`.
fn role_keys(word: &str, a: &Analysed, role: usize, out: &mut Vec<u64>) {
    let r = role as u64;
    let info = &a.info;
    // For the current word the identity features come first: training drops them at times.
    out.push(hash::feature(T_LOWER, &[r, info.lower]));
    if role == R_CUR {
        out.push(hash::feature(T_FORM, &[r, hash::bytes(word.as_bytes())]));
    }
    out.push(hash::feature(T_SHORT, &[r, info.short]));
    if role == R_CUR || role == R_P1 || role == R_N1 {
        let flags = u64::from(info.flags);
        out.push(hash::feature(T_FLAGS, &[r, flags]));
        out.push(hash::feature(T_CASE, &[r, u64::from(a.attrs & 15)]));
        out.push(hash::feature(T_CASE_FLAGS, &[r, u64::from(a.attrs & 15), flags]));
        let mut bits = a.attrs >> 4;
        while bits != 0 {
            let b = u64::from(bits.trailing_zeros());
            out.push(hash::feature(T_LIST, &[r, b]));
            out.push(hash::feature(T_LIST_FLAGS, &[r, b, flags]));
            bits &= bits - 1;
        }
    }
    if role == R_CUR {
        out.push(hash::feature(T_SHAPE, &[r, a.long]));
        let n = word.chars().count();
        out.push(hash::feature(T_LEN, &[r, n.min(12) as u64]));
        for k in 1..=4usize {
            if n > k {
                let end = word.char_indices().nth(k).map_or(word.len(), |(b, _)| b);
                out.push(hash::feature(T_PRE, &[r, k as u64, lower_hash(&word[..end])]));
                let start = word.char_indices().rev().nth(k - 1).map_or(0, |(b, _)| b);
                out.push(hash::feature(T_SUF, &[r, k as u64, lower_hash(&word[start..])]));
            }
        }
    }
}

fn word_keys(word: &str, attrs: &Table, role: usize, out: &mut Vec<u64>) -> WordInfo {
    let a = analyse_word(word, attrs);
    role_keys(word, &a, role, out);
    a.info
}

fn pad_key(role: usize) -> u64 {
    hash::feature(T_PAD, &[role as u64])
}

fn bias_key() -> u64 {
    hash::feature(T_BIAS, &[])
}

/// Case profile of a sentence: 0 mixed, 1 all capitals, 2 no capitals, 3 title case.
fn profile(info: &[WordInfo]) -> u64 {
    let mut letters = 0usize;
    let mut caps = 0usize;
    let mut init = 0usize;
    for w in info {
        if w.flags & F_LETTER != 0 {
            letters += 1;
            if w.flags & F_ALL_UPPER != 0 {
                caps += 1;
            }
            if w.flags & F_INIT_UPPER != 0 {
                init += 1;
            }
        }
    }
    if letters >= 3 && caps * 10 >= letters * 6 {
        1
    } else if init == 0 && letters >= 2 {
        2
    } else if letters >= 4 && init * 10 >= letters * 8 {
        3
    } else {
        0
    }
}

/// Keys of the features that pair token `i` with its neighbours or sentence,
/// for the templates whose bit is set in `mask`; returns how many.
fn context_keys(info: &[WordInfo], i: usize, profile: u64, mask: u32, out: &mut [u64; N_CONTEXT]) -> usize {
    let edge = WordInfo { lower: EDGE, short: EDGE, flags: 0, attrs: 0 };
    let w = info.get(i).copied().unwrap_or(edge);
    let p = if i == 0 { edge } else { info.get(i - 1).copied().unwrap_or(edge) };
    let n = info.get(i + 1).copied().unwrap_or(edge);
    let mut k = 0;
    let mut push = |bit: u32, key: &dyn Fn() -> u64| {
        if mask & (1 << bit) != 0 {
            out[k] = key();
            k += 1;
        }
    };
    push(0, &|| hash::feature(T_BI_LEFT, &[p.lower, w.lower]));
    push(1, &|| hash::feature(T_BI_RIGHT, &[w.lower, n.lower]));
    push(2, &|| hash::feature(T_SHAPE3, &[p.short, w.short, n.short]));
    push(3, &|| hash::feature(T_FIRST, &[u64::from(i == 0), w.short, u64::from(w.flags)]));
    push(4, &|| hash::feature(T_PROFILE, &[profile, w.short]));
    push(5, &|| hash::feature(T_PREV_SHAPE, &[p.lower, w.short]));
    push(6, &|| hash::feature(T_SHAPE_NEXT, &[w.short, n.lower]));
    push(7, &|| hash::feature(T_PROFILE_LOWER, &[profile, w.lower]));
    k
}

/// Context bit: features for listed multi-token names matched as a whole.
const USE_PHRASES: u32 = 1 << 8;

fn push_match_keys(mut bits: u32, out: &mut Vec<u64>) {
    while bits != 0 {
        out.push(hash::feature(T_MATCH, &[u64::from(bits.trailing_zeros())]));
        bits &= bits - 1;
    }
}

fn trans_key(prev: usize, cur: usize) -> u64 {
    hash::feature(T_TRANS, &[prev as u64, cur as u64])
}

/// Every feature key of every token of a sentence (training and tests);
/// `pos` is empty when the sentence is untagged (every tag then reads as unknown).
#[allow(clippy::too_many_arguments)]
fn sentence_keys(
    words: &[&str],
    pos: &[u8],
    doc: &[u8],
    attrs: &Table,
    context: u32,
    pos_mask: u32,
    doc_mask: u32,
    keys: &mut Vec<u64>,
    offsets: &mut Vec<usize>,
) {
    let mut info = Vec::with_capacity(words.len());
    let mut scratch = Vec::new();
    for w in words {
        scratch.clear();
        info.push(word_keys(w, attrs, R_CUR, &mut scratch));
    }
    let prof = profile(&info);
    let mut matched = Vec::new();
    if context & USE_PHRASES != 0 {
        phrase_matches(&info, attrs, &mut matched);
    }
    let unknown = vec![0u8; words.len()];
    let pos = if pos.len() == words.len() { pos } else { &unknown };
    for i in 0..words.len() {
        offsets.push(keys.len());
        keys.push(bias_key());
        push_match_keys(matched.get(i).copied().unwrap_or(0), keys);
        word_keys(words[i], attrs, R_CUR, keys);
        for (role, j) in
            [(R_P1, i.checked_sub(1)), (R_P2, i.checked_sub(2)), (R_N1, Some(i + 1)), (R_N2, Some(i + 2))]
        {
            match j.and_then(|j| words.get(j)) {
                Some(w) => {
                    word_keys(w, attrs, role, keys);
                }
                None => keys.push(pad_key(role)),
            }
        }
        let mut ctx = [0; N_CONTEXT];
        let k = context_keys(&info, i, prof, context, &mut ctx);
        keys.extend_from_slice(&ctx[..k]);
        if pos_mask != 0 {
            pos_keys(&info, pos, i, pos_mask, keys);
        }
        let mut d = [0; N_DOC];
        let k = doc_keys(&info, doc, i, doc_mask, &mut d);
        keys.extend_from_slice(&d[..k]);
    }
    offsets.push(keys.len());
}

// ---------------------------------------------------------------------------
// Decoding

trait Score: Copy + PartialOrd + std::ops::Add<Output = Self> {
    /// Low enough that a path through it never wins, high enough not to overflow.
    const NEG: Self;
}
impl Score for f32 {
    const NEG: f32 = -1e30;
}
impl Score for i64 {
    const NEG: i64 = i64::MIN / 4;
}

/// Which labels may start and end a sentence and follow which.
#[derive(Clone, Debug)]
struct Grammar {
    nl: usize,
    start: Vec<bool>,
    end: Vec<bool>,
    /// Allowed predecessors of label `y`: `from[offs[y]..offs[y + 1]]`.
    offs: Vec<usize>,
    from: Vec<u8>,
}

impl Grammar {
    fn new(labels: Labels) -> Grammar {
        let nl = labels.count();
        let mut g = Grammar {
            nl,
            start: (0..nl).map(|y| labels.allowed(None, y)).collect(),
            end: (0..nl).map(|y| labels.allowed_end(y)).collect(),
            offs: vec![0],
            from: Vec::new(),
        };
        for y in 0..nl {
            g.from.extend((0..nl).filter(|&p| labels.allowed(Some(p), y)).map(|p| p as u8));
            g.offs.push(g.from.len());
        }
        g
    }
}

/// Viterbi over `n` tokens with transition scores `trans` (`(nl + 1) × nl`,
/// row `nl` = sentence start). Writes the best allowed labels to `out`.
fn viterbi<T: Score>(
    n: usize,
    g: &Grammar,
    emission: impl Fn(usize, usize) -> T,
    trans: &[T],
    delta: &mut Vec<T>,
    back: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    out.clear();
    let nl = g.nl;
    if n == 0 || nl == 0 {
        return;
    }
    delta.clear();
    delta.resize(2 * nl, T::NEG);
    back.clear();
    back.resize(n * nl, 0);
    for y in 0..nl {
        if g.start[y] {
            delta[y] = trans[nl * nl + y] + emission(0, y);
        }
    }
    for i in 1..n {
        let (a, b) = delta.split_at_mut(nl);
        let (prev, cur) = if i % 2 == 1 { (&*a, b) } else { (&*b, a) };
        let back = &mut back[i * nl..(i + 1) * nl];
        for y in 0..nl {
            let mut best = T::NEG;
            let mut arg = 0u8;
            for &p in &g.from[g.offs[y]..g.offs[y + 1]] {
                let s = prev[usize::from(p)] + trans[usize::from(p) * nl + y];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            cur[y] = best + emission(i, y);
            back[y] = arg;
        }
    }
    let last = if n % 2 == 1 { &delta[..nl] } else { &delta[nl..] };
    let mut y = 0;
    let mut best = T::NEG;
    for (l, &v) in last.iter().enumerate() {
        if g.end[l] && v > best {
            best = v;
            y = l;
        }
    }
    out.resize(n, 0);
    for i in (0..n).rev() {
        out[i] = y as u8;
        if i > 0 {
            y = usize::from(back[i * nl + y]);
        }
    }
}

/// The frozen weights laid out for scoring speed: open addressing where a
/// slot holds a 32-bit fingerprint of the key and the feature's dense row of
/// `i16` label weights, so a lookup touches one cache line.
#[derive(Clone, Debug, Default)]
struct Dense {
    nl: usize,
    /// `i16`s per slot: fingerprint (2) + row, rounded up to 16.
    stride: usize,
    mask: usize,
    slots: Vec<i16>,
}

impl Dense {
    /// Rebuilds `w`, read back from its serialised form (the only view
    /// `Weights` gives of its rows; freshly written, so it always reads).
    fn from_weights(w: &Weights) -> Dense {
        let nl = w.n_classes();
        let mut buf = Writer::new(b"DYADNERW", 0);
        w.write(&mut buf);
        let stride = (nl + 2).div_ceil(16) * 16;
        // Load at most 3/4 (linear probing stays short), usually about half.
        let cap = (w.n_features() + w.n_features() / 3 + 1).next_power_of_two().max(16);
        let mut d = Dense { nl, stride, mask: cap - 1, slots: vec![0; cap * stride] };
        let mut fill = || -> Result<()> {
            let mut r = Reader::new(&buf.buf, b"DYADNERW", 0, "ner")?;
            r.u32()?;
            r.f32()?;
            for _ in 0..r.u32()? {
                let key = r.u64()?;
                let len = r.u8()?;
                let s = d.slot_for_insert(key);
                for _ in 0..len {
                    let c = usize::from(r.u8()?);
                    let v = r.i16()?;
                    if c < nl {
                        d.slots[s * stride + 2 + c] = v;
                    }
                }
            }
            Ok(())
        };
        let _ = fill();
        d
    }

    /// Number of features.
    fn len(&self) -> usize {
        self.slots.chunks(self.stride.max(1)).filter(|s| s.get(..2).is_some_and(|f| f != [0, 0])).count()
    }

    /// Writes the table as it lies in memory: capacity, then the occupied
    /// slots in slot order, each as its index, fingerprint and non-zero
    /// label weights.
    fn write(&self, w: &mut Writer) {
        let cap = self.mask + 1;
        w.u32(cap as u32);
        w.u32(self.len() as u32);
        for (i, slot) in self.slots.chunks(self.stride).enumerate() {
            if slot[..2] != [0, 0] {
                w.u32(i as u32);
                w.i16(slot[0]);
                w.i16(slot[1]);
                let row = &slot[2..2 + self.nl];
                w.u8(row.iter().filter(|&&v| v != 0).count() as u8);
                for (c, &v) in row.iter().enumerate().filter(|(_, &v)| v != 0) {
                    w.u8(c as u8);
                    w.i16(v);
                }
            }
        }
    }

    fn read(r: &mut Reader<'_>, nl: usize) -> Result<Dense> {
        let cap = r.u32()? as usize;
        let used = r.len(9)?;
        if !cap.is_power_of_two() || cap > (used.max(8) * 4).next_power_of_two() || used >= cap {
            return Err(r.err(format!("a weight table of {used} entries in {cap} slots")));
        }
        let stride = (nl + 2).div_ceil(16) * 16;
        let mut d = Dense { nl, stride, mask: cap - 1, slots: vec![0; cap * stride] };
        let mut last = None;
        for _ in 0..used {
            let head = r.take(9)?;
            let i = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
            let fp = [i16::from_le_bytes([head[4], head[5]]), i16::from_le_bytes([head[6], head[7]])];
            let n = usize::from(head[8]);
            if i >= cap || last.is_some_and(|l| l >= i) || fp == [0, 0] || n > nl {
                return Err(r.err(format!("weight slot {i} out of order, empty or too long")));
            }
            let slot = &mut d.slots[i * stride..i * stride + 2 + nl];
            slot[..2].copy_from_slice(&fp);
            for e in r.take(3 * n)?.chunks_exact(3) {
                let c = usize::from(e[0]);
                if c >= nl {
                    return Err(r.err(format!("weight for label {c} of {nl}")));
                }
                slot[2 + c] = i16::from_le_bytes([e[1], e[2]]);
            }
            last = Some(i);
        }
        Ok(d)
    }

    #[inline]
    fn fingerprint(key: u64) -> (usize, [i16; 2]) {
        let fp = ((key >> 32) as u32) | 1;
        (key as usize, [fp as u16 as i16, (fp >> 16) as u16 as i16])
    }

    fn slot_for_insert(&mut self, key: u64) -> usize {
        let (h, fp) = Dense::fingerprint(key);
        let mut s = h & self.mask;
        loop {
            let at = &mut self.slots[s * self.stride..s * self.stride + 2];
            if at == [0, 0] {
                at.copy_from_slice(&fp);
                return s;
            }
            if at == fp {
                return s;
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Adds the weights of feature `key` into `scores` (length `nl`).
    #[inline]
    fn add(&self, key: u64, scores: &mut [i32]) {
        let (h, fp) = Dense::fingerprint(key);
        let mut s = h & self.mask;
        loop {
            let Some(slot) = self.slots.get(s * self.stride..(s + 1) * self.stride) else { return };
            if slot[..2] == fp {
                for (sc, &w) in scores.iter_mut().zip(&slot[2..2 + self.nl]) {
                    *sc += i32::from(w);
                }
                return;
            }
            if slot[..2] == [0, 0] {
                return;
            }
            s = (s + 1) & self.mask;
        }
    }
}

/// Marks a summed weight too large for an `i16`: the value is the next one
/// of the wide list.
const WIDE: i16 = i16::MIN;

/// Writes word rows (`INFO` values then `ROLES × nl` sums per word): the
/// infos as `u32`s, the sums as `i16`s with the rare larger ones apart.
fn write_rows(w: &mut Writer, rows: &[i32], block: usize) {
    w.u32((rows.len() / block.max(1)) as u32);
    let mut wide = Vec::new();
    for b in rows.chunks(block) {
        for &v in &b[..INFO] {
            w.u32(v as u32);
        }
    }
    for b in rows.chunks(block) {
        for &v in &b[INFO..] {
            if v > i32::from(i16::MIN) && v <= i32::from(i16::MAX) {
                w.i16(v as i16);
            } else {
                w.i16(WIDE);
                wide.push(v);
            }
        }
    }
    w.u32(wide.len() as u32);
    for v in wide {
        w.u32(v as u32);
    }
}

fn read_rows(r: &mut Reader<'_>, block: usize) -> Result<Vec<i32>> {
    let n = r.len(block * 2)?;
    let sums = block - INFO;
    let mut rows = vec![0i32; n * block];
    let infos = r.take(4 * INFO * n)?;
    for (b, info) in rows.chunks_mut(block).zip(infos.chunks_exact(4 * INFO)) {
        for (v, x) in b[..INFO].iter_mut().zip(info.chunks_exact(4)) {
            *v = i32::from_le_bytes([x[0], x[1], x[2], x[3]]);
        }
    }
    let narrow = r.take(2 * sums * n)?;
    let mut n_wide = 0usize;
    for (b, vals) in rows.chunks_mut(block).zip(narrow.chunks_exact(2 * sums)) {
        for (v, x) in b[INFO..].iter_mut().zip(vals.chunks_exact(2)) {
            let x = i16::from_le_bytes([x[0], x[1]]);
            n_wide += usize::from(x == WIDE);
            *v = i32::from(x);
        }
    }
    if r.len(4)? != n_wide {
        return Err(r.err(format!("{n_wide} wide word sums marked, another number stored")));
    }
    let wide = r.take(4 * n_wide)?;
    let mut next = wide.chunks_exact(4);
    for b in rows.chunks_mut(block) {
        for v in b[INFO..].iter_mut().filter(|v| **v == i32::from(WIDE)) {
            if let Some(x) = next.next() {
                *v = i32::from_le_bytes([x[0], x[1], x[2], x[3]]);
            }
        }
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------
// The model

/// The trained recogniser: read-only, shareable across threads.
///
/// Everything it needs to label is stored in the model file in the layout
/// it is used in (hash tables in slot order, the frequent words' summed
/// weights), so loading is a few copies, not a rebuild.
#[derive(Clone, Debug)]
pub struct Ner {
    /// Fingerprint of the weights, so a scratch never mixes two models' memos.
    id: u64,
    labels: Labels,
    /// Bit set of the context templates in use.
    context: u32,
    /// Bit set of the part-of-speech templates in use.
    pos_mask: u32,
    /// Bit set of the document templates in use.
    doc_mask: u32,
    /// The feature weights.
    dense: Dense,
    /// `(nl + 1) × nl` transition scores in emission units.
    trans: Vec<i32>,
    /// Lower-case hash → word attributes (capitalisation bucket, name lists).
    attrs: Table,
    /// Form hash of a frequent training word → its block in `rows`.
    cache: Table,
    /// Per frequent word a block of `INFO` values (its `WordInfo`) then
    /// `ROLES × nl` summed weights: one place in memory per token.
    rows: Vec<i32>,
    /// Added to the O label's score: below zero favours names (recall),
    /// above zero favours O (precision). Set by [`Ner::tune_outside`].
    outside: i32,
    // Derived at load time (small).
    grammar: Grammar,
    /// Sums for missing neighbours, per role (`ROLES × nl`, CUR unused).
    pads: Vec<i32>,
    bias: Vec<i32>,
    /// Summed weights of the dense part-of-speech templates: per role and
    /// tag (`ROLES × N_POS × nl`), and per tag pair left and right of the
    /// token (`N_POS × N_POS × nl` each); empty when unused.
    pos_uni: Vec<i32>,
    pos_left: Vec<i32>,
    pos_right: Vec<i32>,
}

/// Per-thread buffers for [`Ner::spans`].
#[derive(Clone, Debug, Default)]
pub struct NerScratch {
    info: Vec<WordInfo>,
    /// Feature sums of this sentence's unknown words.
    rows: Vec<i32>,
    /// Per token: a vocabulary index, or `vocab.len() + k` for the k-th unknown word.
    src: Vec<usize>,
    emission: Vec<i32>,
    delta: Vec<i64>,
    trans: Vec<i64>,
    back: Vec<u8>,
    labels: Vec<u8>,
    keys: Vec<u64>,
    matched: Vec<u32>,
    /// Recently seen unknown words (names recur within a document), direct
    /// mapped by form hash: `(model id, form hash, info)` and their sums.
    memo: Vec<(u64, u64, WordInfo)>,
    memo_rows: Vec<i32>,
    /// Tag ids for [`Ner::spans_tagged`].
    pos: Vec<u8>,
    /// All-unknown tags for untagged sentences.
    no_pos: Vec<u8>,
    /// Document values for [`Ner::spans_in_document`].
    doc: Vec<u8>,
}

/// Unknown words a scratch remembers.
const MEMO: usize = 256;

impl Ner {
    fn n_labels(&self) -> usize {
        self.labels.count()
    }

    /// A model from its stored parts; derives the small tables.
    fn assemble(labels: Labels, masks: [u32; 3], dense: Dense, trans: Vec<i32>, attrs: Table) -> Ner {
        let [context, pos_mask, doc_mask] = masks;
        let nl = labels.count();
        let mut ner = Ner {
            id: 0,
            labels,
            context,
            pos_mask,
            doc_mask,
            dense,
            trans,
            attrs,
            cache: Table::default(),
            rows: Vec::new(),
            outside: 0,
            grammar: Grammar::new(labels),
            pads: vec![0; ROLES * nl],
            bias: vec![0; nl],
            pos_uni: Vec::new(),
            pos_left: Vec::new(),
            pos_right: Vec::new(),
        };
        if pos_mask & POS_UNI != 0 {
            ner.pos_uni = vec![0; ROLES * N_POS * nl];
            for (k, row) in ner.pos_uni.chunks_mut(nl).enumerate() {
                ner.dense.add(pos_uni_key(k / N_POS, (k % N_POS) as u8), row);
            }
        }
        if pos_mask & POS_BI != 0 {
            ner.pos_left = vec![0; N_POS * N_POS * nl];
            ner.pos_right = vec![0; N_POS * N_POS * nl];
            for (k, row) in ner.pos_left.chunks_mut(nl).enumerate() {
                ner.dense.add(pos_left_key((k / N_POS) as u8, (k % N_POS) as u8), row);
            }
            for (k, row) in ner.pos_right.chunks_mut(nl).enumerate() {
                ner.dense.add(pos_right_key((k / N_POS) as u8, (k % N_POS) as u8), row);
            }
        }
        for role in [R_P1, R_P2, R_N1, R_N2] {
            ner.dense.add(pad_key(role), &mut ner.pads[role * nl..(role + 1) * nl]);
        }
        ner.dense.add(bias_key(), &mut ner.bias);
        ner
    }

    /// Sets the model's fingerprint (after its weights are all in place).
    fn set_id(&mut self) {
        let mut id = hash::mix(self.dense.len() as u64, self.rows.len() as u64);
        for &v in self.trans.iter().chain(&self.bias).chain(&self.pads) {
            id = hash::mix(id, u64::from(v as u32));
        }
        self.id = hash::finish(id) | 1;
    }

    /// A freshly trained model whose `words` (the most frequent first) get
    /// their summed weights precomputed.
    fn build(
        labels: Labels,
        masks: [u32; 3],
        weights: &Weights,
        trans: Vec<i32>,
        attrs: Table,
        words: &[String],
    ) -> Ner {
        let mut ner = Ner::assemble(labels, masks, Dense::from_weights(weights), trans, attrs);
        let bs = INFO + ROLES * labels.count();
        let mut rows = vec![0; words.len() * bs];
        let mut keys = Vec::new();
        for (block, w) in rows.chunks_mut(bs).zip(words) {
            let (head, sums) = block.split_at_mut(INFO);
            let info = ner.word_rows(w, sums, &mut keys);
            head.copy_from_slice(&info.pack());
        }
        ner.cache =
            Table::build(words.iter().enumerate().map(|(i, w)| (hash::bytes(w.as_bytes()), i as u32)));
        ner.rows = rows;
        ner.set_id();
        ner
    }

    /// Number of words whose summed weights are stored.
    fn n_rows(&self) -> usize {
        self.rows.len() / (INFO + ROLES * self.n_labels())
    }

    /// Sums a word's feature weights for each role into `row` (`ROLES × nl`).
    fn word_rows(&self, word: &str, row: &mut [i32], keys: &mut Vec<u64>) -> WordInfo {
        let nl = self.n_labels();
        row.iter_mut().for_each(|v| *v = 0);
        let a = analyse_word(word, &self.attrs);
        for (role, r) in row.chunks_mut(nl).enumerate().take(ROLES) {
            keys.clear();
            role_keys(word, &a, role, keys);
            for &k in keys.iter() {
                self.dense.add(k, r);
            }
        }
        a.info
    }

    /// Finds the names in one sentence of tokens; `out` is cleared first.
    /// Spans are in order, do not overlap and never start inside a name.
    ///
    /// A model with part-of-speech features reads every tag as unknown here;
    /// [`Ner::spans_tagged`] gives it the tagger's tags.
    pub fn spans(&self, words: &[&str], scratch: &mut NerScratch, out: &mut Vec<EntitySpan>) {
        self.spans_pos(words, &[], scratch, out);
    }

    /// As [`Ner::spans`], with each word's Penn tag (XPOS, as the tagger
    /// gives it); `xpos` must be as long as `words`, else it is ignored.
    pub fn spans_tagged(
        &self,
        words: &[&str],
        xpos: &[&str],
        scratch: &mut NerScratch,
        out: &mut Vec<EntitySpan>,
    ) {
        let mut pos = std::mem::take(&mut scratch.pos);
        pos.clear();
        if xpos.len() == words.len() {
            pos.extend(xpos.iter().map(|t| pos_id(t)));
        }
        self.spans_pos(words, &pos, scratch, out);
        scratch.pos = pos;
    }

    /// As [`Ner::spans`], with tags as [`pos_id`]s (empty: untagged).
    pub fn spans_pos(&self, words: &[&str], pos: &[u8], scratch: &mut NerScratch, out: &mut Vec<EntitySpan>) {
        self.spans_with(words, pos, &[], scratch, out);
    }

    /// As [`Ner::spans_pos`] for a sentence of a document whose sentences
    /// were all added to `doc` first: how a word is written elsewhere in the
    /// document helps (a name at the start of a sentence or in lower case).
    pub fn spans_in_document(
        &self,
        words: &[&str],
        pos: &[u8],
        doc: &DocumentContext,
        scratch: &mut NerScratch,
        out: &mut Vec<EntitySpan>,
    ) {
        let mut values = std::mem::take(&mut scratch.doc);
        if self.doc_mask != 0 {
            doc.values(words, &mut values);
        } else {
            values.clear();
        }
        self.spans_with(words, pos, &values, scratch, out);
        scratch.doc = values;
    }

    /// Spans of a prepared sentence, with its tags and document values
    /// (evaluation; allocates).
    pub fn spans_annotated(
        &self,
        s: &AnnotatedSentence,
        scratch: &mut NerScratch,
        out: &mut Vec<EntitySpan>,
    ) {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        self.spans_with(&words, &s.pos, &s.doc, scratch, out);
    }

    /// Spans with tags and document values (either may be empty).
    fn spans_with(
        &self,
        words: &[&str],
        pos: &[u8],
        doc: &[u8],
        scratch: &mut NerScratch,
        out: &mut Vec<EntitySpan>,
    ) {
        out.clear();
        self.label(words, pos, doc, scratch);
        let labels = self.labels;
        labels.decode(&scratch.labels, |start, end, class| {
            if let SpanClass::Kind(kind) = SpanClass::from_index(class) {
                out.push(EntitySpan { start, end, kind });
            }
        });
    }

    /// Fills `scratch.labels` with the best label sequence.
    fn label(&self, words: &[&str], pos: &[u8], doc: &[u8], scratch: &mut NerScratch) {
        let n = words.len();
        let nl = self.n_labels();
        let rl = ROLES * nl;
        let NerScratch {
            info,
            rows,
            src,
            emission,
            delta,
            trans,
            back,
            labels,
            keys,
            matched,
            memo,
            memo_rows,
            pos: _,
            no_pos,
            doc: _,
        } = scratch;
        let pos = if pos.len() == n {
            pos
        } else {
            no_pos.clear();
            no_pos.resize(n, 0);
            &no_pos[..]
        };
        if memo.len() != MEMO || memo_rows.len() != MEMO * rl {
            memo.clear();
            memo.resize(MEMO, (0, 0, WordInfo::default()));
            memo_rows.clear();
            memo_rows.resize(MEMO * rl, 0);
        }
        info.clear();
        rows.clear();
        src.clear();
        // Known words point into the model's cache; unknown ones are summed into `rows`.
        let unknown = self.n_rows();
        let bs = INFO + rl;
        for w in words {
            let h = hash::bytes(w.as_bytes());
            match self.cache.get(h) {
                Some(v) => {
                    src.push(v as usize);
                    let head = self.rows.get(v as usize * bs..v as usize * bs + INFO);
                    info.push(head.map(WordInfo::unpack).unwrap_or_default());
                }
                None => {
                    let k = rows.len() / rl;
                    rows.resize(rows.len() + rl, 0);
                    let m = h as usize % MEMO;
                    let memo_row = &mut memo_rows[m * rl..(m + 1) * rl];
                    if memo[m].0 == self.id && memo[m].1 == h {
                        rows[k * rl..].copy_from_slice(memo_row);
                        info.push(memo[m].2);
                    } else {
                        let wi = self.word_rows(w, &mut rows[k * rl..], keys);
                        memo_row.copy_from_slice(&rows[k * rl..]);
                        memo[m] = (self.id, h, wi);
                        info.push(wi);
                    }
                    src.push(unknown + k);
                }
            }
        }
        let row = |i: usize, role: usize| -> &[i32] {
            let v = src[i];
            let r = if v < unknown { &self.rows[v * bs + INFO..] } else { &rows[(v - unknown) * rl..] };
            &r[role * nl..(role + 1) * nl]
        };
        let pad = |role: usize| &self.pads[role * nl..(role + 1) * nl];
        let prof = profile(info);
        matched.clear();
        if self.context & USE_PHRASES != 0 {
            phrase_matches(info, &self.attrs, matched);
        }
        emission.clear();
        emission.resize(n * nl, 0);
        for (i, em) in emission.chunks_mut(nl).enumerate() {
            em.copy_from_slice(&self.bias);
            em[0] += self.outside;
            let parts = [
                row(i, R_CUR),
                if i >= 1 { row(i - 1, R_P1) } else { pad(R_P1) },
                if i >= 2 { row(i - 2, R_P2) } else { pad(R_P2) },
                if i + 1 < n { row(i + 1, R_N1) } else { pad(R_N1) },
                if i + 2 < n { row(i + 2, R_N2) } else { pad(R_N2) },
            ];
            for part in parts {
                em.iter_mut().zip(part).for_each(|(e, s)| *e += s);
            }
            let mut ctx = [0; N_CONTEXT];
            let k = context_keys(info, i, prof, self.context, &mut ctx);
            for &key in &ctx[..k] {
                self.dense.add(key, em);
            }
            let mut bits = matched.get(i).copied().unwrap_or(0);
            while bits != 0 {
                self.dense.add(hash::feature(T_MATCH, &[u64::from(bits.trailing_zeros())]), em);
                bits &= bits - 1;
            }
            if self.pos_mask != 0 {
                self.add_pos(info, pos, i, em);
            }
            if self.doc_mask != 0 && !doc.is_empty() {
                let mut d = [0; N_DOC];
                let k = doc_keys(info, doc, i, self.doc_mask, &mut d);
                for &key in &d[..k] {
                    self.dense.add(key, em);
                }
            }
        }
        trans.clear();
        trans.extend(self.trans.iter().map(|&t| i64::from(t)));
        viterbi(n, &self.grammar, |i, y| i64::from(emission[i * nl + y]), trans, delta, back, labels);
    }

    /// Adds the part-of-speech features of token `i` into `em`.
    #[inline]
    fn add_pos(&self, info: &[WordInfo], pos: &[u8], i: usize, em: &mut [i32]) {
        let nl = em.len();
        let add = |em: &mut [i32], table: &[i32], k: usize| {
            if let Some(row) = table.get(k * nl..(k + 1) * nl) {
                em.iter_mut().zip(row).for_each(|(e, w)| *e += w);
            }
        };
        let at = |off: isize| usize::from(pos_at(pos, i, off));
        let (p, c, n) = (at(-1), at(0), at(1));
        if self.pos_mask & POS_UNI != 0 {
            for (role, j) in [(R_CUR, c), (R_P1, p), (R_P2, at(-2)), (R_N1, n), (R_N2, at(2))] {
                add(em, &self.pos_uni, role * N_POS + j);
            }
        }
        if self.pos_mask & POS_BI != 0 {
            add(em, &self.pos_left, p * N_POS + c);
            add(em, &self.pos_right, c * N_POS + n);
        }
        let mut keys = [0; N_POS_HASHED];
        let k = pos_hashed_keys(info, pos, i, self.pos_mask, &mut keys);
        for &key in &keys[..k] {
            self.dense.add(key, em);
        }
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        w.u8(match self.labels.scheme {
            Scheme::Bio => 0,
            Scheme::Bilou => 1,
        });
        w.u8(self.labels.n_classes as u8);
        w.u32(self.context);
        w.u32(self.pos_mask);
        w.u32(self.doc_mask);
        w.u32(self.outside as u32);
        w.u32(self.trans.len() as u32);
        for &t in &self.trans {
            w.u32(t as u32);
        }
        self.dense.write(&mut w);
        self.attrs.write(&mut w);
        self.cache.write(&mut w);
        write_rows(&mut w, &self.rows, INFO + ROLES * self.n_labels());
        w.buf
    }

    /// Loads a model written by [`Ner::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Model`] when the bytes are not a name-recogniser model of this
    /// format version, or are truncated or inconsistent.
    pub fn from_bytes(data: &[u8]) -> Result<Ner> {
        let mut r = Reader::new(data, MAGIC, VERSION, "ner")?;
        let scheme = match r.u8()? {
            0 => Scheme::Bio,
            1 => Scheme::Bilou,
            s => return Err(r.err(format!("unknown tag scheme {s}"))),
        };
        let n_classes = r.u8()? as usize;
        if !(3..=4).contains(&n_classes) {
            return Err(r.err(format!("{n_classes} entity classes (expected 3 or 4)")));
        }
        let context = r.u32()?;
        let pos_mask = r.u32()?;
        let doc_mask = r.u32()?;
        let outside = r.u32()? as i32;
        let labels = Labels { scheme, n_classes };
        let nl = labels.count();
        let n = r.len(4)?;
        if n != (nl + 1) * nl {
            return Err(r.err(format!("{n} transition scores, expected {}", (nl + 1) * nl)));
        }
        let trans =
            r.take(4 * n)?.chunks_exact(4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let dense = Dense::read(&mut r, nl)?;
        let attrs = Table::read(&mut r)?;
        let cache = Table::read(&mut r)?;
        let bs = INFO + ROLES * nl;
        let rows = read_rows(&mut r, bs)?;
        let n = rows.len();
        if cache.values().any(|v| v as usize >= n / bs) {
            return Err(r.err("a cached word points past the word rows".into()));
        }
        r.finish()?;
        let mut ner = Ner::assemble(labels, [context, pos_mask, doc_mask], dense, trans, attrs);
        ner.cache = cache;
        ner.rows = rows;
        ner.outside = outside;
        ner.set_id();
        Ok(ner)
    }

    /// Loads a model file.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read, else as [`Ner::from_bytes`].
    pub fn load(path: &Path) -> Result<Ner> {
        let data = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
        Ner::from_bytes(&data)
    }

    /// Picks the offset of the O label's score that gives the best span F1
    /// on `dev` (a held-out set, never the test set); returns that F1.
    pub fn tune_outside(&mut self, dev: &[AnnotatedSentence]) -> f64 {
        // Steps of 1/32 of the largest weight.
        let step = i32::from(i16::MAX) / 32;
        let mut best = (f64::MIN, 0);
        for k in -12..=6 {
            self.outside = k * step;
            let f1 = evaluate(self, dev).overall.f1();
            if f1 > best.0 {
                best = (f1, self.outside);
            }
        }
        self.outside = best.1;
        best.0
    }

    /// Whether the model has part-of-speech features (else tags are ignored).
    pub fn uses_tags(&self) -> bool {
        self.pos_mask != 0
    }

    /// Whether the model has document features (else [`Ner::spans_in_document`]
    /// is [`Ner::spans_pos`]).
    pub fn uses_documents(&self) -> bool {
        self.doc_mask != 0
    }

    /// Number of hashed features with weights.
    pub fn n_features(&self) -> usize {
        self.dense.len()
    }
}

// ---------------------------------------------------------------------------
// Training

/// Choices for [`train`].
#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub epochs: usize,
    pub scheme: Scheme,
    /// Learn `OTH` spans as a class of their own (else they read as O).
    pub keep_other: bool,
    /// Seed of the deterministic shuffle between epochs.
    pub seed: u64,
    /// Words seen fewer times than this in training are not cached (they go
    /// through the slower unknown-word path at run time).
    pub min_cache_count: usize,
    /// At most this many of the most frequent training words get their
    /// summed weights stored in the model (speed; results are the same).
    pub cache_words: usize,
    /// Bit set of the context templates to use (see `context_keys`).
    pub context: u32,
    /// Chance that a rare word's identity features are hidden from an update,
    /// so that the model learns to spot names from their shape and context.
    pub word_dropout: f32,
    /// Bit set of the part-of-speech templates (0: none). Sentences without
    /// tags read every tag as unknown.
    pub pos: u32,
    /// Share of training sentences whose tags are hidden, so that the model
    /// also copes without a tagger ([`Ner::spans`]).
    pub pos_dropout: f32,
    /// Bit set of the document templates (0: none).
    pub doc: u32,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            epochs: 10,
            scheme: Scheme::Bilou,
            keep_other: false,
            seed: 1,
            min_cache_count: 1,
            cache_words: 20_000,
            context: DEFAULT_CONTEXT,
            word_dropout: 0.4,
            pos: 0,
            pos_dropout: 0.0,
            doc: 0,
        }
    }
}

struct Prepared {
    keys: Vec<u64>,
    offsets: Vec<usize>,
    gold: Vec<u8>,
    /// Per token: seen at most twice in training (its identity features may be dropped).
    rare: Vec<bool>,
}

/// Keys of a token after the bias that name the word itself (lower case, form).
const IDENTITY: std::ops::Range<usize> = 1..3;

/// Structured averaged-perceptron training, one epoch at a time.
pub struct NerTrainer {
    labels: Labels,
    context: u32,
    pos_mask: u32,
    doc_mask: u32,
    emission: Trainer,
    /// Two classes: class 0 holds each transition's weight (class 1 its negation).
    trans: Trainer,
    attrs: Table,
    vocab: Vec<String>,
    data: Vec<Prepared>,
    order: Vec<usize>,
    rng: u64,
    dropout: f32,
    epoch: usize,
}

impl NerTrainer {
    pub fn new(sentences: &[AnnotatedSentence], lexicon: &Lexicon, config: TrainConfig) -> NerTrainer {
        let labels = Labels { scheme: config.scheme, n_classes: if config.keep_other { 4 } else { 3 } };
        let attrs = Table::build(lexicon.attrs().into_iter());
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut lower_counts: BTreeMap<u64, usize> = BTreeMap::new();
        for s in sentences {
            for w in &s.words {
                *counts.entry(w).or_insert(0) += 1;
                *lower_counts.entry(lower_hash(w)).or_insert(0) += 1;
            }
        }
        let mut data = Vec::with_capacity(sentences.len());
        for s in sentences {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            let mut p =
                Prepared { keys: Vec::new(), offsets: Vec::new(), gold: Vec::new(), rare: Vec::new() };
            let draw = (hash::finish(hash::mix(config.seed, data.len() as u64)) >> 11) as f64;
            let hide = draw < f64::from(config.pos_dropout) * (1u64 << 53) as f64;
            let pos: &[u8] = if hide { &[] } else { &s.pos };
            let (c, m) = (config.context, [config.pos, config.doc]);
            sentence_keys(&words, pos, &s.doc, &attrs, c, m[0], m[1], &mut p.keys, &mut p.offsets);
            labels.encode(words.len(), &s.spans, &mut p.gold);
            p.rare = words.iter().map(|w| lower_counts.get(&lower_hash(w)).is_none_or(|&c| c <= 2)).collect();
            data.push(p);
        }
        // The most frequent words first; ties in byte order.
        let mut frequent: Vec<(&str, usize)> =
            counts.into_iter().filter(|&(_, c)| c >= config.min_cache_count).collect();
        frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let vocab = frequent.iter().take(config.cache_words).map(|(w, _)| w.to_string()).collect();
        NerTrainer {
            labels,
            context: config.context,
            pos_mask: config.pos,
            doc_mask: config.doc,
            emission: Trainer::new(labels.count()),
            trans: Trainer::new(2),
            attrs,
            vocab,
            order: (0..data.len()).collect(),
            data,
            rng: config.seed.max(1),
            dropout: config.word_dropout,
            epoch: 0,
        }
    }

    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// One pass over the shuffled training sentences; returns the share of
    /// tokens labelled wrongly during the pass.
    pub fn epoch(&mut self) -> f64 {
        let nl = self.labels.count();
        // Fisher-Yates with xorshift64*: deterministic for a seed.
        for i in (1..self.order.len()).rev() {
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            let r = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
            self.order.swap(i, (r % (i as u64 + 1)) as usize);
        }
        let grammar = Grammar::new(self.labels);
        let mut trans = vec![0f32; (nl + 1) * nl];
        let mut em = Vec::new();
        let mut scores = vec![0f32; nl];
        let mut two = [0f32; 2];
        let (mut delta, mut back, mut pred) = (Vec::new(), Vec::new(), Vec::new());
        let (mut kbuf, mut koff) = (Vec::new(), Vec::new());
        let mut errors = 0usize;
        let mut tokens = 0usize;
        let threshold = (f64::from(self.dropout.clamp(0.0, 1.0)) * u32::MAX as f64) as u64;
        for &si in &self.order {
            let p = &self.data[si];
            let n = p.gold.len();
            if n == 0 {
                continue;
            }
            kbuf.clear();
            koff.clear();
            for i in 0..n {
                koff.push(kbuf.len());
                let keys = &p.keys[p.offsets[i]..p.offsets[i + 1]];
                let mut drop = false;
                if p.rare[i] && threshold > 0 {
                    self.rng ^= self.rng >> 12;
                    self.rng ^= self.rng << 25;
                    self.rng ^= self.rng >> 27;
                    drop = (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) < threshold;
                }
                if drop && keys.len() > IDENTITY.end {
                    kbuf.push(keys[0]);
                    kbuf.extend_from_slice(&keys[IDENTITY.end..]);
                } else {
                    kbuf.extend_from_slice(keys);
                }
            }
            koff.push(kbuf.len());
            for (prev, row) in trans.chunks_mut(nl).enumerate() {
                for (cur, t) in row.iter_mut().enumerate() {
                    self.trans.score(&[trans_key(prev, cur)], &mut two);
                    *t = two[0];
                }
            }
            em.clear();
            for i in 0..n {
                self.emission.score(&kbuf[koff[i]..koff[i + 1]], &mut scores);
                em.extend_from_slice(&scores);
            }
            viterbi(n, &grammar, |i, y| em[i * nl + y], &trans, &mut delta, &mut back, &mut pred);
            self.emission.tick();
            self.trans.tick();
            tokens += n;
            for i in 0..n {
                let (g, q) = (usize::from(p.gold[i]), usize::from(pred[i]));
                if g != q {
                    errors += 1;
                    self.emission.update(&kbuf[koff[i]..koff[i + 1]], g, q, 1.0);
                }
                let gp = if i == 0 { nl } else { usize::from(p.gold[i - 1]) };
                let qp = if i == 0 { nl } else { usize::from(pred[i - 1]) };
                if (gp, g) != (qp, q) {
                    self.trans.update(&[trans_key(gp, g)], 0, 1, 1.0);
                    self.trans.update(&[trans_key(qp, q)], 1, 0, 1.0);
                }
            }
        }
        self.epoch += 1;
        errors as f64 / tokens.max(1) as f64
    }

    /// The averaged model so far.
    pub fn freeze(&self) -> Ner {
        self.freeze_single()
    }

    /// Adds this trainer's averaged weights to `ensemble`, whose model is
    /// their mean (trainers must share data and settings, not seeds).
    pub fn add_to(&self, ensemble: &mut Ensemble) {
        let nl = self.labels.count();
        let weights = self.emission.freeze();
        for (key, row) in weight_rows(&weights) {
            let sum = ensemble.rows.entry(key).or_insert_with(|| vec![0.0; nl]);
            for (c, v) in row {
                if let Some(x) = sum.get_mut(c) {
                    *x += v;
                }
            }
        }
        let tw = self.trans.freeze();
        let mut two = [0i32; 2];
        ensemble.trans.resize((nl + 1) * nl, 0.0);
        for prev in 0..=nl {
            for cur in 0..nl {
                tw.score(&[trans_key(prev, cur)], &mut two);
                ensemble.trans[prev * nl + cur] += two[0] as f32 * tw.scale;
            }
        }
        ensemble.models += 1;
        if ensemble.models == 1 {
            ensemble.labels = Some(self.labels);
            ensemble.masks = [self.context, self.pos_mask, self.doc_mask];
            ensemble.attrs = self.attrs.clone();
            ensemble.vocab = self.vocab.clone();
        }
    }

    fn freeze_single(&self) -> Ner {
        let nl = self.labels.count();
        let weights = self.emission.freeze();
        let tw = self.trans.freeze();
        let mut two = [0i32; 2];
        let mut trans = Vec::with_capacity((nl + 1) * nl);
        for prev in 0..=nl {
            for cur in 0..nl {
                tw.score(&[trans_key(prev, cur)], &mut two);
                let real = two[0] as f32 * tw.scale;
                trans.push((real / weights.scale).round() as i32);
            }
        }
        let masks = [self.context, self.pos_mask, self.doc_mask];
        Ner::build(self.labels, masks, &weights, trans, self.attrs.clone(), &self.vocab)
    }
}

/// The mean of several trainers' weights (see [`NerTrainer::add_to`]).
#[derive(Default)]
pub struct Ensemble {
    rows: BTreeMap<u64, Vec<f32>>,
    trans: Vec<f32>,
    models: usize,
    labels: Option<Labels>,
    masks: [u32; 3],
    attrs: Table,
    vocab: Vec<String>,
}

impl Ensemble {
    /// The model with the mean weights (an empty ensemble gives a model that finds nothing).
    pub fn freeze(&self) -> Ner {
        let labels = self.labels.unwrap_or(Labels { scheme: Scheme::Bilou, n_classes: 3 });
        let nl = labels.count();
        let k = self.models.max(1) as f32;
        let max = self.rows.values().flatten().chain(&self.trans).fold(0.0f32, |m, v| m.max((v / k).abs()));
        let scale = if max > 0.0 { f32::from(i16::MAX) / max } else { 1.0 };
        let rows = self
            .rows
            .iter()
            .map(|(&key, row)| {
                let q = row.iter().enumerate().map(|(c, v)| (c as u8, (v / k * scale).round() as i16));
                (key, q.filter(|&(_, w)| w != 0).collect())
            })
            .collect();
        let weights = Weights::from_rows(nl, 1.0 / scale, rows);
        let mut trans: Vec<i32> = self.trans.iter().map(|v| (v / k * scale).round() as i32).collect();
        trans.resize((nl + 1) * nl, 0);
        Ner::build(labels, self.masks, &weights, trans, self.attrs.clone(), &self.vocab)
    }
}

/// The real-valued rows of frozen weights: `(key, [(class, weight)])`.
fn weight_rows(w: &Weights) -> Vec<(u64, Vec<(usize, f32)>)> {
    let mut buf = Writer::new(b"DYADNERW", 0);
    w.write(&mut buf);
    let mut out = Vec::new();
    let mut read = || -> Result<()> {
        let mut r = Reader::new(&buf.buf, b"DYADNERW", 0, "ner")?;
        r.u32()?;
        let scale = r.f32()?;
        for _ in 0..r.u32()? {
            let key = r.u64()?;
            let len = r.u8()?;
            let mut row = Vec::with_capacity(usize::from(len));
            for _ in 0..len {
                let c = usize::from(r.u8()?);
                row.push((c, f32::from(r.i16()?) * scale));
            }
            out.push((key, row));
        }
        Ok(())
    };
    // Freshly written, so it always reads.
    let _ = read();
    out
}

/// Trains `members` recognisers that differ only in their shuffling seeds
/// and returns the one with their mean weights (less variance than any).
pub fn train_ensemble(
    sentences: &[AnnotatedSentence],
    lexicon: &Lexicon,
    config: TrainConfig,
    members: usize,
) -> Ner {
    let mut e = Ensemble::default();
    for m in 0..members.max(1) {
        let c = TrainConfig { seed: config.seed.wrapping_add(1000 * m as u64), ..config.clone() };
        let epochs = c.epochs;
        let mut t = NerTrainer::new(sentences, lexicon, c);
        for _ in 0..epochs {
            t.epoch();
        }
        t.add_to(&mut e);
    }
    e.freeze()
}

/// Trains a recogniser; the same data and config give the same model.
pub fn train(sentences: &[AnnotatedSentence], lexicon: &Lexicon, config: TrainConfig) -> Ner {
    let epochs = config.epochs;
    let mut t = NerTrainer::new(sentences, lexicon, config);
    for _ in 0..epochs {
        t.epoch();
    }
    t.freeze()
}

// ---------------------------------------------------------------------------
// Evaluation

/// Span counts for precision, recall and F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Exact-span, exact-type scores (CoNLL style) per kind and overall.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Indexed like [`EntityKind::ALL`].
    pub per_kind: [Counts; 3],
    pub overall: Counts,
}

impl Evaluation {
    pub fn kind(&self, k: EntityKind) -> Counts {
        self.per_kind[k.index()]
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<8}{:>7}{:>7}{:>7}{:>8}{:>8}{:>8}", "kind", "gold", "pred", "ok", "P", "R", "F1")?;
        let rows = EntityKind::ALL.iter().map(|k| (k.as_str(), self.kind(*k)));
        for (name, c) in rows.chain([("all", self.overall)]) {
            writeln!(
                f,
                "{:<8}{:>7}{:>7}{:>7}{:>8.4}{:>8.4}{:>8.4}",
                name,
                c.gold,
                c.predicted,
                c.correct,
                c.precision(),
                c.recall(),
                c.f1()
            )?;
        }
        Ok(())
    }
}

/// Scores `ner` against gold sentences (`Other` spans are not counted).
pub fn evaluate(ner: &Ner, gold: &[AnnotatedSentence]) -> Evaluation {
    let mut e = Evaluation::default();
    let mut scratch = NerScratch::default();
    let mut found = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for s in gold {
        words.clear();
        words.extend(s.words.iter().map(String::as_str));
        ner.spans_with(&words, &s.pos, &s.doc, &mut scratch, &mut found);
        let gold_spans = s.spans.iter().filter_map(|g| match g.class {
            SpanClass::Kind(kind) => Some(EntitySpan { start: g.start, end: g.end, kind }),
            SpanClass::Other => None,
        });
        for g in gold_spans {
            e.per_kind[g.kind.index()].gold += 1;
            if found.contains(&g) {
                e.per_kind[g.kind.index()].correct += 1;
            }
        }
        for p in &found {
            e.per_kind[p.kind.index()].predicted += 1;
        }
    }
    for c in e.per_kind {
        e.overall.gold += c.gold;
        e.overall.predicted += c.predicted;
        e.overall.correct += c.correct;
    }
    e
}

#[cfg(test)]
#[path = "ner_tests.rs"]
mod tests;
