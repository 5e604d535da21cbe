//! A tiny word scanner shared by the date and quote finders.
//!
//! It works on the raw text, so the finders do not depend on how the
//! tokenizer splits words: a word is a run of letters, a number a run of
//! ASCII digits (with an ordinal or plural suffix such as `13th`, `1990s`),
//! and every other non-space character is a one-character punctuation token.
//! Tokens are written into a caller's buffer, so scanning allocates nothing
//! once the buffer is large enough.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    /// Digits, possibly with a letter suffix (`13th`, `1990s`).
    Num,
    /// One character that is neither a letter, a digit nor a space.
    Punct,
}

/// One token of the scanned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: u32,
    pub end: u32,
    pub kind: Kind,
    /// Whether whitespace (or the start of the range) comes right before it.
    pub space_before: bool,
}

impl Tok {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    /// The single character of a punctuation token (`'\0'` for other kinds).
    pub fn punct(&self, text: &str) -> char {
        if self.kind == Kind::Punct {
            self.text(text).chars().next().unwrap_or('\0')
        } else {
            '\0'
        }
    }
}

/// Appends the tokens of `text[start..end]` to `out`.
///
/// A range that does not fall on character boundaries of `text` is clipped
/// to the nearest boundaries inside it; an empty or reversed range yields
/// nothing.
pub(crate) fn scan(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    let end = end.min(text.len());
    let mut s = start.min(end);
    while s < end && !text.is_char_boundary(s) {
        s += 1;
    }
    let mut e = end;
    while e > s && !text.is_char_boundary(e) {
        e -= 1;
    }
    let Some(slice) = text.get(s..e) else { return };
    let bytes = slice.as_bytes();
    let mut i = 0;
    let mut space_before = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            space_before = true;
            i += 1;
            continue;
        }
        let tok_start = i;
        let kind;
        if b.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // An ordinal or plural suffix belongs to the number: 13th, 1990s.
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
                j += 1;
            }
            let suffix = &bytes[i..j];
            if matches!(suffix.len(), 1 | 2) && is_num_suffix(suffix) {
                i = j;
            }
            kind = Kind::Num;
        } else if b.is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            // Letters outside ASCII continue the word (Zelenskyy's "ż", "é").
            while i < bytes.len() && bytes[i] >= 0x80 {
                let Some(c) = slice[i..].chars().next() else { break };
                // General punctuation (’ “ ” — …) is common and never a letter.
                if ('\u{2000}'..='\u{206F}').contains(&c) || !c.is_alphabetic() {
                    break;
                }
                i += c.len_utf8();
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            kind = Kind::Word;
        } else {
            let c = slice[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            if c.is_whitespace() {
                space_before = true;
                continue;
            }
            if c.is_alphabetic() {
                while let Some(c) = slice[i..].chars().next() {
                    if c.is_alphabetic() {
                        i += c.len_utf8();
                    } else {
                        break;
                    }
                }
                kind = Kind::Word;
            } else {
                kind = Kind::Punct;
            }
        }
        out.push(Tok { start: (s + tok_start) as u32, end: (s + i) as u32, kind, space_before });
        space_before = false;
    }
}

fn is_num_suffix(s: &[u8]) -> bool {
    let mut buf = [0u8; 2];
    for (d, c) in buf.iter_mut().zip(s) {
        *d = c.to_ascii_lowercase();
    }
    matches!(&buf[..s.len()], b"st" | b"nd" | b"rd" | b"th" | b"s")
}

/// Lowercases an ASCII word into `buf`; `None` when it is longer than the
/// buffer or not ASCII (no keyword is).
pub(crate) fn lower<'b>(word: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    for (d, c) in buf.iter_mut().zip(bytes) {
        *d = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..bytes.len()]).ok()
}

/// Whether a word starts with an uppercase letter.
pub(crate) fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(&str, Kind, bool)> {
        let mut v = Vec::new();
        scan(text, 0, text.len(), &mut v);
        v.iter().map(|t| (t.text(text), t.kind, t.space_before)).collect()
    }

    #[test]
    fn splits_words_numbers_punctuation() {
        let w = words("On 13th March, mid-2024 a 30-day “truce” in the 1990s café");
        let texts: Vec<&str> = w.iter().map(|x| x.0).collect();
        assert_eq!(
            texts,
            [
                "On", "13th", "March", ",", "mid", "-", "2024", "a", "30", "-", "day", "“", "truce", "”",
                "in", "the", "1990s", "café"
            ]
        );
        assert_eq!(w[1].1, Kind::Num);
        assert!(!w[3].2 && w[4].2 && !w[5].2);
    }

    #[test]
    fn clips_bad_ranges() {
        let t = "Kiev’s";
        let mut v = Vec::new();
        scan(t, 5, 100, &mut v); // inside the ’
        assert_eq!(v.iter().map(|x| x.text(t)).collect::<Vec<_>>(), ["s"]);
        v.clear();
        scan(t, 9, 2, &mut v);
        assert!(v.is_empty());
    }
}

/// A read-only map from lowercase ASCII words to small values: FNV-1a
/// hashing into an open-addressed table, built once. One hash and one
/// comparison per lookup, where a `match` on strings compares one by one.
#[derive(Clone, Debug)]
pub(crate) struct WordTable<V: Copy> {
    slots: Vec<Option<(&'static str, V)>>,
    mask: usize,
    max_len: usize,
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl<V: Copy> WordTable<V> {
    /// A table of `entries` (lowercase keys; a repeated key keeps its first value).
    pub fn new(entries: &[(&'static str, V)]) -> WordTable<V> {
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let mut t = WordTable { slots: vec![None; size], mask: size - 1, max_len: 0 };
        for &(k, v) in entries {
            t.max_len = t.max_len.max(k.len());
            let mut i = fnv(k.as_bytes()) as usize & t.mask;
            loop {
                match t.slots[i] {
                    None => {
                        t.slots[i] = Some((k, v));
                        break;
                    }
                    Some((existing, _)) if existing == k => break,
                    Some(_) => i = (i + 1) & t.mask,
                }
            }
        }
        t
    }

    /// The value of `word`, compared without regard to ASCII case.
    pub fn get(&self, word: &str) -> Option<V> {
        if word.len() > self.max_len || word.len() > 24 {
            return None;
        }
        let mut buf = [0u8; 24];
        let bytes = word.as_bytes();
        for (d, c) in buf.iter_mut().zip(bytes) {
            *d = c.to_ascii_lowercase();
        }
        let key = &buf[..bytes.len()];
        let mut i = fnv(key) as usize & self.mask;
        loop {
            match self.slots[i] {
                None => return None,
                Some((k, v)) if k.as_bytes() == key => return Some(v),
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

#[cfg(test)]
mod table_tests {
    use super::WordTable;

    #[test]
    fn looks_up_without_case() {
        let t = WordTable::new(&[("said", 1), ("told", 2), ("said", 3)]);
        assert_eq!(t.get("Said"), Some(1));
        assert_eq!(t.get("TOLD"), Some(2));
        assert_eq!(t.get("sai"), None);
        assert_eq!(t.get("a-very-long-word-that-is-no-key"), None);
        assert_eq!(t.get("naïve"), None);
    }
}

/// A quick test for whether a text holds any of a set of ASCII words,
/// without tokenising it: a bitmap of (first letter, length) pairs rejects
/// almost every word at once, and the table confirms the rest.
#[derive(Clone, Debug)]
pub(crate) struct Anchors {
    /// Bit `len` of `mask[letter]` is set when some word has that first
    /// letter and length (lengths up to 31).
    mask: [u32; 26],
    words: WordTable<()>,
    /// Whether any ASCII digit is an anchor too.
    digits: bool,
}

impl Anchors {
    pub fn new(words: &[&'static str], digits: bool) -> Anchors {
        let mut mask = [0u32; 26];
        let mut entries = Vec::with_capacity(words.len());
        for &w in words {
            if let Some(&first) = w.as_bytes().first() {
                if first.is_ascii_lowercase() && w.len() < 32 {
                    mask[usize::from(first - b'a')] |= 1 << w.len();
                    entries.push((w, ()));
                }
            }
        }
        Anchors { mask, words: WordTable::new(&entries), digits }
    }

    /// Whether `text[start..end]` holds an anchor word (any case) or, when
    /// digits count, a digit. Out-of-range bounds are clipped.
    pub fn any_in(&self, text: &str, start: usize, end: usize) -> bool {
        let bytes = text.as_bytes();
        let end = end.min(bytes.len());
        let mut i = start.min(end);
        while i < end {
            let b = bytes[i];
            if b.is_ascii_alphabetic() {
                let s = i;
                while i < end && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let len = i - s;
                let first = bytes[s].to_ascii_lowercase();
                if len < 32
                    && self.mask[usize::from(first - b'a')] & (1 << len) != 0
                    && text.get(s..i).is_some_and(|w| self.words.get(w).is_some())
                {
                    return true;
                }
            } else {
                if self.digits && b.is_ascii_digit() {
                    return true;
                }
                i += 1;
            }
        }
        false
    }
}

#[cfg(test)]
mod anchor_tests {
    use super::Anchors;

    #[test]
    fn finds_anchor_words_and_digits() {
        let a = Anchors::new(&["said", "told", "according"], false);
        assert!(a.any_in("He SAID so.", 0, 11));
        assert!(!a.any_in("He sayd so, 2025.", 0, 17));
        assert!(!a.any_in("He said so.", 4, 7)); // "aid"
        let d = Anchors::new(&["monday"], true);
        assert!(d.any_in("on 5 June", 0, 9));
        assert!(d.any_in("on Monday", 0, 100));
        assert!(!d.any_in("on Tuesday", 0, 10));
    }
}

/// The most bytes the finders read as one sentence. Real sentences are far
/// shorter; longer runs (a document without punctuation, a segmenter
/// failure) are read in windows so the work stays linear in the text.
pub(crate) const MAX_SENTENCE_BYTES: usize = 3000;

/// Calls `f` on consecutive pieces of `text[start..end]` of at most about
/// `MAX_SENTENCE_BYTES`, cut at whitespace (or, without any, at a character
/// boundary).
pub(crate) fn windows(text: &str, start: usize, end: usize, mut f: impl FnMut(usize, usize)) {
    let end = end.min(text.len());
    let mut s = start.min(end);
    while end - s > MAX_SENTENCE_BYTES {
        let mut cut = s + MAX_SENTENCE_BYTES;
        while cut > s && !text.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(ws) = text.get(s..cut).and_then(|w| w.rfind(char::is_whitespace)) {
            if ws > MAX_SENTENCE_BYTES / 2 {
                cut = s + ws;
            }
        }
        if cut == s {
            break;
        }
        f(s, cut);
        s = cut;
    }
    if s < end {
        f(s, end);
    }
}

/// `pos` moved back by at most `max` bytes, onto a character boundary.
pub(crate) fn back(text: &str, pos: usize, max: usize, floor: usize) -> usize {
    let mut p = pos.saturating_sub(max).max(floor).min(text.len());
    while p < pos && !text.is_char_boundary(p) {
        p += 1;
    }
    p
}
