//! Word-level heuristics for attributions: the noun phrase before or after
//! a cue verb, the subject of a clause. They work on the raw words, without
//! tags or a parse; the coder may override the result with the parser's
//! subject.

use crate::dates::lex::{is_capitalized, lower, Kind, Tok};

/// A token range `a..b`.
pub(crate) type Range = (usize, usize);

pub(crate) fn lw<'b>(text: &str, t: &Tok, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    if t.kind != Kind::Word {
        return None;
    }
    lower(t.text(text), buf)
}

/// Whether token `i` is the word `w` (any case).
pub(crate) fn is_word(text: &str, toks: &[Tok], i: usize, w: &str) -> bool {
    toks.get(i).is_some_and(|t| t.kind == Kind::Word && t.text(text).eq_ignore_ascii_case(w))
}

pub(crate) fn is_punct(text: &str, toks: &[Tok], i: usize, c: char) -> bool {
    toks.get(i).is_some_and(|t| t.punct(text) == c)
}

/// Auxiliaries and adverbs that may stand between a subject and its verb.
pub(crate) fn is_aux_or_adverb(w: &str) -> bool {
    matches!(
        w,
        "also"
            | "later"
            | "then"
            | "has"
            | "have"
            | "had"
            | "was"
            | "is"
            | "were"
            | "are"
            | "would"
            | "will"
            | "shall"
            | "could"
            | "should"
            | "might"
            | "may"
            | "must"
            | "can"
            | "did"
            | "does"
            | "do"
            | "further"
            | "again"
            | "once"
            | "earlier"
            | "already"
            | "never"
            | "not"
            | "just"
            | "first"
            | "often"
            | "since"
            | "even"
            | "still"
            | "been"
            | "be"
    ) || (w.len() > 4 && w.ends_with("ly") && w != "italy")
}

/// Words that end a noun phrase.
fn is_np_stop(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "when"
            | "if"
            | "whether"
            | "while"
            | "as"
            | "but"
            | "who"
            | "whom"
            | "whose"
            | "which"
            | "because"
            | "although"
            | "though"
            | "where"
            | "so"
            | "after"
            | "before"
            | "with"
            | "from"
            | "by"
            | "to"
            | "in"
            | "on"
            | "at"
            | "into"
            | "than"
            | "and"
            | "or"
            | "nor"
            | "however"
            | "meanwhile"
            | "yet"
            | "during"
            | "amid"
            | "about"
            | "over"
            | "under"
            | "without"
            | "despite"
            | "following"
            | "according"
            | "not"
    )
}

pub(crate) fn is_pronoun(w: &str) -> bool {
    matches!(w, "he" | "she" | "they" | "it" | "we" | "i" | "you")
}

pub(crate) fn is_determiner(w: &str) -> bool {
    matches!(
        w,
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
            | "some"
            | "many"
            | "several"
            | "no"
            | "another"
            | "both"
            | "all"
            | "any"
            | "each"
            | "one"
            | "two"
            | "three"
    )
}

/// Words opening an introductory phrase or clause before the subject.
fn is_intro(w: &str) -> bool {
    matches!(
        w,
        "when"
            | "while"
            | "as"
            | "after"
            | "before"
            | "although"
            | "though"
            | "if"
            | "because"
            | "since"
            | "once"
            | "until"
            | "whereas"
            | "following"
            | "despite"
            | "during"
            | "in"
            | "on"
            | "at"
            | "with"
            | "without"
            | "amid"
            | "under"
            | "for"
            | "from"
            | "by"
            | "however"
            | "meanwhile"
            | "earlier"
            | "later"
            | "separately"
            | "still"
            | "yet"
            | "also"
            | "but"
            | "and"
            | "speaking"
            | "asked"
            | "last"
            | "this"
            | "today"
            | "yesterday"
    )
}

/// Calendar words that are capitalised but never a speaker.
fn is_calendar(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "today"
            | "yesterday"
            | "tomorrow"
    )
}

/// Whether token `i` is a tight `’`/`'` of a possessive `’s` or a
/// tight hyphen inside a name.
fn is_np_glue(text: &str, toks: &[Tok], i: usize) -> bool {
    let Some(t) = toks.get(i) else { return false };
    match t.punct(text) {
        '’' | '\'' => {
            !t.space_before
                && toks.get(i + 1).is_some_and(|n| {
                    !n.space_before && n.kind == Kind::Word && n.text(text).eq_ignore_ascii_case("s")
                })
        }
        '-' | '&' => !t.space_before && toks.get(i + 1).is_some_and(|n| !n.space_before),
        // An initial: "J. Smith", "U.S."
        '.' => {
            i > 0 && !t.space_before && {
                let p = toks[i - 1].text(text);
                p.len() == 1 && is_capitalized(p)
            }
        }
        _ => false,
    }
}

/// The noun phrase ending right before token `end` (after skipping
/// auxiliaries and adverbs), not reaching before `lo`.
pub(crate) fn np_before(text: &str, toks: &[Tok], lo: usize, end: usize) -> Option<Range> {
    let mut buf = [0u8; 24];
    let mut b = end.min(toks.len());
    while b > lo {
        match lw(text, &toks[b - 1], &mut buf) {
            Some(w) if is_aux_or_adverb(w) && !is_capitalized(toks[b - 1].text(text)) => b -= 1,
            _ => break,
        }
    }
    let mut a = b;
    let mut words = 0;
    while a > lo && words < 10 {
        let t = &toks[a - 1];
        match t.kind {
            Kind::Word => {
                let s = t.text(text);
                let Some(w) = lower(s, &mut buf) else {
                    a -= 1; // a non-ASCII name
                    words += 1;
                    continue;
                };
                if is_capitalized(s) {
                    if (is_intro(w) || is_np_stop(w)) && !is_pronoun(w) || is_calendar(w) {
                        break;
                    }
                } else if matches!(w, "of" | "for" | "from") {
                    // "the head of the delegation said", "observers from the bloc said"
                    if words == 0 || a - 1 <= lo || toks[a - 2].kind != Kind::Word {
                        break;
                    }
                } else if is_np_stop(w) || is_aux_or_adverb(w) || (is_pronoun(w) && words > 0) {
                    break;
                }
                a -= 1;
                words += 1;
                if is_pronoun(w) {
                    break;
                }
            }
            Kind::Num => {
                a -= 1;
                words += 1;
            }
            Kind::Punct => {
                if is_np_glue(text, toks, a - 1) {
                    a -= 1;
                } else {
                    break;
                }
            }
        }
    }
    trim_np(text, toks, a, b)
}

/// Drops leading glue or stop words from a noun phrase; `None` when nothing
/// remains.
fn trim_np(text: &str, toks: &[Tok], mut a: usize, b: usize) -> Option<Range> {
    let mut buf = [0u8; 24];
    while a < b {
        let t = &toks[a];
        let drop = match t.kind {
            Kind::Punct => true,
            Kind::Word => matches!(lw(text, t, &mut buf), Some("of" | "for" | "and")),
            Kind::Num => false,
        };
        if !drop {
            break;
        }
        a += 1;
    }
    (a < b).then_some((a, b))
}

/// The noun phrase starting at token `start`, not reaching `hi`.
pub(crate) fn np_after(text: &str, toks: &[Tok], start: usize, hi: usize) -> Option<Range> {
    let hi = hi.min(toks.len());
    let mut buf = [0u8; 24];
    let mut b = start;
    let mut words = 0;
    while b < hi && words < 8 {
        let t = &toks[b];
        match t.kind {
            Kind::Word => {
                let s = t.text(text);
                let Some(w) = lower(s, &mut buf) else {
                    b += 1;
                    words += 1;
                    continue;
                };
                if is_calendar(w) || crate::quotes::cues::cue_at(text, toks, b).is_some() {
                    break;
                }
                if matches!(w, "of" | "for" | "from") {
                    let next_cap =
                        toks.get(b + 1).is_some_and(|n| n.kind == Kind::Word && is_capitalized(n.text(text)));
                    let next_det = toks.get(b + 1).is_some_and(|n| {
                        let mut nb = [0u8; 24];
                        lw(text, n, &mut nb).is_some_and(is_determiner)
                    });
                    // "a statement from Doctors Without Borders", not "Rutte from Brussels".
                    let ok = if w == "from" {
                        next_cap && !toks[start..b].iter().any(|t| is_capitalized(t.text(text)))
                    } else {
                        next_cap || next_det
                    };
                    if words == 0 || !ok {
                        break;
                    }
                } else if (!is_capitalized(s) && (is_np_stop(w) || is_aux_or_adverb(w)))
                    || (is_pronoun(w) && words > 0)
                    // "told reporters the alliance would ...": a new noun phrase.
                    || (is_determiner(w) && words > 0 && !matches!(lw(text, &toks[b - 1], &mut [0u8; 24]), Some("of" | "for" | "from")))
                {
                    break;
                }
                b += 1;
                words += 1;
                if is_pronoun(w) {
                    break;
                }
            }
            Kind::Num => {
                b += 1;
                words += 1;
            }
            Kind::Punct => {
                if is_np_glue(text, toks, b) && words > 0 {
                    b += 1;
                } else {
                    break;
                }
            }
        }
    }
    (b > start).then_some((start, b))
}

/// The subject of the clause `toks[lo..hi]`: its first noun phrase after an
/// introductory phrase ("However,", "On Thursday,", "When ..., ").
pub(crate) fn clause_subject(text: &str, toks: &[Tok], lo: usize, hi: usize) -> Option<Range> {
    let hi = hi.min(toks.len());
    let mut buf = [0u8; 24];
    let mut i = lo;
    while i < hi && toks[i].kind == Kind::Punct {
        i += 1;
    }
    if let Some(w) = toks.get(i).and_then(|t| lw(text, t, &mut buf)) {
        if is_intro(w) {
            // Skip to after the first comma; no comma, no subject found.
            let comma = (i..hi).find(|&k| is_punct(text, toks, k, ','))?;
            i = comma + 1;
        }
    }
    while i < hi && toks[i].kind == Kind::Punct {
        i += 1;
    }
    let t = toks.get(i).filter(|_| i < hi)?;
    let s = t.text(text);
    let w = lw(text, t, &mut buf)?;
    if is_pronoun(w) {
        return Some((i, i + 1));
    }
    let mut b = i;
    if is_determiner(w) {
        b += 1;
        let mut n = 0;
        while b < hi && n < 4 {
            let t = &toks[b];
            let mut nb = [0u8; 24];
            match t.kind {
                Kind::Word => {
                    let Some(x) = lw(text, t, &mut nb) else { break };
                    let cap = is_capitalized(t.text(text));
                    if is_np_stop(x)
                        || is_aux_or_adverb(x)
                        || (!cap && x.len() > 3 && x.ends_with("ed"))
                        || crate::quotes::cues::cue_at(text, toks, b).is_some()
                    {
                        break;
                    }
                    b += 1;
                    n += 1;
                }
                Kind::Punct if is_np_glue(text, toks, b) => b += 1,
                _ => break,
            }
        }
        return (b > i + 1).then_some((i, b));
    }
    if !is_capitalized(s) {
        return None;
    }
    while b < hi {
        let t = &toks[b];
        match t.kind {
            Kind::Word if is_capitalized(t.text(text)) => b += 1,
            // "al-Burhan", "bin-Salman"
            Kind::Word
                if is_punct(text, toks, b + 1, '-')
                    && is_np_glue(text, toks, b + 1)
                    && toks.get(b + 2).is_some_and(|n| is_capitalized(n.text(text))) =>
            {
                b += 3
            }
            // "Chinese foreign ministry spokesman Lin Jian": lowercase title
            // words between capitalised ones.
            Kind::Word if title_words_then_name(text, toks, b, hi) > 0 => {
                b += title_words_then_name(text, toks, b, hi);
            }
            Kind::Word if matches!(lw(text, t, &mut buf), Some("of" | "for")) => {
                if toks.get(b + 1).is_some_and(|n| is_capitalized(n.text(text))) {
                    b += 1;
                } else {
                    break;
                }
            }
            Kind::Word if is_word(text, toks, b, "s") && b > i => b += 1,
            Kind::Punct if is_np_glue(text, toks, b) => b += 1,
            _ => break,
        }
    }
    (b > i).then_some((i, b))
}

/// How many lowercase title words ("foreign ministry spokesman") start at
/// `b` and are followed by a capitalised word; 0 when they are not.
fn title_words_then_name(text: &str, toks: &[Tok], b: usize, hi: usize) -> usize {
    let mut buf = [0u8; 24];
    let mut j = b;
    while j < hi && j < b + 4 {
        let t = &toks[j];
        if t.kind != Kind::Word {
            return 0;
        }
        let s = t.text(text);
        if is_capitalized(s) {
            return j - b;
        }
        match lower(s, &mut buf) {
            Some(w) if !is_np_stop(w) && !is_aux_or_adverb(w) && !w.ends_with("ed") && !is_pronoun(w) => {}
            _ => return 0,
        }
        if crate::quotes::cues::cue_at(text, toks, j).is_some() {
            return 0;
        }
        j += 1;
    }
    0
}
