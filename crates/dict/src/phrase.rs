//! Dictionary phrases (sequences of words with TABARI-style match flags) and the one
//! normalisation shared by dictionary keys and sentence tokens.

use std::fmt;

/// One word of a dictionary phrase.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Word {
    /// The word as written in the source (case kept; TABARI/PETRARCH markers removed).
    pub text: String,
    /// Matches any token that *starts with* the word (TABARI stems: `ARGENTIN` matches
    /// "Argentina", "Argentine"). dyad syntax: a trailing `*` (`Argentin*`).
    pub stem: bool,
    /// Other tokens may come between the previous word and this one (TABARI's blank
    /// connector: `AL GORE` matches "Al 'The Weasel' Gore"). dyad syntax: `...` before the word.
    pub gap: bool,
}

impl Word {
    pub fn exact(text: impl Into<String>) -> Word {
        Word { text: text.into(), stem: false, gap: false }
    }
}

/// A phrase: what a dictionary entry matches, word by word.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phrase {
    pub words: Vec<Word>,
}

/// Where a phrase in dyad syntax is malformed (byte range in the phrase text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhraseError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// The largest number of tokens a gap (`...`) may skip.
pub const MAX_GAP: usize = 4;

impl Phrase {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Parses dyad phrase syntax: words separated by blanks; `word*` is a stem, a `...`
    /// between two words lets up to [`MAX_GAP`] tokens come between them.
    pub fn parse_dyad(s: &str) -> Result<Phrase, PhraseError> {
        let mut words = Vec::new();
        let mut gap_next = false;
        let mut gap_at = 0;
        for (start, tok) in split_blank(s) {
            let end = start + tok.len();
            if tok == "..." {
                if words.is_empty() || gap_next {
                    return Err(PhraseError {
                        start,
                        end,
                        message: "`...` must stand between two words".into(),
                    });
                }
                gap_next = true;
                gap_at = start;
                continue;
            }
            let (text, stem) = match tok.strip_suffix('*') {
                Some("") => {
                    return Err(PhraseError {
                        start,
                        end,
                        message: "`*` marks a stem and must follow a word (`Argentin*`)".into(),
                    })
                }
                Some(t) => (t, true),
                None => (tok, false),
            };
            words.push(Word { text: text.to_string(), stem, gap: gap_next });
            gap_next = false;
        }
        if gap_next {
            return Err(PhraseError {
                start: gap_at,
                end: gap_at + 3,
                message: "`...` must stand between two words".into(),
            });
        }
        if words.is_empty() {
            return Err(PhraseError { start: 0, end: s.len(), message: "expected a phrase".into() });
        }
        Ok(Phrase { words })
    }

    /// A PETRARCH phrase: words separated by `_` or blanks, all consecutive, all whole words
    /// (PETRARCH-2 ignores TABARI's stem and gap conventions).
    pub fn from_petrarch(s: &str) -> Phrase {
        Phrase {
            words: s
                .split(|c: char| c == '_' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .map(Word::exact)
                .collect(),
        }
    }

    /// A PETRARCH discard or issue phrase: like [`Phrase::from_petrarch`], except that the
    /// last word is a stem unless the phrase ends with `_` (PETRARCH's documented discard rule).
    pub fn from_petrarch_stemmed(s: &str) -> Phrase {
        let trimmed = s.trim();
        let mut p = Phrase::from_petrarch(trimmed);
        if !trimmed.ends_with('_') {
            if let Some(w) = p.words.last_mut() {
                w.stem = true;
            }
        }
        p
    }

    /// A TABARI phrase. A word followed by `_` is matched whole and the next word must follow
    /// it directly; a word followed by a blank (or ending the phrase) is a stem and the next
    /// word may come after other words; `~` makes a word a stem, `=` makes it whole.
    pub fn from_tabari(s: &str) -> Phrase {
        let mut words: Vec<Word> = Vec::new();
        let mut cur = String::new();
        let mut stem_mark = false;
        let mut exact_mark = false;
        let mut gap_next = false;
        // `sep` is the character that ended the word: '_', ' ' or '\0' for the end.
        let mut flush = |cur: &mut String,
                         sep: char,
                         stem_mark: &mut bool,
                         exact_mark: &mut bool,
                         gap_next: &mut bool| {
            if cur.is_empty() {
                if sep == ' ' && !words.is_empty() {
                    *gap_next = true;
                }
                return;
            }
            let stem = if *stem_mark {
                true
            } else if *exact_mark {
                false
            } else {
                sep != '_'
            };
            words.push(Word { text: std::mem::take(cur), stem, gap: *gap_next });
            *gap_next = sep == ' ';
            *stem_mark = false;
            *exact_mark = false;
        };
        for c in s.trim().chars() {
            match c {
                '_' => {
                    flush(&mut cur, '_', &mut stem_mark, &mut exact_mark, &mut gap_next);
                    gap_next = false;
                }
                c if c.is_whitespace() => {
                    flush(&mut cur, ' ', &mut stem_mark, &mut exact_mark, &mut gap_next)
                }
                '~' => stem_mark = true,
                '=' => exact_mark = true,
                c => cur.push(c),
            }
        }
        let trailing_underscore = s.trim().ends_with('_');
        flush(
            &mut cur,
            if trailing_underscore { '_' } else { '\0' },
            &mut stem_mark,
            &mut exact_mark,
            &mut gap_next,
        );
        Phrase { words }
    }

    /// The phrase in dyad syntax (`Argentin*`, `Al ... Gore`).
    pub fn to_dyad(&self) -> String {
        let mut s = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
                if w.gap {
                    s.push_str("... ");
                }
            }
            s.push_str(&w.text);
            if w.stem {
                s.push('*');
            }
        }
        s
    }

    /// A key that is equal for phrases that match the same text: normalised words with
    /// their flags.
    pub fn key(&self) -> String {
        let mut out = String::new();
        let mut buf = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
                if w.gap {
                    out.push_str("... ");
                }
            }
            normalize(&w.text, &mut buf);
            out.push_str(&buf);
            if w.stem {
                out.push('*');
            }
        }
        out
    }

    /// True when some word is a stem or some word may follow a gap.
    pub fn is_fuzzy(&self) -> bool {
        self.words.iter().any(|w| w.stem || w.gap)
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_dyad())
    }
}

/// Splits at runs of blanks, yielding each piece with its byte offset.
pub(crate) fn split_blank(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = 0;
    std::iter::from_fn(move || {
        let tail = s.get(rest..)?;
        let skip = tail.len() - tail.trim_start().len();
        let start = rest + skip;
        let word_tail = s.get(start..)?;
        if word_tail.is_empty() {
            return None;
        }
        let len = word_tail.find(char::is_whitespace).unwrap_or(word_tail.len());
        rest = start + len;
        Some((start, &word_tail[..len]))
    })
}

/// Normalises a word or token for matching, into `out` (cleared first): lower case, common
/// Latin diacritics removed ("Erdoğan" = "erdogan"), typographic quotes made ASCII, and
/// trailing full stops dropped ("U.S." = "U.S", "Jr." = "Jr") unless the token is only dots.
///
/// Dictionary keys and sentence tokens go through this same function, so they agree.
pub fn normalize(token: &str, out: &mut String) {
    out.clear();
    for c in token.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => out.push('-'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => match fold(c) {
                Some(s) => out.push_str(s),
                None => out.extend(c.to_lowercase()),
            },
        }
    }
    let trimmed = out.trim_end_matches('.').len();
    if trimmed > 0 {
        out.truncate(trimmed);
    }
}

/// ASCII spelling of common accented Latin letters (lower case).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā'
        | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => {
            "e"
        }
        'ğ' | 'ģ' | 'Ğ' | 'Ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'İ' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "i",
        'ķ' | 'Ķ' => "k",
        'ł' | 'ľ' | 'ļ' | 'ĺ' | 'Ł' | 'Ľ' | 'Ļ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' | 'Ñ' | 'Ń' | 'Ň' | 'Ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ř' | 'ŕ' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' | 'Ś' | 'Š' | 'Ş' | 'Ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' | 'Ť' | 'Ţ' | 'Ț' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'Ų' => {
            "u"
        }
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => return None,
    })
}

/// One token of a compiled phrase key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyToken {
    /// Normalised token text.
    pub norm: String,
    pub stem: bool,
    pub gap: bool,
}

/// Turns phrases into the tokens dyad's tokenizer produces for them, so dictionary keys
/// and sentence tokens are cut the same way (`Kiev's` is `Kiev` + `'s` in both).
#[derive(Default)]
pub struct PhraseTokenizer {
    seg: dyad_text::Segmented,
    text: String,
    bounds: Vec<(usize, usize)>,
    owners: Vec<usize>,
    buf: String,
}

impl PhraseTokenizer {
    /// For each token of the last [`PhraseTokenizer::tokens`] call, the index of the
    /// phrase word it came from.
    pub fn owners(&self) -> &[usize] {
        &self.owners
    }

    /// The key tokens of `phrase`, appended to `out` (cleared first).
    pub fn tokens(&mut self, phrase: &Phrase, out: &mut Vec<KeyToken>) {
        out.clear();
        self.text.clear();
        self.bounds.clear();
        for w in &phrase.words {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            let start = self.text.len();
            self.text.push_str(&w.text);
            self.bounds.push((start, self.text.len()));
        }
        self.seg.segment(&self.text);
        self.owners.clear();
        for tok in &self.seg.tokens {
            let (s, e) = (tok.span.start as usize, tok.span.end as usize);
            let Some(wi) = self.bounds.iter().position(|&(ws, we)| s >= ws && s < we) else { continue };
            let Some(t) = self.text.get(s..e) else { continue };
            normalize(t, &mut self.buf);
            if self.buf.is_empty() {
                continue;
            }
            let first_of_word = self.owners.last() != Some(&wi);
            let gap = first_of_word && phrase.words.get(wi).is_some_and(|w| w.gap);
            out.push(KeyToken { norm: self.buf.clone(), stem: false, gap });
            self.owners.push(wi);
        }
        // A stem applies to the last token of its word.
        for (wi, w) in phrase.words.iter().enumerate() {
            if w.stem {
                if let Some(k) = self.owners.iter().rposition(|&o| o == wi) {
                    out[k].stem = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyad_syntax_round_trips() {
        for s in ["Mark Rutte", "Argentin*", "Al ... Gore", "Donald J. Trump"] {
            assert_eq!(Phrase::parse_dyad(s).unwrap().to_dyad(), s);
        }
        assert!(Phrase::parse_dyad("... Gore").is_err());
        assert!(Phrase::parse_dyad("Al ...").is_err());
        assert!(Phrase::parse_dyad("*").is_err());
        assert!(Phrase::parse_dyad("  ").is_err());
    }

    #[test]
    fn tabari_connectors() {
        assert_eq!(Phrase::from_tabari("AL_GORE").to_dyad(), "AL GORE*");
        assert_eq!(Phrase::from_tabari("AL GORE").to_dyad(), "AL* ... GORE*");
        assert_eq!(Phrase::from_tabari("ESTONIA_").to_dyad(), "ESTONIA");
        assert_eq!(Phrase::from_tabari("ARGENTIN").to_dyad(), "ARGENTIN*");
        assert_eq!(Phrase::from_tabari("THE_NEAT~_PLACE").to_dyad(), "THE NEAT* PLACE*");
        assert_eq!(Phrase::from_tabari("MOUSE=").to_dyad(), "MOUSE");
        assert_eq!(Phrase::from_tabari("RADAGAST THE_BROWN").to_dyad(), "RADAGAST* ... THE BROWN*");
    }

    #[test]
    fn petrarch_phrases_are_whole_words() {
        assert_eq!(Phrase::from_petrarch("MARK_RUTTE_").to_dyad(), "MARK RUTTE");
        assert_eq!(Phrase::from_petrarch("CARLOS SANTOS_CRUZ_").to_dyad(), "CARLOS SANTOS CRUZ");
        assert_eq!(Phrase::from_petrarch_stemmed("ASIAN CUP").to_dyad(), "ASIAN CUP*");
        assert_eq!(Phrase::from_petrarch_stemmed("BATSMEN_").to_dyad(), "BATSMEN");
    }

    #[test]
    fn normalisation() {
        let mut b = String::new();
        for (a, want) in [
            ("U.S.", "u.s"),
            ("Erdoğan", "erdogan"),
            ("Kiev’s", "kiev's"),
            ("...", "..."),
            ("ZÉROUAL", "zeroual"),
        ] {
            normalize(a, &mut b);
            assert_eq!(b, want);
        }
    }

    #[test]
    fn phrase_tokens_follow_the_tokenizer() {
        let mut t = PhraseTokenizer::default();
        let mut out = Vec::new();
        t.tokens(&Phrase::parse_dyad("Argentin* ... Rutte").unwrap(), &mut out);
        assert_eq!(out.len(), 2);
        assert!(out[0].stem && !out[0].gap);
        assert!(out[1].gap && !out[1].stem);
        assert_eq!(out[1].norm, "rutte");
    }
}
