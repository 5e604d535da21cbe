//! Phrase matching and date resolution: which entry, which role, which rule.

mod common;

use common::{dict, load_all};
use dyad_dict::{DateRule, Dialect, Dictionary, Item, Kind, Scratch};
use dyad_text::{Date, Segmented};

const PEOPLE: &str = include_str!("fixtures/current/people.actors");

const PHOENIX_LIKE: &str = "\
MARK_RUTTE_  # CountryInfo.txt
+PRIME_MINISTER_MARK_RUTTE
\t[NLDGOV 101101-101130]
\t[NLDGOV >110101]
\t[NLDELI]
SAM_GAMGEE [HOB]  # default but should never hit this given these restrictions
\t[HOBCIV <20080120]
\t[ORCHOB 20100109-20100112] ; the first listed overrides the next restriction
\t[HOBMIL 20080120-20121109]
\t[HOBGOV 20121109-20130119]
\t[HOBELI >20130119]
RUSSIAN_FEDERATION_ [RUS]
+RUSSIAN
UNITED_STATES_ [USA]
+US_
UKRAINE_
+UKRAINIAN_
\t[USRUKR <910824]
\t[UKR >911221]
";

const AGENTS: &str = "PRESIDENT [~GOV]\nTROOP [~MIL]\nOFFICIAL [~GOV]\nHUMAN_RIGHTS_GROUP [NGO~]\n";

fn layered() -> Dictionary {
    dict(
        &load_all(&[
            ("Phoenix.Countries.actors.txt", PHOENIX_LIKE, Kind::Actors, Dialect::Petrarch, 0),
            ("Phoenix.agents.txt", AGENTS, Kind::Agents, Dialect::Petrarch, 0),
            ("current/people.actors", PEOPLE, Kind::Actors, Dialect::Dyad, 1),
        ])
        .unwrap(),
    )
}

fn tokens(text: &str) -> Vec<&str> {
    let mut seg = Segmented::default();
    seg.segment(text);
    seg.tokens.iter().map(|t| t.text(text)).collect()
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// (codes, rule, entry origin, role origin) of `text` (which must match whole) on `day`.
fn resolve(d: &Dictionary, text: &str, day: &str) -> (String, DateRule, String, String) {
    let toks = tokens(text);
    let mut scratch = Scratch::default();
    let mut s = d.sentence(&toks, &mut scratch);
    let m = s.actor_at(0).unwrap_or_else(|| panic!("{text}: no match"));
    assert_eq!(m.end(), toks.len(), "{text}: partial match");
    let r = m.resolve(date(day));
    (
        r.codes.join("/"),
        r.rule,
        r.actor.origin().to_string(),
        r.role.map(|x| x.origin().to_string()).unwrap_or_default(),
    )
}

#[test]
fn date_resolution_table() {
    let d = layered();
    let cur = "current/people.actors";
    let phx = "Phoenix.Countries.actors.txt";
    #[rustfmt::skip]
    let table: &[(&str, &str, &str, DateRule, &str, &str)] = &[
        // The current layer decides on the dates it covers ...
        ("Mark Rutte", "2025-03-14", "IGOWSTNAT", DateRule::Dated, "current/people.actors:3", "7"),
        ("Mark Rutte", "2015-01-01", "NLDGOV", DateRule::Dated, "current/people.actors:3", "5"),
        ("Rutte", "2024-08-01", "NLDELI", DateRule::Dated, "current/people.actors:3", "6"),
        // ... Phoenix on the others (its `[NLDELI]` fallback here).
        ("Mark Rutte", "2005-01-01", "NLDELI", DateRule::Fallback, "Phoenix.Countries.actors.txt:1", "5"),
        // A phrase only Phoenix knows still goes through the newer entry of the same name first.
        ("Prime Minister Mark Rutte", "2025-03-14", "IGOWSTNAT", DateRule::Dated, "current/people.actors:3", "7"),
        ("Prime Minister Mark Rutte", "2012-01-01", "NLDGOV", DateRule::Dated, "current/people.actors:3", "5"),
        ("Donald Trump", "2025-03-14", "USAGOV", DateRule::Dated, "current/people.actors:9", "15"),
        ("Donald Trump", "2019-06-01", "USAGOV", DateRule::Dated, "current/people.actors:9", "13"),
        ("Donald Trump", "2022-06-01", "USAELI", DateRule::Dated, "current/people.actors:9", "14"),
        ("Donald J. Trump", "2010-01-01", "USAELI", DateRule::Dated, "current/people.actors:9", "12"),
        ("Trump", "2017-01-20", "USAGOV", DateRule::Dated, "current/people.actors:9", "13"),
        ("Bloomberg News", "1990-01-01", "USAMED", DateRule::Fallback, "current/people.actors:17", "20"),
        // TABARI/PETRARCH restrictions: the first listed that covers the date wins; ends exclusive.
        ("Sam Gamgee", "2010-01-10", "ORCHOB", DateRule::Dated, "Phoenix.Countries.actors.txt:6", "8"),
        ("Sam Gamgee", "2010-01-12", "HOBMIL", DateRule::Dated, "Phoenix.Countries.actors.txt:6", "9"),
        ("Sam Gamgee", "2008-01-19", "HOBCIV", DateRule::Dated, "Phoenix.Countries.actors.txt:6", "7"),
        ("Sam Gamgee", "2008-01-20", "HOBMIL", DateRule::Dated, "Phoenix.Countries.actors.txt:6", "9"),
        ("Sam Gamgee", "2013-01-19", "HOBELI", DateRule::Dated, "Phoenix.Countries.actors.txt:6", "11"),
        ("Ukrainian", "1990-01-01", "USRUKR", DateRule::Dated, "Phoenix.Countries.actors.txt:16", "18"),
        ("Ukrainian", "1991-10-01", "", DateRule::NoRole, "Phoenix.Countries.actors.txt:16", ""),
        ("Ukraine", "2025-03-14", "UKR", DateRule::Dated, "Phoenix.Countries.actors.txt:16", "19"),
    ];
    for &(text, day, codes, rule, entry, role_line) in table {
        let got = resolve(&d, text, day);
        let role = if role_line.is_empty() {
            String::new()
        } else if entry.starts_with(cur) {
            format!("{cur}:{role_line}")
        } else {
            format!("{phx}:{role_line}")
        };
        assert_eq!(got, (codes.to_string(), rule, entry.to_string(), role), "{text} on {day}");
    }
}

#[test]
fn explanations_and_alternatives() {
    let d = layered();
    let toks = tokens("Prime Minister Mark Rutte");
    let mut scratch = Scratch::default();
    let mut s = d.sentence(&toks, &mut scratch);
    let m = s.actor_at(0).unwrap();
    let r = m.resolve(date("2025-03-14"));
    assert_eq!(
        r.explain(),
        "`Mark Rutte` (current/people.actors:3), role IGOWSTNAT 2024-10-01.. (current/people.actors:7): \
         Secretary General of NATO"
    );
    let linked = r.phrase.linked_from().expect("reached through a link");
    assert_eq!(linked.text(), "PRIME MINISTER MARK RUTTE");
    assert_eq!(linked.origin().to_string(), "Phoenix.Countries.actors.txt:2");
    let entries: Vec<String> = m.phrases().map(|p| p.actor().name().to_string()).collect();
    assert_eq!(entries, ["Mark Rutte", "MARK RUTTE"]);
    let r = m.resolve(date("2005-01-01"));
    assert!(r.explain().contains("fallback role NLDELI"), "{}", r.explain());
    assert!(r.explain().contains("[source: [NLDELI]]"), "{}", r.explain());
    assert_eq!(d.actors_named("mark rutte").len(), 2);
}

#[test]
fn longest_match_and_case() {
    let d = layered();
    let toks = tokens("NATO chief MARK RUTTE met Donald J. Trump in Washington.");
    let mut scratch = Scratch::default();
    let mut s = d.sentence(&toks, &mut scratch);
    let found: Vec<(usize, usize)> = s.actors().iter().map(|m| (m.start(), m.end())).collect();
    let trump_start = toks.iter().position(|t| *t == "Donald").unwrap();
    let trump_end = toks.iter().position(|t| *t == "Trump").unwrap() + 1;
    assert_eq!(found, [(2, 4), (trump_start, trump_end)]);
    assert!(s.actor_at(0).is_none());
}

#[test]
fn actors_with_agents() {
    let d = layered();
    let day = date("2025-03-14");
    for (text, want) in [
        ("Russian President", "RUSGOV"),
        ("the Russian president", "RUSGOV"),
        ("Ukrainian troops", "UKRMIL"),
        ("US officials", "USAGOV"),
        ("President Trump", "USAGOV"),
        ("human rights groups", "NGO~"),
        ("a human rights group in Ukraine", "NGOUKR"),
    ] {
        let toks = tokens(text);
        let mut scratch = Scratch::default();
        let mut s = d.sentence(&toks, &mut scratch);
        let c = s.compose(0, toks.len(), day).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(c.code, want, "{text}");
    }
    let toks = tokens("Ukrainian troops");
    let mut scratch = Scratch::default();
    let mut s = d.sentence(&toks, &mut scratch);
    let c = s.compose(0, 2, day).unwrap();
    let g = &c.agents[0];
    assert_eq!((g.text(), g.agent().name(), g.agent().code_text()), ("TROOPS", "TROOP", "~MIL".to_string()));
    assert_eq!(g.origin().to_string(), "Phoenix.agents.txt:2");
    assert!(s.compose(0, 2, day).is_some());
    assert!(s.agent_at(0).is_none());
}

#[test]
fn tabari_stems_and_gaps() {
    let actors = "AL_GORE  [AGR]\nAL GORE  [TEN]\nARGENTIN  [ARG]\nLIBYA_  [LBY]\n";
    let d = dict(&load_all(&[("TABARI.Demo.actors", actors, Kind::Actors, Dialect::Tabari, 0)]).unwrap());
    let code = |text: &str| {
        let toks = tokens(text);
        let mut scratch = Scratch::default();
        let mut s = d.sentence(&toks, &mut scratch);
        s.actor_at(0).map(|m| (m.resolve(date("2000-01-01")).codes.join("/"), m.end()))
    };
    assert_eq!(code("Al Gore warned"), Some(("AGR".into(), 2)));
    let weasel = "Al \"The Weasel\" Gore warned";
    let gore = tokens(weasel).iter().position(|t| *t == "Gore").unwrap();
    assert_eq!(code(weasel), Some(("TEN".into(), gore + 1)));
    assert_eq!(code("Argentina said"), Some(("ARG".into(), 1)));
    assert_eq!(code("Argentine troops"), Some(("ARG".into(), 1)));
    assert_eq!(code("Libya said"), Some(("LBY".into(), 1)));
    assert_eq!(code("Libyan troops"), None);
}

#[test]
fn verbs_patterns_discards_issues() {
    let verbs = "synset &CURRENCY\n  + dollar\n  + dollars\n\nblock GRANT = 070\n  verb give | gives | gave | given\n  \
                 verb +hand over | +handed over = 071\n  - * &CURRENCY = 071  money\n  - * (TO {MILITARY AID}) = 072\n";
    let d = dict(
        &load_all(&[
            ("cameo.verbs", verbs, Kind::Verbs, Dialect::Dyad, 0),
            ("x.discards", "sentence world cup*\nstory academy award\n", Kind::Discards, Dialect::Dyad, 0),
            (
                "x.issues",
                "category WMD\n  nuclear weapons = NUKES\n  ignore nuclear power\n",
                Kind::Issues,
                Dialect::Dyad,
                0,
            ),
        ])
        .unwrap(),
    );
    let toks = tokens("Washington handed over dollars for nuclear weapons before the World Cups");
    let mut scratch = Scratch::default();
    let mut s = d.sentence(&toks, &mut scratch);
    let v = s.verb_at(1).unwrap();
    assert_eq!((v.start, v.end, v.form()), (1, 3, "+handed over"));
    let verb = v.verb();
    assert_eq!(
        (verb.lemma(), verb.code(), verb.block().name(), verb.block().code()),
        ("+hand over", "071", "GRANT", "070")
    );
    assert_eq!(verb.origin().to_string(), "cameo.verbs:7");
    let pats: Vec<(String, String)> =
        verb.block().patterns().map(|p| (p.text().to_string(), p.code().to_string())).collect();
    assert_eq!(pats, [("* &CURRENCY".into(), "071".into()), ("* (TO {MILITARY AID})".into(), "072".into())]);
    let first = verb.block().patterns().next().unwrap();
    let Some(Item::Synset { synset: Some(syn), .. }) = first.items().nth(1) else { panic!("synset item") };
    assert_eq!(syn.members().collect::<Vec<_>>(), ["dollar", "dollars"]);
    let ids = syn.member_words().nth(1).unwrap();
    assert_eq!(d.word(ids[0]), "dollars");
    let dollar = syn.member_words().next().unwrap()[0];
    assert_eq!(d.word(dollar), "dollar");
    assert!(s.token_matches(3, ids[0], false), "`dollars` is the word `dollars`");
    assert!(!s.token_matches(3, dollar, false));
    assert!(s.token_matches(3, dollar, true), "`dollars` starts with the stem `dollar`");
    assert_eq!(s.word_id(3), Some(ids[0]));
    assert!(s.verb_at(2).is_none(), "`over` is not the verb");
    assert!(s.verb_at(0).is_none());
    let disc = s.discard().unwrap();
    assert_eq!((disc.text(), disc.story()), ("world cup*", false));
    let issues: Vec<Option<&str>> = s.issues().iter().map(|i| i.code()).collect();
    assert_eq!(issues, [Some("NUKES")]);
    assert_eq!(d.synset("&CURRENCY").unwrap().origin().to_string(), "cameo.verbs:1");
}
