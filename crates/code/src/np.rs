//! Noun phrases for the PETRARCH dialect (`DESIGN.md` §3).
//!
//! PETRARCH codes actors per noun phrase ("named entity", NE): the first
//! actor of the phrase gives the code and every agent in the phrase is added
//! (`Human rights activists in Arnor` → `SGMHGMARN`); a phrase with agents but
//! no actor is a null actor with agents (`a senior official` → `---GOV`);
//! coordinated phrases expand (`Lawmakers and officials in Fornost and Gondor`
//! → `FORLEG GONLEG FORGOV GONGOV`). PETRARCH takes phrases from a Treebank
//! parse; this module chunks the coding words: a phrase runs over
//! determiners, adjectives, nouns, actors, agents, numbers, pronouns and other
//! content words, joins over `OF`, `IN`, `FROM` and coordinations, and stops
//! at verbs, function words, commas and clause boundaries.

use dyad_text::Date;

use crate::coder::composite;
use crate::lexicon::{Class, Lexicon};
use crate::shallow::{Parse, WType, NONE};
use crate::words::{Cap, Words};

/// A noun phrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Ne {
    /// First and last word (inclusive).
    pub start: u32,
    pub end: u32,
    /// One code per expansion (deduplicated): actor code plus agents, or
    /// `---` plus agents for phrases without an actor.
    pub codes: Vec<String>,
    /// Whether some expansion has an actor.
    pub coded: bool,
    /// The first actor head of the phrase, if any.
    pub head: Option<u32>,
    /// The words of the phrase (upper case, possessive `'S` dropped), for new actors.
    pub text: String,
    /// The phrases after each linker (`the Gondor | of the Prince of Dol
    /// Amroth`): their first word and codes, for a pattern's `^` that skips
    /// only the first part.
    pub tails: Vec<(u32, Vec<String>)>,
}

/// Words that end a noun phrase.
const FUNCTION: &[&str] = &[
    "IS",
    "ARE",
    "AM",
    "BE",
    "BEING",
    "HAS",
    "HAVE",
    "HAD",
    "HAVING",
    "DO",
    "DOES",
    "DID",
    "N'T",
    "NOT",
    "WILL",
    "WOULD",
    "SHALL",
    "SHOULD",
    "CAN",
    "COULD",
    "MAY",
    "MIGHT",
    "MUST",
    "TO",
    "THAT",
    "WHICH",
    "WHO",
    "WHOM",
    "WHOSE",
    "WHAT",
    "WHEN",
    "WHERE",
    "WHY",
    "HOW",
    "WHILE",
    "AFTER",
    "BEFORE",
    "SINCE",
    "UNTIL",
    "UNLESS",
    "IF",
    "BECAUSE",
    "ALTHOUGH",
    "THOUGH",
    "AS",
    "THAN",
    "ABOUT",
    "WITH",
    "FOR",
    "ON",
    "AT",
    "INTO",
    "ONTO",
    "UPON",
    "AGAINST",
    "OVER",
    "UNDER",
    "AMONG",
    "DURING",
    "THROUGH",
    "TOWARD",
    "TOWARDS",
    "WITHOUT",
    "WITHIN",
    "ACROSS",
    "BEHIND",
    "BY",
    "NEAR",
    "ALMOST",
    "ALSO",
    "VERY",
    "AGAIN",
    "NOW",
    "THEN",
    "STILL",
    "JUST",
    "ONLY",
    "EVEN",
    "EVER",
    "NEVER",
    "SO",
    "TOO",
    "HERE",
    "THERE",
    "YET",
    "ALREADY",
    "SOON",
    "LATER",
    "UP",
    "DOWN",
    "OUT",
    "OFF",
    "AWAY",
    "BACK",
    "WHETHER",
    "HOWEVER",
    "MUCH",
    "MORE",
    "MOST",
    "LESS",
    "ESPECIALLY",
    "TODAY",
    "YESTERDAY",
    "TOMORROW",
    "SAYS",
    "SAID",
    "WAS",
    "WERE",
    "BEEN",
];

fn is_function(w: &str) -> bool {
    FUNCTION.contains(&w)
}

/// Could word `i` be inside a noun phrase?
pub fn np_word(p: &Parse, words: &Words, i: usize) -> bool {
    let Some(w) = words.words.get(i) else { return false };
    match p.wtype.get(i).copied().unwrap_or(WType::Null) {
        WType::Actor
        | WType::Agent
        | WType::Noun
        | WType::Adjective
        | WType::Determiner
        | WType::Number
        | WType::Former
        | WType::Pronoun => true,
        WType::Null | WType::Time => {
            let t = w.text.as_str();
            if is_function(t) {
                return false;
            }
            let base = t.strip_suffix("'S").unwrap_or(t);
            let name = w.cap == Cap::Mid || w.cap == Cap::Initial;
            if !name
                && (base.ends_with("LY") || base.ends_with("ED") || base.ends_with("ING"))
                && base.len() > 4
            {
                return false;
            }
            t.chars().next().is_some_and(|c| c.is_alphanumeric())
        }
        _ => false,
    }
}

fn is_linker(words: &Words, i: usize) -> bool {
    words.words.get(i).is_some_and(|w| matches!(w.text.as_str(), "OF" | "IN" | "FROM"))
}

fn is_coord(p: &Parse, i: usize) -> bool {
    p.wtype.get(i) == Some(&WType::Conj)
}

/// One conjunct: a word range.
type Range = (usize, usize);

/// One conjunct: usually one range; a distributed modifier adds a second
/// (`Danish media and government`: `DANISH` + `GOVERNMENT`).
type Conjunct = Vec<Range>;

/// Chunks the sentence and codes every phrase; fills `p.nes` and `p.ne_of`.
pub fn chunk(lex: &Lexicon, p: &mut Parse, words: &Words, date: Option<Date>, new_actor_length: u32) {
    let n = p.len();
    p.nes.clear();
    p.ne_of.clear();
    p.ne_of.resize(n, NONE);
    let subord = |p: &Parse, i: usize| {
        p.subords.iter().any(|s| s.active && i > s.start as usize && i <= s.end as usize)
    };
    let mut i = 0;
    while i < n {
        if subord(p, i) || !np_word(p, words, i) {
            i += 1;
            continue;
        }
        // Parts joined by linkers; each part a list of conjuncts.
        let start = i;
        let mut parts: Vec<Vec<Conjunct>> = Vec::new();
        let mut conjuncts: Vec<Conjunct> = Vec::new();
        let mut cs = i;
        let mut k = i;
        let mut comma_list = false;
        loop {
            while k < n && !subord(p, k) && np_word(p, words, k) {
                k += 1;
            }
            // `k` is the first word after a run [cs, k).
            let run_end = k;
            let next_np = |j: usize| j < n && !subord(p, j) && np_word(p, words, j);
            if k < n && is_coord(p, k) && next_np(k + 1) && adjective_pair(p, words, k, n) {
                // `awful and evil minister`: modifiers of one head, not two phrases.
                k += 1;
                continue;
            }
            if k < n && is_coord(p, k) && next_np(k + 1) {
                conjuncts.push(vec![(cs, run_end - 1)]);
                k += 1;
                cs = k;
                continue;
            }
            if comma_list && k + 1 < n && p.wtype[k] == WType::Comma && is_coord(p, k + 1) && next_np(k + 2) {
                // `A, B, and C`: the last item of a comma list.
                conjuncts.push(vec![(cs, run_end - 1)]);
                k += 2;
                cs = k;
                continue;
            }
            if k < n && p.wtype[k] == WType::Comma && next_np(k + 1) && list_continues(p, words, k + 1, n) {
                comma_list = true;
                conjuncts.push(vec![(cs, run_end - 1)]);
                k += 1;
                if k < n && is_coord(p, k) {
                    k += 1;
                }
                cs = k;
                continue;
            }
            conjuncts.push(vec![(cs, run_end - 1)]);
            if k < n && is_linker(words, k) && next_np(k + 1) {
                distribute(p, start, &mut conjuncts);
                parts.push(std::mem::take(&mut conjuncts));
                k += 1;
                cs = k;
                continue;
            }
            distribute(p, start, &mut conjuncts);
            parts.push(std::mem::take(&mut conjuncts));
            break;
        }
        let end = k.saturating_sub(1).max(start);
        let ctx = PhraseCtx { lex, p, words, date, new_actor_length };
        let mut ne = code_phrase(&ctx, start, end, &parts);
        for i in 1..parts.len() {
            let Some(&(first, _)) = parts[i].first().and_then(|c| c.first()) else { continue };
            let tail = code_phrase(&ctx, first, end, &parts[i..]);
            ne.tails.push((first as u32, tail.codes));
        }
        let id = p.nes.len() as u32;
        for slot in &mut p.ne_of[start..=end] {
            *slot = id;
        }
        p.nes.push(ne);
        i = end + 1;
    }
}

/// A flat coordination of single agents after an actor modifier, with no
/// determiner in front (`Danish media and government`): the modifier applies
/// to every conjunct. With a determiner (`The Danish media and government`)
/// the conjuncts stay apart, as CoreNLP parses them.
fn distribute(p: &Parse, start: usize, conjuncts: &mut [Conjunct]) {
    if conjuncts.len() < 2 || p.wtype.get(start) == Some(&WType::Determiner) {
        return;
    }
    let Some(&(a, b)) = conjuncts[0].first() else { return };
    if b <= a || !(a..b).all(|i| p.wtype[i] == WType::Actor) {
        return;
    }
    let single_agents = conjuncts[1..]
        .iter()
        .all(|c| matches!(c.as_slice(), [(x, y)] if x == y && p.wtype[*x] == WType::Agent));
    if !single_agents {
        return;
    }
    for c in &mut conjuncts[1..] {
        c.insert(0, (a, b - 1));
    }
}

/// A conjunction at `k` between two plain modifiers (words with no root),
/// the second followed by more of the phrase: `awful and evil minister`.
fn adjective_pair(p: &Parse, words: &Words, k: usize, n: usize) -> bool {
    let plain = |i: usize| {
        matches!(p.wtype.get(i), Some(WType::Null | WType::Adjective))
            && words.words.get(i).is_some_and(|w| !w.text.ends_with("'S"))
    };
    if !(k > 0 && plain(k - 1) && plain(k + 1) && k + 2 < n && np_word(p, words, k + 2)) {
        return false;
    }
    // The shared head is a coded word (`minister`): `death and injury toll`
    // stays two phrases.
    (k + 2..n)
        .take_while(|&i| np_word(p, words, i))
        .any(|i| matches!(p.wtype[i], WType::Agent | WType::Actor))
}

/// Whether the words from `from` continue a comma list that ends with a
/// conjunction (`Mordor, Rohan, Fornost and Bree`).
fn list_continues(p: &Parse, words: &Words, from: usize, n: usize) -> bool {
    let mut k = from;
    loop {
        while k < n && np_word(p, words, k) {
            k += 1;
        }
        if k >= n {
            return false;
        }
        if is_coord(p, k) {
            return true;
        }
        if p.wtype[k] == WType::Comma {
            k += 1;
            if k < n && is_coord(p, k) {
                return true;
            }
            continue;
        }
        return false;
    }
}

/// What coding a phrase needs besides its extent.
struct PhraseCtx<'a> {
    lex: &'a Lexicon,
    p: &'a Parse,
    words: &'a Words,
    date: Option<Date>,
    new_actor_length: u32,
}

/// Codes one phrase from its parts and conjuncts.
fn code_phrase(ctx: &PhraseCtx<'_>, start: usize, end: usize, parts: &[Vec<Conjunct>]) -> Ne {
    let PhraseCtx { lex, p, words, date, new_actor_length } = *ctx;
    // Expansions: one conjunct of each part.
    let mut expansions: Vec<Vec<Range>> = vec![Vec::new()];
    for part in parts {
        if part.is_empty() {
            continue;
        }
        let mut next = Vec::with_capacity(expansions.len() * part.len());
        for e in &expansions {
            for c in part {
                let mut x = e.clone();
                x.extend(c.iter().copied());
                next.push(x);
            }
        }
        expansions = next;
        if expansions.len() > 64 {
            expansions.truncate(64);
        }
    }
    let mut codes: Vec<String> = Vec::new();
    let mut coded = false;
    let mut head = None;
    let text_of = |idx: &[usize]| {
        idx.iter()
            .filter_map(|&k| words.words.get(k))
            .map(|w| w.text.strip_suffix("'S").unwrap_or(&w.text).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for e in &expansions {
        let idx: Vec<usize> = e.iter().flat_map(|&(a, b)| a..=b).collect();
        let (mut ecodes, h) = code_words(lex, p, words, date, &idx);
        if let Some(h) = h {
            coded = true;
            head.get_or_insert(h);
        }
        // An uncoded phrase short enough is reported as a new actor.
        if new_actor_length > 0 && ecodes == ["---"] && idx.len() as u32 <= new_actor_length {
            // The words with the linkers between adjacent parts (`MINISTRY OF MAGIC`).
            let mut shown = Vec::with_capacity(idx.len() + 2);
            for (j, &(a, b)) in e.iter().enumerate() {
                if j > 0 && e[j - 1].1 + 2 == a && is_linker(words, a - 1) {
                    shown.push(a - 1);
                }
                shown.extend(a..=b);
            }
            ecodes = vec![format!("\"{}\"", text_of(&shown))];
        }
        for code in ecodes {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    // A null code next to coded ones adds nothing.
    if coded || codes.iter().any(|c| c.starts_with('"')) {
        codes.retain(|c| c != "---");
    }
    let idx: Vec<usize> = (start..=end).collect();
    let text = text_of(&idx);
    Ne { start: start as u32, end: end as u32, codes, coded, head, text, tails: Vec::new() }
}

/// The codes of a list of words: the first actor (several codes for a coded
/// compound such as `[FRO/BIL/SAM]`), each with every agent.
fn code_words(
    lex: &Lexicon,
    p: &Parse,
    words: &Words,
    date: Option<Date>,
    idx: &[usize],
) -> (Vec<String>, Option<u32>) {
    let mut actor: Option<(Vec<String>, usize, Vec<u32>)> = None;
    for &k in idx {
        let Some(s) = p.head_span(k, Class::Actor) else { continue };
        let sp = &p.spans[s as usize];
        if sp.pronoun {
            continue;
        }
        let Some(root) = lex.roots.get(sp.root as usize) else { continue };
        let codes = if sp.converted {
            lex.agents.get(root.data as usize).map(|a| vec![a.written_code()]).unwrap_or_default()
        } else {
            lex.actors.get(root.data as usize).map(|a| a.codes(date).to_vec()).unwrap_or_default()
        };
        if codes.is_empty() {
            continue;
        }
        actor = Some((codes, k, sp.words.clone()));
        break;
    }
    let mut agents: Vec<String> = Vec::new();
    // Agents: at each word outside the actor, the longest agent phrase starting there.
    let in_actor = |k: usize| actor.as_ref().is_some_and(|a| a.2.contains(&(k as u32)));
    let w = &words.words;
    for (pos, &k) in idx.iter().enumerate() {
        if in_actor(k) {
            continue;
        }
        let Some(word) = w.get(k) else { continue };
        let mut best: Option<(usize, String)> = None;
        for rid in lex.candidates(&word.text) {
            let Some(root) = lex.roots.get(rid as usize) else { continue };
            if root.class != Class::Agent {
                continue;
            }
            // Match the agent phrase over consecutive words of the expansion.
            let ok = root.phrase.iter().enumerate().all(|(j, e)| {
                idx.get(pos + j).and_then(|&q| w.get(q)).is_some_and(|x| {
                    let last = j + 1 == root.phrase.len();
                    match crate::lexicon::fit(&e.text, &x.text) {
                        Some(crate::lexicon::Fit::Exact) => true,
                        Some(crate::lexicon::Fit::Partial) => {
                            e.stem
                                || (last
                                    && crate::lexicon::ending(
                                        e.endings,
                                        Class::Agent,
                                        &e.text,
                                        &x.text[e.text.len()..],
                                    )
                                    .is_some())
                        }
                        None => false,
                    }
                })
            });
            if ok {
                let len: usize = root.phrase.iter().map(|e| e.text.len()).sum();
                if best.as_ref().is_none_or(|(l, _)| len > *l) {
                    if let Some(ag) = lex.agents.get(root.data as usize) {
                        best = Some((len, ag.written_code()));
                    }
                }
            }
        }
        if let Some((_, agent)) = best {
            agents.push(agent);
        }
    }
    let bases = actor.as_ref().map(|a| a.0.clone()).unwrap_or_else(|| vec!["---".to_string()]);
    let codes = bases
        .iter()
        .map(|base| {
            let mut code = base.clone();
            for agent in &agents {
                let next = composite(&code, Some(agent));
                if next == code {
                    break; // already present: PETRARCH stops here
                }
                code = next;
            }
            code
        })
        .collect();
    (codes, actor.map(|a| a.1 as u32))
}
