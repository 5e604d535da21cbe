//! Coding words: the sentence as the dictionaries see it (`DESIGN.md` §2.1).
//!
//! Words are whitespace-delimited and upper-cased; apostrophes inside words
//! stay (`KIEV'S`, `WON'T`), curly ones become `'`; commas are words of their
//! own and `; : ( )` become commas; other punctuation and hyphens separate
//! words; periods stay only between digits and inside capitalised
//! abbreviations, and never at the end of a word (`U.S.` → `U.S`, as the
//! dictionary keys are normalised). Every word keeps its byte span.

/// What kind of word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Comma,
    /// Starts with a digit.
    Number,
}

/// Capitalisation of the word in the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    None,
    /// The first capitalised word of the sentence.
    Initial,
    /// A later capitalised word.
    Mid,
}

/// One coding word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CWord {
    pub text: String,
    pub start: u32,
    pub end: u32,
    pub kind: Kind,
    pub cap: Cap,
}

/// Reusable buffer of coding words.
#[derive(Clone, Debug, Default)]
pub struct Words {
    pub words: Vec<CWord>,
    /// The sentence has no lower-case letter (capitalisation carries no information).
    pub all_caps: bool,
    /// Words dropped beyond the limit.
    pub truncated: usize,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

impl Words {
    /// Builds the words of `text[start..end]` (a sentence of a document),
    /// keeping at most `max` words. In FBIS mode leading non-letters and
    /// `[...]` are skipped. With `split_nt`, `DIDN'T` becomes `DID N'T` (the
    /// Penn Treebank tokens PETRARCH dictionaries are written for).
    pub fn build(&mut self, text: &str, start: usize, end: usize, max: usize, fbis: bool, split_nt: bool) {
        self.words.clear();
        self.truncated = 0;
        let sent = text.get(start..end).unwrap_or("");
        self.all_caps = !sent.chars().any(char::is_lowercase);
        let chars: Vec<(usize, char)> = sent.char_indices().collect();
        let mut cur = String::new();
        let mut cur_start = 0usize;
        let mut cur_end = 0usize;
        let mut i = 0;
        if fbis {
            while i < chars.len() && chars[i].1 != '[' && !chars[i].1.is_alphabetic() {
                i += 1;
            }
        }
        let mut total = 0usize;
        while i < chars.len() {
            let (off, c) = chars[i];
            let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
            let next = chars.get(i + 1).map(|&(_, c)| c);
            let at = start + off;
            let mut push_comma = false;
            let mut flush = false;
            if fbis && c == '[' {
                while i < chars.len() && chars[i].1 != ']' {
                    i += 1;
                }
                flush = true;
            } else if c.is_alphanumeric() || c == '$' {
                if cur.is_empty() {
                    cur_start = at;
                }
                cur.extend(c.to_uppercase());
                cur_end = at + c.len_utf8();
            } else if is_apostrophe(c) {
                if !cur.is_empty() && next.is_some_and(char::is_alphabetic) {
                    cur.push('\'');
                    cur_end = at + c.len_utf8();
                } else {
                    flush = true;
                }
            } else if c == ',' {
                if prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit()) {
                    // thousands separator: dropped
                } else {
                    flush = true;
                    push_comma = true;
                }
            } else if matches!(c, ';' | ':' | '(' | ')') {
                flush = true;
                push_comma = true;
            } else if c == '.' {
                let keep = !cur.is_empty()
                    && next.is_some_and(char::is_alphanumeric)
                    && (prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())
                        || prev.is_some_and(char::is_uppercase));
                if keep {
                    cur.push('.');
                    cur_end = at + 1;
                } else {
                    flush = true;
                }
            } else {
                flush = true;
            }
            if flush && !cur.is_empty() {
                total += 1;
                if self.words.len() < max {
                    self.words.push(CWord {
                        text: std::mem::take(&mut cur),
                        start: cur_start as u32,
                        end: cur_end as u32,
                        kind: Kind::Word,
                        cap: Cap::None,
                    });
                } else {
                    cur.clear();
                }
            }
            if push_comma {
                total += 1;
                if self.words.len() < max {
                    self.words.push(CWord {
                        text: ",".into(),
                        start: at as u32,
                        end: (at + c.len_utf8()) as u32,
                        kind: Kind::Comma,
                        cap: Cap::None,
                    });
                }
            }
            i += 1;
        }
        if !cur.is_empty() {
            total += 1;
            if self.words.len() < max {
                self.words.push(CWord {
                    text: cur,
                    start: cur_start as u32,
                    end: cur_end as u32,
                    kind: Kind::Word,
                    cap: Cap::None,
                });
            }
        }
        if split_nt {
            let mut k = 0;
            while k < self.words.len() {
                let w = &self.words[k];
                if w.text.len() > 3 && w.text.ends_with("N'T") && (w.end - w.start) as usize == w.text.len() {
                    let cut = w.text.len() - 3;
                    let (head, tail) = (w.text[..cut].to_string(), w.text[cut..].to_string());
                    let mid = w.start + cut as u32;
                    let end = w.end;
                    self.words[k].text = head;
                    self.words[k].end = mid;
                    self.words.insert(
                        k + 1,
                        CWord { text: tail, start: mid, end, kind: Kind::Word, cap: Cap::None },
                    );
                    k += 1;
                }
                k += 1;
            }
            self.words.truncate(max);
        }
        self.truncated = total.saturating_sub(self.words.len());
        let mut first = true;
        for w in &mut self.words {
            if w.text.starts_with(|c: char| c.is_ascii_digit()) {
                w.kind = Kind::Number;
            }
            if self.all_caps || w.kind == Kind::Comma {
                continue;
            }
            let original = text.get(w.start as usize..w.end as usize).unwrap_or("");
            if original.starts_with(char::is_uppercase) {
                w.cap = if first { Cap::Initial } else { Cap::Mid };
                first = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut w = Words::default();
        w.build(s, 0, s.len(), 1000, false, false);
        w.words.iter().map(|w| w.text.clone()).collect()
    }

    #[test]
    fn filters_like_tabari() {
        assert_eq!(
            words("Kiev’s desire, U.S. and won't (yes)"),
            ["KIEV'S", "DESIRE", ",", "U.S", "AND", "WON'T", ",", "YES", ","]
        );
        assert_eq!(
            words("The Al-Gore group; 50,000 tonnes at 11.8 million."),
            ["THE", "AL", "GORE", "GROUP", ",", "50000", "TONNES", "AT", "11.8", "MILLION"]
        );
        assert_eq!(
            words("Al \"The Weasel\" Gore, USA. anti- Gondor"),
            ["AL", "THE", "WEASEL", "GORE", ",", "USA", "ANTI", "GONDOR"]
        );
        assert!(words("").is_empty());
        assert!(words(" ... !!! ").is_empty());
    }

    #[test]
    fn spans_and_capitals() {
        let s = "Arnor is about To Restore ties.";
        let mut w = Words::default();
        w.build(s, 0, s.len(), 100, false, false);
        assert_eq!(w.words[0].cap, Cap::Initial);
        assert_eq!(w.words[3].cap, Cap::Mid);
        assert_eq!(w.words[1].cap, Cap::None);
        assert_eq!(&s[w.words[4].start as usize..w.words[4].end as usize], "Restore");
        w.build("ARNOR IS HERE", 0, 13, 100, false, false);
        assert!(w.all_caps && w.words.iter().all(|x| x.cap == Cap::None));
    }

    #[test]
    fn splits_nt() {
        let s = "Bree didn't clash";
        let mut w = Words::default();
        w.build(s, 0, s.len(), 100, false, true);
        let t: Vec<&str> = w.words.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(t, ["BREE", "DID", "N'T", "CLASH"]);
        assert_eq!(&s[w.words[2].start as usize..w.words[2].end as usize], "n't");
    }

    #[test]
    fn limits_and_fbis() {
        let mut w = Words::default();
        let s = "2. -- [Gandalf] Gollum [participated] in a parade";
        w.build(s, 0, s.len(), 3, true, false);
        assert_eq!(w.words.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(), ["GOLLUM", "IN", "A"]);
        assert_eq!(w.truncated, 1);
    }
}
