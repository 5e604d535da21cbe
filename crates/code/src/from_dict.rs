//! The dictionaries as the coder sees them: a [`DictSet`] (any format
//! `dyad-dict` reads: TABARI, PETRARCH/Phoenix, dyad's own) turned into a
//! [`Lexicon`].
//!
//! * Phrases become upper-case elements split at hyphens; the last word of an
//!   actor or agent phrase takes TABARI's regular endings (TABARI files) or a
//!   possessive `'S` (other formats), unless it is a stem.
//! * Verb blocks become one [`VerbDef`] per verb sharing the block's patterns;
//!   TABARI roots keep their stems and `_`/`=` marks. PETRARCH defines some
//!   verbs in more than one block: the blocks are merged (patterns added, the
//!   later code wins), as PETRARCH does.
//! * Pattern items get their gaps from the pattern text ([`item_gaps`]);
//!   `{a | b}` becomes an alternative (TABARI).

use std::collections::HashMap;

use crate::lexicon::{
    ActorDef, AgentDef, Class, Code, DiscardDef, Elem, Endings, Lexicon, PElem, Pattern, Place, Role,
    SynsetDef, TimeValue, VerbDef,
};
use dyad_dict::{AgentPlace, Dialect, DictSet, Pattern as DPattern, PatternItem, Phrase};

/// An event code as a dictionary writes it, checked: each part `---`,
/// `+++`, `###`, empty (one side of a pair), or 2–5 letters and digits
/// starting with a digit (`042`, TABARI's `075A`). A well-formed
/// code the event table does not know (the suites' `9xx` test codes) is
/// kept: its events carry the code without Goldstein score or PLOVER type.
/// `Ok(None)` for a blank code; `Err` names what is wrong.
pub fn event_code(text: &str) -> Result<Option<Code>, String> {
    let Some(code) = Code::parse(text) else { return Ok(None) };
    for part in std::iter::once(code.main.as_str()).chain(code.pair.as_deref()) {
        let digits = (2..=5).contains(&part.len())
            && part.starts_with(|c: char| c.is_ascii_digit())
            && part.bytes().all(|b| b.is_ascii_alphanumeric());
        if !(digits || matches!(part, "" | "---" | "+++" | "###")) {
            return Err(format!("event code {text:?} is not a CAMEO-style code (digits, as 042 or TABARI's 075A), ---, +++ or ###"));
        }
    }
    Ok(Some(code))
}

/// Upper-cased word split at hyphens, trailing dots dropped, curly quotes made ASCII.
pub fn norm_parts(text: &str) -> Vec<String> {
    let t: String = text
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            c => c,
        })
        .collect::<String>()
        .to_uppercase();
    t.split('-').map(|p| p.trim_end_matches('.').to_string()).filter(|p| !p.is_empty()).collect()
}

fn elems(p: &Phrase, dialect: Dialect, no_endings: bool) -> Vec<Elem> {
    let mut out = Vec::new();
    let n = p.words.len();
    for (i, w) in p.words.iter().enumerate() {
        let parts = norm_parts(&w.text);
        let np = parts.len();
        for (k, part) in parts.iter().enumerate() {
            let last = i + 1 == n && k + 1 == np;
            let gap = if k == 0 { w.gap } else { false };
            let stem = w.stem && k + 1 == np;
            let endings = if !last || stem || no_endings {
                Endings::None
            } else if dialect == Dialect::Tabari {
                Endings::Regular
            } else {
                Endings::Possessive
            };
            out.push(Elem::new(part, stem, gap, endings));
        }
    }
    out
}

/// The tokens of a pattern's text, each with whether whitespace preceded it
/// (`IN_*`: consecutive; `IN *`: other words may come between). The
/// dictionary reader keeps this only for TABARI words, so it is recomputed
/// here for every item, symbols included.
fn text_tokens(text: &str, tabari: bool) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut gap = false;
    let mut word_gap = false;
    for c in text.chars() {
        let sym = matches!(c, '*' | '$' | '+' | '%' | '^' | '@' | '{' | '}' | '(' | ')' | '|');
        if sym {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), word_gap));
            }
            out.push((c.to_string(), gap));
            gap = false;
            continue;
        }
        match c {
            '_' if !word.starts_with('&') || tabari => {
                if !word.is_empty() {
                    out.push((std::mem::take(&mut word), word_gap));
                }
                gap = false;
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    out.push((std::mem::take(&mut word), word_gap));
                }
                gap = true;
            }
            '~' | '=' if tabari => {}
            c => {
                if word.is_empty() {
                    word_gap = gap;
                }
                word.push(c)
            }
        }
    }
    if !word.is_empty() {
        out.push((word, word_gap));
    }
    out
}

/// The gap of each pattern item, aligning the reader's items with the text's
/// tokens (a PETRARCH `&TIETYPES_MEMOS` is one token but, when only
/// `&TIETYPES` is a synset, two items: the synset and the word `MEMOS`, with
/// no gap between).
fn item_gaps(items: &[PatternItem], text: &str, tabari: bool) -> Vec<bool> {
    let tokens = text_tokens(text, tabari);
    let mut out = Vec::with_capacity(items.len());
    let mut t = 0usize;
    let mut pending = 0usize;
    for it in items {
        if pending > 0 && matches!(it, PatternItem::Word { .. }) {
            pending -= 1;
            out.push(false);
            continue;
        }
        pending = 0;
        let Some((tok, gap)) = tokens.get(t) else {
            out.push(true);
            continue;
        };
        t += 1;
        if let PatternItem::Synset { name, .. } = it {
            let name = name.trim_end_matches('_');
            if let Some(rest) = tok.strip_prefix(name).and_then(|r| r.strip_prefix('_')) {
                pending = rest.split('_').filter(|w| !w.is_empty()).count();
            }
        }
        out.push(*gap);
    }
    out
}

struct Conv<'a> {
    synsets: &'a HashMap<String, u32>,
    tabari: bool,
}

impl Conv<'_> {
    fn word(&self, text: &str, stem: bool, gap: bool, out: &mut Vec<PElem>) {
        if let Some(name) = text.strip_prefix('&') {
            let key = format!("&{}", name.to_uppercase());
            let id = self.synsets.get(&key).or_else(|| self.synsets.get(key.trim_end_matches('_'))).copied();
            if id.is_none() && key.contains('_') {
                // `&TIETYPES_MEMOS`: a synset and words joined by `_`.
                for (k, part) in key.split('_').filter(|p| !p.is_empty()).enumerate() {
                    self.word(part, false, if k == 0 { gap } else { false }, out);
                }
                return;
            }
            out.push(PElem::Synset { id: id.unwrap_or(u32::MAX), gap });
            return;
        }
        match text {
            "$" => return out.push(PElem::Source { gap }),
            "+" => return out.push(PElem::Target { gap }),
            "%" => return out.push(PElem::Compound { gap }),
            "^" => return out.push(PElem::Skip { gap }),
            _ => {}
        }
        let parts = norm_parts(text);
        let np = parts.len();
        for (k, p) in parts.iter().enumerate() {
            out.push(PElem::Word {
                text: p.as_str().into(),
                stem: stem && k + 1 == np,
                gap: if k == 0 { gap } else { false },
            });
        }
    }

    /// Items with gaps → elements, grouping braces into alternatives.
    fn elems(&self, items: &[(PatternItem, bool)]) -> Vec<PElem> {
        let mut out = Vec::new();
        let mut i = 0;
        // The gap before a PETRARCH-2 bracket (`* (AS CAUSE)`) belongs to the
        // first word inside it.
        let mut carry = false;
        while i < items.len() {
            let (it, gap) = &items[i];
            let gap = *gap || std::mem::take(&mut carry);
            match it {
                PatternItem::Word { text, stem, .. } => self.word(text, *stem, gap, &mut out),
                PatternItem::Synset { name, .. } => self.word(name, false, gap, &mut out),
                PatternItem::Source => out.push(PElem::Source { gap }),
                PatternItem::Target => out.push(PElem::Target { gap }),
                PatternItem::Compound => out.push(PElem::Compound { gap }),
                PatternItem::Skip => out.push(PElem::Skip { gap }),
                PatternItem::Attribution => out.push(PElem::Attribution { gap }),
                PatternItem::OpenBrace if self.tabari => {
                    // Find the matching close.
                    let mut depth = 0;
                    let mut j = i;
                    while j < items.len() {
                        match items[j].0 {
                            PatternItem::OpenBrace => depth += 1,
                            PatternItem::CloseBrace => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    let inner = &items[i + 1..j.min(items.len())];
                    let mut options = Vec::new();
                    let mut cur: Vec<(PatternItem, bool)> = Vec::new();
                    for x in inner {
                        if matches!(x.0, PatternItem::Or) {
                            options.push(self.elems(&cur));
                            cur.clear();
                        } else {
                            cur.push(x.clone());
                        }
                    }
                    options.push(self.elems(&cur));
                    out.push(PElem::Alt { options, gap });
                    i = j + 1;
                    continue;
                }
                PatternItem::OpenParen
                | PatternItem::CloseParen
                | PatternItem::OpenBrace
                | PatternItem::CloseBrace => carry = gap,
                PatternItem::Verb | PatternItem::Or => {}
            }
            i += 1;
        }
        out
    }

    fn pattern(&self, p: &DPattern, origin: &str) -> Option<Pattern> {
        let code = event_code(&p.code).ok()??;
        let gaps = item_gaps(&p.items, &p.text, self.tabari);
        let items: Vec<(PatternItem, bool)> = p
            .items
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, it)| (it, gaps.get(i).copied().unwrap_or(true)))
            .collect();
        let v = items.iter().position(|(it, _)| matches!(it, PatternItem::Verb))?;
        let verb_gap = items[v].1;
        let lower = self.elems(&items[..v]);
        let upper = self.elems(&items[v + 1..]);
        let written = format!("- {} [{}]", p.text, p.code);
        Some(Pattern::new(lower, verb_gap, upper, code, &written, origin))
    }
}

fn roles(a: &dyad_dict::Actor) -> Vec<Role> {
    a.roles
        .iter()
        .map(|r| Role {
            codes: r.codes.iter().map(|c| c.trim().to_string()).collect(),
            from: r.from,
            to: r.to,
            dated: r.dated,
        })
        .collect()
}

pub fn build(set: &DictSet) -> Lexicon {
    let mut lex = Lexicon::new();
    // Actors. Earlier roots win ties between phrases matching as much, and
    // a later layer wins over an earlier one ("Mark Rutte" of the current
    // office holders over Phoenix's "MARK RUTTE"), so later layers go first.
    let mut order: Vec<usize> = (0..set.actors.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(set.layer(set.actors[i].loc)));
    for a in order.iter().map(|&i| &set.actors[i]) {
        let dialect = set.dialect(a.loc);
        let id = lex.actors.len() as u32;
        lex.actors.push(ActorDef { roles: roles(a), origin: set.place(a.loc) });
        for p in std::iter::once(&a.name).chain(a.aliases.iter().map(|x| &x.phrase)) {
            let e = elems(p, dialect, false);
            lex.add_root(Class::Actor, e, id, &p.to_dyad());
        }
    }
    // Agents.
    for ag in &set.agents {
        let dialect = set.dialect(ag.loc);
        let id = lex.agents.len() as u32;
        let place = match ag.place {
            AgentPlace::After => Place::After,
            AgentPlace::Before => Place::Before,
        };
        lex.agents.push(AgentDef { code: ag.code.clone(), place, origin: set.place(ag.loc) });
        let written = format!("{} [{}]", ag.name.to_dyad(), ag.code_text());
        lex.add_root(Class::Agent, elems(&ag.name, dialect, false), id, &written);
        for f in &ag.forms {
            lex.add_root(Class::Agent, elems(&f.phrase, dialect, false), id, &written);
        }
    }
    for n in &set.verbs.nouns {
        lex.add_root(Class::Noun, elems(&n.phrase, Dialect::Tabari, false), 0, &n.phrase.to_dyad());
    }
    for n in &set.verbs.adjectives {
        let e = elems(&n.phrase, Dialect::Tabari, false);
        lex.add_root(Class::Adjective, e, 0, &n.phrase.to_dyad());
    }
    // Synsets.
    let mut synset_ids: HashMap<String, u32> = HashMap::new();
    for (i, s) in set.verbs.synsets.iter().enumerate() {
        let name = s.name.split_whitespace().next().unwrap_or("").to_uppercase();
        synset_ids.entry(name.clone()).or_insert(i as u32);
        synset_ids.entry(name.trim_end_matches('_').to_string()).or_insert(i as u32);
    }
    for s in &set.verbs.synsets {
        let tabari = set.dialect(s.loc) == Dialect::Tabari;
        let conv = Conv { synsets: &synset_ids, tabari };
        let mut members = Vec::new();
        for m in &s.members {
            let mut out = Vec::new();
            for w in &m.phrase.words {
                conv.word(&w.text, w.stem, if tabari { w.gap } else { false }, &mut out);
            }
            members.push(out);
        }
        lex.synsets.push(SynsetDef::new(&s.name, members));
    }
    // Verbs.
    let mut petr_verbs: HashMap<String, (u32, u32)> = HashMap::new();
    for b in &set.verbs.blocks {
        let tabari = b.dialect == Dialect::Tabari;
        let conv = Conv { synsets: &synset_ids, tabari };
        let origin = set.place(b.loc);
        let mut pids = Vec::new();
        for p in &b.patterns {
            if let Err(why) = event_code(&p.code) {
                lex.skipped.push(format!("{}: pattern skipped: {why}", set.place(p.loc)));
                continue;
            }
            if let Some(pat) = conv.pattern(p, &set.place(p.loc)) {
                pids.push(lex.patterns.len() as u32);
                lex.patterns.push(pat);
            }
        }
        let checked = |text: &str, lex: &mut Lexicon| match event_code(text) {
            Ok(c) => c,
            Err(why) => {
                lex.skipped.push(format!("{origin}: verb code ignored: {why}"));
                None
            }
        };
        let block_code = checked(&b.code, &mut lex);
        for v in &b.verbs {
            let id = lex.verbs.len() as u32;
            let code = match &v.code {
                Some(c) => checked(c, &mut lex),
                None => block_code.clone(),
            };
            let name = v.lemma.words.join(" ");
            lex.verbs.push(VerbDef {
                code: code.clone(),
                patterns: pids.clone(),
                name: name.clone(),
                origin: origin.clone(),
            });
            if tabari {
                // The root as written (stems, gaps, `_`, `=`).
                let raw = b.name.as_str();
                let no_end = raw.contains('=');
                let p = Phrase::from_tabari(raw);
                lex.add_root(
                    Class::Verb,
                    elems(&p, Dialect::Tabari, no_end),
                    id,
                    &format!("{} [{}]", raw, b.code),
                );
                for f in v.forms.iter().skip(1) {
                    let e: Vec<Elem> = f
                        .words
                        .iter()
                        .enumerate()
                        .flat_map(|(i, w)| {
                            let parts = norm_parts(w);
                            let n = f.words.len();
                            let np = parts.len();
                            parts
                                .into_iter()
                                .enumerate()
                                .map(move |(k, p)| {
                                    let e = if i + 1 == n && k + 1 == np {
                                        Endings::Regular
                                    } else {
                                        Endings::None
                                    };
                                    Elem::new(&p, false, false, e)
                                })
                                .collect::<Vec<_>>()
                        })
                        .collect();
                    lex.add_root(Class::Verb, e, id, &format!("{} [{}]", f.words.join("_"), b.code));
                }
            } else {
                // A form already defined by an earlier block: PETRARCH merges
                // the blocks (patterns added, the later code wins). A block of
                // a later layer (a correction) also wins, and its patterns are
                // tried before the earlier ones.
                let key = v.forms.first().map(|f| f.words.join(" ").to_uppercase()).unwrap_or_default();
                let layer = set.layer(b.loc);
                if let Some(&(old, old_layer)) = petr_verbs.get(&key) {
                    lex.verbs.pop();
                    let (code, pats) = (code.clone(), pids.clone());
                    let o = &mut lex.verbs[old as usize];
                    if code.is_some() {
                        o.code = code;
                    }
                    if layer > old_layer {
                        let rest = std::mem::replace(&mut o.patterns, pats);
                        o.patterns.extend(rest);
                        o.origin = origin.clone();
                        petr_verbs.insert(key, (old, layer));
                    } else {
                        o.patterns.extend(pats);
                    }
                    continue;
                }
                petr_verbs.insert(key, (id, layer));
                for f in &v.forms {
                    let e: Vec<Elem> = f
                        .words
                        .iter()
                        .flat_map(|w| norm_parts(w))
                        .map(|p| Elem::new(&p, false, false, Endings::None))
                        .collect();
                    lex.add_root(Class::Verb, e, id, &format!("{} [{}]", f.to_dyad(), b.code));
                }
            }
        }
    }
    // Time phrases.
    for t in &set.verbs.times {
        let id = lex.times.len() as u32;
        let v = t.value.trim();
        let value = match v {
            "###" => TimeValue::Discard,
            "+++" => TimeValue::Complex,
            "---" => TimeValue::Null,
            _ => v.trim_start_matches('+').parse::<i32>().map(TimeValue::Shift).unwrap_or(TimeValue::Null),
        };
        lex.times.push(value);
        lex.add_root(Class::Time, elems(&t.phrase, Dialect::Tabari, false), id, &t.phrase.to_dyad());
    }
    for d in &set.discards {
        let phrase = elems(&d.phrase, Dialect::Petrarch, true);
        lex.discards.push(DiscardDef { phrase, story: d.story, written: d.phrase.to_dyad() });
    }
    lex.finish();
    lex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps() {
        let gaps = |text: &str, tabari: bool| {
            text_tokens(text, tabari).into_iter().map(|(_, g)| g).collect::<Vec<_>>()
        };
        assert_eq!(gaps("IN_*", true), [false, false]);
        assert_eq!(gaps("IN_ *", true), [false, true]);
        assert_eq!(gaps("+ * FROM $", true), [false, true, true, true]);
        let items = [
            PatternItem::Verb,
            PatternItem::Synset { name: "&TIETYPES".into(), gap: false },
            PatternItem::Word { text: "MEMOS".into(), stem: false, gap: false },
            PatternItem::Word { text: "FROM".into(), stem: false, gap: false },
        ];
        assert_eq!(item_gaps(&items, "* &TIETYPES_MEMOS FROM", false), [false, true, false, true]);
    }
}
