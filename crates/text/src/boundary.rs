//! Sentence boundaries: a linear classifier over the gaps between tokens.
//!
//! Inside a paragraph, each gap with whitespace that could end a sentence (the
//! token before it is punctuation or an abbreviation, or the token after it does
//! not start with a lower-case letter, or is a URL) is scored by an averaged
//! perceptron over hashed features of the two tokens on each side (their
//! lower-cased forms and shapes), the sentence length so far, the distance
//! to the paragraph's end and to the nearest final punctuation, and which
//! case the words usually have inside a sentence (a capitalised `Officials`
//! after `U.S.` starts a sentence; `Senate` does not). A positive score ends
//! the sentence.
//!
//! Rules alone cannot do this well on web and news text: in the English Web
//! Treebank about a fifth of the sentence ends inside a paragraph have no final
//! punctuation (e-mail headers and signatures, headlines, lists), and a perfect
//! punctuation-only splitter scores a sentence F1 of 0.86 on its test set.
//!
//! The weights are data (`crates/text/data/sentence-model.bin`, embedded in the
//! binary), trained on the raw text of the EWT training set by
//! `cargo run --release -p dyad-text --example train-splitter`.

use std::sync::{Arc, OnceLock};

use crate::tokenize::is_abbreviation;
use crate::{lexicon::lexicon, Error, Result, Token};

/// The embedded model.
const MODEL_BYTES: &[u8] = include_bytes!("../data/sentence-model.bin");

const MAGIC: &[u8; 8] = b"DYADSENT";
const FORMAT_VERSION: u32 = 2;
/// Bumped whenever the features change, so an old model is refused, not misread.
pub const FEATURE_VERSION: u32 = 2;

/// Number of features of one gap.
pub(crate) const N_FEATURES: usize = 17;

/// Perceptrons averaged into one model (see [`Trainer::train`]).
const RUNS: usize = 10;

/// Bits of the case lexicon's bit sets (2^20 bits each, 128 KiB).
const CASE_BITS: u32 = 20;

/// The features of one gap: hashed keys into the weight table.
pub(crate) type Features = [u64; N_FEATURES];

// Token kinds (bit flags).
const UPPER: u16 = 1;
const LOWER: u16 = 1 << 1;
const DIGIT: u16 = 1 << 2;
/// No letter or digit at all.
const PUNCT: u16 = 1 << 3;
/// Only sentence-final punctuation: `.` `?!` `...` `…`
const FINAL: u16 = 1 << 4;
/// A closing quote or bracket.
const CLOSER: u16 = 1 << 5;
/// A word ending in a period (an abbreviation or initial).
const ABBREV: u16 = 1 << 6;
/// A URL or e-mail address.
const URL: u16 = 1 << 7;
/// An opening quote or bracket.
const OPENER: u16 = 1 << 8;
/// `,` `;` or `:`.
const COMMA: u16 = 1 << 9;
/// A capital letter and a period: `J.`
const INITIAL: u16 = 1 << 10;

/// What the classifier knows about one token.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TokInfo {
    lower: u64,
    shape: u64,
    kind: u16,
    /// Tokens to the next sentence-final punctuation of the paragraph (capped).
    to_final: u16,
    /// Tokens since the previous sentence-final punctuation (capped).
    from_final: u16,
    /// How the word is usually written inside a sentence: bit 0 in lower
    /// case, bit 1 capitalised (both: seen both ways; neither: unknown).
    case: u8,
    /// Whether `lower`, `shape` and `case` are set (see [`prepare`]).
    hashed: bool,
}

/// Fills `info` for the tokens of one paragraph: their kinds and distances to
/// final punctuation. The hashes the features need are computed later, only
/// for the tokens around gaps the classifier scores ([`prepare`]).
pub(crate) fn fill_info(text: &str, tokens: &[Token], info: &mut Vec<TokInfo>) {
    info.clear();
    info.extend(tokens.iter().map(|t| TokInfo { kind: kind_of(t.text(text)), ..TokInfo::default() }));
    let mut d = u16::MAX;
    for t in info.iter_mut().rev() {
        d = if t.kind & FINAL != 0 { 0 } else { d.saturating_add(1) };
        t.to_final = d;
    }
    let mut d = u16::MAX;
    for t in info.iter_mut() {
        d = if t.kind & FINAL != 0 { 0 } else { d.saturating_add(1) };
        t.from_final = d;
    }
}

/// Computes the hashes and case class of the tokens around the gap after token `i`.
pub(crate) fn prepare(model: &SentenceModel, text: &str, tokens: &[Token], info: &mut [TokInfo], i: usize) {
    for k in i.saturating_sub(1)..=i + 1 {
        if let (Some(t), Some(x)) = (tokens.get(k), info.get_mut(k)) {
            if !x.hashed {
                (x.lower, x.shape) = hashes(t.text(text));
                if x.kind & (UPPER | LOWER) != 0 {
                    x.case = model.case.class(x.lower);
                }
                x.hashed = true;
            }
        }
    }
}

/// The kind flags of a token.
fn kind_of(text: &str) -> u16 {
    let bytes = text.as_bytes();
    let Some(&b0) = bytes.first() else { return PUNCT };
    // Most tokens are plain ASCII words or numbers.
    if bytes.iter().all(u8::is_ascii_alphanumeric) {
        return match b0 {
            b'A'..=b'Z' => UPPER,
            b'0'..=b'9' => DIGIT,
            _ => LOWER,
        };
    }
    let first = if b0 < 0x80 { char::from(b0) } else { text.chars().next().unwrap_or(' ') };
    let mut kind = if first.is_uppercase() {
        UPPER
    } else if first.is_ascii_digit() {
        DIGIT
    } else if first.is_lowercase() || (!first.is_ascii() && crate::tokenize::is_word(first)) {
        LOWER
    } else {
        0
    };
    let (mut has_word, mut has_at, mut has_colon, mut ascii) = (false, false, false, true);
    for &b in bytes {
        has_word |= b.is_ascii_alphanumeric();
        has_at |= b == b'@';
        has_colon |= b == b':';
        ascii &= b < 0x80;
    }
    if !ascii && !has_word {
        has_word = text.chars().any(crate::tokenize::is_word);
    }
    if !has_word {
        kind |= PUNCT;
        if text.chars().all(|c| matches!(c, '.' | '!' | '?' | '…')) {
            kind |= FINAL;
        }
        let mut cs = text.chars();
        kind |= match (cs.next(), cs.next(), cs.next()) {
            (Some(c), None, _) => match c {
                ')' | ']' | '}' | '”' | '’' | '»' | '>' => CLOSER,
                '(' | '[' | '{' | '“' | '‘' | '«' | '<' => OPENER,
                '"' | '\'' => CLOSER | OPENER,
                ',' | ';' | ':' => COMMA,
                _ => 0,
            },
            (Some('\''), Some('\''), None) | (Some('’'), Some('’'), None) => CLOSER,
            (Some('`'), Some('`'), None) | (Some('‘'), Some('‘'), None) => OPENER,
            _ => 0,
        };
    } else if bytes.len() > 1 && bytes.last() == Some(&b'.') {
        kind |= ABBREV;
        if kind & UPPER != 0 && text.chars().count() == 2 {
            kind |= INITIAL;
        }
    }
    if bytes.len() > 4
        && (has_at || (has_colon && text.contains("://")) || bytes[..4].eq_ignore_ascii_case(b"www."))
    {
        kind |= URL;
    }
    kind
}

/// The hash of a token's lower-cased form and of its shape (`Xx`, `d.d`,
/// `X.X.`): runs of upper-case, lower-case, digits and other letters, other
/// characters as themselves; one-character tokens marked. Curly quotes and
/// dashes count as their ASCII forms, so that what the model learnt from one
/// style of text carries to the other.
fn hashes(text: &str) -> (u64, u64) {
    const P: u64 = 0x0000_0100_0000_01b3;
    let bytes = text.as_bytes();
    let mut lower: u64 = 0xcbf2_9ce4_8422_2325;
    let mut shape: u64 = 0x8422_2325_cbf2_9ce4;
    let mut last = 0u32;
    let mut n = 0usize;
    let mut i = 0;
    if bytes.is_ascii() {
        for &b in bytes {
            lower = (lower ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(P);
            let class = match b {
                b'A'..=b'Z' => 0x58,
                b'a'..=b'z' => 0x78,
                b'0'..=b'9' => 0x64,
                x => u32::from(x),
            };
            if class != last {
                shape = (shape ^ u64::from(class)).wrapping_mul(P);
                last = class;
            }
        }
        n = bytes.len();
        i = bytes.len();
    }
    while i < bytes.len() {
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            let c = text.get(i..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}');
            (c, c.len_utf8())
        };
        let c = fold(c);
        if c.is_ascii() {
            lower = (lower ^ u64::from((c as u8).to_ascii_lowercase())).wrapping_mul(P);
        } else {
            for &x in &bytes[i..i + len] {
                lower = (lower ^ u64::from(x)).wrapping_mul(P);
            }
        }
        i += len;
        n += 1;
        let class = if c.is_ascii() {
            match c as u8 {
                b'A'..=b'Z' => 0x58,
                b'a'..=b'z' => 0x78,
                b'0'..=b'9' => 0x64,
                x => u32::from(x),
            }
        } else if c.is_uppercase() {
            0x58
        } else if c.is_lowercase() {
            0x78
        } else if crate::tokenize::is_word(c) {
            0x77
        } else {
            u32::from(c)
        };
        if class != last {
            shape = (shape ^ u64::from(class)).wrapping_mul(P);
            last = class;
        }
    }
    if n == 1 {
        shape = (shape ^ 0x31).wrapping_mul(P);
    }
    (finish(lower), finish(shape))
}

impl TokInfo {
    /// Whether the token is a word ending in a period (`etc.`, `U.S.`, `J.`).
    pub(crate) fn ends_in_period(&self) -> bool {
        self.kind & ABBREV != 0
    }

    /// The info standing for "no token here" (before or after the paragraph).
    fn edge() -> TokInfo {
        TokInfo {
            lower: 0x5eed,
            shape: 0x5eed,
            kind: 0,
            to_final: u16::MAX,
            from_final: u16::MAX,
            case: 0,
            hashed: true,
        }
    }
}

/// The ASCII character a quote or dash stands for in features.
fn fold(c: char) -> char {
    match c {
        '“' | '”' | '„' | '‟' | '«' | '»' => '"',
        '‘' | '’' | '‚' | '‛' | '‹' | '›' => '\'',
        '–' | '—' | '‒' | '―' => '-',
        _ => c,
    }
}

fn finish(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

#[inline]
fn mix(h: u64, v: u64) -> u64 {
    let x = (h ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

#[inline]
fn feat(template: u64, a: u64, b: u64) -> u64 {
    mix(mix(template.wrapping_mul(0xA24B_AED4_963E_E407), a), b)
}

/// What decides whether a gap ends a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Not a sentence end: no space, or nothing suggests one.
    Never,
    /// A sentence end by rule.
    Always,
    /// The classifier decides.
    Model,
}

/// Which gaps the classifier scores, and the few decided by rule.
///
/// Never sentence ends: after a comma (or `;` `:`) and a closing quote
/// (`,” he said`), and between an initial and a capitalised word (`J. R. R.
/// Tolkien`). Always: after an abbreviation that can end a sentence when a
/// capitalised closed-class word follows (`in the U.S. They`).
pub(crate) fn gap(text: &str, tokens: &[Token], info: &[TokInfo], i: usize) -> Gap {
    let (Some(t), Some(l), Some(r)) = (tokens.get(i), info.get(i), info.get(i + 1)) else {
        return Gap::Never;
    };
    let plausible = l.kind & (PUNCT | ABBREV | URL) != 0 || r.kind & LOWER == 0 || r.kind & URL != 0;
    if !t.space_after || !plausible {
        return Gap::Never;
    }
    let after_comma_quote =
        l.kind & CLOSER != 0 && i > 0 && info.get(i - 1).is_some_and(|ll| ll.kind & COMMA != 0);
    let initial = l.kind & INITIAL != 0 && r.kind & UPPER != 0;
    if after_comma_quote || initial {
        return Gap::Never;
    }
    if l.kind & ABBREV != 0 && r.kind & UPPER != 0 {
        let lex = lexicon();
        let next = tokens.get(i + 1).map_or("", |t| t.text(text));
        if lex.can_end_sentence(t.text(text)) && lex.is_starter(next) {
            return Gap::Always;
        }
    }
    Gap::Model
}

fn bucket(n: usize) -> u64 {
    match n {
        0..=3 => n as u64,
        4..=6 => 4,
        7..=10 => 5,
        11..=20 => 6,
        21..=40 => 7,
        _ => 8,
    }
}

/// The rule a punctuation-only splitter would apply, as one more feature.
fn rule(l: &TokInfo, ll: &TokInfo, r: &TokInfo, abbrev: bool) -> u64 {
    let final_punct = l.kind & FINAL != 0 || (l.kind & CLOSER != 0 && ll.kind & FINAL != 0);
    let next_ok = r.kind & (UPPER | DIGIT | OPENER) != 0 || r.kind & PUNCT != 0;
    u64::from(final_punct) | u64::from(next_ok) << 1 | u64::from(abbrev) << 2
}

/// Fills `out` with the features of the gap after token `i` of a paragraph.
///
/// `len` is the number of tokens of the current sentence up to and including
/// token `i`. Tokens: `ll` `l` | `r` `rr` around the gap.
pub(crate) fn features(text: &str, tokens: &[Token], info: &[TokInfo], i: usize, len: usize) -> Features {
    let at = |k: usize| info.get(k).copied().unwrap_or_else(TokInfo::edge);
    let ll = if i > 0 { at(i - 1) } else { TokInfo::edge() };
    let l = at(i);
    let r = at(i + 1);
    let abbrev = l.kind & ABBREV != 0 && {
        let word = tokens.get(i).map_or("", |t| t.text(text));
        let next = || tokens.get(i + 1).and_then(|t| t.text(text).chars().next()).unwrap_or('\0');
        is_abbreviation(lexicon(), word, next)
    };
    let left = info.len().saturating_sub(i + 1);
    let rule = rule(&l, &ll, &r, abbrev);
    let kinds = u64::from(l.kind) | u64::from(r.kind) << 16;
    let finals = bucket(usize::from(r.to_final)) << 8 | bucket(usize::from(l.from_final));
    [
        feat(0, 0, 0),
        feat(1, l.lower, 0),
        feat(2, r.lower, 0),
        feat(3, l.shape, 0),
        feat(4, r.shape, 0),
        feat(5, ll.shape, l.shape),
        feat(6, l.shape, r.shape),
        feat(7, l.lower, r.shape),
        feat(8, l.shape, r.lower),
        feat(9, ll.lower, l.lower),
        feat(10, bucket(len), 0),
        feat(11, bucket(left), 0),
        feat(12, rule, 0),
        feat(13, rule, kinds),
        feat(14, finals, 0),
        feat(
            15,
            u64::from(r.case) | u64::from(r.kind & UPPER) << 2,
            u64::from(l.kind & (ABBREV | FINAL | PUNCT)),
        ),
        feat(16, u64::from(l.case) | u64::from(r.case) << 2, rule),
    ]
}

/// Which words are usually written in lower case, and which capitalised,
/// inside a sentence: two bit sets indexed by a hash of the lower-cased word.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CaseLexicon {
    /// Word keys (32-bit hashes), kept to write the model back out.
    lower_keys: Vec<u32>,
    upper_keys: Vec<u32>,
    lower: Vec<u64>,
    upper: Vec<u64>,
}

impl CaseLexicon {
    fn new(mut lower_keys: Vec<u32>, mut upper_keys: Vec<u32>) -> CaseLexicon {
        lower_keys.sort_unstable();
        lower_keys.dedup();
        upper_keys.sort_unstable();
        upper_keys.dedup();
        let set = |keys: &[u32]| {
            let mut bits = vec![0u64; (1 << CASE_BITS) / 64];
            for &k in keys {
                let b = (k & ((1 << CASE_BITS) - 1)) as usize;
                if let Some(w) = bits.get_mut(b / 64) {
                    *w |= 1 << (b % 64);
                }
            }
            bits
        };
        let (lower, upper) = (set(&lower_keys), set(&upper_keys));
        CaseLexicon { lower_keys, upper_keys, lower, upper }
    }

    /// The key of a word from its lower-case hash.
    fn key(lower: u64) -> u32 {
        (lower >> 32) as u32
    }

    fn class(&self, lower: u64) -> u8 {
        let b = (CaseLexicon::key(lower) & ((1 << CASE_BITS) - 1)) as usize;
        let has = |set: &[u64]| set.get(b / 64).is_some_and(|w| w & (1 << (b % 64)) != 0);
        u8::from(has(&self.lower)) | u8::from(has(&self.upper)) << 1
    }
}

impl Default for CaseLexicon {
    fn default() -> CaseLexicon {
        CaseLexicon::new(Vec::new(), Vec::new())
    }
}

/// A trained sentence-boundary model: a hashed table of weights.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceModel {
    bits: u32,
    weights: Vec<f32>,
    /// No weight is set: fall back to the punctuation rule.
    empty: bool,
    case: CaseLexicon,
}

impl SentenceModel {
    fn new(bits: u32, weights: Vec<f32>, case: CaseLexicon) -> SentenceModel {
        let empty = weights.iter().all(|&w| w == 0.0);
        SentenceModel { bits, weights, empty, case }
    }

    /// Number of weight slots (a power of two).
    pub fn slots(&self) -> usize {
        self.weights.len()
    }

    /// Number of non-zero weights.
    pub fn nonzero(&self) -> usize {
        self.weights.iter().filter(|w| **w != 0.0).count()
    }

    #[inline]
    fn weight(&self, f: u64) -> f32 {
        let mask = self.weights.len() - 1;
        self.weights.get(f as usize & mask).copied().unwrap_or(0.0)
    }

    pub(crate) fn score(&self, feats: &Features) -> f32 {
        feats.iter().map(|&f| self.weight(f)).sum()
    }

    /// The model as bytes: magic, format version, feature version, table
    /// bits, the number of non-zero slots and the slots as (index, weight)
    /// pairs, then the case lexicon as two counted lists of word keys; all
    /// little-endian `u32`/`f32`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&(self.nonzero() as u32).to_le_bytes());
        for (i, &w) in self.weights.iter().enumerate() {
            if w != 0.0 {
                out.extend_from_slice(&(i as u32).to_le_bytes());
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        for keys in [&self.case.lower_keys, &self.case.upper_keys] {
            out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
            for k in keys {
                out.extend_from_slice(&k.to_le_bytes());
            }
        }
        out
    }

    /// Reads a model written by [`SentenceModel::to_bytes`].
    ///
    /// # Errors
    /// [`Error::BadModel`] when the bytes are not such a model, are of another
    /// version, or are cut short.
    pub fn from_bytes(bytes: &[u8]) -> Result<SentenceModel> {
        let bad = |message: &str| Error::BadModel { message: message.to_string() };
        let u32_at = |k: usize| -> Result<u32> {
            let b = bytes.get(k..k + 4).ok_or_else(|| bad("truncated"))?;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        if bytes.get(..8) != Some(&MAGIC[..]) {
            return Err(bad("not a sentence model (bad magic)"));
        }
        if u32_at(8)? != FORMAT_VERSION {
            return Err(bad("unsupported format version"));
        }
        if u32_at(12)? != FEATURE_VERSION {
            return Err(bad("trained for other features; retrain it"));
        }
        let bits = u32_at(16)?;
        if !(8..=24).contains(&bits) {
            return Err(bad("table size out of range"));
        }
        let count = u32_at(20)? as usize;
        let mut weights = vec![0.0f32; 1 << bits];
        let mut at = 24;
        for _ in 0..count {
            let index = u32_at(at)? as usize;
            let w = f32::from_bits(u32_at(at + 4)?);
            let slot = weights.get_mut(index).ok_or_else(|| bad("weight index out of range"))?;
            *slot = w;
            at += 8;
        }
        let mut lists = [Vec::new(), Vec::new()];
        for list in &mut lists {
            let n = u32_at(at)? as usize;
            at += 4;
            if bytes.len() < at + 4 * n {
                return Err(bad("truncated"));
            }
            for _ in 0..n {
                list.push(u32_at(at)?);
                at += 4;
            }
        }
        if at != bytes.len() {
            return Err(bad("trailing bytes"));
        }
        let [lower, upper] = lists;
        Ok(SentenceModel::new(bits, weights, CaseLexicon::new(lower, upper)))
    }

    /// The model embedded in dyad (shared, loaded once).
    ///
    /// Falls back to an all-zero model, which splits by the punctuation rule
    /// alone, if the embedded bytes do not load (a build error the tests catch).
    pub fn embedded() -> Arc<SentenceModel> {
        static MODEL: OnceLock<Arc<SentenceModel>> = OnceLock::new();
        MODEL.get_or_init(|| Arc::new(SentenceModel::from_bytes(MODEL_BYTES).unwrap_or_default())).clone()
    }
}

impl Default for SentenceModel {
    /// A model without weights: [`Segmented`](crate::Segmented) then splits
    /// after final punctuation followed by a capital, digit or opening quote.
    fn default() -> SentenceModel {
        SentenceModel::new(8, vec![0.0; 1 << 8], CaseLexicon::default())
    }
}

/// Decides whether the gap after token `i` ends a sentence.
pub(crate) fn is_boundary(
    model: &SentenceModel,
    text: &str,
    tokens: &[Token],
    info: &[TokInfo],
    i: usize,
    len: usize,
) -> bool {
    if model.empty {
        let at = |k: usize| info.get(k).copied().unwrap_or_else(TokInfo::edge);
        let ll = if i > 0 { at(i - 1) } else { TokInfo::edge() };
        return rule(&at(i), &ll, &at(i + 1), false) & 3 == 3;
    }
    model.score(&features(text, tokens, info, i, len)) > 0.0
}

/// Trains a [`SentenceModel`] from documents with known sentence ends.
///
/// Feed it documents with [`Trainer::add`], then call [`Trainer::train`].
#[derive(Debug, Default)]
pub struct Trainer {
    bits: u32,
    /// Documents and their gold sentence ends.
    docs: Vec<(String, Vec<u32>)>,
    /// Sentence ends that fell on no candidate gap (unreachable by the model).
    pub unreachable: usize,
    /// Sentence ends inside paragraphs on candidate gaps.
    pub positives: usize,
    /// Candidate gaps.
    pub examples: usize,
}

impl Trainer {
    /// A trainer for a table of `2^bits` weights (8..=24).
    pub fn new(bits: u32) -> Trainer {
        Trainer { bits: bits.clamp(8, 24), ..Trainer::default() }
    }

    /// Adds a document; `ends` are the byte offsets where its gold sentences
    /// end, sorted.
    pub fn add(&mut self, text: &str, ends: &[u32]) {
        self.docs.push((text.to_string(), ends.to_vec()));
    }

    /// The paragraphs' tokens of document `d`, with whether each starts a gold sentence.
    fn tokens(&self, d: usize, mut each: impl FnMut(&str, &[Token], &[bool])) {
        let (text, ends) = &self.docs[d];
        let (mut toks, mut starts) = (Vec::new(), Vec::new());
        for (p0, p1) in crate::segment::paragraphs(text, crate::LineBreaks::Line) {
            toks.clear();
            crate::tokenize::tokenize(text, p0, p1, &mut toks, &mut Vec::new());
            starts.clear();
            starts.push(true);
            starts.extend(toks.iter().map(|t| ends.binary_search(&t.span.end).is_ok()));
            each(text, &toks, &starts);
        }
    }

    /// Counts how each word is written inside sentences (not first in one).
    fn case_lexicon(&self) -> CaseLexicon {
        let mut counts: std::collections::HashMap<u32, (u32, u32)> = std::collections::HashMap::new();
        for d in 0..self.docs.len() {
            self.tokens(d, |text, toks, starts| {
                for (k, t) in toks.iter().enumerate() {
                    let word = t.text(text);
                    let mut cs = word.chars();
                    let Some(first) = cs.next() else { continue };
                    let rest = cs.as_str();
                    let sentence_start = starts.get(k).copied().unwrap_or(true);
                    if sentence_start || rest.is_empty() || !word.chars().all(char::is_alphabetic) {
                        continue;
                    }
                    let key = CaseLexicon::key(hashes(word).0);
                    let c = counts.entry(key).or_default();
                    if word.chars().all(char::is_lowercase) {
                        c.0 += 1;
                    } else if first.is_uppercase() && rest.chars().all(char::is_lowercase) {
                        c.1 += 1;
                    }
                }
            });
        }
        let mut lower = Vec::new();
        let mut upper = Vec::new();
        for (&k, &(lo, up)) in &counts {
            if lo >= 2 && lo >= up {
                lower.push(k);
            }
            if up >= 2 && up >= lo {
                upper.push(k);
            }
        }
        CaseLexicon::new(lower, upper)
    }

    /// Builds the case lexicon, then trains ten averaged perceptrons for
    /// `epochs` passes each over the candidate gaps, each in its own fixed
    /// pseudo-random order (so training is deterministic), and averages them.
    pub fn train(&mut self, epochs: usize) -> SentenceModel {
        let case = self.case_lexicon();
        let probe = SentenceModel::new(8, vec![0.0; 256], case.clone());
        let mut examples: Vec<(Features, bool)> = Vec::new();
        let (mut unreachable, mut positives) = (0, 0);
        let mut info = Vec::new();
        for d in 0..self.docs.len() {
            self.tokens(d, |text, toks, starts| {
                fill_info(text, toks, &mut info);
                let mut len = 0;
                for i in 0..toks.len().saturating_sub(1) {
                    len += 1;
                    let gold = starts.get(i + 1).copied().unwrap_or(false);
                    match gap(text, toks, &info, i) {
                        Gap::Model => {
                            prepare(&probe, text, toks, &mut info, i);
                            examples.push((features(text, toks, &info, i, len), gold));
                            positives += usize::from(gold);
                        }
                        Gap::Never => unreachable += usize::from(gold),
                        Gap::Always => {}
                    }
                    if gold {
                        len = 0;
                    }
                }
            });
        }
        (self.unreachable, self.positives, self.examples) = (unreachable, positives, examples.len());
        let size = 1usize << self.bits;
        let mask = size - 1;
        // Several perceptrons, each seeing the examples in its own order, are
        // averaged: one alone flips many close decisions with the order.
        let mut sum = vec![0.0f64; size];
        for run in 0..RUNS {
            let mut w = vec![0.0f32; size];
            // Sum of updates weighted by the time they were made, for averaging.
            let mut u = vec![0.0f64; size];
            let mut t: f64 = 1.0;
            let mut order: Vec<usize> = (0..examples.len()).collect();
            let mut rng: u64 = 0x2545_F491_4F6C_DD1D ^ (run as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            for _ in 0..epochs {
                for k in (1..order.len()).rev() {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    order.swap(k, (rng % (k as u64 + 1)) as usize);
                }
                for &e in &order {
                    let (feats, gold) = &examples[e];
                    let score: f32 = feats.iter().map(|&f| w[f as usize & mask]).sum();
                    if (score > 0.0) != *gold {
                        let y = if *gold { 1.0 } else { -1.0 };
                        for &f in feats {
                            let s = f as usize & mask;
                            w[s] += y;
                            u[s] += t * f64::from(y);
                        }
                    }
                    t += 1.0;
                }
            }
            for ((acc, &wi), &ui) in sum.iter_mut().zip(&w).zip(&u) {
                *acc += f64::from(wi) - ui / t;
            }
        }
        let weights = sum.iter().map(|&x| (x / RUNS as f64) as f32).collect();
        SentenceModel::new(self.bits, weights, case)
    }
}
