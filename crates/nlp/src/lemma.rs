//! Lemmatiser: the dictionary form of a word given its part of speech.
//!
//! Three layers, all learned from the treebank:
//! 1. per tag, whether lemmas keep the word's case (proper nouns) or are
//!    lower-cased;
//! 2. suffix rules for words never seen: for the tag and the longest known
//!    suffix of the word, the most frequent edit (strip *n* characters,
//!    append a string), e.g. `VBD` + `-ied` → strip 3, append `y`;
//! 3. a lexicon of exceptions, (lower-cased form, tag) → lemma, kept only
//!    where the rules get the training data wrong (`went`/VBD → `go`,
//!    `'s`/VBZ → `be`, `n't` → `not`, `better`/JJR → `good`).
//!
//! Typographic apostrophes are folded for lookup, so `’s` and `n’t` find
//! the same entries as `'s` and `n't`. Numbers with digits drop their
//! thousands separators (`200,000` → `200000`), as in UD English.
//!
//! ```
//! use dyad_nlp::conllu;
//! use dyad_nlp::lemma::{self, Lemmatizer};
//!
//! let data = "1\tShe\tshe\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n2\twent\tgo\tVERB\tVBD\t_\t0\troot\t_\t_\n\n";
//! let lem: Lemmatizer = lemma::train(&conllu::parse(data).unwrap(), &lemma::TrainOptions::default());
//! let mut buf = String::new();
//! assert_eq!(lem.lemma("went", "VERB", "VBD", &mut buf), "go");
//! ```

use std::collections::BTreeMap;

use crate::conllu::Sentence;
use crate::hash;
use crate::model::{Reader, Writer};
use crate::tag_table::KeyTable;
use crate::tag_text;
use crate::Result;

const MAGIC: &[u8; 8] = b"DYADLEMM";
const VERSION: u32 = 2;
/// Longest suffix (in characters) a rule looks at.
const MAX_SUFFIX: usize = 6;
/// Marks a tag whose lemmas keep the word's case.
const KEEP_CASE: u64 = 0xCA5E;
/// Marks a keep-case tag whose lower-case words get a capital (`mexico` → `Mexico`).
const CAPITALIZE: u64 = 0xCA91;

/// An edit from a word to its lemma: drop `strip` characters, append `append`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Script {
    strip: u8,
    append: String,
}

impl Script {
    /// The edit turning `base` into `lemma`, or `None` when it would strip too much.
    fn between(base: &str, lemma: &str) -> Option<Script> {
        let common: usize = base.chars().zip(lemma.chars()).take_while(|(a, b)| a == b).count();
        let strip = base.chars().count() - common;
        let append: String = lemma.chars().skip(common).collect();
        u8::try_from(strip).ok().map(|strip| Script { strip, append })
    }
}

/// The trained lemmatiser: read-only, `Send + Sync`, shareable via `Arc`.
#[derive(Clone, Debug, Default)]
pub struct Lemmatizer {
    /// `mix(tag hash, lower-cased folded form hash)` → index into `lemmas`.
    lex: KeyTable,
    lex_keys: Vec<u64>,
    lemmas: Vec<String>,
    /// `mix(tag hash, suffix hash)` → index into `scripts`; also
    /// `mix(tag hash, KEEP_CASE)` for tags whose lemmas keep case.
    rules: KeyTable,
    rule_keys: Vec<u64>,
    scripts: Vec<Script>,
    /// Hashes of the (lower-cased) lemmas seen in training.
    vocab: KeyTable,
    vocab_keys: Vec<u64>,
}

/// Lexicon key: both tags, since treebanks give e.g. `United` ADJ/NNP
/// (EWT) and VERB/NNP (GUM) different lemmas.
#[inline]
fn lex_key(upos: &str, xpos: &str, form: &str) -> u64 {
    hash::mix(hash::mix(hash::bytes(upos.as_bytes()), hash::bytes(xpos.as_bytes())), tag_text::lower(form))
}

#[inline]
fn tag_key(upos: &str, xpos: &str) -> u64 {
    if xpos.is_empty() || xpos == "_" {
        hash::bytes(upos.as_bytes())
    } else {
        hash::bytes(xpos.as_bytes())
    }
}

/// Writes `form` lower-cased into `buf` (cleared first).
fn lower_into(form: &str, buf: &mut String) {
    buf.clear();
    for c in form.chars() {
        if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else {
            buf.extend(c.to_lowercase());
        }
    }
}

fn is_number(form: &str, upos: &str, xpos: &str) -> bool {
    (xpos == "CD" || upos == "NUM") && form.bytes().any(|b| b.is_ascii_digit())
}

impl Lemmatizer {
    /// The lemma of `form` tagged `upos`/`xpos` (XPOS is used when given,
    /// UPOS otherwise). The result borrows from the model, from `form` or
    /// from `buf`, which is overwritten; nothing is allocated once `buf`
    /// has grown to the longest word.
    pub fn lemma<'a>(&'a self, form: &'a str, upos: &str, xpos: &str, buf: &'a mut String) -> &'a str {
        let tag = tag_key(upos, xpos);
        if let Some(i) = self.lex.get(lex_key(upos, xpos, form)) {
            if let Some(l) = self.lemmas.get(i as usize) {
                return l;
            }
        }
        if is_number(form, upos, xpos) {
            if !form.contains(',') {
                return form;
            }
            buf.clear();
            buf.extend(form.chars().filter(|&c| c != ','));
            return buf;
        }
        let keep_case = self.rules.get(hash::mix(tag, KEEP_CASE)).is_some();
        let lowered = !keep_case && form.chars().any(char::is_uppercase);
        if lowered {
            lower_into(form, buf);
        }
        let script = self.choose(tag, if lowered { buf.as_str() } else { form }, !keep_case);
        let capitalize = keep_case
            && form.starts_with(|c: char| c.is_ascii_lowercase())
            && self.rules.get(hash::mix(tag, CAPITALIZE)).is_some();
        let in_buf = match script {
            Some(s) if s.strip > 0 || !s.append.is_empty() => {
                if !lowered {
                    buf.clear();
                    buf.push_str(form);
                }
                buf.truncate(tag_text::suffix_start(buf, usize::from(s.strip)));
                buf.push_str(&s.append);
                true
            }
            _ => lowered,
        };
        if capitalize {
            if !in_buf {
                buf.clear();
                buf.push_str(form);
            }
            if let Some(first) = buf.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            return buf;
        }
        if in_buf {
            buf
        } else {
            form
        }
    }

    /// The edit for the longest suffix of `base` with a rule under `tag`;
    /// with `check`, the longest whose result is a lemma seen in training,
    /// if any is (`bombed` → `bomb` rather than `bom` as in `robbed` → `rob`).
    fn choose(&self, tag: u64, base: &str, check: bool) -> Option<&Script> {
        let n = base.chars().count();
        let mut suffixes = [0u64; MAX_SUFFIX + 1];
        let filled = tag_text::suffix_hashes(base, &mut suffixes);
        let mut first = None;
        for &h in suffixes[..filled].iter().rev() {
            let Some(i) = self.rules.get(hash::mix(tag, h)) else { continue };
            let Some(s) = self.scripts.get(i as usize) else { continue };
            if usize::from(s.strip) > n {
                continue;
            }
            if !check || self.known(base, s) {
                return Some(s);
            }
            first = first.or(Some(s));
        }
        first
    }

    /// Whether applying `s` to `base` gives a lemma seen in training.
    fn known(&self, base: &str, s: &Script) -> bool {
        let cut = tag_text::suffix_start(base, usize::from(s.strip));
        self.vocab.get(tag_text::lower_concat(&base[..cut], &s.append)).is_some()
    }

    /// Number of lexicon exceptions and suffix rules.
    pub fn sizes(&self) -> (usize, usize) {
        (self.lemmas.len(), self.scripts.len())
    }

    /// The model file: magic, version, lexicon, rules.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        w.u32(self.lemmas.len() as u32);
        for (k, l) in self.lex_keys.iter().zip(&self.lemmas) {
            w.u64(*k);
            w.str(l);
        }
        w.u32(self.scripts.len() as u32);
        for (k, s) in self.rule_keys.iter().zip(&self.scripts) {
            w.u64(*k);
            w.u8(s.strip);
            w.str(&s.append);
        }
        w.u32(self.vocab_keys.len() as u32);
        for &k in &self.vocab_keys {
            w.u64(k);
        }
        w.buf
    }

    /// Loads a model written by [`Lemmatizer::to_bytes`].
    ///
    /// # Errors
    /// [`crate::Error::Model`] when the bytes are not a lemmatiser model of
    /// this version or are truncated.
    pub fn from_bytes(bytes: &[u8]) -> Result<Lemmatizer> {
        let mut r = Reader::new(bytes, MAGIC, VERSION, "lemmatiser")?;
        let n = r.len(12)?;
        let mut lex = Vec::with_capacity(n);
        for _ in 0..n {
            lex.push((r.u64()?, r.str()?.to_string()));
        }
        let n = r.len(13)?;
        let mut rules = Vec::with_capacity(n);
        for _ in 0..n {
            let key = r.u64()?;
            let strip = r.u8()?;
            rules.push((key, Script { strip, append: r.str()?.to_string() }));
        }
        let n = r.len(8)?;
        let vocab = (0..n).map(|_| r.u64()).collect::<Result<Vec<u64>>>()?;
        r.finish()?;
        Ok(Lemmatizer::build(lex, rules, vocab))
    }

    fn build(lex: Vec<(u64, String)>, rules: Vec<(u64, Script)>, vocab_keys: Vec<u64>) -> Lemmatizer {
        let (lex_keys, lemmas): (Vec<u64>, Vec<String>) = lex.into_iter().unzip();
        let (rule_keys, scripts): (Vec<u64>, Vec<Script>) = rules.into_iter().unzip();
        Lemmatizer {
            lex: KeyTable::new(lex_keys.iter().enumerate().map(|(i, &k)| (k, i as u32))),
            lex_keys,
            lemmas,
            rules: KeyTable::new(rule_keys.iter().enumerate().map(|(i, &k)| (k, i as u32))),
            rule_keys,
            scripts,
            vocab: KeyTable::new(vocab_keys.iter().map(|&k| (k, 0))),
            vocab_keys,
        }
    }
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// A suffix rule needs this many word types behind it.
    pub min_support: u32,
    /// Weight of a GUM token in the lexicon's majority votes (others: 2).
    pub gum_vote: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { min_support: 2, gum_vote: 1 }
    }
}

/// Learns a lemmatiser from the gold forms, tags and lemmas of `sentences`.
/// Deterministic: the same data gives the same model, byte for byte.
pub fn train(sentences: &[Sentence], opts: &TrainOptions) -> Lemmatizer {
    let words = || sentences.iter().flat_map(|s| &s.words).filter(|w| w.lemma != "_" && !w.lemma.is_empty());
    // 1. Tags whose lemmas mostly keep the word's case.
    let mut case: BTreeMap<u64, (u32, u32)> = BTreeMap::new();
    for w in words() {
        let c = case.entry(tag_key(&w.upos, &w.xpos)).or_default();
        // Compare first letters: `Americans` → `American` keeps case.
        if let (Some(f), Some(l)) = (w.form.chars().next(), w.lemma.chars().next()) {
            if f.is_uppercase() {
                if l == f {
                    c.0 += 1;
                } else if f.to_lowercase().eq(std::iter::once(l)) {
                    c.1 += 1;
                }
            }
        }
    }
    let keep: Vec<u64> = case.iter().filter(|(_, &(k, l))| k > l).map(|(&t, _)| t).collect();
    let keeps = |t: u64| keep.binary_search(&t).is_ok();
    // Keep-case tags whose lower-case words mostly get a capital.
    let mut caps: BTreeMap<u64, (u32, u32)> = BTreeMap::new();
    for w in words() {
        let tag = tag_key(&w.upos, &w.xpos);
        if keeps(tag) && w.form.starts_with(|c: char| c.is_ascii_lowercase()) {
            let c = caps.entry(tag).or_default();
            if w.lemma == w.form {
                c.0 += 1;
            } else if w.lemma.get(1..) == w.form.get(1..)
                && w.lemma.starts_with(|c: char| c.is_ascii_uppercase())
            {
                c.1 += 1;
            }
        }
    }

    // 2. Suffix rules, counted over distinct (form, tag, lemma) types.
    let mut types: BTreeMap<(u64, String, &str), ()> = BTreeMap::new();
    for w in words() {
        if is_number(&w.form, &w.upos, &w.xpos) {
            continue;
        }
        let tag = tag_key(&w.upos, &w.xpos);
        let base = if keeps(tag) { w.form.clone() } else { w.form.to_lowercase() };
        types.insert((tag, base, w.lemma.as_str()), ());
    }
    // (tag, suffix length, suffix, its hash) → script → types
    let mut counts: BTreeMap<(u64, usize, String, u64), BTreeMap<Script, u32>> = BTreeMap::new();
    for (tag, base, lemma) in types.keys() {
        let Some(script) = Script::between(base, lemma) else { continue };
        let n = base.chars().count();
        let mut hashes = [0u64; MAX_SUFFIX + 1];
        tag_text::suffix_hashes(base, &mut hashes);
        for k in 0..=n.min(MAX_SUFFIX) {
            let suffix = base[tag_text::suffix_start(base, k)..].to_lowercase();
            *counts.entry((*tag, k, suffix, hashes[k])).or_default().entry(script.clone()).or_default() += 1;
        }
    }
    let mut best: BTreeMap<(u64, usize, String), (u64, Script)> = BTreeMap::new();
    for (key, scripts) in &counts {
        let total: u32 = scripts.values().sum();
        if total < opts.min_support {
            continue;
        }
        // Most types; ties to the smallest script, for determinism.
        if let Some((s, _)) = scripts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
            best.insert((key.0, key.1, key.2.clone()), (key.3, s.clone()));
        }
    }
    // Drop a rule that says what its next shorter suffix already says.
    let mut rules: Vec<(u64, Script)> = Vec::new();
    for ((tag, k, suffix), (h, script)) in &best {
        let parent = (0..*k).rev().find_map(|j| {
            let p = &suffix[tag_text::suffix_start(suffix, j)..];
            best.get(&(*tag, j, p.to_string())).map(|b| &b.1)
        });
        if parent != Some(script) {
            rules.push((hash::mix(*tag, *h), script.clone()));
        }
    }
    for &t in &keep {
        rules.push((hash::mix(t, KEEP_CASE), Script { strip: 0, append: String::new() }));
    }
    for (&t, &(same, capital)) in &caps {
        if capital > same {
            rules.push((hash::mix(t, CAPITALIZE), Script { strip: 0, append: String::new() }));
        }
    }
    rules.sort();
    rules.dedup_by_key(|r| r.0);
    let mut vocab: Vec<u64> = words().map(|w| tag_text::lower(&w.lemma)).collect();
    vocab.sort_unstable();
    vocab.dedup();
    let rules_only = Lemmatizer::build(Vec::new(), rules.clone(), vocab.clone());

    // 3. Exceptions: (form, tag) groups whose majority lemma the rules miss.
    // key → (lemma → count, tokens the rules get right)
    let mut groups: BTreeMap<u64, (BTreeMap<&str, u32>, u32)> = BTreeMap::new();
    let mut buf = String::new();
    for s in sentences {
        // Where treebanks disagree (`...` → `...` in EWT, `…` in GUM), the
        // others outvote GUM.
        let vote = if s.sent_id.starts_with("GUM_") { opts.gum_vote } else { 2 };
        for w in s.words.iter().filter(|w| w.lemma != "_" && !w.lemma.is_empty()) {
            let key = lex_key(&w.upos, &w.xpos, &w.form);
            let g = groups.entry(key).or_default();
            *g.0.entry(w.lemma.as_str()).or_default() += vote;
            if rules_only.lemma(&w.form, &w.upos, &w.xpos, &mut buf) == w.lemma {
                g.1 += vote;
            }
        }
    }
    let mut lex = Vec::new();
    for (key, (lemmas, rule_ok)) in groups {
        if let Some((lemma, &n)) = lemmas.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
            if n > rule_ok {
                lex.push((key, lemma.to_string()));
            }
        }
    }
    Lemmatizer::build(lex, rules, vocab)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu;

    const DATA: &str = "\
1\tKiev\tKiev\tPROPN\tNNP\t_\t0\troot\t_\tSpaceAfter=No
2\t’s\t's\tPART\tPOS\t_\t1\tcase\t_\t_
3\tchildren\tchild\tNOUN\tNNS\t_\t1\tnmod\t_\t_
4\twent\tgo\tVERB\tVBD\t_\t1\tdep\t_\t_
5\tis\tbe\tAUX\tVBZ\t_\t1\tdep\t_\t_
6\tdo\tdo\tAUX\tVBP\t_\t1\tdep\t_\t_
7\tn't\tnot\tPART\tRB\t_\t1\tdep\t_\t_
8\tbetter\tgood\tADJ\tJJR\t_\t1\tdep\t_\t_
9\tI\tI\tPRON\tPRP\t_\t1\tdep\t_\t_
10\t'm\tbe\tAUX\tVBP\t_\t1\tdep\t_\t_
11\tit\tit\tPRON\tPRP\t_\t1\tdep\t_\t_
12\t's\tbe\tAUX\tVBZ\t_\t1\tdep\t_\t_
13\tJohn\tJohn\tPROPN\tNNP\t_\t1\tdep\t_\t_
14\t's\t's\tPART\tPOS\t_\t1\tdep\t_\t_
15\tcars\tcar\tNOUN\tNNS\t_\t1\tdep\t_\t_
16\tbooks\tbook\tNOUN\tNNS\t_\t1\tdep\t_\t_
17\tcities\tcity\tNOUN\tNNS\t_\t1\tdep\t_\t_
18\tparties\tparty\tNOUN\tNNS\t_\t1\tdep\t_\t_
19\twalked\twalk\tVERB\tVBD\t_\t1\tdep\t_\t_
20\ttalked\ttalk\tVERB\tVBD\t_\t1\tdep\t_\t_
21\tAmericans\tAmerican\tPROPN\tNNPS\t_\t1\tdep\t_\t_
22\tStates\tState\tPROPN\tNNPS\t_\t1\tdep\t_\t_
23\tThe\tthe\tDET\tDT\t_\t1\tdep\t_\t_
24\tthe\tthe\tDET\tDT\t_\t1\tdep\t_\t_
25\tUkraine\tUkraine\tPROPN\tNNP\t_\t1\tdep\t_\t_
26\thouses\thouse\tNOUN\tNNS\t_\t1\tdep\t_\t_
27\tnames\tname\tNOUN\tNNS\t_\t1\tdep\t_\t_
28\tprices\tprice\tNOUN\tNNS\t_\t1\tdep\t_\t_
29\tkerala\tKerala\tPROPN\tNNP\t_\t1\tdep\t_\t_

";

    fn model() -> Lemmatizer {
        train(&conllu::parse(DATA).unwrap(), &TrainOptions::default())
    }

    #[test]
    fn lemma_table() {
        let lem = model();
        let mut buf = String::new();
        let cases: &[(&str, &str, &str, &str)] = &[
            ("went", "VERB", "VBD", "go"),
            ("Went", "VERB", "VBD", "go"),
            ("Kiev", "PROPN", "NNP", "Kiev"),
            ("’s", "PART", "POS", "'s"),
            ("'s", "PART", "POS", "'s"),
            ("’s", "AUX", "VBZ", "be"),
            ("n't", "PART", "RB", "not"),
            ("n’t", "PART", "RB", "not"),
            ("'m", "AUX", "VBP", "be"),
            ("better", "ADJ", "JJR", "good"),
            ("children", "NOUN", "NNS", "child"),
            ("Ukraine", "PROPN", "NNP", "Ukraine"),
            ("Zelensky", "PROPN", "NNP", "Zelensky"),
            ("NATO", "PROPN", "NNP", "NATO"),
            ("mexico", "PROPN", "NNP", "Mexico"),
            // Unknown words go through the suffix rules.
            ("tables", "NOUN", "NNS", "table"),
            ("Tables", "NOUN", "NNS", "table"),
            ("ladies", "NOUN", "NNS", "lady"),
            ("jumped", "VERB", "VBD", "jump"),
            ("Europeans", "PROPN", "NNPS", "European"),
            ("The", "DET", "DT", "the"),
            ("200,000", "NUM", "CD", "200000"),
            ("3.5", "NUM", "CD", "3.5"),
            // A tag with too few examples for a rule: the word itself.
            ("quickly", "ADV", "RB", "quickly"),
        ];
        for &(form, upos, xpos, want) in cases {
            assert_eq!(lem.lemma(form, upos, xpos, &mut buf), want, "{form}/{xpos}");
        }
    }

    #[test]
    fn round_trip_and_corrupt_bytes() {
        let lem = model();
        let bytes = lem.to_bytes();
        let back = Lemmatizer::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        let mut buf = String::new();
        assert_eq!(back.lemma("went", "VERB", "VBD", &mut buf), "go");
        for cut in 0..bytes.len() {
            assert!(Lemmatizer::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad = bytes.clone();
        bad[0] ^= 1;
        assert!(Lemmatizer::from_bytes(&bad).is_err());
        for i in 12..bytes.len() {
            let mut b = bytes.clone();
            b[i] = b[i].wrapping_add(0x55);
            let _ = Lemmatizer::from_bytes(&b); // must not panic
        }
    }

    #[test]
    fn training_is_deterministic() {
        assert_eq!(model().to_bytes(), model().to_bytes());
    }
}
