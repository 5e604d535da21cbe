//! dyad's rules for news text (`DESIGN.md` §2.7), on top of the PETRARCH
//! dialect: negation, embedded clauses of reporting verbs, modality and
//! intent, statements to the press, and events named by nouns. They are off
//! for the validation suites, which test TABARI's and PETRARCH's own rules.

use crate::shallow::{Parse, WType, NONE};
use crate::words::{CWord, Words};

/// Words that negate the verb they precede (`did not agree`, `never met`).
const NEGATORS: &[&str] = &["NOT", "N'T", "NEVER", "NO"];

/// Words that may stand between a negator and its verb.
const AUXILIARIES: &[&str] = &[
    "IS",
    "ARE",
    "AM",
    "WAS",
    "WERE",
    "BE",
    "BEEN",
    "BEING",
    "HAS",
    "HAVE",
    "HAD",
    "HAVING",
    "DO",
    "DOES",
    "DID",
    "WILL",
    "WOULD",
    "CAN",
    "COULD",
    "SHOULD",
    "MAY",
    "MIGHT",
    "MUST",
    "SHALL",
    "WO",
    "CA",
    "YET",
    "STILL",
    "EVEN",
    "EVER",
    "ALSO",
    "JUST",
    "ALREADY",
    "REALLY",
    "OFFICIALLY",
    "FORMALLY",
    "PUBLICLY",
];

fn text(w: &[CWord], i: usize) -> &str {
    w.get(i).map_or("", |w| w.text.as_str())
}

/// The negator before the verb whose first word is `head`, looking back over
/// auxiliaries and adverbs no further than `start`.
pub fn negator(w: &[CWord], head: usize, start: usize) -> Option<usize> {
    let mut k = head;
    while k > start {
        k -= 1;
        let t = text(w, k);
        if NEGATORS.contains(&t) {
            return Some(k);
        }
        let adverb = t.len() > 4 && t.ends_with("LY");
        if !(AUXILIARIES.contains(&t) || adverb) {
            return None;
        }
    }
    None
}

/// Words that open an embedded clause after a reporting verb.
const COMPLEMENTIZERS: &[&str] = &["THAT", "IF", "WHETHER"];

/// Words that open a relative clause after a comma.
const RELATIVES: &[&str] = &["WHICH", "WHO", "WHOM", "WHOSE", "WHERE", "WHEN", "WHILE"];

/// Words that can only be a finite verb or auxiliary right after a subject.
const FINITE: &[&str] = &[
    "IS", "ARE", "WAS", "WERE", "HAS", "HAVE", "HAD", "WILL", "WOULD", "CAN", "COULD", "SHOULD", "MAY",
    "MIGHT", "MUST", "SHALL", "DID", "DOES", "DO",
];

/// Where an embedded clause starts after the verb ending at `tail`, before
/// `end`: a complementizer (`told Bloomberg TV that ...`, `asked if ...`) or
/// a subject followed by a finite verb (`said he was willing ...`). The
/// reporting verb's own pattern and target stop there; the embedded verb is
/// coded on its own (in `Rutte said Trump ruled out X` ruling out is Trump's).
pub fn embedded_start(p: &Parse, words: &Words, tail: usize, end: usize) -> Option<usize> {
    let w = &words.words;
    let mut k = tail + 1;
    while k <= end {
        let t = text(w, k);
        // `..., which concluded with ...`: a relative clause.
        if p.wtype.get(k) == Some(&WType::Comma) && RELATIVES.contains(&text(w, k + 1)) {
            return Some(k);
        }
        if COMPLEMENTIZERS.contains(&t) && k < end {
            // `that` as a determiner (`rejected that proposal`) has no verb after it.
            let verb_follows = (k + 1..=end.min(k + 8))
                .any(|j| p.wtype.get(j) == Some(&WType::Verb) || FINITE.contains(&text(w, j)));
            if t != "THAT" || verb_follows {
                return Some(k);
            }
        }
        // A subject (a phrase or a pronoun) followed by a finite verb.
        let ne = p.ne_of.get(k).copied().unwrap_or(NONE);
        let subject_end = if ne != NONE {
            p.nes.get(ne as usize).map(|n| n.end as usize)
        } else if p.wtype.get(k) == Some(&WType::Pronoun) {
            Some(k)
        } else {
            None
        };
        if let Some(e) = subject_end {
            let next = text(w, e + 1);
            // A finite verb: not a gerund (`the possibility of Ukraine joining`).
            let verb = p.wtype.get(e + 1) == Some(&WType::Verb) && !next.ends_with("ING");
            if e < end && (FINITE.contains(&next) || verb) {
                return Some(k);
            }
            k = e + 1;
            continue;
        }
        k += 1;
    }
    None
}

/// Nouns whose `of X doing` is a possibility, not an event (`the
/// possibility of Ukraine joining NATO`).
const HYPOTHETICAL: &[&str] = &[
    "POSSIBILITY",
    "PROSPECT",
    "PROSPECTS",
    "CHANCE",
    "CHANCES",
    "IDEA",
    "RISK",
    "LIKELIHOOD",
    "THOUGHT",
    "NOTION",
    "QUESTION",
    "FEAR",
    "FEARS",
];

/// Whether the gerund at `verb`, whose subject phrase starts at `subject`,
/// only names a possibility: `NOUN of SUBJECT verb-ing`.
pub fn hypothetical_gerund(w: &[CWord], verb: usize, subject: usize) -> bool {
    subject >= 2
        && text(w, verb).ends_with("ING")
        && text(w, subject - 1) == "OF"
        && HYPOTHETICAL.contains(&text(w, subject - 2))
}

/// Words that open a question or condition: its verbs are not events
/// (`asked if Trump intended to offer ...`).
pub const CONDITIONALS: &[&str] = &["IF", "WHETHER", "UNLESS"];

/// Words that make the verb after `TO` an intention (`willing to discuss`).
const INTENT: &[&str] = &[
    "WILLING", "READY", "PREPARED", "OPEN", "EAGER", "KEEN", "PLAN", "PLANS", "PLANNED", "PLANNING",
    "INTEND", "INTENDS", "INTENDED", "AIM", "AIMS", "AIMED", "HOPE", "HOPES", "HOPED", "WANT", "WANTS",
    "WANTED", "OFFER", "OFFERS", "OFFERED", "PROMISE", "PROMISES", "PROMISED", "PLEDGE", "PLEDGES",
    "PLEDGED", "VOW", "VOWS", "VOWED",
];

/// Words that make the verb after `TO` a threat (`threatened to attack`).
const THREAT: &[&str] = &["THREATEN", "THREATENS", "THREATENED", "THREATENING"];

/// The word that makes the verb at `head` an intention or a threat, if any:
/// `WORD TO verb`.
pub fn modal(w: &[CWord], head: usize) -> Option<(usize, bool)> {
    if head < 2 || text(w, head - 1) != "TO" {
        return None;
    }
    let t = text(w, head - 2);
    if INTENT.contains(&t) {
        Some((head - 2, false))
    } else if THREAT.contains(&t) {
        Some((head - 2, true))
    } else {
        None
    }
}

/// The CAMEO code of intending (or threatening) to do `code`: intent to meet
/// or negotiate (036) for consultations, to cooperate diplomatically (032),
/// materially (031), to give aid (033), to yield (035); threats (13) for
/// force. `None` when the code has no such counterpart.
pub fn intent_code(code: &str, threat: bool) -> Option<&'static str> {
    let root = code.get(..2)?;
    if threat {
        return match root {
            "15" | "16" | "17" => Some("130"),
            "18" | "19" | "20" => Some("138"),
            _ => None,
        };
    }
    match root {
        "04" => Some("036"),
        "05" => Some("032"),
        "06" => Some("031"),
        "07" => Some("033"),
        "08" => Some("035"),
        _ => None,
    }
}

/// Nouns that name an event between two parties, and its CAMEO code.
pub const EVENT_NOUNS: &[(&str, &str)] = &[
    ("MEETING", "040"),
    ("MEETINGS", "040"),
    ("TALKS", "040"),
    ("SUMMIT", "040"),
    ("CONSULTATIONS", "040"),
    ("NEGOTIATIONS", "046"),
];

/// Whether a `-` joins words `a` and `a + 1` in the text (`US-Ukraine`).
pub fn hyphen_joined(w: &[CWord], text: &str, a: usize) -> bool {
    match (w.get(a), w.get(a + 1)) {
        (Some(x), Some(y)) => text.get(x.end as usize..y.start as usize).is_some_and(|s| s == "-"),
        _ => false,
    }
}

/// Words that open an adverbial phrase before the main clause (`Following a
/// meeting with X, S ...`).
pub const LEADERS: &[&str] = &["FOLLOWING", "AFTER", "BEFORE", "DURING", "AT", "AHEAD"];

/// Statements and appeals made to or by the press are not events between
/// political actors (`Rutte told Bloomberg TV`).
pub fn press(code: &str, source: &str, target: &str) -> bool {
    (code.starts_with("01") || code.starts_with("02")) && (source.ends_with("MED") || target.ends_with("MED"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Words {
        let mut w = Words::default();
        w.build(s, 0, s.len(), 200, false, true);
        w
    }

    #[test]
    fn negators_before_the_verb() {
        let w = words("Kiev did not agree to it");
        assert_eq!(negator(&w.words, 3, 0), Some(2));
        let w = words("Kiev didn't agree to it");
        assert_eq!(negator(&w.words, 3, 0), Some(2));
        let w = words("Ukraine is not being considered");
        assert_eq!(negator(&w.words, 4, 0), Some(2));
        let w = words("Kiev will agree");
        assert_eq!(negator(&w.words, 2, 0), None);
        let w = words("No one said Kiev agreed");
        assert_eq!(negator(&w.words, 4, 0), None);
    }

    #[test]
    fn intentions_and_threats() {
        let w = words("he was willing to discuss it");
        assert_eq!(modal(&w.words, 4), Some((2, false)));
        assert_eq!(intent_code("040", false), Some("036"));
        assert_eq!(intent_code("190", true), Some("138"));
        assert_eq!(intent_code("120", false), None);
    }

    #[test]
    fn hyphens_and_press() {
        let s = "US-Ukraine talks";
        let w = words(s);
        assert!(hyphen_joined(&w.words, s, 0));
        assert!(!hyphen_joined(&w.words, s, 1));
        assert!(press("010", "NLDGOV", "USAMED"));
        assert!(!press("190", "USAMED", "RUS"));
    }
}
