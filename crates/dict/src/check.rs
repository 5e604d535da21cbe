//! `dyad dict check`: lints of a dictionary set.

use std::collections::{BTreeMap, BTreeSet};

use crate::compile::overlaps;
use crate::error::{Diagnostic, Severity};
use crate::iso3166::ISO3166_ALPHA3;
use crate::model::*;
use crate::Dictionary;

/// First-position codes CAMEO uses besides ISO 3166 countries: international and
/// transnational actors, regions, historical states, religions and sector codes that may
/// stand alone (CAMEO manual, ch. 3; TABARI/PETRARCH dictionaries).
pub const CAMEO_PREFIXES: &[&str] = &[
    // International / transnational.
    "IGO", "NGO", "NGM", "IMG", "MNC", "UIS", "INT", "UNO", // Regions.
    "AFR", "ASA", "BLK", "BAL", "CAS", "CAU", "CFR", "CRB", "EAF", "EEU", "EUR", "LAM", "MEA", "MDE", "NAF",
    "NAM", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WEU", "WST",
    // Historical states and codes CAMEO kept.
    "CSK", "DDR", "KSV", "SCG", "SUN", "TMP", "USR", "YUG", "ZAR",
    // Religions and ethnic/sector codes that may stand alone.
    "BAH", "BUD", "CHR", "CON", "HIN", "ITH", "JAN", "JEW", "MOS", "SHI", "SIK", "SUN", "TAO", "ZRO", "AGR",
    "BUS", "COP", "CRM", "CVL", "EDU", "ELI", "ENV", "GOV", "HLH", "HRI", "JUD", "LAB", "LEG", "MED", "MIL",
    "OPP", "PTY", "REB", "REF", "SPY", "UAF",
];

fn known_prefix(p: &str) -> bool {
    ISO3166_ALPHA3.binary_search(&p).is_ok() || CAMEO_PREFIXES.contains(&p)
}

fn special(c: &str) -> bool {
    matches!(c, NULL_CODE | DISCARD_CODE | COMPLEX_CODE)
}

/// Lints `set`: ill-formed codes and unknown country parts, overlapping date ranges of one
/// actor, the same phrase naming entries with different codes, synonyms that repeat or shadow
/// each other, entries without codes, undefined synsets. Sorted by file and line.
pub fn check(set: &DictSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut push = |sev: Severity, loc: Loc, msg: String| {
        out.push(Diagnostic::line(sev, set.file_name(loc), loc.line, msg));
    };

    // Actor codes and roles.
    for a in &set.actors {
        let legacy = set.dialect(a.loc) != Dialect::Dyad;
        if a.roles.is_empty() {
            push(
                Severity::Warning,
                a.loc,
                format!("`{}` has no code: the name is recognised but never coded", a.name),
            );
        }
        for r in &a.roles {
            for c in &r.codes {
                if special(c) {
                    continue;
                }
                if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()) {
                    push(Severity::Error, r.loc, format!("ill-formed code `{c}` of `{}`", a.name));
                    continue;
                }
                let prefix = c.get(..3).unwrap_or(c);
                if !known_prefix(prefix) {
                    push(
                        Severity::Error,
                        r.loc,
                        format!("unknown country or international code `{prefix}` in `{c}` of `{}`", a.name),
                    );
                } else if c.len() % 3 != 0 {
                    push(
                        Severity::Warning,
                        r.loc,
                        format!("code `{c}` of `{}` is not made of 3-letter parts", a.name),
                    );
                }
            }
        }
        for (i, j) in overlaps(&a.roles) {
            let (x, y) = (&a.roles[i], &a.roles[j]);
            let (sev, tail) =
                if legacy { (Severity::Warning, "; the first listed wins") } else { (Severity::Error, "") };
            let what = |r: &Role| {
                if r.source.is_empty() {
                    format!("{} {}", r.code_text(), r.range_text())
                } else {
                    r.source.clone()
                }
            };
            push(
                sev,
                y.loc,
                format!("`{}`: {} overlaps {} (line {}){tail}", a.name, what(y), what(x), x.loc.line),
            );
        }
        let fallbacks: Vec<&Role> = a.roles.iter().filter(|r| !r.dated).collect();
        if fallbacks.len() > 1 {
            push(
                Severity::Warning,
                fallbacks[1].loc,
                format!(
                    "`{}` has {} undated codes; only the first ({}) is used",
                    a.name,
                    fallbacks.len(),
                    fallbacks[0].code_text()
                ),
            );
        }
    }

    // The same phrase naming several actors of one layer.
    let mut by_key: BTreeMap<(u32, String), Vec<(usize, Loc)>> = BTreeMap::new();
    for (ai, a) in set.actors.iter().enumerate() {
        let layer = set.layer(a.loc);
        let phrases = std::iter::once((&a.name, a.loc)).chain(a.aliases.iter().map(|x| (&x.phrase, x.loc)));
        for (p, loc) in phrases {
            by_key.entry((layer, p.key())).or_default().push((ai, loc));
        }
    }
    let role_sig = |a: &Actor| -> BTreeSet<(String, Option<dyad_text::Date>, Option<dyad_text::Date>)> {
        a.roles.iter().map(|r| (r.code_text(), r.from, r.to)).collect()
    };
    for ((_, key), uses) in &by_key {
        let (first_actor, first_loc) = uses[0];
        for &(ai, loc) in &uses[1..] {
            if ai == first_actor {
                // Spellings that only differ in case, accents or full stops ("Jose" beside
                // "José") are deliberate and harmless; report real repeats only.
                let a = &set.actors[ai];
                let text_at = |l: Loc| {
                    std::iter::once((&a.name, a.loc))
                        .chain(a.aliases.iter().map(|x| (&x.phrase, x.loc)))
                        .find(|(_, pl)| *pl == l)
                        .map(|(p, _)| p.to_dyad())
                };
                if text_at(loc) != text_at(first_loc) {
                    continue;
                }
                push(
                    Severity::Warning,
                    loc,
                    format!("synonym `{key}` repeats a name of the same entry (line {})", first_loc.line),
                );
                continue;
            }
            let (a, b) = (&set.actors[first_actor], &set.actors[ai]);
            if role_sig(a) == role_sig(b) {
                push(
                    Severity::Warning,
                    loc,
                    format!(
                        "phrase `{key}` of `{}` also names `{}` ({}) with the same codes",
                        b.name,
                        a.name,
                        set.place(first_loc)
                    ),
                );
            } else {
                push(
                    Severity::Error,
                    loc,
                    format!(
                        "phrase `{key}` of `{}` also names `{}` ({}) with different codes; the first listed is tried first",
                        b.name,
                        a.name,
                        set.place(first_loc)
                    ),
                );
            }
        }
    }

    // Stem phrases shadowing exact phrases of other entries (TABARI sets).
    let exact: Vec<(String, usize, Loc)> = by_key
        .iter()
        .filter(|((_, k), _)| !k.contains('*') && !k.contains("..."))
        .flat_map(|((_, k), uses)| uses.iter().map(move |&(ai, loc)| (k.clone(), ai, loc)))
        .collect();
    let mut exact_sorted = exact.clone();
    exact_sorted.sort();
    for ((_, key), uses) in &by_key {
        let Some(star) = key.find('*') else { continue };
        if key.contains("...") || key[star + 1..].contains('*') || star + 1 != key.len() {
            continue; // only single trailing stems are checked
        }
        let stem = &key[..star];
        let from = exact_sorted.partition_point(|(k, _, _)| k.as_str() < stem);
        for (k, ai, loc) in exact_sorted[from..].iter().take_while(|(k, _, _)| k.starts_with(stem)) {
            if k.contains(' ') != stem.contains(' ') || k.split(' ').count() != stem.split(' ').count() {
                continue;
            }
            for &(si, sloc) in uses {
                if si != *ai && k != stem {
                    push(
                        Severity::Warning,
                        *loc,
                        format!(
                            "`{k}` of `{}` is also matched by the stem `{key}` of `{}` ({})",
                            set.actors[*ai].name,
                            set.actors[si].name,
                            set.place(sloc)
                        ),
                    );
                }
            }
        }
    }

    // Agents.
    let mut agent_keys: BTreeMap<String, (usize, Loc)> = BTreeMap::new();
    for (gi, g) in set.agents.iter().enumerate() {
        if g.code.is_empty() || !g.code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
            push(
                Severity::Error,
                g.loc,
                format!("ill-formed agent code `{}` of `{}`", g.code_text(), g.name),
            );
        } else if g.code.len() % 3 != 0 {
            push(
                Severity::Warning,
                g.loc,
                format!("agent code `{}` is not made of 3-letter parts", g.code_text()),
            );
        }
        for (p, loc) in std::iter::once((&g.name, g.loc)).chain(g.forms.iter().map(|f| (&f.phrase, f.loc))) {
            if let Some(&(other, oloc)) = agent_keys.get(&p.key()) {
                let o = &set.agents[other];
                if other != gi && (o.code != g.code || o.place != g.place) {
                    push(
                        Severity::Error,
                        loc,
                        format!(
                            "agent phrase `{}` ({}) also at {} with code {}; the first listed is used",
                            p,
                            g.code_text(),
                            set.place(oloc),
                            o.code_text()
                        ),
                    );
                }
            } else {
                agent_keys.insert(p.key(), (gi, loc));
            }
        }
    }

    // Verbs.
    let synsets: BTreeSet<&str> = set.verbs.synsets.iter().map(|s| s.name.trim_end_matches('_')).collect();
    for s in &set.verbs.synsets {
        if s.members.is_empty() {
            push(Severity::Warning, s.loc, format!("synset {} has no members", s.name));
        }
    }
    for b in &set.verbs.blocks {
        if b.verbs.is_empty() {
            push(Severity::Warning, b.loc, format!("verb block `{}` has no verbs", b.name));
        }
        for p in &b.patterns {
            for it in &p.items {
                if let PatternItem::Synset { name, .. } = it {
                    if !synsets.contains(name.trim_end_matches('_')) {
                        push(
                            Severity::Warning,
                            p.loc,
                            format!("pattern `{}` uses undefined synset {name}; it never matches", p.text),
                        );
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
    out
}

/// Checks a compiled dictionary: whether it was compiled under this program's tokenizer.
pub fn check_dictionary(d: &Dictionary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if d.is_stale() {
        out.push(Diagnostic::line(
            Severity::Error,
            d.name(),
            0,
            "compiled under a different tokenizer: recompile it with `dyad dict compile`",
        ));
    }
    out
}
