//! Labelled dependency parser (Universal Dependencies relations).
//!
//! A greedy arc-hybrid transition parser (SHIFT, LEFT, RIGHT) with the
//! artificial root at the end of the buffer, so that whatever the input the
//! output is a tree with exactly one root. Every word is shifted once and
//! attached once: parsing is linear in the sentence length.
//!
//! Transitions are scored by an averaged perceptron over feature templates
//! in the style of Zhang & Nivre (2011): templates with words are hashed
//! into a compact table (`parse_table`), templates over tags, labels,
//! distances and valencies index small dense tables directly, which is
//! where most of the speed comes from. Training uses the dynamic oracle of
//! Goldberg & Nivre (2013) and explores the model's own mistakes;
//! non-projective training trees are projectivised by lifting.
//!
//! Each arc is labelled when it is made by a second perceptron. In
//! arc-hybrid the dependent's subtree is complete at that moment, so the
//! labeller sees its children (a preposition, a copula, a subject), and
//! later transitions see the labels.
//!
//! The tagger's UPOS and XPOS are inputs; train with the tags the tagger
//! will produce (jackknifed) for the best results on predicted tags.
//!
//! ```
//! use dyad_nlp::conllu;
//! use dyad_nlp::parser::{self, ParseScratch, TrainOptions};
//!
//! let gold = conllu::parse(
//!     "1\tPutin\t_\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n2\tspoke\t_\tVERB\tVBD\t_\t0\troot\t_\t_\n\
//!      3\t.\t_\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n",
//! )
//! .unwrap();
//! let opts = TrainOptions { epochs: 3, verbose: false, ..TrainOptions::default() };
//! let model = parser::train(&gold, &gold, &opts).unwrap();
//! let mut scratch = ParseScratch::default();
//! let mut out = Vec::new();
//! model.parse(&["Putin", "spoke", "."], &["PROPN", "VERB", "PUNCT"], &["NNP", "VBD", "."], &mut scratch, &mut out);
//! assert_eq!(out[0].head, 2);
//! assert_eq!(model.label_name(out[0].label), "nsubj");
//! assert_eq!(out[1].head, 0);
//! ```

use std::time::Instant;

use crate::conllu::Sentence;
use crate::hash;
use crate::model::{Reader, Writer};
use crate::parse_table::{DeltaTable, DeltaTrainer, LabelTable, LabelTrainer, LANES};
use crate::{Error, Result};

/// First bytes of a parser model file.
pub const MAGIC: &[u8; 8] = b"DYADPARS";
/// Format version (bumped whenever the file layout or the feature templates change).
pub const VERSION: u32 = 1;

/// Sentences longer than this are not parsed but chained (each word headed by
/// the next): their state would not fit the parser's 32-bit indices.
const MAX_WORDS: usize = 1 << 28;

const SHIFT: usize = 0;
const LEFT: usize = 1;
const RIGHT: usize = 2;

/// No label yet.
const NO_LABEL: u8 = u8::MAX;

/// The head and relation of one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dep {
    /// 1-based index of the head word, as in CoNLL-U; 0 is the root.
    pub head: u32,
    /// Relation id; [`Parser::label_name`] gives its name (`nsubj`, `obl:tmod`, ...).
    pub label: u8,
}

/// A trained parser: read-only, `Send + Sync`, share it with `Arc`.
#[derive(Clone, Debug)]
pub struct Parser {
    labels: Vec<String>,
    root_label: u8,
    xpos: TagSet,
    upos: TagSet,
    trans: DeltaTable,
    labeller: LabelTable,
}

/// Per-thread buffers for [`Parser::parse`]; reuse one per worker so that
/// parsing allocates nothing in steady state.
#[derive(Default)]
pub struct ParseScratch {
    toks: Vec<Tok>,
    state: State,
}

/// What the features see of a word: hashes of its lower-cased form and
/// tags (for hashed templates) and small tag ids (for direct templates).
#[derive(Clone, Copy, Default)]
struct Tok {
    w: u64,
    p: u64,
    u: u64,
    /// XPOS id (`< 64`) and UPOS id (`< 32`): 0 none or unknown, 1 the root.
    pi: u8,
    ui: u8,
}

const ROOT_TOK: Tok = Tok { w: 0x726f_6f74_5f77, p: 0x726f_6f74_5f70, u: 0x726f_6f74_5f75, pi: 1, ui: 1 };
const NONE_TOK: Tok = Tok { w: 0x6e6f_6e65_5f77, p: 0x6e6f_6e65_5f70, u: 0x6e6f_6e65_5f75, pi: 0, ui: 0 };

/// A tag inventory: names in id order (ids 0 and 1 are "none" and "root")
/// and a small table from a tag's hash to its id.
#[derive(Clone, Debug)]
struct TagSet {
    names: Vec<String>,
    /// `(hash, id)`, open addressing on the hash's top byte; id 0 = empty.
    table: Vec<(u64, u8)>,
}

impl TagSet {
    /// The `limit - 2` most frequent tags of `tags` (ties by name).
    fn from_counts<'a>(tags: impl Iterator<Item = &'a str>, limit: usize) -> TagSet {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for t in tags {
            *counts.entry(t).or_default() += 1;
        }
        let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let names =
            ["", "<root>"].into_iter().chain(v.into_iter().map(|x| x.0)).take(limit).map(String::from);
        TagSet::new(names.collect())
    }

    fn new(names: Vec<String>) -> TagSet {
        let mut table = vec![(0u64, 0u8); 256];
        for (id, name) in names.iter().enumerate().skip(2).take(253) {
            let h = hash::bytes(name.as_bytes());
            let mut i = (h >> 56) as usize;
            while table[i].1 != 0 && table[i].0 != h {
                i = (i + 1) & 255;
            }
            if table[i].1 == 0 {
                table[i] = (h, id as u8);
            }
        }
        TagSet { names, table }
    }

    /// The id of the tag whose hash is `h` (0 if unknown).
    #[inline]
    fn id(&self, h: u64) -> u8 {
        let home = (h >> 56) as usize;
        for i in home..home + self.table.len() {
            let (k, id) = self.table[i & 255];
            if id == 0 || k == h {
                return id;
            }
        }
        0
    }
}

/// A word's place in the tree built so far.
#[derive(Clone, Copy)]
struct Node {
    head: u32,
    label: u8,
    n_left: u8,
    n_right: u8,
    /// Leftmost and second-leftmost, rightmost and second-rightmost children.
    l1: u32,
    l2: u32,
    r1: u32,
    r2: u32,
    /// Sets of the labels of the left and right children (bit `label % 64`).
    lset: u64,
    rset: u64,
}

impl Node {
    fn empty(none: u32) -> Node {
        Node {
            head: none,
            label: NO_LABEL,
            n_left: 0,
            n_right: 0,
            l1: none,
            l2: none,
            r1: none,
            r2: none,
            lset: 0,
            rset: 0,
        }
    }
}

/// A parser configuration. Words are `0..n`, the root is `n`, and `n + 1`
/// stands for "no such word" so that features never index out of range.
#[derive(Default)]
struct State {
    n: u32,
    /// Front of the buffer; the buffer is `b..=n` (the root is always last).
    b: u32,
    stack: Vec<u32>,
    nodes: Vec<Node>,
}

impl State {
    fn reset(&mut self, n: usize) {
        self.n = n as u32;
        self.b = 0;
        self.stack.clear();
        self.nodes.clear();
        self.nodes.resize(n + 2, Node::empty(n as u32 + 1));
    }

    #[inline]
    fn none(&self) -> u32 {
        self.n + 1
    }

    /// The `i`-th word from the top of the stack.
    #[inline]
    fn s(&self, i: usize) -> u32 {
        let len = self.stack.len();
        if i < len {
            self.stack[len - 1 - i]
        } else {
            self.none()
        }
    }

    #[inline]
    fn terminal(&self) -> bool {
        self.stack.is_empty() && self.b >= self.n
    }

    /// Which of SHIFT, LEFT, RIGHT may be applied. The root takes a
    /// dependent only when it is the last word left, so there is one root.
    #[inline]
    fn legal(&self) -> [bool; 3] {
        let len = self.stack.len();
        [self.b < self.n, len > 0 && (self.b < self.n || len == 1), len >= 2]
    }

    /// Head and dependent of the arc that transition `t` (LEFT or RIGHT) makes.
    #[inline]
    fn arc(&self, t: usize) -> (u32, u32) {
        if t == LEFT {
            (self.b, self.s(0))
        } else {
            (self.s(1), self.s(0))
        }
    }

    fn shift(&mut self) {
        self.stack.push(self.b);
        self.b += 1;
    }

    /// Attaches the top of the stack to `head` with `label` and pops it.
    fn attach(&mut self, head: u32, label: u8) {
        let Some(d) = self.stack.pop() else { return };
        let bit = 1u64 << (label % 64);
        if let Some(node) = self.nodes.get_mut(d as usize) {
            node.head = head;
            node.label = label;
        }
        if let Some(h) = self.nodes.get_mut(head as usize) {
            if d < head {
                h.l2 = h.l1;
                h.l1 = d;
                h.n_left = h.n_left.saturating_add(1);
                h.lset |= bit;
            } else {
                h.r2 = h.r1;
                h.r1 = d;
                h.n_right = h.n_right.saturating_add(1);
                h.rset |= bit;
            }
        }
    }
}

/// Distance between two words, bucketed; 0 when either is missing.
#[inline]
fn dist(a: u32, b: u32, none: u32) -> u64 {
    const BUCKET: [u8; 12] = [0, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7];
    let d = u64::from(BUCKET[(a.abs_diff(b) as usize).min(11)]);
    if a >= none || b >= none {
        0
    } else {
        d
    }
}

/// The key of template `template` over values `vals` (word and tag hashes,
/// small numbers). The tables use the key's top bits, which a multiply
/// mixes well, so one xor and one multiply per value suffice.
#[inline(always)]
fn key(template: u32, vals: &[u64]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = hash::finish(u64::from(template));
    for &v in vals {
        h = (h ^ v).wrapping_mul(K);
    }
    h
}

/// Transition templates looked up by hashed key (those with words) and
/// by direct index into small dense tables (tags, labels, small numbers).
const N_HASHED: usize = 22;
const N_DIRECT: usize = 42;
/// Sizes of the direct tables: tags `P` (XPOS ids), `Q` (XPOS ids folded to
/// 32 for tag triples), `U` (UPOS), labels `L`, distances `D`, valencies `V`.
const P: u32 = 64;
const Q: u32 = 32;
const U: u32 = 32;
const L: u32 = 64;
const D: u32 = 8;
const V: u32 = 16;
/// Total size of the direct tables (checked by `direct_size_matches`).
const DIRECT_SIZE: u32 =
    6 * P + 3 * P * P + 3 * P * P * D + 5 * P * V + 8 * P * L + 2 * U * U * U + 15 * Q * Q * Q;

/// Features of the transition classifier, in the style of Zhang & Nivre
/// (2011) adapted to arc-hybrid (s0, s1, s2: stack; b0, b1, b2: buffer;
/// l/r: leftmost/rightmost child, l2/r2 the next ones). Template ids of the
/// hashed ones stay stable across versions so that experiments compare.
fn trans_features(st: &State, toks: &[Tok], hashed: &mut [u64; N_HASHED], direct: &mut [u32; N_DIRECT]) {
    let none = st.none();
    let nd = &st.nodes;
    let tk = |i: u32| toks[i as usize];
    let node = |i: u32| nd[i as usize];
    // Label ids for the direct tables: 0 = none (`NO_LABEL + 1` wraps to 0).
    let lab = |i: u32| u32::from(nd[i as usize].label.wrapping_add(1)).min(L - 1);
    let (s0, s1, s2) = (st.s(0), st.s(1), st.s(2));
    let n0 = st.b;
    let n1 = if st.b < st.n { st.b + 1 } else { none };
    let n2 = if st.b + 1 < st.n { st.b + 2 } else { none };
    let (t0, t1, t2) = (tk(s0), tk(s1), tk(s2));
    let (b0, b1, b2) = (tk(n0), tk(n1), tk(n2));
    let (ns0, ns1, nn0) = (node(s0), node(s1), node(n0));
    let (s0l, s0r, s1l, s1r, n0l) = (ns0.l1, ns0.r1, ns1.l1, ns1.r1, nn0.l1);
    let (s0l2, s0r2, s1r2, n0l2) = (ns0.l2, ns0.r2, ns1.r2, nn0.l2);
    let (s0lt, s0rt, s1lt, s1rt, n0lt) = (tk(s0l), tk(s0r), tk(s1l), tk(s1r), tk(n0l));
    let d01 = dist(s0, n0, none);
    let d10 = dist(s1, s0, none);

    let mut i = 0;
    macro_rules! h {
        ($id:literal: $($v:expr),+) => {{
            hashed[i] = key($id, &[$($v),+]);
            i += 1;
        }};
    }
    h!(15: t0.w, b0.w);
    h!(17: t0.w, t0.p, b0.p);
    h!(18: t0.p, b0.w, b0.p);
    h!(19: t0.w, t0.p, b0.w, b0.p);
    h!(20: t1.w, t0.w);
    h!(22: t1.w, t1.p, t0.p);
    h!(23: t1.p, t0.w, t0.p);
    h!(24: t1.w, t1.p, t0.w, t0.p);
    h!(26: b0.w, b1.w);
    h!(39: t0.w, d01);
    h!(40: b0.w, d01);
    h!(42: t1.w, d10);
    h!(43: t0.w, t1.p, d10);
    h!(49: s0lt.w);
    h!(51: s0rt.w);
    h!(53: n0lt.w);
    h!(55: s1rt.w);
    h!(71: t1.w, b0.w);
    h!(72: t1.p, b0.w);
    h!(73: t1.w, t0.p, b0.w);
    h!(74: t0.p, b0.w, b1.p);
    h!(78: t1.p, t0.p, b0.p, b1.p);
    debug_assert_eq!(i, N_HASHED);

    // Direct templates: each owns `size` consecutive entries from `base`.
    let mut j = 0;
    let mut base = 0u32;
    macro_rules! d {
        ($size:expr; $idx:expr) => {{
            direct[j] = base + ($idx);
            j += 1;
            base += $size;
        }};
    }
    let p = |t: Tok| u32::from(t.pi) & (P - 1);
    let q = |t: Tok| u32::from(t.pi).min(Q - 1);
    let u = |t: Tok| u32::from(t.ui) & (U - 1);
    let (d01, d10) = (d01 as u32, d10 as u32);
    let d1b = dist(s1, n0, none) as u32;
    let v = |x: u8| u32::from(x).min(V - 1);
    let q3 = |a: Tok, b: Tok, c: Tok| (q(a) * Q + q(b)) * Q + q(c);
    // Single tags.
    d!(P; p(t0));
    d!(P; p(t1));
    d!(P; p(b0));
    d!(P; p(b1));
    d!(P; p(b2));
    d!(P; p(t2));
    // Tag pairs, with distance.
    d!(P * P; p(t0) * P + p(b0));
    d!(P * P; p(t1) * P + p(t0));
    d!(P * P; p(b0) * P + p(b1));
    d!(P * P * D; (p(t0) * P + p(b0)) * D + d01);
    d!(P * P * D; (p(t1) * P + p(t0)) * D + d10);
    d!(P * P * D; (p(t1) * P + p(b0)) * D + d1b);
    // Valency.
    d!(P * V; p(t0) * V + v(ns0.n_left));
    d!(P * V; p(t0) * V + v(ns0.n_right));
    d!(P * V; p(b0) * V + v(nn0.n_left));
    d!(P * V; p(t1) * V + v(ns1.n_right));
    d!(P * V; p(t1) * V + v(ns1.n_left));
    // Children's tags and labels.
    d!(P * L; p(s0lt) * L + lab(s0l));
    d!(P * L; p(s0rt) * L + lab(s0r));
    d!(P * L; p(n0lt) * L + lab(n0l));
    d!(P * L; p(s1rt) * L + lab(s1r));
    d!(P * L; p(s1lt) * L + lab(s1l));
    d!(P * L; p(tk(s0l2)) * L + lab(s0l2));
    d!(P * L; p(tk(s0r2)) * L + lab(s0r2));
    d!(P * L; p(tk(n0l2)) * L + lab(n0l2));
    // UPOS triples.
    d!(U * U * U; (u(t1) * U + u(t0)) * U + u(b0));
    d!(U * U * U; (u(t0) * U + u(b0)) * U + u(b1));
    // Tag triples.
    d!(Q * Q * Q; q3(b0, b1, b2));
    d!(Q * Q * Q; q3(t0, b0, b1));
    d!(Q * Q * Q; q3(t1, t0, b0));
    d!(Q * Q * Q; q3(t2, t1, t0));
    d!(Q * Q * Q; q3(t0, s0lt, b0));
    d!(Q * Q * Q; q3(t0, s0rt, b0));
    d!(Q * Q * Q; q3(t0, b0, n0lt));
    d!(Q * Q * Q; q3(t1, s1rt, t0));
    d!(Q * Q * Q; q3(t1, s1lt, t0));
    d!(Q * Q * Q; q3(t1, t0, s0lt));
    d!(Q * Q * Q; q3(t0, s0lt, tk(s0l2)));
    d!(Q * Q * Q; q3(t0, s0rt, tk(s0r2)));
    d!(Q * Q * Q; q3(b0, n0lt, tk(n0l2)));
    d!(Q * Q * Q; q3(t1, s1rt, tk(s1r2)));
    d!(Q * Q * Q; q3(t2, t1, b0));
    debug_assert_eq!((j, base), (N_DIRECT, DIRECT_SIZE));
}

/// Number of label templates.
const N_LABEL: usize = 16;

/// Features of the labeller for the arc `head -> dep`. In arc-hybrid the
/// dependent's subtree is complete when it is attached, so its children's
/// labels and words (a preposition, a copula) are known.
fn label_features(st: &State, toks: &[Tok], head: u32, dep: u32, out: &mut [u64; N_LABEL]) {
    let none = st.none();
    let nd = &st.nodes;
    let tk = |i: u32| toks[i as usize];
    let node = |i: u32| nd[i as usize];
    let lab = |i: u32| u64::from(nd[i as usize].label);
    let (h, d) = (tk(head), tk(dep));
    let (nh, ndp) = (node(head), node(dep));
    let left = dep < head;
    let dir = u64::from(left);
    let dd = dist(head, dep, none);
    // The head's children on the dependent's side made so far.
    let side_set = if left { nh.lset } else { nh.rset };
    let prev = if dep > 0 { dep - 1 } else { none };
    let next = dep + 1;
    let (dl, dr) = (tk(ndp.l1), tk(ndp.r1));

    let mut i = 0;
    macro_rules! f {
        ($id:literal: $($v:expr),+) => {{
            out[i] = key($id, &[$($v),+]);
            i += 1;
        }};
    }
    f!(102: dir, d.w);
    f!(104: dir, d.w, d.p);
    f!(105: dir, d.u, h.u);
    f!(106: dir, d.p, h.p);
    f!(107: dir, d.p, h.p, dd);
    f!(108: dir, h.w, d.p);
    f!(109: dir, d.w, h.p);
    f!(110: dir, h.w, d.w);
    f!(112: d.p, ndp.lset);
    f!(113: d.p, ndp.rset);
    f!(114: dir, d.p, h.p, side_set);
    f!(117: dir, d.p, dl.w);
    f!(119: dir, h.w, dl.w);
    f!(120: dir, d.p, dl.p, lab(ndp.l1));
    f!(121: dir, d.p, dr.p, lab(ndp.r1));
    f!(122: d.p, tk(prev).p, tk(next).p);
    debug_assert_eq!(i, N_LABEL);
}

impl Parser {
    /// The name of relation `id` (`"_"` for an unknown id).
    pub fn label_name(&self, id: u8) -> &str {
        self.labels.get(usize::from(id)).map_or("_", String::as_str)
    }

    /// The id of relation `name`, if the model knows it.
    pub fn label_id(&self, name: &str) -> Option<u8> {
        self.labels.iter().position(|l| l == name).map(|i| i as u8)
    }

    /// All relation names, indexed by id.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Parses one sentence given its words and their UPOS and XPOS tags.
    ///
    /// `out` receives one [`Dep`] per word. The result is always a tree with
    /// a single root, whatever the input; missing tags count as unknown.
    pub fn parse<S: AsRef<str>>(
        &self,
        words: &[S],
        upos: &[S],
        xpos: &[S],
        scratch: &mut ParseScratch,
        out: &mut Vec<Dep>,
    ) {
        out.clear();
        let n = words.len();
        if n == 0 {
            return;
        }
        if n > MAX_WORDS {
            out.extend((0..n).map(|i| Dep { head: if i + 1 < n { i as u32 + 2 } else { 0 }, label: 0 }));
            return;
        }
        prepare(words, upos, xpos, &self.xpos, &self.upos, &mut scratch.toks);
        self.parse_prepared(scratch);
        let nodes = &scratch.state.nodes;
        out.extend(nodes[..n].iter().map(|nd| Dep {
            head: if nd.head >= n as u32 { 0 } else { nd.head + 1 },
            label: if nd.label == NO_LABEL { self.root_label } else { nd.label },
        }));
    }

    fn parse_prepared(&self, scratch: &mut ParseScratch) {
        let n = scratch.toks.len() - 2;
        let st = &mut scratch.state;
        st.reset(n);
        let mut hashed = [0u64; N_HASHED];
        let mut direct = [0u32; N_DIRECT];
        while !st.terminal() {
            let legal = st.legal();
            let t = if legal.iter().filter(|&&l| l).count() == 1 {
                legal.iter().position(|&l| l).unwrap_or(SHIFT)
            } else {
                trans_features(st, &scratch.toks, &mut hashed, &mut direct);
                best(&self.trans.score(&hashed, &direct), &legal)
            };
            if t == SHIFT {
                st.shift();
            } else {
                let (h, d) = st.arc(t);
                let label = self.label(st, &scratch.toks, h, d);
                st.attach(h, label);
            }
        }
    }

    fn label(&self, st: &State, toks: &[Tok], head: u32, dep: u32) -> u8 {
        if head == st.n {
            return self.root_label;
        }
        let mut feats = [0u64; N_LABEL];
        label_features(st, toks, head, dep, &mut feats);
        let mut scores = self.labeller.score(&feats);
        let n = self.labels.len().min(LANES);
        let scores = &mut scores[..n];
        if let Some(r) = scores.get_mut(usize::from(self.root_label)) {
            *r = i16::MIN;
        }
        let max = scores.iter().copied().max().unwrap_or(0);
        scores.iter().position(|&s| s == max).map_or(self.root_label, |i| i as u8)
    }

    /// Parses every sentence of `gold` with its own tag columns and scores the result.
    pub fn evaluate(&self, gold: &[Sentence]) -> Scores {
        let mut scratch = ParseScratch::default();
        let mut out = Vec::new();
        let mut sc = Scores::default();
        for s in gold {
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let upos: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
            let xpos: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
            self.parse(&words, &upos, &xpos, &mut scratch, &mut out);
            for (w, d) in s.words.iter().zip(&out) {
                sc.words += 1;
                if d.head as usize == w.head {
                    sc.head += 1;
                    let name = self.label_name(d.label);
                    if name == w.deprel {
                        sc.label += 1;
                    }
                    if universal(name) == universal(&w.deprel) {
                        sc.label_universal += 1;
                    }
                }
            }
        }
        sc
    }

    /// Serialises the model (deterministic: equal models give equal bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        w.strs(&self.labels);
        w.u8(self.root_label);
        w.strs(&self.xpos.names);
        w.strs(&self.upos.names);
        self.trans.write(&mut w);
        self.labeller.write(&mut w);
        w.buf
    }

    /// Loads a model written by [`Parser::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Model`] when the bytes are not a parser model of this
    /// version, are truncated or inconsistent.
    pub fn from_bytes(bytes: &[u8]) -> Result<Parser> {
        let mut r = Reader::new(bytes, MAGIC, VERSION, "parser")?;
        let labels = r.strs()?;
        if labels.is_empty() || labels.len() > LANES {
            return Err(r.err(format!("{} relation labels (expected 1..={LANES})", labels.len())));
        }
        let root_label = r.u8()?;
        if usize::from(root_label) >= labels.len() {
            return Err(r.err(format!("root label {root_label} out of range")));
        }
        let xpos = r.strs()?;
        let upos = r.strs()?;
        if xpos.len() > P as usize || upos.len() > U as usize {
            return Err(r.err(format!(
                "{} XPOS and {} UPOS tags (at most {P} and {U})",
                xpos.len(),
                upos.len()
            )));
        }
        let (xpos, upos) = (TagSet::new(xpos), TagSet::new(upos));
        let trans = DeltaTable::read(&mut r)?;
        if trans.direct_size() != DIRECT_SIZE as usize {
            return Err(
                r.err(format!("{} direct weights, this parser uses {DIRECT_SIZE}", trans.direct_size()))
            );
        }
        let labeller = LabelTable::read(&mut r)?;
        if labeller.n_classes() != labels.len() {
            return Err(r.err(format!(
                "labeller has {} classes for {} labels",
                labeller.n_classes(),
                labels.len()
            )));
        }
        r.finish()?;
        Ok(Parser { labels, root_label, xpos, upos, trans, labeller })
    }

    /// Reads a model file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Model`] when it is not a valid model.
    pub fn load(path: &std::path::Path) -> Result<Parser> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
        Parser::from_bytes(&bytes)
    }

    /// Numbers of features kept by the transition classifier and the labeller.
    pub fn n_features(&self) -> (usize, usize) {
        (self.trans.n_features(), self.labeller.n_features())
    }
}

/// The universal part of a relation (`nmod` for `nmod:poss`).
fn universal(label: &str) -> &str {
    label.split(':').next().unwrap_or(label)
}

/// Fills `toks` with the word and tag hashes, then the root and the "none" word.
fn prepare<S: AsRef<str>>(
    words: &[S],
    upos: &[S],
    xpos: &[S],
    xpos_ids: &TagSet,
    upos_ids: &TagSet,
    toks: &mut Vec<Tok>,
) {
    toks.clear();
    let tag = |v: &[S], i: usize| v.get(i).map_or(hash::bytes(b"_"), |t| hash::bytes(t.as_ref().as_bytes()));
    for (i, w) in words.iter().enumerate() {
        let (p, u) = (tag(xpos, i), tag(upos, i));
        toks.push(Tok { w: hash::lower(w.as_ref()), p, u, pi: xpos_ids.id(p), ui: upos_ids.id(u) });
    }
    toks.push(ROOT_TOK);
    toks.push(NONE_TOK);
}

/// The best legal transition (ties go to the earlier of SHIFT, LEFT, RIGHT).
#[inline]
fn best<T: PartialOrd + Copy>(scores: &[T; 3], legal: &[bool; 3]) -> usize {
    let mut b = None;
    for t in 0..3 {
        if legal[t] && b.is_none_or(|b: usize| scores[t] > scores[b]) {
            b = Some(t);
        }
    }
    b.unwrap_or(SHIFT)
}

/// Attachment scores over all words (punctuation included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    pub words: usize,
    /// Words with the right head.
    pub head: usize,
    /// Words with the right head and the right full label (`nmod:poss`).
    pub label: usize,
    /// Words with the right head and the right universal relation (`nmod`),
    /// as the CoNLL 2018 shared task scores LAS.
    pub label_universal: usize,
}

impl Scores {
    fn pct(x: usize, n: usize) -> f64 {
        if n == 0 {
            0.0
        } else {
            100.0 * x as f64 / n as f64
        }
    }

    /// Unlabelled attachment score, in percent.
    pub fn uas(&self) -> f64 {
        Scores::pct(self.head, self.words)
    }

    /// Labelled attachment score with full labels, in percent.
    pub fn las(&self) -> f64 {
        Scores::pct(self.label, self.words)
    }

    /// Labelled attachment score with universal relations (CoNLL 2018), in percent.
    pub fn las_universal(&self) -> f64 {
        Scores::pct(self.label_universal, self.words)
    }
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the training data; the epoch with the best dev LAS is kept.
    pub epochs: usize,
    /// First epoch (0-based) in which the parser follows its own predictions.
    pub explore_from: usize,
    /// Probability of following the model's prediction when exploring.
    pub explore_p: f64,
    /// Seed of the shuffling and exploration (training is deterministic).
    pub seed: u64,
    /// Hashed (word) transition features whose averaged weights all stay
    /// below this are dropped: a smaller, faster model at no measured cost.
    pub prune: f32,
    /// Labeller weights at most this large are dropped.
    pub label_prune: f32,
    /// Train the labeller on arcs with a wrong head too (toward the dependent's gold label).
    pub label_wrong_arcs: bool,
    /// Print per-epoch dev scores to stderr.
    pub verbose: bool,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            epochs: 15,
            explore_from: 1,
            explore_p: 0.9,
            seed: 1,
            prune: 2.0,
            label_prune: 0.5,
            label_wrong_arcs: true,
            verbose: true,
        }
    }
}

/// A training sentence: prepared words, projectivised gold heads (root = n)
/// and gold label ids.
struct Example {
    toks: Vec<Tok>,
    heads: Vec<u32>,
    labels: Vec<u8>,
}

/// Small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Gold heads of `s` with the root as `n`, or `None` unless they form a tree with one root.
fn gold_heads(s: &Sentence) -> Option<Vec<u32>> {
    let n = s.words.len();
    let heads: Vec<u32> =
        s.words.iter().map(|w| if w.head == 0 { n as u32 } else { w.head as u32 - 1 }).collect();
    let roots = heads.iter().filter(|&&h| h as usize == n).count();
    if roots != 1 || heads.iter().enumerate().any(|(i, &h)| h as usize == i || h as usize > n) {
        return None;
    }
    for i in 0..n {
        let mut k = i;
        let mut steps = 0;
        while k != n {
            k = heads[k] as usize;
            steps += 1;
            if steps > n {
                return None;
            }
        }
    }
    Some(heads)
}

/// Whether `a` dominates `k` in `heads` (root = `n`).
fn dominates(heads: &[u32], a: u32, mut k: u32) -> bool {
    let n = heads.len() as u32;
    for _ in 0..=n {
        if k == a {
            return true;
        }
        if k >= n {
            return false;
        }
        k = heads[k as usize];
    }
    false
}

/// Lifts non-projective arcs (shortest first) to the head's head until the
/// tree is projective (Nivre & Nilsson 2005, without label encoding).
pub(crate) fn projectivize(heads: &mut [u32]) {
    let n = heads.len();
    loop {
        let mut worst: Option<(u32, usize)> = None;
        for d in 0..n {
            let h = heads[d];
            let (lo, hi) = if (h as usize) < d { (h, d as u32) } else { (d as u32, h) };
            let span = hi - lo;
            if worst.is_some_and(|(s, _)| s <= span) {
                continue;
            }
            if ((lo + 1)..hi).any(|k| !dominates(heads, h, k)) {
                worst = Some((span, d));
            }
        }
        match worst {
            Some((_, d)) => {
                let h = heads[d] as usize;
                if h >= n {
                    return; // cannot happen in a tree: nothing crosses the root
                }
                heads[d] = heads[h];
            }
            None => return,
        }
    }
}

/// Costs of the three transitions: gold arcs each makes unreachable
/// (Goldberg & Nivre 2013, arc-hybrid); `u32::MAX` when illegal.
fn costs(st: &State, gold: &[u32]) -> [u32; 3] {
    let legal = st.legal();
    let n = st.n;
    let b = st.b;
    let mut c = [u32::MAX; 3];
    let g = |i: u32| gold.get(i as usize).copied().unwrap_or(n);
    let deps_in_buffer = |x: u32| (b..n).filter(|&d| g(d) == x).count() as u32;
    if legal[SHIFT] {
        let below = &st.stack[..st.stack.len().saturating_sub(1)];
        let head_lost = below.contains(&g(b)) as u32;
        let deps_lost = st.stack.iter().filter(|&&d| g(d) == b).count() as u32;
        c[SHIFT] = head_lost + deps_lost;
    }
    if legal[LEFT] || legal[RIGHT] {
        let s0 = st.s(0);
        let h = g(s0);
        let deps = deps_in_buffer(s0);
        if legal[LEFT] {
            let head_lost = (st.stack.len() >= 2 && h == st.s(1)) || (h > b && h <= n);
            c[LEFT] = head_lost as u32 + deps;
        }
        if legal[RIGHT] {
            c[RIGHT] = (h >= b && h <= n) as u32 + deps;
        }
    }
    c
}

/// Trains a parser on `train`, reporting dev scores after each epoch and
/// keeping the epoch with the best dev LAS. The words' UPOS and XPOS columns
/// are used as given (gold tags, or predicted ones substituted by the caller).
///
/// # Errors
/// [`Error::Model`] when `train` has no usable sentence or more than 64 relations.
pub fn train(train: &[Sentence], dev: &[Sentence], opts: &TrainOptions) -> Result<Parser> {
    let start = Instant::now();
    let err = |message: String| Error::Model { what: "parser", message };
    let mut labels: Vec<String> =
        train.iter().flat_map(|s| s.words.iter().map(|w| w.deprel.clone())).collect();
    labels.push("root".into());
    labels.sort();
    labels.dedup();
    if labels.len() > LANES {
        return Err(err(format!("{} relation labels; at most {LANES} are supported", labels.len())));
    }
    let label_of = |name: &str| labels.binary_search_by(|l| l.as_str().cmp(name)).map_or(0, |i| i as u8);
    let root_label = label_of("root");
    let words = || train.iter().flat_map(|s| &s.words);
    let xpos_ids = TagSet::from_counts(words().map(|w| w.xpos.as_str()), P as usize);
    let upos_ids = TagSet::from_counts(words().map(|w| w.upos.as_str()), U as usize);

    let mut examples = Vec::with_capacity(train.len());
    let mut skipped = 0;
    let mut lifted = 0;
    for s in train {
        let Some(mut heads) = gold_heads(s) else {
            skipped += 1;
            continue;
        };
        let orig = heads.clone();
        projectivize(&mut heads);
        if heads != orig {
            lifted += 1;
        }
        let mut toks = Vec::new();
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let upos: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
        let xpos: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
        prepare(&words, &upos, &xpos, &xpos_ids, &upos_ids, &mut toks);
        let labels = s.words.iter().map(|w| label_of(&w.deprel)).collect();
        examples.push(Example { toks, heads, labels });
    }
    if examples.is_empty() {
        return Err(err("no usable training sentence".into()));
    }
    if opts.verbose {
        eprintln!(
            "parser: {} training sentences ({} projectivised, {} skipped), {} labels",
            examples.len(),
            lifted,
            skipped,
            labels.len()
        );
    }

    let mut trans = DeltaTrainer::new();
    let mut labeller = LabelTrainer::new(labels.len());
    let mut rng = Rng(opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut st = State::default();
    let mut feats = [0u64; N_LABEL];
    let mut hashed = [0u64; N_HASHED];
    let mut direct = [0u32; N_DIRECT];
    let mut lscores = vec![0.0f32; labels.len()];
    let mut kept: Option<(usize, Parser)> = None;
    for epoch in 0..opts.epochs.max(1) {
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let explore = epoch >= opts.explore_from;
        let (mut right, mut total) = (0usize, 0usize);
        for &e in &order {
            let ex = &examples[e];
            let n = ex.heads.len();
            st.reset(n);
            while !st.terminal() {
                let legal = st.legal();
                let t = if legal.iter().filter(|&&l| l).count() == 1 {
                    legal.iter().position(|&l| l).unwrap_or(SHIFT)
                } else {
                    let cost = costs(&st, &ex.heads);
                    trans_features(&st, &ex.toks, &mut hashed, &mut direct);
                    let scores = trans.score(&hashed, &direct);
                    let guess = best(&scores, &legal);
                    let min = cost.iter().copied().min().unwrap_or(0);
                    let ok = [cost[0] == min, cost[1] == min, cost[2] == min];
                    let gold = best(&scores, &ok);
                    trans.tick();
                    if cost[guess] > min {
                        trans.update(&hashed, &direct, gold, guess);
                    }
                    if explore && rng.chance(opts.explore_p) {
                        guess
                    } else {
                        gold
                    }
                };
                if t == SHIFT {
                    st.shift();
                    continue;
                }
                let (h, d) = st.arc(t);
                let label = if h == st.n {
                    root_label
                } else {
                    label_features(&st, &ex.toks, h, d, &mut feats);
                    labeller.tick();
                    labeller.score(&feats, &mut lscores);
                    let mut guess = 0;
                    for (i, &s) in lscores.iter().enumerate() {
                        if i != usize::from(root_label)
                            && (guess == usize::from(root_label) || s > lscores[guess])
                        {
                            guess = i;
                        }
                    }
                    let gold = usize::from(ex.labels[d as usize]);
                    if (opts.label_wrong_arcs || ex.heads[d as usize] == h) && gold != usize::from(root_label)
                    {
                        labeller.update(&feats, gold, guess);
                    }
                    guess as u8
                };
                total += 1;
                right += usize::from(ex.heads[d as usize] == h);
                st.attach(h, label);
            }
        }
        let model = Parser {
            labels: labels.clone(),
            root_label,
            xpos: xpos_ids.clone(),
            upos: upos_ids.clone(),
            trans: trans.freeze(opts.prune, DIRECT_SIZE as usize),
            labeller: labeller.freeze(opts.label_prune, N_LABEL),
        };
        let sc = model.evaluate(dev);
        if opts.verbose {
            eprintln!(
                "parser: epoch {:2}  train UAS {:5.2}  dev UAS {:5.2} LAS {:5.2} (universal {:5.2})  features {}/{}  {:.0}s",
                epoch + 1,
                Scores::pct(right, total),
                sc.uas(),
                sc.las(),
                sc.las_universal(),
                model.trans.n_features(),
                model.labeller.n_features(),
                start.elapsed().as_secs_f64()
            );
        }
        if kept.as_ref().is_none_or(|(b, _)| sc.label > *b) || dev.is_empty() {
            kept = Some((sc.label, model));
        }
    }
    kept.map(|(_, m)| m).ok_or_else(|| err("no epoch trained".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu;
    use std::path::PathBuf;

    const TINY: &str = "\
1\tWitkoff\t_\tPROPN\tNNP\t_\t2\tnsubj\t_\t_
2\tmet\t_\tVERB\tVBD\t_\t0\troot\t_\t_
3\twith\t_\tADP\tIN\t_\t7\tcase\t_\t_
4\tRussian\t_\tADJ\tJJ\t_\t7\tamod\t_\t_
5\tPresident\t_\tPROPN\tNNP\t_\t7\tcompound\t_\t_
6\tVladimir\t_\tPROPN\tNNP\t_\t7\tcompound\t_\t_
7\tPutin\t_\tPROPN\tNNP\t_\t2\tobl\t_\t_
8\ton\t_\tADP\tIN\t_\t9\tcase\t_\t_
9\tThursday\t_\tPROPN\tNNP\t_\t2\tobl\t_\t_
10\t.\t_\tPUNCT\t.\t_\t2\tpunct\t_\t_

1\tThe\t_\tDET\tDT\t_\t2\tdet\t_\t_
2\ttalks\t_\tNOUN\tNNS\t_\t3\tnsubj\t_\t_
3\tended\t_\tVERB\tVBD\t_\t0\troot\t_\t_
4\twithout\t_\tADP\tIN\t_\t6\tcase\t_\t_
5\ta\t_\tDET\tDT\t_\t6\tdet\t_\t_
6\tdeal\t_\tNOUN\tNN\t_\t3\tobl\t_\t_
7\t.\t_\tPUNCT\t.\t_\t3\tpunct\t_\t_

1\tWhat\t_\tPRON\tWP\t_\t4\tobj\t_\t_
2\tdid\t_\tAUX\tVBD\t_\t4\taux\t_\t_
3\the\t_\tPRON\tPRP\t_\t4\tnsubj\t_\t_
4\tsay\t_\tVERB\tVB\t_\t0\troot\t_\t_
5\t?\t_\tPUNCT\t.\t_\t4\tpunct\t_\t_

";

    fn tiny() -> Vec<Sentence> {
        conllu::parse(TINY).unwrap()
    }

    fn quiet(epochs: usize) -> TrainOptions {
        TrainOptions { epochs, verbose: false, ..TrainOptions::default() }
    }

    fn shared(rel: &str) -> Option<PathBuf> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ud").join(rel);
        if p.exists() {
            Some(p)
        } else {
            eprintln!("skipping: {} not found (shared data absent)", p.display());
            None
        }
    }

    fn parse_sentence(p: &Parser, s: &Sentence) -> Vec<Dep> {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let upos: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
        let xpos: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
        let mut out = Vec::new();
        p.parse(&words, &upos, &xpos, &mut ParseScratch::default(), &mut out);
        out
    }

    /// One root, every word headed within range, no cycles.
    fn assert_tree(deps: &[Dep]) {
        let n = deps.len();
        assert_eq!(deps.iter().filter(|d| d.head == 0).count(), usize::from(n > 0), "one root");
        for (i, d) in deps.iter().enumerate() {
            assert!(d.head as usize <= n && d.head as usize != i + 1);
        }
        // Each word reaches the root within n steps.
        let mut depth = vec![usize::MAX; n];
        for i in 0..n {
            let mut path = Vec::new();
            let mut k = i;
            loop {
                if depth[k] != usize::MAX {
                    break;
                }
                path.push(k);
                assert!(path.len() <= n, "cycle through word {}", i + 1);
                let h = deps[k].head as usize;
                if h == 0 {
                    depth[k] = 0;
                    path.pop();
                    break;
                }
                k = h - 1;
            }
            while let Some(p) = path.pop() {
                depth[p] = depth[deps[p].head as usize - 1] + 1;
            }
        }
    }

    #[test]
    fn parser_is_shareable() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Parser>();
    }

    #[test]
    fn tag_ids() {
        let t = TagSet::from_counts(["NN", "VB", "NN", "IN", "NN", "VB"].into_iter(), 64);
        assert_eq!(t.names, ["", "<root>", "NN", "VB", "IN"]);
        assert_eq!(t.id(hash::bytes(b"NN")), 2);
        assert_eq!(t.id(hash::bytes(b"IN")), 4);
        assert_eq!(t.id(hash::bytes(b"XYZ")), 0);
        let small = TagSet::from_counts(["A", "B", "B", "C", "C", "C"].into_iter(), 4);
        assert_eq!(small.names, ["", "<root>", "C", "B"]);
        assert_eq!(small.id(hash::bytes(b"A")), 0, "rare tags beyond the limit are unknown");
    }

    #[test]
    fn learns_tiny_treebank() {
        let gold = tiny();
        let p = train(&gold, &gold, &quiet(10)).unwrap();
        for s in &gold {
            let out = parse_sentence(&p, s);
            assert_tree(&out);
            for (w, d) in s.words.iter().zip(&out) {
                assert_eq!(d.head as usize, w.head, "{}", w.form);
                assert_eq!(p.label_name(d.label), w.deprel, "{}", w.form);
            }
        }
        let sc = p.evaluate(&gold);
        assert_eq!((sc.uas(), sc.las()), (100.0, 100.0));
    }

    #[test]
    fn training_is_deterministic_and_round_trips() {
        let gold = tiny();
        let a = train(&gold, &gold, &quiet(4)).unwrap();
        let b = train(&gold, &gold, &quiet(4)).unwrap();
        let bytes = a.to_bytes();
        assert_eq!(bytes, b.to_bytes());
        let c = Parser::from_bytes(&bytes).unwrap();
        assert_eq!(c.to_bytes(), bytes);
        for s in &gold {
            assert_eq!(parse_sentence(&a, s), parse_sentence(&c, s));
        }
    }

    #[test]
    fn corrupt_bytes_are_errors() {
        let gold = tiny();
        let bytes = train(&gold, &gold, &quiet(2)).unwrap().to_bytes();
        for cut in 0..bytes.len() {
            assert!(Parser::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut x = 0x1234_5678u64;
        for i in 0..2000 {
            let mut b = bytes.clone();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pos = 12 + (x as usize) % (b.len() - 12);
            b[pos] ^= 1 << (i % 8);
            // Any outcome but a panic is fine; a loaded model must still parse into a tree.
            if let Ok(p) = Parser::from_bytes(&b) {
                for s in &gold {
                    assert_tree(&parse_sentence(&p, s));
                }
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Parser::from_bytes(&longer).is_err());
        assert!(Parser::from_bytes(b"DYADPARS").is_err());
        assert!(Parser::from_bytes(b"").is_err());
    }

    /// Following the cheapest transition must rebuild a projective tree exactly.
    fn oracle_reproduces(heads: &[u32]) {
        let n = heads.len();
        let mut st = State::default();
        st.reset(n);
        while !st.terminal() {
            let c = costs(&st, heads);
            let t = (0..3).min_by_key(|&t| c[t]).unwrap();
            assert_eq!(c[t], 0, "a zero-cost transition exists on the gold path");
            if t == SHIFT {
                st.shift();
            } else {
                let (h, _) = st.arc(t);
                st.attach(h, 0);
            }
        }
        let got: Vec<u32> = st.nodes[..n].iter().map(|nd| nd.head).collect();
        assert_eq!(got, heads);
    }

    #[test]
    fn oracle_reproduces_tiny_trees() {
        for s in tiny() {
            oracle_reproduces(&gold_heads(&s).unwrap());
        }
    }

    #[test]
    fn oracle_reproduces_projective_ewt_dev() {
        let Some(path) = shared("UD_English-EWT/en_ewt-ud-dev.conllu") else { return };
        let dev = conllu::read_file(&path).unwrap();
        let mut checked = 0;
        for s in &dev {
            let Some(heads) = gold_heads(s) else { continue };
            let mut proj = heads.clone();
            projectivize(&mut proj);
            // Lifting keeps a tree and changes nothing in a projective one.
            assert!(gold_heads_tree(&proj));
            if proj == heads {
                checked += 1;
            }
            oracle_reproduces(&proj);
        }
        assert!(checked > 1900, "{checked} projective sentences");
    }

    fn gold_heads_tree(heads: &[u32]) -> bool {
        let n = heads.len() as u32;
        (0..n).all(|i| dominates(heads, n, i)) && heads.iter().filter(|&&h| h == n).count() == 1
    }

    #[test]
    fn projectivize_lifts_crossing_arc() {
        // 0 <- 2 (head 2), 1 -> 3 crosses 2's arc to the root: words 0 1 2 3, root 4.
        let mut heads = vec![2, 3, 4, 2];
        projectivize(&mut heads);
        assert_eq!(heads, vec![2, 2, 4, 2]);
    }

    #[test]
    fn garbage_and_long_input_give_trees() {
        let gold = tiny();
        let p = train(&gold, &gold, &quiet(3)).unwrap();
        let mut scratch = ParseScratch::default();
        let mut out = Vec::new();
        let words: Vec<String> = (0..5000).map(|i| format!("w{}", i % 97)).collect();
        let tags: Vec<&str> =
            ["NNP", "VBD", "IN", ".", "DT", "NN"].iter().copied().cycle().take(5000).collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        p.parse(&w, &tags, &tags, &mut scratch, &mut out);
        assert_eq!(out.len(), 5000);
        assert_tree(&out);
        p.parse(&["", "\u{0}", "ünïcödé"], &[], &["x"], &mut scratch, &mut out);
        assert_eq!(out.len(), 3);
        assert_tree(&out);
        p.parse::<&str>(&[], &[], &[], &mut scratch, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn committed_model_parses_news_sentence() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/parser.bin");
        let Ok(bytes) = std::fs::read(&path) else {
            panic!(
                "{} is missing: train it with `cargo run --release -p dyad-nlp --example parser`",
                path.display()
            );
        };
        let p = Parser::from_bytes(&bytes).unwrap();
        let words =
            ["Witkoff", "met", "with", "Russian", "President", "Vladimir", "Putin", "on", "Thursday", "."];
        let upos = ["PROPN", "VERB", "ADP", "ADJ", "PROPN", "PROPN", "PROPN", "ADP", "PROPN", "PUNCT"];
        let xpos = ["NNP", "VBD", "IN", "JJ", "NNP", "NNP", "NNP", "IN", "NNP", "."];
        let mut out = Vec::new();
        p.parse(&words, &upos, &xpos, &mut ParseScratch::default(), &mut out);
        assert_tree(&out);
        assert_eq!(out[0].head, 2, "Witkoff <- met");
        assert_eq!(p.label_name(out[0].label), "nsubj");
        // UD heads a multiword name by its first word ("Vladimir", with
        // "Putin" as `flat`): the name is the obl of "met".
        let show: Vec<String> = out
            .iter()
            .zip(words)
            .map(|(d, w)| format!("{w}<-{}:{}", d.head, p.label_name(d.label)))
            .collect();
        let mut name = 6;
        while p.label_name(out[name].label) == "flat" && out[name].head > 0 {
            name = out[name].head as usize - 1;
        }
        assert_eq!((words[name], out[name].head), ("Vladimir", 2), "{show:?}");
        assert!(p.label_name(out[name].label).starts_with("obl"), "{show:?}");
        assert_eq!(out[1].head, 0, "{show:?}");
        // 500 copies run together: one 5,000-word "sentence" still gives a tree.
        let (w, u, x) = (words.repeat(500), upos.repeat(500), xpos.repeat(500));
        p.parse(&w, &u, &x, &mut ParseScratch::default(), &mut out);
        assert_eq!(out.len(), 5000);
        assert_tree(&out);
    }
}
