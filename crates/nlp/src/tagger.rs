//! Part-of-speech tagger: UPOS and Penn XPOS per token.
//!
//! One averaged-perceptron model predicts the joint (UPOS, XPOS) tag of each
//! word (about 110 pairs in UD English) from hashed features of a ±2 word
//! window — forms, affixes, shapes, how capitalised the sentence is, and
//! the *ambiguity class* (the set of tags a word took in training, learned
//! leave-one-out so that training sees it as new text will) — and of the two
//! previous tags. Decoding is greedy, left to right; an optional second pass
//! also sees the first pass's tags to the right (it did not pay on EWT).
//! Words seen 20+ times are restricted to the tags they were seen with, and
//! words seen 50+ times with a single tag skip scoring altogether.
//!
//! Tagging allocates nothing per token once a [`TagScratch`] has grown:
//! each word is hashed once per sentence, the word-only features of the
//! 2,000 most frequent words are pre-summed at load time, and weights live
//! in a compact table ([`crate::tag_weights`]).
//!
//! ```no_run
//! use dyad_nlp::tagger::{TagScratch, Tagger};
//!
//! let bytes = std::fs::read("models/tagger.bin").unwrap();
//! let tagger = Tagger::from_bytes(&bytes).unwrap();
//! let mut scratch = TagScratch::default();
//! let mut tags = Vec::new();
//! tagger.tag(&["Rutte", "has", "confirmed", "it", "."], &mut scratch, &mut tags);
//! assert_eq!(tagger.xpos_name(tags[2].xpos), "VBN");
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use crate::conllu::{self, Sentence};
use crate::hash;
use crate::lemma::Lemmatizer;
use crate::model::{Reader, Writer};
use crate::tag_perceptron::SparseTrainer;
use crate::tag_table::KeyTable;
use crate::tag_text;
use crate::tag_weights::TagWeights;
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"DYADTAGR";
const VERSION: u32 = 3;
/// Class id meaning "no fixed tag".
const NONE: u8 = u8::MAX;

/// A token's predicted tags: indices into [`Tagger::upos_name`] / [`Tagger::xpos_name`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TagId {
    pub upos: u8,
    pub xpos: u8,
}

/// What the tagger knows about a frequent training word.
#[derive(Clone, Debug, PartialEq)]
struct WordInfo {
    /// Hash of the set of tags the word took in training.
    amb: u64,
    /// The only tag it ever took, when frequent enough to trust.
    fixed: u8,
    /// Tags it may take (bit per class); all ones when unconstrained.
    mask: [u64; 4],
    /// Row of [`Tagger::cache`] with the summed word features, or `u32::MAX`.
    cache: u32,
    /// The one tag the word can get at run time: `fixed`, or the only tag
    /// `mask` allows (derived; such words need no scoring).
    only: u8,
}

/// Frequent training words: hash of the form → [`WordInfo`].
#[derive(Clone, Debug)]
struct WordTable {
    table: KeyTable,
    keys: Vec<u64>,
    info: Vec<WordInfo>,
}

impl WordTable {
    fn new(mut entries: Vec<(u64, WordInfo)>) -> WordTable {
        entries.sort_unstable_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        for (_, w) in &mut entries {
            let ones: u32 = w.mask.iter().map(|m| m.count_ones()).sum();
            w.only = if w.fixed != NONE {
                w.fixed
            } else if ones == 1 {
                let word = w.mask.iter().position(|&m| m != 0).unwrap_or(0);
                (word * 64 + w.mask[word].trailing_zeros() as usize).min(usize::from(NONE)) as u8
            } else {
                NONE
            };
        }
        let table = KeyTable::new(entries.iter().enumerate().map(|(i, e)| (e.0, i as u32)));
        let (keys, info) = entries.into_iter().unzip();
        WordTable { table, keys, info }
    }

    #[inline]
    fn get(&self, key: u64) -> Option<u32> {
        self.table.get(key)
    }
}

/// Hashed, per-token inputs to the feature templates.
#[derive(Clone, Copy, Debug, Default)]
struct Tok {
    word: u64,
    lower: u64,
    suf: [u64; 4],
    pre: [u64; 3],
    len: u64,
    shape: u64,
    flags: u64,
    amb: u64,
    /// Index into the word table, or `u32::MAX`.
    info: u32,
    /// Whether `info` is the entry of this very form (not of its lower case).
    exact: bool,
}

const PAD: Tok = Tok {
    word: 0x5AD0,
    lower: 0x5AD1,
    suf: [0x5AD2; 4],
    pre: [0x5AD3; 3],
    len: 0x5AD6,
    shape: 0x5AD4,
    flags: 0x5AD5,
    amb: 0x5AD7,
    info: u32::MAX,
    exact: false,
};
const UNKNOWN_AMB: u64 = 0xA3B;
const PAD_TAG: u64 = 1 << 20;
const UNK_TAG: u64 = 1 << 21;

const F_UPPER: u64 = 1;
const F_INIT_UPPER: u64 = 2;
const F_ALL_UPPER: u64 = 4;
const F_DIGIT: u64 = 8;
const F_ALL_DIGIT: u64 = 16;
const F_HYPHEN: u64 = 32;
const F_PERIOD: u64 = 64;
const F_ALPHA: u64 = 128;
const F_NON_ASCII: u64 = 256;

fn char_class(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else if c.is_alphabetic() {
        'a'
    } else {
        tag_text::fold(c)
    }
}

impl Tok {
    fn new(w: &str, words: &WordTable) -> Tok {
        let word = tag_text::form(w);
        let lower = tag_text::lower(w);
        let mut suf = [0; 4];
        for (k, s) in suf.iter_mut().enumerate() {
            *s = tag_text::lower(&w[tag_text::suffix_start(w, k + 1)..]);
        }
        let mut pre = [0; 3];
        for (k, p) in pre.iter_mut().enumerate() {
            *p = tag_text::lower(&w[..tag_text::prefix_end(w, k + 1)]);
        }
        let mut shape = 0x51A9u64;
        let mut last = '\0';
        let mut classes = 0;
        let mut flags = 0;
        let mut n_letters = 0;
        let mut n_upper = 0;
        let mut n_digits = 0;
        for (i, c) in w.chars().enumerate() {
            let cc = char_class(c);
            if cc != last && classes < 8 {
                shape = hash::mix(shape, u64::from(u32::from(cc)));
                classes += 1;
                last = cc;
            }
            if c.is_alphabetic() {
                n_letters += 1;
                flags |= F_ALPHA;
            }
            if c.is_uppercase() {
                n_upper += 1;
                flags |= F_UPPER;
                if i == 0 {
                    flags |= F_INIT_UPPER;
                }
            }
            if c.is_ascii_digit() {
                n_digits += 1;
                flags |= F_DIGIT;
            }
            match c {
                '-' | '\u{2010}' | '\u{2013}' => flags |= F_HYPHEN,
                '.' => flags |= F_PERIOD,
                _ => {}
            }
            if !c.is_ascii() {
                flags |= F_NON_ASCII;
            }
        }
        if n_letters > 1 && n_upper == n_letters {
            flags |= F_ALL_UPPER;
        }
        if n_digits > 0 && w.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ':' | '/' | '-')) {
            flags |= F_ALL_DIGIT;
        }
        let exact = words.get(word);
        let info = exact.or_else(|| words.get(lower)).unwrap_or(u32::MAX);
        let amb = words.info.get(info as usize).map_or(UNKNOWN_AMB, |i| i.amb);
        Tok {
            word,
            lower,
            suf,
            pre,
            shape,
            flags,
            len: w.chars().count().min(12) as u64,
            amb,
            info,
            exact: exact.is_some(),
        }
    }
}

/// How capitalised the sentence is, so that a capital letter in a headline
/// counts for less: 0 short, 1 normal, 2 mostly title case, 3 mostly capitals.
fn caps_profile(toks: &[Tok]) -> u64 {
    let (mut alpha, mut init, mut all) = (0u32, 0u32, 0u32);
    for t in toks.iter().skip(1) {
        if t.flags & F_ALPHA != 0 {
            alpha += 1;
            init += u32::from(t.flags & F_INIT_UPPER != 0);
            all += u32::from(t.flags & F_ALL_UPPER != 0);
        }
    }
    if alpha < 3 {
        0
    } else if all * 10 >= alpha * 6 {
        3
    } else if init * 10 >= alpha * 6 {
        2
    } else {
        1
    }
}

/// Template ids; the numbers only need to be distinct and stable.
mod t {
    pub const BIAS: u32 = 1;
    pub const WORD: u32 = 2;
    pub const LOWER: u32 = 3;
    pub const SUF: u32 = 4; // 4..=7
    pub const PRE: u32 = 8; // 8..=10
    pub const SHAPE: u32 = 11;
    pub const FLAGS: u32 = 12;
    pub const AMB: u32 = 13;
    pub const LOWER_M1: u32 = 14;
    pub const LOWER_P1: u32 = 15;
    pub const LOWER_M2: u32 = 16;
    pub const LOWER_P2: u32 = 17;
    pub const SUF3_M1: u32 = 18;
    pub const SUF3_P1: u32 = 19;
    pub const BI_M1: u32 = 20;
    pub const BI_P1: u32 = 21;
    pub const SHAPE_M1: u32 = 22;
    pub const SHAPE_P1: u32 = 23;
    pub const AMB_M1: u32 = 24;
    pub const AMB_P1: u32 = 25;
    pub const AMB_BI_M1: u32 = 26;
    pub const AMB_BI_P1: u32 = 27;
    pub const AMB_M2: u32 = 28;
    pub const AMB_P2: u32 = 29;
    pub const FLAGS_FIRST: u32 = 31;
    pub const AROUND: u32 = 32;
    pub const AMB_TRI: u32 = 33;
    pub const M1_SUF3: u32 = 34;
    pub const LEN: u32 = 30;
    pub const SHAPE_TRI: u32 = 35;
    pub const SUF2_M1: u32 = 36;
    pub const SUF2_P1: u32 = 37;
    pub const W_SUF3_P1: u32 = 38;
    pub const CAPS_FLAGS: u32 = 39;
    pub const CAPS_AMB: u32 = 40;

    pub const T_M1: u32 = 60;
    pub const T_M2M1: u32 = 61;
    pub const T_M1_LOWER: u32 = 62;
    pub const R_P1: u32 = 63;
    pub const R_P1P2: u32 = 64;
    pub const R_P1_LOWER: u32 = 65;
    pub const T_M1_R_P1: u32 = 66;
    pub const T_M1_AMB: u32 = 67;
    pub const R_P1_AMB: u32 = 68;
    pub const T_M1_SUF3: u32 = 69;
}

/// A feature key for `template` over `vals`. Cheaper than
/// [`hash::feature`] (one multiply per value): the values are word hashes
/// that are already well mixed, or small ids.
#[inline(always)]
fn feature(template: u32, vals: &[u64]) -> u64 {
    let mut h = u64::from(template).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for &v in vals {
        h = (h ^ v).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        h ^= h >> 32;
    }
    h
}

#[inline]
fn at(toks: &[Tok], i: usize, d: isize) -> &Tok {
    i.checked_add_signed(d).and_then(|j| toks.get(j)).unwrap_or(&PAD)
}

/// Features that depend only on the words.
fn static_features(toks: &[Tok], caps: u64, i: usize, out: &mut Vec<u64>) {
    word_features(at(toks, i, 0), out);
    context_features(toks, caps, i, out);
}

/// Features of the word alone: their sum is cached per frequent word.
fn word_features(w: &Tok, out: &mut Vec<u64>) {
    out.push(feature(t::WORD, &[w.word]));
    out.push(feature(t::LOWER, &[w.lower]));
    for (k, &s) in w.suf.iter().enumerate() {
        out.push(feature(t::SUF + k as u32, &[s]));
    }
    for (k, &p) in w.pre.iter().enumerate() {
        out.push(feature(t::PRE + k as u32, &[p]));
    }
    out.push(feature(t::LEN, &[w.len]));
    out.push(feature(t::SHAPE, &[w.shape]));
    out.push(feature(t::FLAGS, &[w.flags]));
    out.push(feature(t::AMB, &[w.amb]));
}

/// Features of the word in its sentence.
fn context_features(toks: &[Tok], caps: u64, i: usize, out: &mut Vec<u64>) {
    let w = at(toks, i, 0);
    let m1 = at(toks, i, -1);
    let m2 = at(toks, i, -2);
    let p1 = at(toks, i, 1);
    let p2 = at(toks, i, 2);
    out.push(feature(t::BIAS, &[]));
    out.push(feature(t::SHAPE_TRI, &[m1.shape, w.shape, p1.shape]));
    out.push(feature(t::SUF2_M1, &[m1.suf[1]]));
    out.push(feature(t::SUF2_P1, &[p1.suf[1]]));
    out.push(feature(t::LOWER_M1, &[m1.lower]));
    out.push(feature(t::LOWER_P1, &[p1.lower]));
    out.push(feature(t::LOWER_M2, &[m2.lower]));
    out.push(feature(t::LOWER_P2, &[p2.lower]));
    out.push(feature(t::SUF3_M1, &[m1.suf[2]]));
    out.push(feature(t::SUF3_P1, &[p1.suf[2]]));
    out.push(feature(t::BI_M1, &[m1.lower, w.lower]));
    out.push(feature(t::BI_P1, &[w.lower, p1.lower]));
    out.push(feature(t::SHAPE_M1, &[m1.shape]));
    out.push(feature(t::SHAPE_P1, &[p1.shape]));
    out.push(feature(t::AMB_M1, &[m1.amb]));
    out.push(feature(t::AMB_P1, &[p1.amb]));
    out.push(feature(t::AMB_BI_M1, &[m1.amb, w.amb]));
    out.push(feature(t::AMB_BI_P1, &[w.amb, p1.amb]));
    out.push(feature(t::AMB_M2, &[m2.amb]));
    out.push(feature(t::AMB_P2, &[p2.amb]));
    out.push(feature(t::FLAGS_FIRST, &[w.flags, u64::from(i == 0)]));
    out.push(feature(t::AROUND, &[m1.lower, p1.lower]));
    out.push(feature(t::AMB_TRI, &[m1.amb, w.amb, p1.amb]));
    out.push(feature(t::M1_SUF3, &[m1.lower, w.suf[2]]));
    out.push(feature(t::W_SUF3_P1, &[w.lower, p1.suf[2]]));
    out.push(feature(t::CAPS_FLAGS, &[caps, w.flags]));
    out.push(feature(t::CAPS_AMB, &[caps, w.amb]));
}

/// Features over neighbouring tags: `left` from this pass, `right` from
/// the previous pass (or [`UNK_TAG`] in the first).
fn tag_features(toks: &[Tok], i: usize, left: [u64; 2], right: [u64; 2], out: &mut Vec<u64>) {
    let w = at(toks, i, 0);
    out.push(feature(t::T_M1, &[left[0]]));
    out.push(feature(t::T_M2M1, &[left[1], left[0]]));
    out.push(feature(t::T_M1_LOWER, &[left[0], w.lower]));
    out.push(feature(t::T_M1_AMB, &[left[0], w.amb]));
    out.push(feature(t::T_M1_SUF3, &[left[0], w.suf[2]]));
    if right[0] == UNK_TAG {
        return; // first pass: nothing known to the right
    }
    out.push(feature(t::R_P1, &[right[0]]));
    out.push(feature(t::R_P1P2, &[right[0], right[1]]));
    out.push(feature(t::R_P1_LOWER, &[right[0], w.lower]));
    out.push(feature(t::T_M1_R_P1, &[left[0], right[0]]));
    out.push(feature(t::R_P1_AMB, &[right[0], w.amb]));
}

/// The two previous tags.
#[inline]
fn left_tags(tags: &[u8], i: usize) -> [u64; 2] {
    let g = |d: usize| i.checked_sub(d).and_then(|j| tags.get(j)).map_or(PAD_TAG, |&c| u64::from(c));
    [g(1), g(2)]
}

#[inline]
fn right_tags(prev: Option<&[u8]>, i: usize) -> [u64; 2] {
    match prev {
        None => [UNK_TAG; 2],
        Some(tags) => {
            let g = |d: usize| tags.get(i + d).map_or(PAD_TAG, |&c| u64::from(c));
            [g(1), g(2)]
        }
    }
}

#[inline]
fn allowed(mask: &[u64; 4], c: usize) -> bool {
    mask[c >> 6] >> (c & 63) & 1 == 1
}

const ALL: [u64; 4] = [u64::MAX; 4];

/// Per-thread buffers for [`Tagger::tag`]; reuse one across sentences.
#[derive(Default, Debug)]
pub struct TagScratch {
    toks: Vec<Tok>,
    feats: Vec<u64>,
    handles: Vec<u64>,
    offsets: Vec<u32>,
    stat: Vec<i32>,
    scores: Vec<i32>,
    first: Vec<u8>,
    cur: Vec<u8>,
}

/// The trained tagger: read-only, `Send + Sync`, shareable via `Arc`.
#[derive(Clone, Debug)]
pub struct Tagger {
    upos: Vec<String>,
    xpos: Vec<String>,
    classes: Vec<TagId>,
    passes: u8,
    words: WordTable,
    weights: TagWeights,
    /// Frequent ASCII words whose word-feature scores are precomputed.
    cache_words: Vec<String>,
    /// Their summed word-feature scores, `classes.len()` per word (derived).
    cache: Vec<i32>,
}

impl Tagger {
    /// Name of a UPOS id (`""` for an id this model does not have).
    pub fn upos_name(&self, id: u8) -> &str {
        self.upos.get(usize::from(id)).map_or("", String::as_str)
    }

    /// Name of an XPOS id (`""` for an id this model does not have).
    pub fn xpos_name(&self, id: u8) -> &str {
        self.xpos.get(usize::from(id)).map_or("", String::as_str)
    }

    /// The id of a UPOS name.
    pub fn upos_id(&self, name: &str) -> Option<u8> {
        self.upos.iter().position(|u| u == name).map(|i| i as u8)
    }

    /// The id of an XPOS name.
    pub fn xpos_id(&self, name: &str) -> Option<u8> {
        self.xpos.iter().position(|u| u == name).map(|i| i as u8)
    }

    /// All UPOS names, indexed by id.
    pub fn upos_names(&self) -> &[String] {
        &self.upos
    }

    /// All XPOS names, indexed by id.
    pub fn xpos_names(&self) -> &[String] {
        &self.xpos
    }

    /// Whether `word` (or its lower-case form) was frequent in training.
    pub fn is_known(&self, word: &str) -> bool {
        self.words.get(tag_text::form(word)).or_else(|| self.words.get(tag_text::lower(word))).is_some()
    }

    /// Bytes in memory of the weight table, sparse rows, dense rows and word-score cache.
    pub fn memory(&self) -> [usize; 4] {
        let [a, b, c] = self.weights.memory();
        [a, b, c, self.cache.len() * 4]
    }

    /// Number of weighted features in the model.
    pub fn n_features(&self) -> usize {
        self.weights.n_features()
    }

    /// Tags one sentence's words into `out` (cleared first), one [`TagId`] per word.
    pub fn tag(&self, words: &[&str], scratch: &mut TagScratch, out: &mut Vec<TagId>) {
        out.clear();
        self.tag_classes(words, scratch);
        out.extend(
            scratch.cur.iter().map(|&c| self.classes.get(usize::from(c)).copied().unwrap_or_default()),
        );
    }

    /// Leaves the predicted class of each word in `scratch.cur`.
    fn tag_classes(&self, words: &[&str], s: &mut TagScratch) {
        let nc = self.classes.len();
        s.toks.clear();
        s.toks.extend(words.iter().map(|w| Tok::new(w, &self.words)));
        s.stat.clear();
        s.stat.resize(words.len() * nc, 0);
        s.scores.resize(nc, 0);
        // All static features of the sentence, resolved in one sweep.
        s.feats.clear();
        s.offsets.clear();
        s.offsets.push(0);
        let caps = caps_profile(&s.toks);
        for i in 0..words.len() {
            let tok = &s.toks[i];
            if self.only(tok).is_some() {
            } else if self.cached(tok).is_some() {
                context_features(&s.toks, caps, i, &mut s.feats);
            } else {
                static_features(&s.toks, caps, i, &mut s.feats);
            }
            s.offsets.push(s.feats.len() as u32);
        }
        self.weights.gather(&s.feats, &mut s.handles);
        for (i, stat) in s.stat.chunks_exact_mut(nc).enumerate() {
            if let Some(row) = s.toks.get(i).and_then(|t| self.cached(t)) {
                stat.copy_from_slice(row);
            }
            let (a, b) = (s.offsets[i] as usize, s.offsets[i + 1] as usize);
            self.weights.add_rows(&s.handles[a..b], stat);
        }
        s.cur.clear();
        s.first.clear();
        for pass in 0..self.passes {
            if pass > 0 {
                std::mem::swap(&mut s.cur, &mut s.first);
                s.cur.clear();
            }
            let prev = (pass > 0).then_some(&s.first[..]);
            for i in 0..words.len() {
                let tok = &s.toks[i];
                if let Some(c) = self.only(tok) {
                    s.cur.push(c);
                    continue;
                }
                s.feats.clear();
                tag_features(&s.toks, i, left_tags(&s.cur, i), right_tags(prev, i), &mut s.feats);
                s.scores.copy_from_slice(&s.stat[i * nc..(i + 1) * nc]);
                self.weights.gather(&s.feats, &mut s.handles);
                self.weights.add_rows(&s.handles, &mut s.scores);
                let mask = self.words.info.get(tok.info as usize).map_or(&ALL, |w| &w.mask);
                s.cur.push(argmax(&s.scores, mask) as u8);
            }
        }
    }

    /// Precomputes the word-feature scores of `cache_words`.
    fn build_cache(&mut self) {
        let nc = self.classes.len();
        self.cache.clear();
        for info in &mut self.words.info {
            info.cache = u32::MAX;
        }
        let (mut feats, mut handles, mut row) = (Vec::new(), Vec::new(), vec![0i32; nc]);
        for w in &self.cache_words {
            let tok = Tok::new(w, &self.words);
            if !tok.exact || tok.flags & F_NON_ASCII != 0 {
                continue;
            }
            let Some(info) = self.words.info.get_mut(tok.info as usize) else { continue };
            if info.cache != u32::MAX {
                continue;
            }
            feats.clear();
            word_features(&tok, &mut feats);
            self.weights.score(&feats, &mut row, &mut handles);
            info.cache = (self.cache.len() / nc.max(1)) as u32;
            self.cache.extend_from_slice(&row);
        }
    }

    /// The cached word-feature scores of `tok`, if any.
    #[inline]
    fn cached(&self, tok: &Tok) -> Option<&[i32]> {
        if !tok.exact || tok.flags & F_NON_ASCII != 0 {
            return None;
        }
        let c = self.words.info.get(tok.info as usize)?.cache as usize;
        let nc = self.classes.len();
        self.cache.get(c.checked_mul(nc)?..(c + 1).checked_mul(nc)?)
    }

    /// The tag of a word that needs no scoring at run time.
    #[inline]
    fn only(&self, tok: &Tok) -> Option<u8> {
        let c = self.words.info.get(tok.info as usize)?.only;
        (usize::from(c) < self.classes.len()).then_some(c)
    }

    #[inline]
    fn fixed(&self, tok: &Tok) -> Option<u8> {
        self.words.info.get(tok.info as usize).map(|w| w.fixed).filter(|&c| c != NONE)
    }

    /// The model file: magic, version, tag names, word table, weights.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        w.strs(&self.upos);
        w.strs(&self.xpos);
        w.u32(self.classes.len() as u32);
        for c in &self.classes {
            w.u8(c.upos);
            w.u8(c.xpos);
        }
        w.u8(self.passes);
        w.u32(self.words.info.len() as u32);
        for (key, info) in self.words.keys.iter().zip(&self.words.info) {
            w.u64(*key);
            w.u64(info.amb);
            w.u8(info.fixed);
            if info.mask == ALL {
                w.u8(0);
            } else {
                w.u8(1);
                for m in info.mask {
                    w.u64(m);
                }
            }
        }
        w.strs(&self.cache_words);
        self.weights.write(&mut w);
        w.buf
    }

    /// Loads a model written by [`Tagger::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Model`] when the bytes are not a tagger model of this
    /// version, are truncated, or hold out-of-range ids.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger> {
        let mut r = Reader::new(bytes, MAGIC, VERSION, "tagger")?;
        let upos = r.strs()?;
        let xpos = r.strs()?;
        if upos.len() > 255 || xpos.len() > 255 {
            return Err(r.err("more than 255 tag names".into()));
        }
        let n = r.len(2)?;
        let mut classes = Vec::with_capacity(n);
        for _ in 0..n {
            let c = TagId { upos: r.u8()?, xpos: r.u8()? };
            if usize::from(c.upos) >= upos.len() || usize::from(c.xpos) >= xpos.len() {
                return Err(r.err(format!("tag pair {c:?} out of range")));
            }
            classes.push(c);
        }
        if classes.is_empty() || classes.len() > 255 {
            return Err(r.err(format!("{} classes (expected 1..=255)", classes.len())));
        }
        let passes = r.u8()?;
        if !(1..=2).contains(&passes) {
            return Err(r.err(format!("{passes} decoding passes (expected 1 or 2)")));
        }
        let nw = r.len(18)?;
        let mut entries = Vec::with_capacity(nw);
        for _ in 0..nw {
            let key = r.u64()?;
            let amb = r.u64()?;
            let fixed = r.u8()?;
            if fixed != NONE && usize::from(fixed) >= classes.len() {
                return Err(r.err(format!("fixed class {fixed} out of range")));
            }
            let mask = match r.u8()? {
                0 => ALL,
                1 => [r.u64()?, r.u64()?, r.u64()?, r.u64()?],
                b => return Err(r.err(format!("bad mask flag {b}"))),
            };
            entries.push((key, WordInfo { amb, fixed, mask, cache: u32::MAX, only: NONE }));
        }
        let cache_words = r.strs()?;
        let weights = TagWeights::read(&mut r)?;
        if weights.n_classes() != classes.len() {
            return Err(r.err(format!(
                "weights for {} classes, {} tags",
                weights.n_classes(),
                classes.len()
            )));
        }
        r.finish()?;
        let words = WordTable::new(entries);
        let mut tagger =
            Tagger { upos, xpos, classes, passes, words, weights, cache_words, cache: Vec::new() };
        tagger.build_cache();
        Ok(tagger)
    }
}

/// Best-scoring allowed class; ties go to the lowest id.
#[inline]
fn argmax(scores: &[i32], mask: &[u64; 4]) -> usize {
    if *mask == ALL {
        let mut best = 0;
        for (c, &s) in scores.iter().enumerate() {
            if s > scores[best] {
                best = c;
            }
        }
        return best;
    }
    let mut best = usize::MAX;
    let mut best_score = i32::MIN;
    for (c, &s) in scores.iter().enumerate() {
        if (best == usize::MAX || s > best_score) && allowed(mask, c) {
            best = c;
            best_score = s;
        }
    }
    if best == usize::MAX {
        0
    } else {
        best
    }
}

#[inline]
fn argmax_f32(scores: &[f32], mask: &[u64; 4]) -> usize {
    let mut best = usize::MAX;
    let mut best_score = f32::MIN;
    for (c, &s) in scores.iter().enumerate() {
        if (best == usize::MAX || s > best_score) && allowed(mask, c) {
            best = c;
            best_score = s;
        }
    }
    if best == usize::MAX {
        0
    } else {
        best
    }
}

/// Training settings; [`Default`] gives the shipped model's.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    /// Seed of the deterministic shuffle.
    pub seed: u64,
    /// 1: greedy left to right; 2: a second pass also sees right-hand tags.
    pub passes: u8,
    /// A word needs this many training occurrences for an ambiguity class.
    pub amb_min: u32,
    /// Tags with less than this share of a word's occurrences are left out
    /// of its ambiguity class.
    pub amb_share: f32,
    /// Words this frequent may only take tags they were seen with.
    pub constrain_min: u32,
    /// Words this frequent that took one tag at least `fixed_share` of the
    /// time always get it, without scoring.
    pub fixed_min: u32,
    pub fixed_share: f32,
    /// Averaged weights below this magnitude are dropped from the model.
    pub prune: f32,
    /// Update size for GUM sentences (EWT's is 1), so that GUM's slightly
    /// different conventions weigh less.
    pub gum_weight: f32,
    /// How many frequent words get their word-feature scores precomputed
    /// (speed only: results are the same).
    pub cache_words: usize,
    /// Train on leave-one-out ambiguity classes (each token's own
    /// occurrence left out), so that training sees them as unseen text will.
    pub leave_one_out: bool,
    /// Print per-epoch dev accuracy to stderr.
    pub verbose: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            seed: 0x00D1_AD00,
            passes: 1,
            amb_min: 3,
            amb_share: 0.01,
            constrain_min: 20,
            fixed_min: 50,
            fixed_share: 1.0,
            prune: 0.0,
            leave_one_out: true,
            cache_words: 2000,
            gum_weight: 0.5,
            verbose: true,
        }
    }
}

/// Deterministic shuffling (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Hash of the set of tags that make up at least `amb_share` of `counts`.
fn amb_class(counts: &[u32], opts: &TrainOptions) -> u64 {
    let total: u32 = counts.iter().sum();
    let mut amb = 0xA3Bu64 ^ 0x1234;
    for (c, &n) in counts.iter().enumerate() {
        if n > 0 && n as f32 >= opts.amb_share * total as f32 {
            amb = hash::mix(amb, c as u64 + 1);
        }
    }
    hash::finish(amb)
}

/// A sentence prepared for training: tokens, gold classes, static features.
struct Prepared {
    toks: Vec<Tok>,
    gold: Vec<u8>,
    /// Static features of token `i` are `feats[offsets[i]..offsets[i + 1]]`.
    feats: Vec<u64>,
    offsets: Vec<u32>,
    /// Size of this sentence's perceptron updates.
    weight: f32,
}

/// Trains a tagger on `sentences`, reporting accuracy on `dev` after each
/// epoch (when `opts.verbose`) and keeping the epoch that did best on it
/// (the last epoch when `dev` is empty). The same data and options give the
/// same model, byte for byte. Sentences whose `sent_id` starts with `GUM_`
/// weigh `opts.gum_weight`.
///
/// # Errors
/// [`Error::Model`] when the data is empty or has more than 255 tag pairs.
pub fn train(sentences: &[Sentence], dev: &[Sentence], opts: &TrainOptions) -> Result<Tagger> {
    let start = Instant::now();
    let err = |message: String| Error::Model { what: "tagger training", message };
    // Tag inventories, sorted by name so ids do not depend on data order.
    let mut pair_counts: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for s in sentences {
        for w in &s.words {
            *pair_counts.entry((w.upos.as_str(), w.xpos.as_str())).or_default() += 1;
        }
    }
    if pair_counts.is_empty() {
        return Err(err("no training words".into()));
    }
    if pair_counts.len() > 255 {
        return Err(err(format!("{} (UPOS, XPOS) pairs; at most 255 are supported", pair_counts.len())));
    }
    let mut upos: Vec<String> = pair_counts.keys().map(|p| p.0.to_string()).collect();
    upos.sort();
    upos.dedup();
    let mut xpos: Vec<String> = pair_counts.keys().map(|p| p.1.to_string()).collect();
    xpos.sort();
    xpos.dedup();
    let classes: Vec<TagId> = pair_counts
        .keys()
        .map(|(u, x)| TagId {
            upos: upos.iter().position(|n| n == u).unwrap_or(0) as u8,
            xpos: xpos.iter().position(|n| n == x).unwrap_or(0) as u8,
        })
        .collect();
    let class_of: HashMap<(&str, &str), u8> =
        pair_counts.keys().enumerate().map(|(i, &p)| (p, i as u8)).collect();
    let nc = classes.len();

    // Word statistics for ambiguity classes and tag constraints.
    let mut word_counts: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for s in sentences {
        for w in &s.words {
            let c = class_of.get(&(w.upos.as_str(), w.xpos.as_str())).copied().unwrap_or(0);
            word_counts.entry(tag_text::form(&w.form)).or_insert_with(|| vec![0; nc])[usize::from(c)] += 1;
        }
    }
    let mut entries = Vec::new();
    for (key, counts) in &word_counts {
        let total: u32 = counts.iter().sum();
        if total < opts.amb_min {
            continue;
        }
        let amb = amb_class(counts, opts);
        let mut mask = [0u64; 4];
        for (c, &n) in counts.iter().enumerate() {
            if n > 0 {
                mask[c >> 6] |= 1 << (c & 63);
            }
        }
        let (top, &top_n) =
            counts.iter().enumerate().max_by_key(|&(c, n)| (n, std::cmp::Reverse(c))).unwrap_or((0, &0));
        let fixed = if total >= opts.fixed_min && top_n as f32 >= opts.fixed_share * total as f32 {
            top as u8
        } else {
            NONE
        };
        if total < opts.constrain_min {
            mask = ALL;
        }
        entries.push((*key, WordInfo { amb, fixed, mask, cache: u32::MAX, only: NONE }));
    }
    let words = WordTable::new(entries);

    let mut data: Vec<Prepared> = sentences
        .iter()
        .map(|s| {
            let mut toks: Vec<Tok> = s.words.iter().map(|w| Tok::new(&w.form, &words)).collect();
            let gold: Vec<u8> = s
                .words
                .iter()
                .map(|w| class_of.get(&(w.upos.as_str(), w.xpos.as_str())).copied().unwrap_or(0))
                .collect();
            if opts.leave_one_out {
                // Each token sees the ambiguity class its word would have
                // without this occurrence, as an unseen sentence would.
                for (t, &g) in toks.iter_mut().zip(&gold) {
                    let (Some(counts), Some(_)) = (word_counts.get(&t.word), words.get(t.word)) else {
                        continue;
                    };
                    let mut c = counts.clone();
                    c[usize::from(g)] -= 1;
                    t.amb = if c.iter().sum::<u32>() >= opts.amb_min {
                        amb_class(&c, opts)
                    } else {
                        // Too rare without it: what an unseen word gets.
                        let lower = (t.lower != t.word).then(|| words.get(t.lower)).flatten();
                        lower.and_then(|i| words.info.get(i as usize)).map_or(UNKNOWN_AMB, |i| i.amb)
                    };
                }
            }
            let mut feats = Vec::new();
            let mut offsets = vec![0u32];
            let caps = caps_profile(&toks);
            for i in 0..toks.len() {
                static_features(&toks, caps, i, &mut feats);
                offsets.push(feats.len() as u32);
            }
            let weight = if s.sent_id.starts_with("GUM_") { opts.gum_weight } else { 1.0 };
            Prepared { toks, gold, feats, offsets, weight }
        })
        .collect();
    drop(word_counts);

    let mut tagger = Tagger {
        cache_words: Vec::new(),
        cache: Vec::new(),
        upos,
        xpos,
        classes,
        passes: opts.passes.clamp(1, 2),
        words,
        weights: TagWeights::default(),
    };
    let mut trainer = SparseTrainer::new(nc);
    let mut rng = Rng(opts.seed);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut scores = vec![0.0f32; nc];
    let mut dyn_feats = Vec::new();
    let mut first = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut best: Option<(usize, Tagger)> = None;
    for epoch in 1..=opts.epochs.max(1) {
        rng.shuffle(&mut order);
        let mut correct = 0usize;
        let mut seen = 0usize;
        for &si in &order {
            let p = &mut data[si];
            cur.clear();
            first.clear();
            for pass in 0..tagger.passes {
                if pass > 0 {
                    std::mem::swap(&mut cur, &mut first);
                    cur.clear();
                }
                let prev = (pass > 0).then_some(&first[..]);
                for i in 0..p.toks.len() {
                    let tok = &p.toks[i];
                    if let Some(c) = tagger.fixed(tok) {
                        cur.push(c);
                        continue;
                    }
                    trainer.tick();
                    let stat = &p.feats[p.offsets[i] as usize..p.offsets[i + 1] as usize];
                    dyn_feats.clear();
                    tag_features(&p.toks, i, left_tags(&cur, i), right_tags(prev, i), &mut dyn_feats);
                    scores.iter_mut().for_each(|s| *s = 0.0);
                    trainer.add_scores(stat, &mut scores);
                    trainer.add_scores(&dyn_feats, &mut scores);
                    let mask = tagger.words.info.get(tok.info as usize).map_or(&ALL, |w| &w.mask);
                    let guess = argmax_f32(&scores, mask);
                    let gold = usize::from(p.gold[i]);
                    trainer.update(stat, gold, guess, p.weight);
                    trainer.update(&dyn_feats, gold, guess, p.weight);
                    correct += usize::from(guess == gold);
                    seen += 1;
                    cur.push(guess as u8);
                }
            }
        }
        let (scale, rows) = trainer.freeze_rows(opts.prune);
        tagger.weights = TagWeights::from_rows(nc, scale, rows);
        let acc = evaluate(&tagger, None, dev);
        if opts.verbose {
            let dev_acc = if dev.is_empty() {
                "no dev set".to_string()
            } else {
                format!("dev UPOS {:.2}%  XPOS {:.2}%", acc.upos_pct(), acc.xpos_pct())
            };
            eprintln!(
                "tagger epoch {epoch}: train {:.2}%  {dev_acc}  ({} features, {:.0}s)",
                100.0 * correct as f64 / seen.max(1) as f64,
                tagger.weights.n_features(),
                start.elapsed().as_secs_f64()
            );
        }
        let score = acc.upos + acc.xpos;
        if dev.is_empty() || best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, tagger.clone()));
        }
    }
    let mut tagger = best.map_or(tagger, |b| b.1);
    let mut form_counts: HashMap<&str, u32> = HashMap::new();
    for w in sentences.iter().flat_map(|s| &s.words) {
        if w.form.is_ascii() {
            *form_counts.entry(w.form.as_str()).or_default() += 1;
        }
    }
    let mut frequent: Vec<(&str, u32)> = form_counts
        .into_iter()
        .filter(|&(f, _)| {
            let tok = Tok::new(f, &tagger.words);
            tok.exact && tagger.fixed(&tok).is_none()
        })
        .collect();
    frequent.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    tagger.cache_words = frequent.iter().take(opts.cache_words).map(|f| f.0.to_string()).collect();
    tagger.build_cache();
    Ok(tagger)
}

/// Token counts of an evaluation on gold tokenisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accuracy {
    pub tokens: usize,
    pub upos: usize,
    pub xpos: usize,
    /// Lemmas right with the predicted tags (0 without a lemmatiser).
    pub lemma: usize,
    /// Words the tagger did not know, and how many of them got the right UPOS.
    pub unknown: usize,
    pub unknown_upos: usize,
}

impl Accuracy {
    fn pct(n: usize, d: usize) -> f64 {
        100.0 * n as f64 / d.max(1) as f64
    }

    pub fn upos_pct(&self) -> f64 {
        Accuracy::pct(self.upos, self.tokens)
    }

    pub fn xpos_pct(&self) -> f64 {
        Accuracy::pct(self.xpos, self.tokens)
    }

    pub fn lemma_pct(&self) -> f64 {
        Accuracy::pct(self.lemma, self.tokens)
    }

    pub fn unknown_upos_pct(&self) -> f64 {
        Accuracy::pct(self.unknown_upos, self.unknown)
    }
}

impl std::fmt::Display for Accuracy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} tokens: UPOS {:.2}%  XPOS {:.2}%  lemma {:.2}%  (unknown words {:.1}%: UPOS {:.2}%)",
            self.tokens,
            self.upos_pct(),
            self.xpos_pct(),
            self.lemma_pct(),
            Accuracy::pct(self.unknown, self.tokens),
            self.unknown_upos_pct()
        )
    }
}

/// Tags (and, given a lemmatiser, lemmatises with the predicted tags) the
/// gold-tokenised `sentences` and counts agreement with their annotation.
pub fn evaluate(tagger: &Tagger, lemmatizer: Option<&Lemmatizer>, sentences: &[Sentence]) -> Accuracy {
    let mut acc = Accuracy::default();
    let mut scratch = TagScratch::default();
    let mut tags = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let mut buf = String::new();
    for s in sentences {
        words.clear();
        words.extend(s.words.iter().map(|w| w.form.as_str()));
        tagger.tag(&words, &mut scratch, &mut tags);
        for (w, t) in s.words.iter().zip(&tags) {
            let upos = tagger.upos_name(t.upos);
            let xpos = tagger.xpos_name(t.xpos);
            acc.tokens += 1;
            let upos_ok = upos == w.upos;
            acc.upos += usize::from(upos_ok);
            acc.xpos += usize::from(xpos == w.xpos);
            if !tagger.is_known(&w.form) {
                acc.unknown += 1;
                acc.unknown_upos += usize::from(upos_ok);
            }
            if let Some(l) = lemmatizer {
                acc.lemma += usize::from(l.lemma(&w.form, upos, xpos, &mut buf) == w.lemma);
            }
        }
    }
    acc
}

/// GUM documents whose licence lets dyad ship models trained on them.
pub const GUM_ALLOWED: &[&str] = &[
    "GUM_news",
    "GUM_interview",
    "GUM_bio",
    "GUM_voyage",
    "GUM_textbook",
    "GUM_vlog",
    "GUM_speech",
    "GUM_conversation",
];

/// Whether a GUM sentence (by `sent_id`) comes from an allowed document.
pub fn gum_allowed(sent_id: &str) -> bool {
    GUM_ALLOWED.iter().any(|p| sent_id.strip_prefix(p).is_some_and(|r| r.starts_with('_')))
}

/// The UD data dyad trains and evaluates on, from `ud_dir` (`../shared/data/ud`).
pub struct UdData {
    /// EWT train plus the allowed documents of GUM train and dev.
    pub train: Vec<Sentence>,
    /// EWT dev (tuning).
    pub dev: Vec<Sentence>,
    /// EWT test (reporting only; never trained on).
    pub test: Vec<Sentence>,
}

/// Reads [`UdData`] from `ud_dir`.
///
/// # Errors
/// [`Error::Io`] or [`Error::Conllu`] for a missing or malformed file.
pub fn load_ud(ud_dir: &Path) -> Result<UdData> {
    let ewt = ud_dir.join("UD_English-EWT");
    let gum = ud_dir.join("UD_English-GUM");
    let mut train = conllu::read_file(&ewt.join("en_ewt-ud-train.conllu"))?;
    for f in ["en_gum-ud-train.conllu", "en_gum-ud-dev.conllu"] {
        train.extend(conllu::read_file(&gum.join(f))?.into_iter().filter(|s| gum_allowed(&s.sent_id)));
    }
    Ok(UdData {
        train,
        dev: conllu::read_file(&ewt.join("en_ewt-ud-dev.conllu"))?,
        test: conllu::read_file(&ewt.join("en_ewt-ud-test.conllu"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "\
# sent_id = t1
1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_
2\tminister\tminister\tNOUN\tNN\t_\t3\tnsubj\t_\t_
3\tsaid\tsay\tVERB\tVBD\t_\t0\troot\t_\t_
4\tthat\tthat\tSCONJ\tIN\t_\t7\tmark\t_\t_
5\tKiev\tKiev\tPROPN\tNNP\t_\t7\tnsubj\t_\t_
6\thas\thave\tAUX\tVBZ\t_\t7\taux\t_\t_
7\tconfirmed\tconfirm\tVERB\tVBN\t_\t3\tccomp\t_\t_
8\tthe\tthe\tDET\tDT\t_\t9\tdet\t_\t_
9\ttalks\ttalk\tNOUN\tNNS\t_\t7\tobj\t_\t_
10\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# sent_id = t2
1\tMoscow\tMoscow\tPROPN\tNNP\t_\t2\tnsubj\t_\t_
2\trejected\treject\tVERB\tVBD\t_\t0\troot\t_\t_
3\tthe\tthe\tDET\tDT\t_\t4\tdet\t_\t_
4\tplan\tplan\tNOUN\tNN\t_\t2\tobj\t_\t_
5\tthat\tthat\tPRON\tWDT\t_\t7\tnsubj\t_\t_
6\tNATO\tNATO\tPROPN\tNNP\t_\t7\tnsubj\t_\t_
7\tproposed\tpropose\tVERB\tVBD\t_\t4\tacl:relcl\t_\t_
8\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

";

    fn quiet() -> TrainOptions {
        TrainOptions { epochs: 5, amb_min: 1, verbose: false, ..TrainOptions::default() }
    }

    fn tiny() -> (Vec<Sentence>, Tagger) {
        let sents = conllu::parse(DATA).unwrap();
        let tagger = train(&sents, &sents, &quiet()).unwrap();
        (sents, tagger)
    }

    #[test]
    fn tags_its_training_sentences() {
        let (sents, tagger) = tiny();
        let acc = evaluate(&tagger, None, &sents);
        assert_eq!(acc.tokens, 18);
        assert_eq!(acc.upos, 18, "{acc}");
        assert_eq!(acc.xpos, 18, "{acc}");
        let mut scratch = TagScratch::default();
        let mut out = Vec::new();
        tagger.tag(
            &["The", "minister", "said", "that", "Kiev", "has", "confirmed", "the", "talks", "."],
            &mut scratch,
            &mut out,
        );
        assert_eq!(tagger.upos_name(out[4].upos), "PROPN");
        assert_eq!(tagger.xpos_name(out[6].xpos), "VBN");
        tagger.tag(&[], &mut scratch, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn training_is_deterministic_and_round_trips() {
        let (sents, tagger) = tiny();
        let bytes = tagger.to_bytes();
        assert_eq!(train(&sents, &sents, &quiet()).unwrap().to_bytes(), bytes);
        let back = Tagger::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(evaluate(&back, None, &sents), evaluate(&tagger, None, &sents));
    }

    #[test]
    fn corrupt_models_are_errors_not_panics() {
        let (_, tagger) = tiny();
        let bytes = tagger.to_bytes();
        for cut in 0..bytes.len() {
            assert!(Tagger::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut scratch = TagScratch::default();
        let mut out = Vec::new();
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] = b[i].wrapping_add(0x81);
            if let Ok(t) = Tagger::from_bytes(&b) {
                t.tag(&["Kiev", "has", "confirmed", "it"], &mut scratch, &mut out);
                assert_eq!(out.len(), 4);
            }
        }
        assert!(Tagger::from_bytes(b"DYADTAGR").is_err());
        assert!(Tagger::from_bytes(&[]).is_err());
    }

    #[test]
    fn word_cache_changes_nothing_but_speed() {
        let sents = conllu::parse(DATA).unwrap();
        let cached = train(&sents, &sents, &quiet()).unwrap();
        let plain = train(&sents, &sents, &TrainOptions { cache_words: 0, ..quiet() }).unwrap();
        assert!(!cached.cache.is_empty());
        assert!(plain.cache.is_empty());
        let (mut s1, mut s2) = (TagScratch::default(), TagScratch::default());
        let (mut o1, mut o2) = (Vec::new(), Vec::new());
        for words in
            [&["The", "plan", "that", "Moscow", "proposed", "."][..], &["the", "minister", "said", "NATO"]]
        {
            cached.tag(words, &mut s1, &mut o1);
            plain.tag(words, &mut s2, &mut o2);
            assert_eq!(o1, o2);
            assert_eq!(s1.stat, s2.stat);
        }
    }

    #[test]
    fn models_are_shareable_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Tagger>();
        shareable::<Lemmatizer>();
        let (_, tagger) = tiny();
        let tagger = std::sync::Arc::new(tagger);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let t = std::sync::Arc::clone(&tagger);
                std::thread::spawn(move || {
                    let mut scratch = TagScratch::default();
                    let mut out = Vec::new();
                    t.tag(&["Moscow", "rejected", "the", "plan", "."], &mut scratch, &mut out);
                    t.upos_name(out[0].upos).to_string()
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), "PROPN");
        }
    }

    #[test]
    fn empty_training_data_is_an_error() {
        assert!(train(&[], &[], &quiet()).is_err());
    }

    #[test]
    fn gum_licence_filter() {
        assert!(gum_allowed("GUM_news_iodine-12"));
        assert!(gum_allowed("GUM_conversation_lambada-3"));
        assert!(!gum_allowed("GUM_fiction_beast-1"));
        assert!(!gum_allowed("GUM_newsletter-1"));
        assert!(!gum_allowed("GUM_academic_art-1"));
    }

    /// The committed model, on news sentences (skipped when not yet built).
    #[test]
    fn committed_model_tags_news() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
        let Ok(bytes) = std::fs::read(dir.join("tagger.bin")) else {
            eprintln!("models/tagger.bin not found: skipping");
            return;
        };
        let tagger = Tagger::from_bytes(&bytes).unwrap();
        let lem = Lemmatizer::from_bytes(&std::fs::read(dir.join("lemma.bin")).unwrap()).unwrap();
        let mut scratch = TagScratch::default();
        let mut out = Vec::new();
        let mut buf = String::new();
        type Expected<'a> = &'a [(&'a str, &'a str, &'a str, &'a str)];
        let cases: &[(&str, Expected)] = &[
            (
                "NATO Secretary General Mark Rutte has confirmed that Ukraine ’s membership is not being considered .",
                &[
                    ("NATO", "PROPN", "NNP", "NATO"),
                    ("Mark", "PROPN", "NNP", "Mark"),
                    ("Rutte", "PROPN", "NNP", "Rutte"),
                    ("has", "AUX", "VBZ", "have"),
                    ("confirmed", "VERB", "VBN", "confirm"),
                    ("that", "SCONJ", "IN", "that"),
                    ("Ukraine", "PROPN", "NNP", "Ukraine"),
                    ("’s", "PART", "POS", "'s"),
                    ("membership", "NOUN", "NN", "membership"),
                    ("is", "AUX", "VBZ", "be"),
                    ("not", "PART", "RB", "not"),
                    ("being", "AUX", "VBG", "be"),
                    ("considered", "VERB", "VBN", "consider"),
                ],
            ),
            (
                "Moscow has stated that Kiev ’s desire to join the alliance was a factor in the war .",
                &[
                    ("Moscow", "PROPN", "NNP", "Moscow"),
                    ("stated", "VERB", "VBN", "state"),
                    ("Kiev", "PROPN", "NNP", "Kiev"),
                    ("desire", "NOUN", "NN", "desire"),
                    ("join", "VERB", "VB", "join"),
                    ("was", "AUX", "VBD", "be"),
                ],
            ),
            (
                "The talks in Riyadh did n't produce a ceasefire , officials said .",
                &[
                    ("talks", "NOUN", "NNS", "talk"),
                    ("Riyadh", "PROPN", "NNP", "Riyadh"),
                    ("did", "AUX", "VBD", "do"),
                    ("n't", "PART", "RB", "not"),
                    ("officials", "NOUN", "NNS", "official"),
                    ("said", "VERB", "VBD", "say"),
                ],
            ),
        ];
        for (sentence, expected) in cases {
            let words: Vec<&str> = sentence.split(' ').collect();
            tagger.tag(&words, &mut scratch, &mut out);
            for &(word, upos, xpos, lemma) in *expected {
                let i = words.iter().position(|w| *w == word).unwrap();
                let (u, x) = (tagger.upos_name(out[i].upos), tagger.xpos_name(out[i].xpos));
                assert_eq!((word, u, x), (word, upos, xpos), "in {sentence:?}");
                assert_eq!(lem.lemma(word, u, x, &mut buf), lemma, "in {sentence:?}");
            }
        }
    }
}
