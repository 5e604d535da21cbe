//! The word lists the tokenizer consults, compiled once from the data files in
//! `crates/text/data/` (embedded in the binary).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

const ABBREVIATIONS: &str = include_str!("../data/abbreviations.txt");
const HYPHEN_PREFIXES: &str = include_str!("../data/hyphen-prefixes.txt");
const SPLITS: &str = include_str!("../data/splits.txt");
const EMOTICONS: &str = include_str!("../data/emoticons.txt");
const STARTERS: &str = include_str!("../data/sentence-starters.txt");

/// Abbreviations that can end a sentence (besides capital letter-period runs
/// such as `U.S.` and `a.m.`/`p.m.`); titles such as `Dr.` cannot.
const FINAL_ABBREVIATIONS: &[&str] = &[
    "etc.", "Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr.", "Bros.", "Cos.", "al.", "Jan.", "Feb.", "Mar.",
    "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.",
];

/// Tokens kept whole although they contain a slash.
const SLASH_WORDS: &[&str] = &["w/", "w/o", "w/out", "b/c", "b/t", "l/c"];

/// Longest word the case-folding lookups consider (longer words are in no list).
const MAX_KEY: usize = 24;

/// When an abbreviation keeps its period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abbrev {
    Always,
    /// Only when a number follows ("No. 5").
    BeforeDigit,
}

/// The compiled lists. Keys are byte strings; lookups allocate nothing.
pub(crate) struct Lexicon {
    abbreviations: HashMap<Box<[u8]>, Abbrev, Fx>,
    prefixes: HashSet<Box<[u8]>, Fx>,
    /// Lower-cased word -> byte lengths of its parts.
    splits: HashMap<Box<[u8]>, Vec<u8>, Fx>,
    /// For each word length and first letter, a bitmap of the second letters
    /// of split words (a cheap test before the hash lookup).
    split_first: [[u32; 26]; 16],
    slash_words: HashSet<Box<[u8]>, Fx>,
    emoticons: HashSet<Box<[u8]>, Fx>,
    starters: HashSet<Box<[u8]>, Fx>,
    /// Bitmap of the bytes emoticons end with, to reject most words at once.
    emoticon_last: [bool; 128],
}

/// The lexicon, built on first use.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}

fn entries(data: &str) -> impl Iterator<Item = &str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    fn build() -> Lexicon {
        let mut abbreviations = HashMap::default();
        for line in entries(ABBREVIATIONS) {
            let (word, kind) = match line.split_once(char::is_whitespace) {
                Some((w, "before-digit")) => (w, Abbrev::BeforeDigit),
                Some((w, _)) => (w, Abbrev::Always),
                None => (line, Abbrev::Always),
            };
            let mut variants = vec![word.to_string(), word.to_uppercase()];
            if word.chars().all(|c| !c.is_uppercase()) {
                let mut cs = word.chars();
                if let Some(first) = cs.next() {
                    variants.push(first.to_uppercase().chain(cs).collect());
                }
            }
            for v in variants {
                // The first listing of a form wins ("No." before-digit is listed after "no.").
                let key: Box<[u8]> = v.into_bytes().into();
                if kind == Abbrev::BeforeDigit || !abbreviations.contains_key(&key) {
                    abbreviations.insert(key, kind);
                }
            }
        }
        let prefixes = entries(HYPHEN_PREFIXES).map(|w| w.to_ascii_lowercase().into_bytes().into()).collect();
        let mut splits = HashMap::default();
        let mut split_first = [[0u32; 26]; 16];
        for line in entries(SPLITS) {
            let lens: Vec<u8> = line.split('|').map(|p| p.len() as u8).collect();
            let word: String = line.split('|').collect::<String>().to_ascii_lowercase();
            if let [b0, b1, ..] = *word.as_bytes() {
                if let Some(mask) = split_first
                    .get_mut(word.len())
                    .and_then(|m| m.get_mut(usize::from(b0.wrapping_sub(b'a'))))
                {
                    *mask |= letter_bit(b1);
                }
            }
            splits.insert(word.into_bytes().into(), lens);
        }
        let slash_words = SLASH_WORDS.iter().map(|w| w.as_bytes().into()).collect();
        let mut emoticon_last = [false; 128];
        let mut emoticons = HashSet::default();
        for e in entries(EMOTICONS) {
            if let Some(&b) = e.as_bytes().last() {
                emoticon_last[usize::from(b & 0x7f)] = true;
            }
            emoticons.insert(e.as_bytes().into());
        }
        let starters = entries(STARTERS).map(|w| w.to_ascii_lowercase().into_bytes().into()).collect();
        Lexicon {
            abbreviations,
            prefixes,
            splits,
            split_first,
            slash_words,
            emoticons,
            starters,
            emoticon_last,
        }
    }

    /// How `word` (with its final period) is listed, if it is.
    pub(crate) fn abbreviation(&self, word: &str) -> Option<Abbrev> {
        self.abbreviations.get(word.as_bytes()).copied()
    }

    /// Whether `word` is a prefix kept before a hyphen ("non", "e"), in any case.
    pub(crate) fn is_hyphen_prefix(&self, word: &str) -> bool {
        with_lower(word, |k| self.prefixes.contains(k))
    }

    /// The part lengths of a word split without an apostrophe ("cannot" -> [3, 3]).
    pub(crate) fn split_of(&self, word: &str) -> Option<&[u8]> {
        let [b0, b1, ..] = *word.as_bytes() else { return None };
        let row = usize::from(b0.to_ascii_lowercase().wrapping_sub(b'a'));
        let mask = self.split_first.get(word.len()).and_then(|m| m.get(row)).copied().unwrap_or(0);
        if mask & letter_bit(b1.to_ascii_lowercase()) == 0 {
            return None;
        }
        with_lower(word, |k| self.splits.get(k).map(Vec::as_slice))
    }

    /// Whether `word` is a closed-class word that starts sentences ("They").
    pub(crate) fn is_starter(&self, word: &str) -> bool {
        word.len() <= 9 && with_lower(word, |k| self.starters.contains(k))
    }

    /// Whether the abbreviation `word` (with its period) can end a sentence:
    /// `U.S.`, `p.m.`, `etc.`, `Inc.`, but not `Dr.`, `e.g.` or `J.`
    pub(crate) fn can_end_sentence(&self, word: &str) -> bool {
        if FINAL_ABBREVIATIONS.contains(&word) {
            return true;
        }
        let b = word.as_bytes();
        b.len() >= 4
            && b.chunks(2).all(|p| p.len() == 2 && p[1] == b'.' && p[0].is_ascii_alphabetic())
            && (b.iter().step_by(2).all(u8::is_ascii_uppercase) || matches!(word, "a.m." | "p.m."))
    }

    pub(crate) fn is_slash_word(&self, word: &str) -> bool {
        word.len() <= 6 && with_lower(word, |k| self.slash_words.contains(k))
    }

    /// Whether `s` is an emoticon.
    pub(crate) fn is_emoticon(&self, s: &[u8]) -> bool {
        match s.last() {
            Some(&b) if b < 128 && self.emoticon_last[usize::from(b)] => self.emoticons.contains(s),
            _ => false,
        }
    }

    /// Whether an emoticon could end with byte `b` (a cheap pre-check).
    pub(crate) fn may_end_emoticon(&self, b: u8) -> bool {
        b < 128 && self.emoticon_last[usize::from(b)]
    }
}

/// A bit for each lower-case ASCII letter (0 for anything else).
fn letter_bit(b: u8) -> u32 {
    if b.is_ascii_lowercase() {
        1 << (b - b'a')
    } else {
        0
    }
}

/// Runs `f` on the ASCII-lower-cased bytes of `word`, without allocating;
/// words longer than [`MAX_KEY`] are in no list and give `f(&[])`.
fn with_lower<T>(word: &str, f: impl FnOnce(&[u8]) -> T) -> T {
    let mut buf = [0u8; MAX_KEY];
    let bytes = word.as_bytes();
    if bytes.len() > MAX_KEY {
        return f(&[]);
    }
    for (d, s) in buf.iter_mut().zip(bytes) {
        *d = s.to_ascii_lowercase();
    }
    f(&buf[..bytes.len()])
}

/// A fast, deterministic hasher for short keys (the lists are not attacker-controlled
/// in a way that matters: they are fixed at build time).
#[derive(Default)]
pub(crate) struct FxHasher(u64);

type Fx = BuildHasherDefault<FxHasher>;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load() {
        let lex = lexicon();
        assert_eq!(lex.abbreviation("Mr."), Some(Abbrev::Always));
        assert_eq!(lex.abbreviation("MR."), Some(Abbrev::Always));
        assert_eq!(lex.abbreviation("Etc."), Some(Abbrev::Always));
        assert_eq!(lex.abbreviation("No."), Some(Abbrev::BeforeDigit));
        assert_eq!(lex.abbreviation("no."), Some(Abbrev::BeforeDigit));
        assert_eq!(lex.abbreviation("Kiev."), None);
        assert!(lex.is_hyphen_prefix("Non"));
        assert!(!lex.is_hyphen_prefix("US"));
        assert_eq!(lex.split_of("Cannot"), Some(&[3u8, 3][..]));
        assert_eq!(lex.split_of("dunno"), Some(&[2u8, 1, 2][..]));
        assert!(lex.is_emoticon(b":-)"));
        assert!(lex.is_slash_word("W/O"));
    }
}
