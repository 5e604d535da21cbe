use std::sync::{Arc, OnceLock};

use super::*;

fn finder() -> &'static PlaceFinder {
    static F: OnceLock<PlaceFinder> = OnceLock::new();
    F.get_or_init(|| PlaceFinder::new(Arc::new(Gazetteer::embedded().expect("embedded gazetteer"))))
}

/// A hand-tokenised sentence (tokens separated by single spaces) with
/// name spans and parse arcs given by word: `("traveled", "obl", "Moscow")`;
/// a word may carry `#2` for its second occurrence.
struct T {
    text: String,
    words: Vec<&'static str>,
    spans: Vec<Span>,
    syntax: Vec<Syntax<'static>>,
    names: Vec<NameSpan>,
}

fn find_word(words: &[&str], w: &str) -> usize {
    let (w, nth) = match w.split_once('#') {
        Some((a, n)) => (a, n.parse::<usize>().unwrap()),
        None => (w, 1),
    };
    words
        .iter()
        .enumerate()
        .filter(|(_, x)| **x == w)
        .nth(nth - 1)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{w}"))
}

fn t(text: &'static str, names: &[(&str, NameKind)], arcs: &[(&str, &'static str, &str)]) -> T {
    let words: Vec<&'static str> = text.split(' ').collect();
    let mut spans = Vec::new();
    let mut at = 0;
    for w in &words {
        spans.push(Span::new(at, at + w.len()));
        at += w.len() + 1;
    }
    let mut syntax = vec![Syntax::default(); if arcs.is_empty() { 0 } else { words.len() }];
    for &(h, rel, d) in arcs {
        let di = find_word(&words, d);
        let hi = if h == "ROOT" { None } else { Some(find_word(&words, h)) };
        syntax[di] = Syntax { head: hi.map_or(0, |x| x as u32 + 1), rel, upos: "" };
    }
    let names = names
        .iter()
        .map(|(n, kind)| {
            let parts: Vec<&str> = n.split(' ').collect();
            let s =
                (0..words.len()).find(|&i| words[i..].starts_with(&parts)).unwrap_or_else(|| panic!("{n}"));
            NameSpan { start: s as u32, end: (s + parts.len()) as u32, kind: *kind }
        })
        .collect();
    T { text: text.to_string(), words, spans, syntax, names }
}

impl T {
    fn sent(&self) -> SentenceIn<'_> {
        SentenceIn {
            index: 0,
            words: &self.words,
            spans: &self.spans,
            syntax: &self.syntax,
            names: &self.names,
        }
    }

    fn find(&self) -> DocPlaces {
        let mut doc = DocPlaces::default();
        finder().find(&self.sent(), &mut doc);
        doc
    }

    /// (text, use) of every mention.
    fn uses(&self) -> Vec<(String, PlaceUse)> {
        let doc = self.find();
        doc.mentions.iter().map(|m| (m.span.of(&self.text).to_string(), m.usage)).collect()
    }

    fn location(&self, trigger: &str, codes: &[&str]) -> (Option<String>, String) {
        let mut doc = self.find();
        let parts: Vec<&str> = trigger.split(' ').collect();
        let s = find_word(&self.words, parts[0]);
        let choice = finder().event_location(&self.sent(), &doc, s..s + parts.len());
        finder().resolve(&mut doc, codes.iter().copied());
        let loc = doc.event_location(finder().gazetteer(), &self.text, &choice);
        (loc.place.map(|p| format!("{} {}", p.resolved_place, p.country_code)), loc.reason)
    }
}

fn u(pairs: &[(&str, PlaceUse)]) -> Vec<(String, PlaceUse)> {
    pairs.iter().map(|(a, b)| (a.to_string(), *b)).collect()
}

use PlaceUse::{Actor, Both, Modifier, Place};

#[test]
fn capital_as_subject_or_possessor_is_an_actor() {
    let s = t("Moscow has consistently stated that Kiev ’s desire to join NATO is a major factor in the ongoing conflict .", &[], &[]);
    assert_eq!(s.uses(), u(&[("Moscow", Actor), ("Kiev", Actor)]));
    let p = t(
        "Moscow has consistently stated that Kiev ’s desire to join NATO is a major factor in the ongoing conflict .",
        &[],
        &[("stated", "nsubj", "Moscow"), ("desire", "nmod:poss", "Kiev"), ("ROOT", "root", "stated")],
    );
    let doc = p.find();
    assert_eq!(p.uses(), u(&[("Moscow", Actor), ("Kiev", Actor)]));
    assert!(doc.mentions.iter().all(|m| m.parsed));
    assert_eq!(doc.mentions[1].why, why::POSSESSOR);
}

const SEED_8: &str = "Witkoff traveled to Moscow to provide more detailed information regarding this week ’s US-Ukraine talks in Saudi Arabia , which concluded with Kiev agreeing to a proposed 30-day ceasefire with Russia .";

#[test]
fn seed_sentence_places_and_event_locations_without_parse() {
    let s = t(SEED_8, &[("Witkoff", NameKind::Person)], &[]);
    assert_eq!(
        s.uses(),
        u(&[("Moscow", Place), ("Saudi Arabia", Place), ("Kiev", Actor), ("Russia", Actor)])
    );
    let codes = ["USAGOV", "RUSGOV", "UKR"];
    assert_eq!(s.location("traveled", &codes).0.as_deref(), Some("Moscow RUS"));
    assert_eq!(s.location("talks", &codes).0.as_deref(), Some("Saudi Arabia SAU"));
    let (none, why) = s.location("agreeing", &codes);
    assert_eq!(none, None, "{why}");
}

#[test]
fn seed_sentence_with_parse() {
    let arcs = [
        ("ROOT", "root", "traveled"),
        ("traveled", "nsubj", "Witkoff"),
        ("traveled", "obl", "Moscow"),
        ("Moscow", "case", "to#1"),
        ("traveled", "advcl", "provide"),
        ("provide", "obj", "information"),
        ("information", "nmod", "talks"),
        ("talks", "nmod", "Arabia"),
        ("Arabia", "case", "in"),
        ("Arabia", "flat", "Saudi"),
        ("talks", "acl:relcl", "concluded"),
        ("concluded", "advcl", "agreeing"),
        ("agreeing", "nsubj", "Kiev"),
        ("agreeing", "mark", "with#1"),
        ("agreeing", "obl", "ceasefire"),
        ("ceasefire", "nmod", "Russia"),
        ("Russia", "case", "with#2"),
    ];
    let s = t(SEED_8, &[("Witkoff", NameKind::Person)], &arcs);
    assert_eq!(
        s.uses(),
        u(&[("Moscow", Place), ("Saudi Arabia", Place), ("Kiev", Actor), ("Russia", Actor)])
    );
    let codes = ["USAGOV", "RUSGOV", "UKR"];
    let (place, why) = s.location("traveled", &codes);
    assert_eq!((place.as_deref(), why.as_str()), (Some("Moscow RUS"), "governed by traveled via to"));
    let (place, why) = s.location("talks", &codes);
    assert_eq!((place.as_deref(), why.as_str()), (Some("Saudi Arabia SAU"), "governed by talks via in"));
    let (place, why) = s.location("agreeing", &codes);
    assert_eq!((place, why.as_str()), (None, "no place governed by agreeing"));
}

#[test]
fn parts_of_person_and_actor_names_are_not_places() {
    let s = t(
        "Witkoff met with Russian President Vladimir Putin on Thursday .",
        &[("Vladimir Putin", NameKind::Person)],
        &[],
    );
    assert!(s.uses().is_empty());
    // Without the name recogniser the title before it guards the name.
    let s = t("Witkoff met with Russian President Vladimir Putin on Thursday .", &[], &[]);
    assert!(s.uses().is_empty());
    let s = t(
        "Following a meeting with US President Donald Trump , Rutte spoke .",
        &[("US President Donald Trump", NameKind::Actor)],
        &[],
    );
    assert!(s.uses().is_empty());
    let s = t("He read the Moscow Times in Paris .", &[], &[]);
    assert_eq!(s.uses(), u(&[("Paris", Place)]));
}

#[test]
fn demonyms_months_and_common_words() {
    assert!(t("Russian forces advanced in March .", &[], &[]).uses().is_empty());
    assert!(t("Saudi officials said so .", &[], &[]).uses().is_empty());
    assert!(t("Nice weather helped .", &[], &[]).uses().is_empty());
    // A common-word name mid-sentence is found, and resolves only in its country's context.
    let s = t("The talks in Nice ended .", &[], &[]);
    assert_eq!(s.uses(), u(&[("Nice", Place)]));
    assert_eq!(s.location("talks", &["USAGOV"]).0, None);
    assert_eq!(s.location("talks", &["FRAGOV"]).0.as_deref(), Some("Nice FRA"));
}

#[test]
fn prepositions_and_verbs_decide() {
    let cases: &[(&str, &[(&str, PlaceUse)])] = &[
        ("Blinken visited Kyiv on Monday .", &[("Kyiv", Both)]),
        ("Washington said the talks with Moscow would go on .", &[("Washington", Actor), ("Moscow", Actor)]),
        ("Officials in Washington met support from Berlin .", &[("Washington", Place), ("Berlin", Actor)]),
        ("Troops began to withdraw from Kherson .", &[("Kherson", Place)]),
        ("Air strikes hit the city of Idlib .", &[("Idlib", Place)]),
        ("They condemned the invasion of Ukraine .", &[("Ukraine", Both)]),
        ("The Moscow talks ended .", &[("Moscow", Place)]),
        ("A quarter of Gaza ’s population is hungry .", &[("Gaza", Place)]),
        ("Britain and India concluded a trade agreement .", &[("Britain", Actor), ("India", Actor)]),
        ("Peace returned to the Ukraine conflict zone .", &[("Ukraine", Modifier)]),
        ("He flew back to Kyiv .", &[("Kyiv", Place)]),
        ("Doha hosted the talks .", &[("Doha", Both)]),
        ("They argued about Crimea .", &[("Crimea", Modifier)]),
        ("It was part of US and Russian efforts to achieve peace .", &[("US", Modifier)]),
        ("Caracas welcomed the decision .", &[("Caracas", Actor)]),
    ];
    for (text, want) in cases {
        assert_eq!(t(text, &[], &[]).uses(), u(want), "{text}");
    }
}

#[test]
fn parsed_relations_decide() {
    let s = t(
        "Kyiv was shelled overnight .",
        &[],
        &[("shelled", "nsubj:pass", "Kyiv"), ("ROOT", "root", "shelled")],
    );
    assert_eq!(s.uses(), u(&[("Kyiv", Both)]));
    let s = t("Trump offered Kiev security guarantees .", &[], &[("offered", "iobj", "Kiev")]);
    assert_eq!(s.uses(), u(&[("Kiev", Actor)]));
    let s = t("The Ukraine conflict goes on .", &[], &[("conflict", "compound", "Ukraine")]);
    assert_eq!(s.uses(), u(&[("Ukraine", Modifier)]));
    let s = t(
        "They met in Geneva and Vienna .",
        &[],
        &[
            ("met", "obl", "Geneva"),
            ("Geneva", "case", "in"),
            ("Geneva", "conj", "Vienna"),
            ("Vienna", "cc", "and"),
        ],
    );
    assert_eq!(s.uses(), u(&[("Geneva", Place), ("Vienna", Place)]));
}

#[test]
fn tags_without_a_parse_help_the_words() {
    // Without tags "needs" reads as a verb; a tagger that says noun makes "Ukraine" its modifier.
    let mut s = t("Ukraine needs help .", &[], &[]);
    assert_eq!(s.uses(), u(&[("Ukraine", Actor)]));
    s.syntax = vec![
        Syntax { head: 0, rel: "", upos: "PROPN" },
        Syntax { head: 0, rel: "", upos: "NOUN" },
        Syntax::default(),
        Syntax::default(),
    ];
    assert_eq!(s.uses(), u(&[("Ukraine", Modifier)]));
}

#[test]
fn all_caps_headlines() {
    let s = t("PUTIN MEETS ENVOY IN MOSCOW", &[], &[]);
    assert_eq!(s.uses(), u(&[("MOSCOW", Place)]));
}

#[test]
fn event_location_through_a_noun_a_purpose_clause_or_a_predicate() {
    let s = t(
        "Diplomats held talks in Geneva on Friday .",
        &[],
        &[
            ("held", "obj", "talks"),
            ("talks", "nmod", "Geneva"),
            ("Geneva", "case", "in"),
            ("ROOT", "root", "held"),
        ],
    );
    let (p, why) = s.location("held", &[]);
    assert_eq!((p.as_deref(), why.as_str()), (Some("Geneva CHE"), "governed by held through talks via in"));
    let s = t(
        "Witkoff flew to Moscow to meet Putin .",
        &[("Putin", NameKind::Person)],
        &[
            ("ROOT", "root", "flew"),
            ("flew", "obl", "Moscow"),
            ("Moscow", "case", "to#1"),
            ("flew", "advcl", "meet"),
        ],
    );
    let (p, why) = s.location("meet", &[]);
    assert_eq!(p.as_deref(), Some("Moscow RUS"), "{why}");
    let s = t(
        "The meeting took place in Doha .",
        &[],
        &[
            ("ROOT", "root", "took"),
            ("took", "nsubj", "meeting"),
            ("took", "obl", "Doha"),
            ("Doha", "case", "in"),
        ],
    );
    let (p, why) = s.location("meeting", &[]);
    assert_eq!(p.as_deref(), Some("Doha QAT"), "{why}");
    // Without a parse: a sentence that opens with the place.
    let s = t("In Tallinn , the two ministers signed a memorandum .", &[], &[]);
    let (p, why) = s.location("signed", &[]);
    assert_eq!(p.as_deref(), Some("Tallinn EST"), "{why}");
    let s = t("Witkoff met Putin on Thursday .", &[("Putin", NameKind::Person)], &[]);
    assert_eq!(s.location("met", &[]), (None, "no place in the sentence".to_string()));
}

#[test]
fn resolution_prefers_context_and_main_names() {
    let s = t("Fighting raged near Pokrovsk .", &[], &[]);
    assert_eq!(s.location("Fighting", &["UKRMIL"]).0.as_deref(), Some("Pokrovsk UKR"));
    assert_eq!(s.location("Fighting", &[]).0.as_deref(), Some("Pokrovsk UKR"), "main name over 'Engels'");
    let s = t("Storms hit homes in Florida .", &[], &[]);
    let (p, _) = s.location("hit", &[]);
    assert_eq!(p.as_deref(), Some("Florida USA"));
}

#[test]
fn no_panics_on_odd_input() {
    let f = finder();
    let words = ["", "’s", "'", "IN", "Moscow’s", "“", "Saudi"];
    let spans = [Span::new(0, 0); 7];
    let syn = [Syntax { head: 99, rel: "nmod", upos: "" }; 7];
    let names = [NameSpan { start: 5, end: 100, kind: NameKind::Actor }];
    let s = SentenceIn { index: 0, words: &words, spans: &spans, syntax: &syn, names: &names };
    let mut doc = DocPlaces::default();
    f.find(&s, &mut doc);
    let _ = f.event_location(&s, &doc, 3..100);
    #[allow(clippy::reversed_empty_ranges)]
    let _ = f.event_location(&s, &doc, 9..2);
    f.resolve(&mut doc, ["", "X", "RUSGOV"]);
    for i in 0..doc.mentions.len() {
        let _ = doc.location(f.gazetteer(), "", i);
    }
}
