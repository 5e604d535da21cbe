//! The tokenizer: UD English (EWT) conventions, every token a byte span of the
//! original text.
//!
//! Text is cut at whitespace into chunks. Each chunk first yields the tokens it
//! is made of as a whole (URL, e-mail address, emoticon, hashtag), then loses
//! punctuation from both ends (quotes, brackets, `,`, sentence-final `.` unless
//! it ends an abbreviation, clitics `n't` `'s` `'re` ...), and what is left is
//! split inside (most hyphens, slashes between words, `$5`-style units).
//!
//! The conventions follow the English Web Treebank: `Kiev’s` → `Kiev` `’s`,
//! `don't` → `do` `n't`, `cannot` → `can` `not`, `search-engine` →
//! `search` `-` `engine` but `e-mail` and `non-profit` stay whole, `1969-1970`
//! → `1969` `-` `1970` but `713-853-3989` and `2025-03-14` stay whole, `5pm` →
//! `5` `pm` but `1990s` and `2nd` stay whole.
//!
//! Work is linear in the text: chunks longer than [`MAX_PATTERN_BYTES`] skip
//! the whole-chunk patterns, and every look-around is bounded.

use crate::lexicon::{lexicon, Abbrev, Lexicon};
use crate::{Span, Token};

/// Chunks longer than this are not tried as URLs, e-mail addresses, etc.
pub const MAX_PATTERN_BYTES: usize = 512;

/// How far a numeric hyphen looks for the shape of its number (`713-853-3989`).
const NUMBER_LOOK: usize = 24;

/// Appends the tokens of `text[start..end]` to `out`.
///
/// `suffixes` is scratch space (cleared and reused; no allocation once warm).
pub(crate) fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Token>, suffixes: &mut Vec<Span>) {
    let lex = lexicon();
    let bytes = text.as_bytes();
    let end = end.min(text.len());
    let mut i = start;
    while i < end {
        let b = bytes[i];
        if b < 0x80 {
            if is_ascii_space(b) {
                i += 1;
                continue;
            }
        } else {
            let (c, n) = char_at(text, i);
            if c.is_whitespace() {
                i += n;
                continue;
            }
        }
        let a = i;
        while i < end {
            let b = bytes[i];
            if b < 0x80 {
                if is_ascii_space(b) {
                    break;
                }
                i += 1;
            } else {
                let (c, n) = char_at(text, i);
                if c.is_whitespace() {
                    break;
                }
                i += n;
            }
        }
        let chunk = &bytes[a..i];
        // Fast paths for the commonest chunks: a plain word or number, alone
        // or with one punctuation mark after it that is always split off.
        let alnum = chunk.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if alnum == chunk.len() && plain(lex, &text[a..i]) {
            out.push(Token { span: Span::new(a, i), space_after: false });
        } else if alnum > 0
            && alnum + 1 == chunk.len()
            && matches!(chunk[alnum], b',' | b';' | b':' | b'?' | b'!' | b')' | b'"')
            && plain(lex, &text[a..a + alnum])
        {
            out.push(Token { span: Span::new(a, a + alnum), space_after: false });
            out.push(Token { span: Span::new(a + alnum, i), space_after: false });
        } else {
            let (has_at, has_dot) = (chunk.contains(&b'@'), chunk.contains(&b'.'));
            Chunk { lex, text, chunk_end: i, has_at, has_dot, out: &mut *out, suffixes: &mut *suffixes }
                .run(a, i);
        }
        if let Some(t) = out.last_mut() {
            t.space_after = i < text.len();
        }
    }
}

/// ASCII whitespace, as `char::is_whitespace` sees it (with vertical tab).
#[inline]
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// Whether an all-ASCII-alphanumeric `word` is one token as it stands: all
/// letters or all digits, not split by the lexicon (`cannot`) or by context (`its`).
#[inline]
fn plain(lex: &Lexicon, word: &str) -> bool {
    let b = word.as_bytes();
    let letters = b.iter().all(u8::is_ascii_alphabetic);
    let digits = !letters && b.iter().all(u8::is_ascii_digit);
    (letters || digits) && !(letters && (lex.split_of(word).is_some() || word.eq_ignore_ascii_case("its")))
}

/// The character at byte `i` and its length (`('\0', 1)` past the end, never reached in practice).
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => (char::from(b), 1),
        Some(_) => text.get(i..).and_then(|s| s.chars().next()).map_or(('\0', 1), |c| (c, c.len_utf8())),
        None => ('\0', 1),
    }
}

/// The character ending at byte `i` and its length.
#[inline]
fn char_before(text: &str, i: usize) -> (char, usize) {
    match text.as_bytes().get(i.wrapping_sub(1)) {
        Some(&b) if b < 0x80 => (char::from(b), 1),
        Some(_) => text.get(..i).and_then(|s| s.chars().next_back()).map_or(('\0', 1), |c| (c, c.len_utf8())),
        None => ('\0', 1),
    }
}

/// Letters and digits of any script; non-ASCII characters count as letters
/// unless they are known punctuation or symbols. Combining marks and joiners
/// count as letters so they stay with their base.
#[inline]
pub(crate) fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !is_symbol(c)
    }
}

/// Non-ASCII punctuation and symbols (quotes, dashes, currency, arrows, emoji...).
fn is_symbol(c: char) -> bool {
    matches!(c,
        '\u{a1}'..='\u{a9}' | '\u{ab}'..='\u{b1}' | '\u{b4}' | '\u{b6}'..='\u{b8}' | '\u{bb}' | '\u{bf}'
        | '\u{d7}' | '\u{f7}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}'
        | '\u{20a0}'..='\u{20cf}'
        | '\u{2100}'..='\u{214f}' | '\u{2190}'..='\u{2bff}'
        | '\u{2e00}'..='\u{2e7f}' | '\u{3000}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301f}'
        | '\u{fe10}'..='\u{fe19}' | '\u{fe30}'..='\u{fe6b}'
        | '\u{ff01}'..='\u{ff0f}' | '\u{ff1a}'..='\u{ff20}' | '\u{ff3b}'..='\u{ff40}' | '\u{ff5b}'..='\u{ff65}'
        | '\u{1f000}'..='\u{1f3fa}' | '\u{1f400}'..='\u{1faff}')
}

/// Characters that attach to the one before them (combining marks, variation
/// selectors, emoji skin tones, zero-width joiners).
#[inline]
fn is_extend(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36f}' | '\u{200c}' | '\u{200d}' | '\u{20d0}'..='\u{20ff}' | '\u{fe00}'..='\u{fe0f}'
        | '\u{1f3fb}'..='\u{1f3ff}' | '\u{e0020}'..='\u{e007f}')
}

/// Sentence-final punctuation, which forms runs like `?!` and `....`.
#[inline]
fn is_final(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '`')
}

/// Whether `word` (ending in `.`) keeps its period: a listed abbreviation, a
/// capital initial (`J.`), or letter-period runs (`U.S.`, `e.g.`, `p.m.`).
/// `next` gives the first character after the token, for entries such as `No.`.
pub(crate) fn is_abbreviation(lex: &Lexicon, word: &str, next: impl FnOnce() -> char) -> bool {
    let Some(stem) = word.strip_suffix('.') else { return false };
    let mut cs = stem.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => return c.is_uppercase(),
        (None, _) => return false,
        _ => {}
    }
    if word.len() <= 24 {
        match lex.abbreviation(word) {
            Some(Abbrev::Always) => return true,
            Some(Abbrev::BeforeDigit) => return next().is_ascii_digit(),
            None => {}
        }
    }
    // Letter-period pairs: every other byte is a period, the rest ASCII letters.
    let b = word.as_bytes();
    b.len() >= 4
        && b.len() <= 24
        && b.chunks(2).all(|p| p.len() == 2 && p[0].is_ascii_alphabetic() && p[1] == b'.')
}

/// One whitespace-delimited chunk being cut into tokens.
struct Chunk<'a> {
    lex: &'static Lexicon,
    text: &'a str,
    /// Where the whole chunk ends (before any suffix came off).
    chunk_end: usize,
    /// Whether the chunk has an `@` / a `.` (else no e-mail address / domain to look for).
    has_at: bool,
    has_dot: bool,
    out: &'a mut Vec<Token>,
    suffixes: &'a mut Vec<Span>,
}

/// What the end of a chunk loses.
enum Trail {
    /// A token of this many bytes comes off the end.
    Strip(usize),
    /// Nothing more comes off: the rest is split inside.
    Done,
}

impl Chunk<'_> {
    fn push(&mut self, a: usize, b: usize) {
        if b > a {
            self.out.push(Token { span: Span::new(a, b), space_after: false });
        }
    }

    fn run(mut self, mut a: usize, mut b: usize) {
        self.suffixes.clear();
        let patterns = b - a <= MAX_PATTERN_BYTES;
        // The start for which the scanning patterns (URL, e-mail, domain,
        // hashtag) already failed: they scan forward, so a shorter rest
        // cannot match them either, and trying again would make work
        // quadratic in the chunk.
        let mut scanned = usize::MAX;
        while a < b {
            if patterns {
                let scan = scanned != a;
                scanned = a;
                if let Some(n) = self.whole(a, b, scan) {
                    self.push(a, a + n);
                    a += n;
                    continue;
                }
            }
            if let Some(n) = self.leading(a, b) {
                self.push(a, a + n);
                a += n;
                continue;
            }
            match self.trailing(a, b) {
                Trail::Strip(n) => {
                    self.suffixes.push(Span::new(b - n, b));
                    b -= n;
                }
                Trail::Done => match self.inner(a, b) {
                    Some(next) => a = next,
                    None => break,
                },
            }
        }
        while let Some(s) = self.suffixes.pop() {
            self.out.push(Token { span: s, space_after: false });
        }
    }

    /// A token the rest of the chunk starts with as a whole: URL, e-mail
    /// address, emoticon, hashtag, a lone clitic. Returns its length.
    fn whole(&self, a: usize, b: usize, scan: bool) -> Option<usize> {
        let s = &self.text[a..b];
        let bytes = s.as_bytes();
        let first = *bytes.first()?;
        if matches!(first, b'\'' | b'`' | b'n' | b'N' | 0xe2) && is_clitic(s) {
            return Some(s.len());
        }
        // Emoticons: the longest one the chunk starts with, if a non-letter follows it.
        if !first.is_ascii_alphanumeric() || matches!(first, b'X' | b'x' | b'o' | b'O') {
            for n in (2..=3).rev() {
                if n <= bytes.len()
                    && self.lex.is_emoticon(&bytes[..n])
                    && bytes.get(n).is_none_or(|&c| !c.is_ascii_alphanumeric())
                    && (n == bytes.len() || first != b'X' && first != b'x')
                {
                    return Some(n);
                }
            }
        }
        if bytes.get(1) == Some(&b'/') && self.lex.is_slash_word(s) {
            return Some(s.len());
        }
        if !scan {
            return None;
        }
        let alnum_run = |from: usize, f: fn(&u8) -> bool| bytes[from..].iter().take_while(|c| f(c)).count();
        let ends_word = |k: usize| bytes.get(k).is_none_or(|c| !c.is_ascii_alphanumeric());
        match first {
            // A file extension after a space: ".doc".
            b'.' => {
                let n = alnum_run(1, u8::is_ascii_lowercase);
                return ((2..=4).contains(&n) && ends_word(1 + n)).then_some(1 + n);
            }
            // An international phone prefix: "+44".
            b'+' => {
                let n = alnum_run(1, u8::is_ascii_digit);
                return (n > 0 && ends_word(1 + n)).then_some(1 + n);
            }
            // A year with its century elided: "'72", "’90s".
            b'\'' => {
                let n = alnum_run(1, u8::is_ascii_digit);
                if n == 2 {
                    let k = 3 + usize::from(bytes.get(3) == Some(&b's'));
                    return ends_word(k).then_some(k);
                }
            }
            _ => {}
        }
        if s.starts_with('’') {
            let n = alnum_run(3, u8::is_ascii_digit);
            if n == 2 {
                let k = 5 + usize::from(bytes.get(5) == Some(&b's'));
                return ends_word(k).then_some(k);
            }
        }
        match first {
            b'#' | b'@' => {
                let n = bytes[1..].iter().take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_').count();
                if n > 0 && (first == b'@' || bytes[1].is_ascii_alphabetic()) {
                    return Some(1 + n);
                }
                return None;
            }
            b'h' | b'H' | b'f' | b'F' | b'w' | b'W' | b'm' | b'M' => {
                let lower =
                    |p: &str| bytes.len() > p.len() && bytes[..p.len()].eq_ignore_ascii_case(p.as_bytes());
                if ["http://", "https://", "ftp://", "www.", "mailto:"].into_iter().any(lower) {
                    return Some(url_end(s));
                }
            }
            _ => {}
        }
        if !first.is_ascii_alphanumeric() || !self.has_dot {
            return None;
        }
        if self.has_at {
            if let Some(n) = email_len(bytes) {
                return Some(n);
            }
        }
        domain_len(bytes)
    }

    /// A token of punctuation or symbols at the start of the rest; its length.
    fn leading(&self, a: usize, b: usize) -> Option<usize> {
        let (c, n) = char_at(self.text, a);
        if is_word(c) {
            return None;
        }
        if is_final(c) {
            return Some(final_run_len(self.text, a, b));
        }
        match c {
            '-' | '*' | '=' | '_' | '~' | '`' | '#' | '+' | '^' | '/' | '|' | '<' | '>' | '$' => {
                Some(run_len(self.text, a, b, |x| x == c))
            }
            '\'' if self.text.as_bytes().get(a + 1) == Some(&b'\'') => Some(2),
            '‘' | '’' if b - a > n && matches!(char_at(self.text, a + n).0, '‘' | '’') => Some(2 * n),
            _ => Some(n + extend_len(self.text, a + n, b)),
        }
    }

    /// What comes off the end of the rest `a..b`.
    fn trailing(&self, a: usize, b: usize) -> Trail {
        let text = self.text;
        let bytes = text.as_bytes();
        let (c, n) = char_before(text, b);
        let word = &text[a..b];
        if is_word(c) {
            // Extend characters after a symbol: find the symbol they belong to.
            if is_extend(c) {
                let base = b - n - trailing_extend_len(text, a, b - n);
                let (bc, bn) = char_before(text, base);
                if base > a && !is_word(bc) && !is_extend(bc) {
                    return Trail::Strip(b - base + bn);
                }
                return Trail::Done;
            }
            if let Some(k) = clitic_len(word) {
                return Trail::Strip(k);
            }
            if c.is_ascii_alphabetic() && b - a > 2 && self.lex.may_end_emoticon(c as u8) {
                if let Some(k) = self.emoticon_suffix(a, b) {
                    return Trail::Strip(k);
                }
            }
            return Trail::Done;
        }
        if c.is_ascii() && b - a > 2 && self.lex.may_end_emoticon(c as u8) {
            if let Some(k) = self.emoticon_suffix(a, b) {
                return Trail::Strip(k);
            }
        }
        if is_final(c) {
            let mut start = b - run_back_len(text, a, b, is_final);
            // "...?" is "..." and "?": only the last group comes off.
            let first = final_run_len(text, start, b);
            if start + first < b {
                start += first;
            }
            if c == '.' && start + 1 == b && start > a {
                let next = || next_char(text, b);
                // The abbreviation may follow a hyphen or slash: "(R-S.C.)".
                let word = &text[a..b];
                let last = word.rfind(['-', '/']).map_or(word, |k| &word[k + 1..]);
                if is_abbreviation(self.lex, word, next)
                    || (last.len() < word.len() && is_abbreviation(self.lex, last, next))
                {
                    return Trail::Done;
                }
            }
            // "Inc.." is the abbreviation and a full stop.
            if start + 2 == b && start > a && &text[start..b] == ".." {
                let next = || next_char(text, b);
                if is_abbreviation(self.lex, &text[a..b - 1], next) {
                    return Trail::Strip(1);
                }
            }
            return Trail::Strip(b - start);
        }
        match c {
            '-' | '*' | '=' | '_' | '~' | '`' | '#' | '+' | '^' | '/' | '|' | '<' | '>' | '$' => {
                Trail::Strip(run_back_len(text, a, b, |x| x == c))
            }
            '\'' if b - a >= 2 && bytes[b - 2] == b'\'' => Trail::Strip(2),
            '’' if b - a > n && matches!(char_before(text, b - n).0, '‘' | '’') => Trail::Strip(2 * n),
            _ => Trail::Strip(n),
        }
    }

    /// An emoticon glued to the end of a word (`fun:)`); its length.
    fn emoticon_suffix(&self, a: usize, b: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        for n in (2..=3).rev() {
            if b - a > n {
                let e = &bytes[b - n..b];
                let before = bytes[b - n - 1];
                if e[0].is_ascii_punctuation() && !before.is_ascii_punctuation() && self.lex.is_emoticon(e) {
                    return Some(n);
                }
            }
        }
        None
    }

    /// Splits the core of a chunk (no punctuation left at its ends, except an
    /// abbreviation's period) inside: hyphens, slashes, glued units.
    ///
    /// After a split at punctuation other than a hyphen or slash, returns where
    /// the rest starts, to be cut again as a chunk of its own (it may start
    /// with a quote, or be an e-mail address).
    fn inner(&mut self, a: usize, b: usize) -> Option<usize> {
        let text = self.text;
        let word = &text[a..b];
        if let Some(parts) = self.lex.split_of(word) {
            let mut at = a;
            for &p in parts {
                let next = (at + usize::from(p)).min(b);
                self.push(at, next);
                at = next;
            }
            self.push(at, b);
            return None;
        }
        if word.eq_ignore_ascii_case("its") && b == self.chunk_end && it_is_follows(text, b) {
            self.push(a, a + 2);
            self.push(a + 2, b);
            return None;
        }
        let bytes = text.as_bytes();
        let mut seg = a;
        let mut numeric = true; // the current segment is digits and number separators only
        let mut i = a;
        while i < b {
            let (c, n) = char_at(text, i);
            if is_word(c) {
                if c.is_ascii_digit() {
                    i += n;
                    continue;
                }
                if numeric && i > seg && c.is_ascii_alphabetic() && bytes[i - 1].is_ascii_digit() {
                    // "5pm", "35mm", "7:30PM", "$3M" split; "1990s", "2nd", "3D" do not.
                    let k = i + bytes[i..b].iter().take_while(|x| x.is_ascii_alphabetic()).count();
                    let unit = &word[i - a..k - a];
                    let ends = k == b || !is_word(char_at(text, k).0);
                    let keep = ["s", "st", "nd", "rd", "th"].iter().any(|s| unit.eq_ignore_ascii_case(s))
                        || (unit.len() == 1
                            && !matches!(unit, "K" | "M" | "B")
                            && unit != unit.to_lowercase());
                    if ends && !keep {
                        self.push(seg, i);
                        seg = i;
                    }
                }
                numeric = false;
                i += n;
                continue;
            }
            let prev = if i > a { char_before(text, i).0 } else { '\0' };
            let (next, _) = if i + n < b { char_at(text, i + n) } else { ('\0', 0) };
            let keep = match c {
                '.' => {
                    if is_word(next) {
                        true
                    } else {
                        let tail = &text[seg..i + 1];
                        is_abbreviation(self.lex, tail, || next_char(text, i + 1))
                    }
                }
                ',' | ':' => prev.is_ascii_digit() && next.is_ascii_digit(),
                '/' => prev.is_ascii_digit() && next.is_ascii_digit() && is_date_slash(bytes, seg, i, b),
                '-' => self.keep_hyphen(seg, i, b, prev, next),
                '\'' | '’' | '`' => is_word(prev) && is_word(next),
                '&' | '@' | '_' => is_word(prev) && is_word(next),
                '*' => prev.is_alphabetic() && next.is_alphabetic(),
                '$' if (1..=3).contains(&(i - seg)) && bytes[seg..i].iter().all(u8::is_ascii_uppercase) => {
                    // "US$4.5": the currency is "US$".
                    self.push(seg, i + 1);
                    i += 1;
                    seg = i;
                    continue;
                }
                _ => false,
            };
            if keep {
                if !matches!(c, '.' | ',' | ':' | '/' | '-') || !prev.is_ascii_digit() {
                    numeric = false;
                }
                i += n;
                continue;
            }
            self.push(seg, i);
            let run = if is_final(c) {
                final_run_len(text, i, b)
            } else if c.is_ascii() {
                run_len(text, i, b, |x| x == c)
            } else {
                n + extend_len(text, i + n, b)
            };
            self.push(i, i + run);
            i += run;
            seg = i;
            numeric = true;
            if !matches!(c, '-' | '/') && i < b {
                return Some(i);
            }
        }
        self.push(seg, b);
        None
    }

    /// Whether the hyphen at `i` stays inside its word.
    fn keep_hyphen(&self, seg: usize, i: usize, b: usize, prev: char, next: char) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        if prev.is_ascii_digit() && next.is_ascii_digit() {
            // Phone numbers and dates stay whole; ranges (1969-1970) split.
            let lo = i.saturating_sub(NUMBER_LOOK).max(seg);
            let mut start = i;
            while start > lo && (bytes[start - 1].is_ascii_digit() || bytes[start - 1] == b'-') {
                start -= 1;
            }
            let hi = (i + NUMBER_LOOK).min(b);
            let mut end = i + 1;
            while end < hi && (bytes[end].is_ascii_digit() || bytes[end] == b'-') {
                end += 1;
            }
            let run = &bytes[start..end];
            let mut groups = run.split(|&x| x == b'-').map(<[u8]>::len);
            let hyphens = run.iter().filter(|&&x| x == b'-').count();
            if hyphens >= 2 {
                return true;
            }
            // Phone numbers, extensions and ZIP+4 codes: 853-3989, 3-5213, 77002-1234.
            return matches!(
                (groups.next(), groups.next()),
                (Some(3), Some(4)) | (Some(1), Some(4)) | (Some(5), Some(4))
            );
        }
        if !is_word(prev) || !is_word(next) {
            return false;
        }
        let left = &text[seg..i];
        left.bytes().all(|x| x.is_ascii_alphabetic()) && self.lex.is_hyphen_prefix(left)
    }
}

/// Words after which `its` is `it` + `s` ("its a shame"), not the possessive.
const IT_IS_NEXT: &[&str] = &[
    "a",
    "an",
    "the",
    "not",
    "so",
    "very",
    "really",
    "simply",
    "all",
    "like",
    "still",
    "kind",
    "in",
    "now",
    "definitely",
    "for",
    "also",
    "only",
    "just",
    "nothing",
    "called",
    "getting",
    "been",
    "going",
    "gonna",
    "too",
    "pretty",
    "always",
    "never",
    "probably",
    "actually",
    "about",
    "because",
    "ok",
    "okay",
    "true",
    "worth",
    "important",
    "necessary",
    "easy",
    "hard",
    "possible",
    "great",
    "good",
    "nice",
    "fine",
    "funny",
    "amazing",
    "natural",
    "simple",
    "between",
    "from",
    "less",
    "more",
    "time",
    "raining",
    "been",
];

/// Whether the word after byte `b` makes a preceding `its` mean "it is".
fn it_is_follows(text: &str, b: usize) -> bool {
    let rest = text.get(b..).unwrap_or("");
    let rest = rest.trim_start();
    if rest.len() == text.len().saturating_sub(b) {
        return false; // no space after "its"
    }
    let n = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let next = &rest[..n];
    n > 0 && n <= 12 && IT_IS_NEXT.iter().any(|w| next.eq_ignore_ascii_case(w))
}

/// Whether the slash at `i` is inside a date (`3/14/2025`, `9/11`) rather
/// than between numbers of a ratio or range (`20/20`, `2001/02`).
fn is_date_slash(bytes: &[u8], seg: usize, i: usize, b: usize) -> bool {
    let lo = i.saturating_sub(NUMBER_LOOK).max(seg);
    let mut start = i;
    while start > lo && (bytes[start - 1].is_ascii_digit() || bytes[start - 1] == b'/') {
        start -= 1;
    }
    let hi = (i + NUMBER_LOOK).min(b);
    let mut end = i + 1;
    while end < hi && (bytes[end].is_ascii_digit() || bytes[end] == b'/') {
        end += 1;
    }
    let run = &bytes[start..end];
    let mut groups = run.split(|&x| x == b'/');
    let num = |g: Option<&[u8]>| -> Option<u32> {
        let g = g?;
        if g.is_empty() || g.len() > 4 {
            return None;
        }
        g.iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    match (num(groups.next()), num(groups.next()), groups.next()) {
        (Some(_), Some(_), Some(third)) => !third.is_empty(),
        (Some(m), Some(d), None) => (1..=12).contains(&m) && (1..=31).contains(&d) && run.len() <= 5,
        _ => false,
    }
}

/// The first non-space character at or after byte `i` (`'\0'` at the end).
fn next_char(text: &str, i: usize) -> char {
    text.get(i..).and_then(|s| s.chars().find(|c| !c.is_whitespace())).unwrap_or('\0')
}

/// Length of the sentence-final punctuation token starting at `i`: the run of
/// `.` `!` `?` `…`, except that dots (two or more, or ellipses) before `?` or
/// `!` are a token of their own (`...?` is `...` `?`, while `?!` and `.?` are
/// one token), as in the English Web Treebank.
fn final_run_len(text: &str, i: usize, b: usize) -> usize {
    let n = run_len(text, i, b, is_final);
    let run = &text[i..i + n];
    let dots = run.len() - run.trim_start_matches(['.', '…']).len();
    let multi = run.starts_with('…') || run.starts_with("..");
    if multi && dots < run.len() {
        dots
    } else {
        n
    }
}

/// Length of the run of characters matching `f` starting at `i` (at least one character).
fn run_len(text: &str, i: usize, b: usize, f: impl Fn(char) -> bool) -> usize {
    let mut j = i;
    while j < b {
        let (c, n) = char_at(text, j);
        if j > i && !f(c) {
            break;
        }
        j += n;
    }
    j - i
}

/// Length of the run of characters matching `f` ending at `b`, not before `a` (at least one).
fn run_back_len(text: &str, a: usize, b: usize, f: impl Fn(char) -> bool) -> usize {
    let mut j = b;
    while j > a {
        let (c, n) = char_before(text, j);
        if j < b && !f(c) {
            break;
        }
        j -= n;
    }
    b - j
}

/// Bytes of extend characters starting at `i`.
fn extend_len(text: &str, i: usize, b: usize) -> usize {
    let mut j = i;
    while j < b {
        let (c, n) = char_at(text, j);
        if !is_extend(c) {
            break;
        }
        j += n;
        // A joiner glues the next character too (emoji sequences).
        if c == '\u{200d}' && j < b {
            j += char_at(text, j).1;
        }
    }
    j - i
}

/// Bytes of extend characters ending at `b`.
fn trailing_extend_len(text: &str, a: usize, b: usize) -> usize {
    let mut j = b;
    while j > a {
        let (c, n) = char_before(text, j);
        if !is_extend(c) {
            break;
        }
        j -= n;
    }
    b - j
}

const CLITICS: &[&str] = &["s", "re", "ve", "ll", "d", "m"];

/// Whether `s` is a clitic standing alone (`'s`, `n't`, `’re`).
fn is_clitic(s: &str) -> bool {
    clitic_len(s) == Some(s.len()) || (s.len() > 1 && clitic_len_bare(s) == Some(s.len()))
}

/// Length of a clitic ending `word` with at least one letter before it (`don't` → 3).
fn clitic_len(word: &str) -> Option<usize> {
    let k = clitic_len_bare(word)?;
    let rest = &word[..word.len() - k];
    let (c, _) = char_before(rest, rest.len());
    // "50's", "AK-47's" are plurals, not clitics.
    (is_word(c) && !c.is_ascii_digit() && !rest.is_empty()).then_some(k)
}

/// Length of the clitic `word` ends with, if any.
fn clitic_len_bare(word: &str) -> Option<usize> {
    let bytes = word.as_bytes();
    // Cheap rejection: an apostrophe (', `, or the last byte of ’) among the last four bytes.
    let tail = &bytes[bytes.len().saturating_sub(4)..];
    if !tail.iter().any(|&b| matches!(b, b'\'' | b'`' | 0x99)) {
        return None;
    }
    for clitic in CLITICS {
        let n = clitic.len();
        if bytes.len() > n && bytes[bytes.len() - n..].eq_ignore_ascii_case(clitic.as_bytes()) {
            let (c, an) = char_before(word, word.len() - n);
            if is_apostrophe(c) {
                return Some(n + an);
            }
        }
    }
    // n't
    if bytes.len() >= 3 && bytes[bytes.len() - 1].eq_ignore_ascii_case(&b't') {
        let (c, an) = char_before(word, word.len() - 1);
        if is_apostrophe(c) && word.len() > an + 1 {
            let nb = bytes[word.len() - 1 - an - 1];
            if nb.eq_ignore_ascii_case(&b'n') {
                return Some(2 + an);
            }
        }
    }
    None
}

/// Length of a URL at the start of `s`: up to the end, minus trailing
/// punctuation (a `)` stays when the URL opened one).
fn url_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 {
        let c = bytes[end - 1];
        let strip = match c {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' | b']' | b'>' | b'}' => true,
            b')' => {
                let open = bytes[..end].iter().filter(|&&x| x == b'(').count();
                let close = bytes[..end].iter().filter(|&&x| x == b')').count();
                close > open
            }
            // Curly quotes and other non-ASCII punctuation after a URL.
            0x80.. => {
                let (ch, _) = char_before(s, end);
                if is_symbol(ch) {
                    end -= ch.len_utf8() - 1;
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        if !strip {
            break;
        }
        end -= 1;
    }
    end.max(1)
}

/// Length of an e-mail address at the start of `bytes`.
fn email_len(bytes: &[u8]) -> Option<usize> {
    let at = bytes.iter().position(|&c| c == b'@')?;
    let local_ok = at > 0 && bytes[..at].iter().all(|&c| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c));
    if !local_ok {
        return None;
    }
    let host = host_len(&bytes[at + 1..])?;
    Some(at + 1 + host)
}

/// Length of a host name (`mail.example.com`) at the start of `bytes`: dotted
/// labels ending in an alphabetic top-level label of two letters or more.
fn host_len(bytes: &[u8]) -> Option<usize> {
    let mut end = 0;
    let mut labels = 0;
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
            i += 1;
        }
        if i == start {
            break;
        }
        labels += 1;
        let label = &bytes[start..i];
        if labels >= 2 && label.len() >= 2 && label.iter().all(u8::is_ascii_alphabetic) {
            end = i;
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_alphanumeric() {
            i += 1;
        } else {
            break;
        }
    }
    (end > 0).then_some(end)
}

/// Top-level domains recognised in URLs without a scheme (`google.com`).
const TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "us", "ca", "au", "de",
    "fr", "ru", "cn", "jp", "in", "it", "nl", "es", "ch", "se", "no", "ie", "nz", "za", "tv", "me", "ly",
    "ua",
];

/// Length of a bare domain with an optional path at the start of `bytes`
/// (`www`-less URLs such as `Space.com` or `amazon.ca/exec/obidos`).
fn domain_len(bytes: &[u8]) -> Option<usize> {
    if !bytes.contains(&b'.') {
        return None;
    }
    let host = host_len(bytes)?;
    // Two-letter domains only in lower case: "end.It" is a missing space, not Italy.
    let last = bytes[..host].rsplit(|&c| c == b'.').next()?;
    let known = if last.len() == 2 {
        TLDS.iter().any(|t| last == t.as_bytes())
    } else {
        TLDS.iter().any(|t| last.eq_ignore_ascii_case(t.as_bytes()))
            && (last.iter().all(u8::is_ascii_lowercase) || last.iter().all(u8::is_ascii_uppercase))
    };
    if !known {
        return None;
    }
    // The first label must not be a lone letter (U.S.com is not a domain).
    if bytes.iter().position(|&c| c == b'.').is_some_and(|p| p < 2) {
        return None;
    }
    if bytes.get(host) == Some(&b'/') {
        let s = std::str::from_utf8(bytes).ok()?;
        return Some(url_end(s));
    }
    Some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut scratch = Vec::new();
        tokenize(s, 0, s.len(), &mut out, &mut scratch);
        out.iter().map(|t| t.span.of(s)).collect()
    }

    #[test]
    fn basic_cases() {
        assert_eq!(toks("Kiev’s desire"), ["Kiev", "’s", "desire"]);
        assert_eq!(toks("don't"), ["do", "n't"]);
        assert_eq!(toks("“keep a peace deal,”"), ["“", "keep", "a", "peace", "deal", ",", "”"]);
        assert_eq!(
            toks("[provide security guarantees]…"),
            ["[", "provide", "security", "guarantees", "]", "…"]
        );
        assert_eq!(toks("US-Ukraine 30-day"), ["US", "-", "Ukraine", "30", "-", "day"]);
        assert_eq!(toks("the U.S. e-mail"), ["the", "U.S.", "e-mail"]);
        assert_eq!(toks("Cannot"), ["Can", "not"]);
        assert_eq!(toks("http://x.com/a)."), ["http://x.com/a", ")", "."]);
    }
}
