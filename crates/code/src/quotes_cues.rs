//! The speech cue table (`data/speech-cues.txt`), parsed once.

use std::sync::OnceLock;

use crate::dates::lex::{is_capitalized, lower, Anchors, Kind, Tok, WordTable};

/// The cue list shipped with dyad.
pub const SPEECH_CUES: &str = include_str!("../data/speech-cues.txt");

/// The hearer may follow the verb: "told Bloomberg TV".
pub(crate) const ADDRESSEE: u8 = 1;
/// The reported clause may follow without "that".
pub(crate) const BARE: u8 = 2;
/// The reported clause may open with "if" or "whether".
pub(crate) const QUESTION: u8 = 4;
/// "according to": the speaker follows.
pub(crate) const ACCORDING: u8 = 8;
/// The base and -s forms are also common nouns ("a state", "reports"):
/// they count as cues only before "that".
const NOUN: u8 = 16;

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// First word of the form.
    first: &'static str,
    /// Following words ("out" in "pointed out"), space-separated.
    rest: &'static str,
    lemma: &'static str,
    flags: u8,
    ing: bool,
}

/// A cue found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CueHit {
    pub lemma: &'static str,
    pub flags: u8,
    /// A present participle ("stating"): its speaker is the clause's subject.
    pub ing: bool,
    /// Tokens the cue covers.
    pub len: usize,
}

/// The entries sorted by first word (longest continuation first), and for
/// each first word the range of its entries.
struct Table {
    entries: Vec<Entry>,
    index: WordTable<(u16, u16)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut v = parse(SPEECH_CUES);
        v.push(Entry { first: "according", rest: "to", lemma: "according to", flags: ACCORDING, ing: false });
        v.sort_by(|a, b| a.first.cmp(b.first).then(b.rest.len().cmp(&a.rest.len())));
        let mut keys: Vec<(&'static str, (u16, u16))> = Vec::new();
        for (i, e) in v.iter().enumerate() {
            match keys.last_mut() {
                Some((k, (_, n))) if *k == e.first => *n += 1,
                _ => keys.push((e.first, (i as u16, 1))),
            }
        }
        Table { index: WordTable::new(&keys), entries: v }
    })
}

/// Parses the cue list; lines that are not `lemma forms... [| flags]` are
/// skipped (a unit test checks that none is).
fn parse(src: &'static str) -> Vec<Entry> {
    let mut v = Vec::new();
    for line in src.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (forms, flag_text) = line.split_once('|').unwrap_or((line, ""));
        let mut flags = 0;
        for f in flag_text.split_whitespace() {
            flags |= match f {
                "addressee" => ADDRESSEE,
                "bare" => BARE,
                "question" => QUESTION,
                "noun" => NOUN,
                _ => 0,
            };
        }
        let mut forms = forms.split_whitespace();
        let Some(lemma) = forms.next() else { continue };
        for form in std::iter::once(lemma).chain(forms) {
            let (first, rest) = form.split_once('_').unwrap_or((form, ""));
            // Only the base and -s forms are nouns too.
            let nounish = form == lemma || (form.ends_with('s') && !form.ends_with("ss"));
            let flags = if nounish { flags } else { flags & !NOUN };
            v.push(Entry { first, rest, lemma, flags, ing: first.ends_with("ing") });
        }
    }
    v
}

/// Lines of the cue list that do not parse (for the test).
#[cfg(test)]
pub(crate) fn bad_lines() -> Vec<&'static str> {
    SPEECH_CUES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| {
            let (forms, flags) = l.split_once('|').unwrap_or((l, ""));
            forms.split_whitespace().next().is_none()
                || forms.chars().any(|c| !(c.is_ascii_lowercase() || c == '_' || c == ' '))
                || flags.split_whitespace().any(|f| !matches!(f, "addressee" | "bare" | "question" | "noun"))
        })
        .collect()
}

/// The cue starting at token `i`, if any.
pub(crate) fn cue_at(text: &str, toks: &[Tok], i: usize) -> Option<CueHit> {
    let t = toks.get(i)?;
    if t.kind != Kind::Word {
        return None;
    }
    // "United States", "Washington Post": a capitalised cue word after a
    // capitalised word is part of a name.
    let s = t.text(text);
    if is_capitalized(s) && i > 0 && toks[i - 1].kind == Kind::Word && is_capitalized(toks[i - 1].text(text))
    {
        return None;
    }
    // "a claim", "the report", "his statement": a noun after a determiner.
    if i > 0 {
        let mut pb = [0u8; 24];
        let p = &toks[i - 1];
        if p.kind == Kind::Word
            && matches!(
                lower(p.text(text), &mut pb),
                Some(
                    "the"
                        | "a"
                        | "an"
                        | "this"
                        | "these"
                        | "those"
                        | "his"
                        | "her"
                        | "its"
                        | "their"
                        | "our"
                        | "my"
                        | "your"
                        | "every"
                        | "whose"
                )
            )
        {
            return None;
        }
    }
    let table = table();
    let (from, count) = table.index.get(s)?;
    let (from, count) = (usize::from(from), usize::from(count));
    for e in table.entries.get(from..from + count).unwrap_or(&[]) {
        let mut n = 1;
        let mut ok = true;
        for r in e.rest.split(' ').filter(|r| !r.is_empty()) {
            match toks.get(i + n) {
                Some(x) if x.kind == Kind::Word && x.text(text).eq_ignore_ascii_case(r) => n += 1,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && e.flags & NOUN != 0 {
            let that = toks
                .get(i + n)
                .is_some_and(|x| x.kind == Kind::Word && x.text(text).eq_ignore_ascii_case("that"));
            if !that {
                continue;
            }
        }
        if ok {
            return Some(CueHit { lemma: e.lemma, flags: e.flags & !NOUN, ing: e.ing, len: n });
        }
    }
    None
}

/// Whether `text[start..end]` may hold a cue: false means it surely holds none.
pub(crate) fn may_hold_cue(text: &str, start: usize, end: usize) -> bool {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS
        .get_or_init(|| {
            let firsts: Vec<&'static str> = table().entries.iter().map(|e| e.first).collect();
            Anchors::new(&firsts, false)
        })
        .any_in(text, start, end)
}

/// The lemmas of the cue list, in file order, without repeats.
pub fn cue_lemmas() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for e in parse(SPEECH_CUES) {
        if v.last() != Some(&e.lemma) {
            v.push(e.lemma);
        }
    }
    v.push("according to");
    v
}
