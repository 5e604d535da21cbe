//! Folding place names into gazetteer keys.
//!
//! A key is a name's words, letters and digits only, separated by single spaces:
//! apostrophes, periods and combining marks vanish ("Côte d'Ivoire" → "cote divoire",
//! "U.S." → "us"), and any other non-alphanumeric run (spaces, hyphens, commas) is one
//! separator ("Saudi-Arabia", "Saudi  Arabia" → "saudi arabia"). Tokens fold the same way,
//! joined by a separator unless the next token starts with an apostrophe or period, so
//! `["Côte", "d", "’Ivoire"]` and `["Washington", ",", "D.C."]` match their names. The
//! case-insensitive fold also lower-cases and strips Latin diacritics ("BOGOTÁ" →
//! "bogota"); the exact-case fold keeps them ("U.S." → "US"). Folding writes into a
//! fixed buffer and never allocates.

/// Longest key in bytes; longer names are not indexed (and cannot match).
pub const MAX_KEY: usize = 255;

/// Base letters of U+00C0..U+024F ('.' = no ASCII base; keep the lower-cased char).
/// Derived from the Unicode canonical decompositions, plus letters with strokes.
const LATIN_00C0: &[u8] = concat!(
    "aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y",
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkklllllll",
    "lllnnnnnn...oooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs",
    "bb.....cc.d.......fg...ikkl..nn.oo..pp.....ttt.uu.vyyzz.........",
    ".............aaiioouuuuuuuuuu.aaaa..ggggkkoooo..j...gg..nnaa....",
    "aaaaeeeeiiiioooorrrruuuusstt..hhnd..zzaaeeooooooooyylntj...ccl.s",
    "z.....eejj..rryy",
)
.as_bytes();

/// Base letters of U+1E00..U+1EFF (Latin Extended Additional: Vietnamese and others).
const LATIN_1E00: &[u8] = concat!(
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm",
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv",
    "wwwwwwwwwwxxxxyyzzzzzzhtwy......aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee",
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy......",
)
.as_bytes();

/// The ASCII base letter(s) of a non-ASCII Latin letter, if it has one.
fn latin_base(c: char) -> Option<&'static str> {
    let multi = match c {
        'ß' | 'ẞ' => Some("ss"),
        'æ' | 'Æ' | 'ǽ' | 'Ǽ' | 'ǣ' | 'Ǣ' => Some("ae"),
        'œ' | 'Œ' => Some("oe"),
        'þ' | 'Þ' => Some("th"),
        'ĳ' | 'Ĳ' => Some("ij"),
        _ => None,
    };
    if multi.is_some() {
        return multi;
    }
    let cp = c as usize;
    let b = match cp {
        0xC0..=0x24F => LATIN_00C0.get(cp - 0xC0),
        0x1E00..=0x1EFF => LATIN_1E00.get(cp - 0x1E00),
        _ => None,
    }?;
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
    let i = usize::from(b.checked_sub(b'a')?);
    LETTERS.get(i..i + 1)
}

/// Characters that vanish inside a word: apostrophes, periods, modifier letters (the
/// ʻokina) and combining marks (decomposed diacritics).
pub fn is_glue(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | '´' | '.' | '\u{2032}')
        || ('\u{02B0}'..='\u{036F}').contains(&c)
        || ('\u{1AB0}'..='\u{1AFF}').contains(&c)
        || ('\u{1DC0}'..='\u{1DFF}').contains(&c)
        || ('\u{20D0}'..='\u{20FF}').contains(&c)
        || ('\u{FE20}'..='\u{FE2F}').contains(&c)
}

/// Whether `c` is part of a key's words.
fn keeps(c: char) -> bool {
    c.is_alphanumeric() && !is_glue(c)
}

/// Whether a token starts with a character that glues it to the previous token.
pub fn starts_with_glue(token: &str) -> bool {
    token.chars().next().is_some_and(is_glue)
}

/// A key being built, in a fixed buffer.
#[derive(Clone)]
pub struct KeyBuf {
    buf: [u8; MAX_KEY],
    len: usize,
    overflow: bool,
    /// A separator is due before the next kept character.
    pending: bool,
}

impl Default for KeyBuf {
    fn default() -> Self {
        KeyBuf { buf: [0; MAX_KEY], len: 0, overflow: false, pending: false }
    }
}

impl KeyBuf {
    pub fn clear(&mut self) {
        self.len = 0;
        self.overflow = false;
        self.pending = false;
    }

    fn push_bytes(&mut self, b: &[u8]) {
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.overflow = true,
        }
    }

    fn push_char(&mut self, c: char) {
        let mut tmp = [0u8; 4];
        self.push_bytes(c.encode_utf8(&mut tmp).as_bytes());
    }

    /// Handles a character that is not kept; returns false for kept ones.
    fn skip(&mut self, c: char) -> bool {
        if keeps(c) {
            if self.pending {
                self.push_bytes(b" ");
                self.pending = false;
            }
            return false;
        }
        if !is_glue(c) && self.len > 0 {
            self.pending = true;
        }
        true
    }

    /// Marks a token boundary: a separator unless the next token glues on.
    pub fn boundary(&mut self, next_token: &str) {
        if self.len > 0 && !starts_with_glue(next_token) {
            self.pending = true;
        }
    }

    /// Appends `s` folded case-insensitively.
    pub fn push_folded(&mut self, s: &str) {
        for c in s.chars() {
            if self.skip(c) {
                continue;
            }
            if c.is_ascii() {
                self.push_bytes(&[c.to_ascii_lowercase() as u8]);
            } else if let Some(base) = latin_base(c) {
                self.push_bytes(base.as_bytes());
            } else {
                for l in c.to_lowercase() {
                    self.push_char(l);
                }
            }
        }
    }

    /// Appends `s` keeping case and diacritics.
    pub fn push_exact(&mut self, s: &str) {
        for c in s.chars() {
            if !self.skip(c) {
                self.push_char(c);
            }
        }
    }

    /// The key, or `None` if it overflowed [`MAX_KEY`].
    pub fn key(&self) -> Option<&[u8]> {
        if self.overflow {
            return None;
        }
        self.buf.get(..self.len)
    }

    pub fn len(&self) -> usize {
        self.len
    }
}

/// `s` folded case-insensitively, as an owned string (for building tables).
pub fn fold(s: &str) -> String {
    let mut k = KeyBuf::default();
    k.push_folded(s);
    String::from_utf8_lossy(k.key().unwrap_or_default()).into_owned()
}

/// `s` folded keeping case (for building tables).
#[cfg(test)]
pub fn fold_exact(s: &str) -> String {
    let mut k = KeyBuf::default();
    k.push_exact(s);
    String::from_utf8_lossy(k.key().unwrap_or_default()).into_owned()
}

/// How many tokens a tokenizer might make of `name` at most: each run of letters or
/// digits, and each other non-space character, may be a token.
pub fn max_tokens(name: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in name.chars() {
        if keeps(c) {
            if !in_word {
                n += 1;
            }
            in_word = true;
        } else {
            in_word = false;
            if !c.is_whitespace() {
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds() {
        assert_eq!(fold("Saudi Arabia"), "saudi arabia");
        assert_eq!(fold(" Saudi-Arabia, "), "saudi arabia");
        assert_eq!(fold("Côte d'Ivoire"), "cote divoire");
        assert_eq!(fold("Côte d’Ivoire"), "cote divoire");
        assert_eq!(fold("Cote\u{0302} d’Ivoire"), "cote divoire");
        assert_eq!(fold("'s-Hertogenbosch"), "s hertogenbosch");
        assert_eq!(fold("BOGOTÁ"), "bogota");
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Thượng Hải"), "thuong hai");
        assert_eq!(fold("Hawaiʻi"), "hawaii");
        assert_eq!(fold("Ærøskøbing"), "aeroskobing");
        assert_eq!(fold("Москва"), "москва");
        assert_eq!(fold("Washington, D.C."), "washington dc");
        assert_eq!(fold_exact("U.S."), "US");
        assert_eq!(fold_exact("São Paulo"), "São Paulo");
        assert_eq!(fold_exact("U.A.E."), "UAE");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn tokens_fold_like_text() {
        let join = |tokens: &[&str]| {
            let mut k = KeyBuf::default();
            for t in tokens {
                k.boundary(t);
                k.push_folded(t);
            }
            String::from_utf8(k.key().unwrap().to_vec()).unwrap()
        };
        assert_eq!(join(&["Saudi", "Arabia"]), "saudi arabia");
        assert_eq!(join(&["Côte", "d", "’Ivoire"]), "cote divoire");
        assert_eq!(join(&["Washington", ",", "D.C."]), "washington dc");
        assert_eq!(join(&["Al", "-", "Hudaydah"]), "al hudaydah");
        assert_eq!(join(&["U.S", "."]), "us");
        assert_eq!(join(&["is", "a"]), "is a");
    }

    #[test]
    fn tables_have_the_right_length() {
        assert_eq!(LATIN_00C0.len(), 0x250 - 0xC0);
        assert_eq!(LATIN_1E00.len(), 0x100);
    }

    #[test]
    fn overflow_is_not_a_key() {
        let mut k = KeyBuf::default();
        k.push_folded(&"a".repeat(MAX_KEY));
        assert!(k.key().is_some());
        k.push_folded("é");
        assert!(k.key().is_none());
    }

    #[test]
    fn token_bounds() {
        assert_eq!(max_tokens("Saudi Arabia"), 2);
        assert_eq!(max_tokens("Washington, D.C."), 6);
        assert_eq!(max_tokens("Côte d'Ivoire"), 4);
    }
}
