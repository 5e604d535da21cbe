//! Sentence boundaries: a linear classifier over the gaps between tokens.
//!
//! Inside a paragraph, each gap with whitespace that could end a sentence (the
//! token before it is punctuation or an abbreviation, or the token after it does
//! not start with a lower-case letter, or is a URL) is scored by an averaged
//! perceptron over hashed features of the two tokens on each side (their
//! lower-cased forms and shapes), the sentence length so far and the distance
//! to the paragraph's end. A positive score ends the sentence.
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
const FORMAT_VERSION: u32 = 1;
/// Bumped whenever the features change, so an old model is refused, not misread.
pub const FEATURE_VERSION: u32 = 1;

/// Number of features of one gap.
pub(crate) const N_FEATURES: usize = 15;

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
}

/// Fills `info` for the tokens of one paragraph.
pub(crate) fn fill_info(text: &str, tokens: &[Token], info: &mut Vec<TokInfo>) {
    info.clear();
    info.extend(tokens.iter().map(|t| TokInfo::of(t.text(text))));
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

impl TokInfo {
    pub(crate) fn of(text: &str) -> TokInfo {
        const P: u64 = 0x0000_0100_0000_01b3;
        let bytes = text.as_bytes();
        let mut lower: u64 = 0xcbf2_9ce4_8422_2325;
        let mut shape: u64 = 0x8422_2325_cbf2_9ce4;
        let mut last = 0u32;
        let mut n = 0usize;
        let mut words = 0usize;
        let mut all_final = true;
        let mut first = 0u32;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let (c, len) = if b < 0x80 {
                (char::from(b), 1)
            } else {
                let c = text.get(i..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}');
                (c, c.len_utf8())
            };
            // Curly quotes and dashes look like their ASCII forms to the model,
            // so that what it learnt from one style of text carries to the other.
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
            // Shape classes: X upper, x lower, d digit, w other letter, else the character.
            let class = if c.is_ascii() {
                match c as u8 {
                    b'A'..=b'Z' => 0x58,
                    b'a'..=b'z' => 0x78,
                    b'0'..=b'9' => 0x64,
                    _ => u32::from(b),
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
            if n == 1 {
                first = class;
            }
            words += usize::from(matches!(class, 0x58 | 0x78 | 0x64 | 0x77));
            all_final &= matches!(c, '.' | '!' | '?' | '…');
            if class != last {
                shape = (shape ^ u64::from(class)).wrapping_mul(P);
                last = class;
            }
        }
        if n == 1 {
            shape = (shape ^ 0x31).wrapping_mul(P);
        }
        let mut kind = match first {
            0x58 => UPPER,
            0x78 | 0x77 => LOWER,
            0x64 => DIGIT,
            _ => 0,
        };
        if words == 0 {
            kind |= PUNCT;
            if all_final {
                kind |= FINAL;
            }
            if matches!(text, ")" | "]" | "}" | "”" | "’" | "»" | "\"" | "'" | "''" | "’’" | ">") {
                kind |= CLOSER;
            }
            if matches!(text, "(" | "[" | "{" | "“" | "‘" | "«" | "\"" | "'" | "``" | "‘‘" | "<") {
                kind |= OPENER;
            }
        } else if bytes.len() > 1 && bytes.last() == Some(&b'.') {
            kind |= ABBREV;
        }
        if bytes.len() > 4
            && (bytes[..4].eq_ignore_ascii_case(b"www.") || bytes.contains(&b'@') || text.contains("://"))
        {
            kind |= URL;
        }
        TokInfo { lower: finish(lower), shape: finish(shape), kind, to_final: 0, from_final: 0 }
    }

    /// Whether the token is a word ending in a period (`etc.`, `U.S.`, `J.`).
    pub(crate) fn ends_in_period(&self) -> bool {
        self.kind & ABBREV != 0
    }

    /// The info standing for "no token here" (before or after the paragraph).
    fn edge() -> TokInfo {
        TokInfo { lower: 0x5eed, shape: 0x5eed, kind: 0, to_final: u16::MAX, from_final: u16::MAX }
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

/// Whether the gap after token `i` (of a paragraph's `info`) is worth scoring.
#[inline]
pub(crate) fn is_candidate(tokens: &[Token], info: &[TokInfo], i: usize) -> bool {
    let (Some(t), Some(l), Some(r)) = (tokens.get(i), info.get(i), info.get(i + 1)) else {
        return false;
    };
    t.space_after && (l.kind & (PUNCT | ABBREV | URL) != 0 || r.kind & LOWER == 0 || r.kind & URL != 0)
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
    ]
}

/// A trained sentence-boundary model: a hashed table of weights.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceModel {
    bits: u32,
    weights: Vec<f32>,
    /// No weight is set: fall back to the punctuation rule.
    empty: bool,
}

impl SentenceModel {
    fn new(bits: u32, weights: Vec<f32>) -> SentenceModel {
        let empty = weights.iter().all(|&w| w == 0.0);
        SentenceModel { bits, weights, empty }
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

    /// The model as bytes: magic, format version, feature version, table bits,
    /// then the non-zero slots as (index, weight) pairs, little-endian.
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
        for k in 0..count {
            let at = 24 + 8 * k;
            let index = u32_at(at)? as usize;
            let w = f32::from_bits(u32_at(at + 4)?);
            let slot = weights.get_mut(index).ok_or_else(|| bad("weight index out of range"))?;
            *slot = w;
        }
        Ok(SentenceModel::new(bits, weights))
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
        SentenceModel::new(8, vec![0.0; 1 << 8])
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
#[derive(Debug)]
pub struct Trainer {
    bits: u32,
    /// (features, is boundary) of every candidate gap seen.
    examples: Vec<(Features, bool)>,
    seg: crate::Segmented,
    /// Sentence ends that fell on no candidate gap (unreachable by the model).
    pub unreachable: usize,
    pub positives: usize,
}

impl Trainer {
    /// A trainer for a table of `2^bits` weights (8..=24).
    pub fn new(bits: u32) -> Trainer {
        Trainer {
            bits: bits.clamp(8, 24),
            examples: Vec::new(),
            seg: crate::Segmented::default(),
            unreachable: 0,
            positives: 0,
        }
    }

    /// Adds the candidate gaps of `text`; `ends` are the byte offsets where
    /// its gold sentences end, sorted.
    pub fn add(&mut self, text: &str, ends: &[u32]) {
        let seg = &mut self.seg;
        seg.tokens.clear();
        seg.sentences.clear();
        let mut info = Vec::new();
        for (p0, p1) in crate::segment::paragraphs(text, seg.options.line_breaks) {
            let first = seg.tokens.len();
            crate::tokenize::tokenize(text, p0, p1, &mut seg.tokens, &mut Vec::new());
            let toks = &seg.tokens[first..];
            fill_info(text, toks, &mut info);
            let mut len = 0;
            for i in 0..toks.len().saturating_sub(1) {
                len += 1;
                let gold = ends.binary_search(&toks[i].span.end).is_ok();
                if is_candidate(toks, &info, i) {
                    self.examples.push((features(text, toks, &info, i, len), gold));
                    self.positives += usize::from(gold);
                } else {
                    self.unreachable += usize::from(gold);
                }
                if gold {
                    len = 0;
                }
            }
        }
    }

    /// Number of candidate gaps collected.
    pub fn examples(&self) -> usize {
        self.examples.len()
    }

    /// Runs `epochs` passes of the averaged perceptron (examples in a fixed
    /// pseudo-random order, so training is deterministic).
    pub fn train(&mut self, epochs: usize) -> SentenceModel {
        let size = 1usize << self.bits;
        let mask = size - 1;
        let mut w = vec![0.0f32; size];
        // Sum of updates weighted by the time they were made, for averaging.
        let mut u = vec![0.0f64; size];
        let mut t: f64 = 1.0;
        let mut order: Vec<usize> = (0..self.examples.len()).collect();
        let mut rng: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..epochs {
            for k in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(k, (rng % (k as u64 + 1)) as usize);
            }
            for &e in &order {
                let (feats, gold) = &self.examples[e];
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
        let weights = w.iter().zip(&u).map(|(&wi, &ui)| (f64::from(wi) - ui / t) as f32).collect();
        SentenceModel::new(self.bits, weights)
    }
}
