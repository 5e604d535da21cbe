//! Word-level hashing shared by the tagger and the lemmatiser.
//!
//! News text writes `’s`, `n’t` and `“quotes”` where the treebanks mostly
//! have ASCII, so typographic quotes are folded to ASCII before hashing.
//! Nothing here allocates.

use crate::hash;

/// Folds typographic apostrophes and quotes to their ASCII forms.
#[inline]
pub fn fold(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        c => c,
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn fnv_char(mut h: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    h
}

/// Hash of `s` with quotes folded.
pub fn form(s: &str) -> u64 {
    hash::finish(s.chars().map(fold).fold(FNV_OFFSET, fnv_char))
}

/// Hash of `s` with quotes folded and letters lower-cased.
pub fn lower(s: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for c in s.chars().map(fold) {
        if c.is_ascii() {
            h = fnv_char(h, c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                h = fnv_char(h, l);
            }
        }
    }
    hash::finish(h)
}

/// `lower` of the concatenation `a + b`, without building it.
pub fn lower_concat(a: &str, b: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for c in a.chars().chain(b.chars()).map(fold) {
        if c.is_ascii() {
            h = fnv_char(h, c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                h = fnv_char(h, l);
            }
        }
    }
    hash::finish(h)
}

/// Hashes of the lower-cased suffixes of `s` of 0, 1, … `out.len() - 1`
/// characters, built in one backward pass (a suffix hash is not `lower` of
/// it); returns how many were filled (`min(chars + 1, out.len())`).
pub fn suffix_hashes(s: &str, out: &mut [u64]) -> usize {
    let mut h = FNV_OFFSET ^ 0x5_0FF1;
    let mut n = 0;
    if let Some(o) = out.first_mut() {
        *o = hash::finish(h);
        n = 1;
    }
    for c in s.chars().rev().map(fold) {
        let Some(o) = out.get_mut(n) else { break };
        if c.is_ascii() {
            h = fnv_char(h, c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                h = fnv_char(h, l);
            }
        }
        *o = hash::finish(h);
        n += 1;
    }
    n
}

/// Byte offset where the last `n` characters of `s` start (0 when `s` is shorter).
#[inline]
pub fn suffix_start(s: &str, n: usize) -> usize {
    if n == 0 {
        return s.len();
    }
    s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i)
}

/// Byte offset where the first `n` characters of `s` end (`s.len()` when shorter).
#[inline]
pub fn prefix_end(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_quotes_and_case() {
        assert_eq!(form("Kiev’s"), form("Kiev's"));
        assert_ne!(form("Kiev"), form("kiev"));
        assert_eq!(lower("Kiev’S"), lower("kiev's"));
        assert_eq!(lower("ÉTÉ"), lower("été"));
        assert_eq!(lower_concat("Ki", "EV"), lower("kiev"));
        let (mut a, mut b) = ([0; 4], [0; 4]);
        assert_eq!(suffix_hashes("Tables", &mut a), 4);
        assert_eq!(suffix_hashes("les", &mut b), 4);
        assert_eq!(a, b);
        assert_eq!(suffix_hashes("ab", &mut a), 3);
        assert_eq!(suffix_hashes("xab", &mut b), 4);
        assert_eq!(a[..3], b[..3]);
    }

    #[test]
    fn affixes_count_characters() {
        assert_eq!(&"naïve"[suffix_start("naïve", 3)..], "ïve");
        assert_eq!(&"naïve"[..prefix_end("naïve", 3)], "naï");
        assert_eq!(suffix_start("ab", 4), 0);
        assert_eq!(prefix_end("ab", 4), 2);
    }
}
