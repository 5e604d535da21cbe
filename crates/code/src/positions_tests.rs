use std::sync::{Arc, OnceLock};

use dyad_text::Segmented;

use super::*;

fn gaz() -> Arc<Gazetteer> {
    static G: OnceLock<Arc<Gazetteer>> = OnceLock::new();
    G.get_or_init(|| Arc::new(Gazetteer::embedded().expect("gazetteer"))).clone()
}

fn finder() -> PositionFinder {
    PositionFinder::new(Arc::new(Issues::embedded()), gaz())
}

/// The issue names found in `text`, after linking.
fn issues(text: &str) -> Vec<String> {
    let mut f = finder();
    let mut seg = Segmented::default();
    seg.segment(text);
    let mut out = Vec::new();
    f.derive(text, &seg.sentences, None, &[], &[], &mut out);
    f.mentions.iter().map(|m| m.name.clone()).collect()
}

fn span(text: &str, w: &str) -> Span {
    let s = text.find(w).unwrap_or_else(|| panic!("{w}"));
    Span::new(s, s + w.len())
}

#[test]
fn issue_phrases_are_normalised() {
    assert_eq!(issues("Kiev agreed to a proposed 30-day ceasefire with Russia."), ["30-day ceasefire"]);
    assert_eq!(issues("Moscow said Kiev’s desire to join NATO is a factor."), ["Ukraine joining NATO"]);
    assert_eq!(
        issues("Ukraine’s membership in the alliance is not being considered."),
        ["Ukraine joining NATO"]
    );
    assert_eq!(issues("Moscow named Kiev's NATO aspirations a cause."), ["Ukraine joining NATO"]);
    assert_eq!(issues("Trump ruled out the possibility of Ukraine joining NATO."), ["Ukraine joining NATO"]);
    assert_eq!(issues("Russia insists on Ukraine’s neutrality."), ["Ukraine's neutrality"]);
    assert_eq!(
        issues("They discussed any security guarantees for Kiev."),
        ["security guarantees for Ukraine"]
    );
    assert_eq!(issues("He dismissed formal NATO involvement in the process."), ["NATO involvement"]);
    assert_eq!(issues("The EU prepared a new sanctions package against Iran."), ["sanctions against Iran"]);
    assert_eq!(
        issues("Chad is ending its defence cooperation agreement with France."),
        ["defence cooperation agreement"]
    );
    assert_eq!(issues("Negotiators revived the JCPOA."), ["Iran nuclear deal"]);
    // A bare noun names the document's more specific issue.
    assert_eq!(
        issues("Kiev agreed to a 30-day truce. Putin is willing to discuss Trump’s ceasefire proposal."),
        ["30-day ceasefire", "30-day ceasefire"]
    );
    assert_eq!(
        issues("A ceasefire came first. Later a 30-day ceasefire was agreed."),
        ["30-day ceasefire", "30-day ceasefire"]
    );
}

#[test]
fn a_user_line_changes_the_issues_found() {
    let text = "Serbia’s path to the EU is blocked.";
    assert!(issues(text).is_empty());
    let extra =
        format!("{ISSUES_TXT}\nframe {{X}} joining {{Y}} (path)\n  + {{X}}'s path to {{Y}}  => X for\n");
    let is = Issues::parse("issues.txt", &extra).unwrap();
    let mut f = PositionFinder::new(Arc::new(is), gaz());
    let mut seg = Segmented::default();
    seg.segment(text);
    let mut out = Vec::new();
    f.derive(text, &seg.sentences, None, &[], &[], &mut out);
    assert_eq!(f.mentions[0].name, "Serbia joining European Union (path)");
    assert_eq!((out[0].actor.code.as_str(), out[0].stance), ("SRB", Stance::For));
}

#[allow(clippy::too_many_arguments)]
fn event<'a>(
    text: &'a str,
    id: &'a str,
    src: &'a str,
    tgt: Option<&'a str>,
    cameo: &'a str,
    plover: &'a str,
    trigger: &str,
    comp: &str,
) -> EventIn<'a> {
    let trig = span(text, trigger);
    let sentence = Span::new(
        text[..trig.start as usize].rfind(". ").map_or(0, |p| p + 2),
        text[trig.end as usize..].find(". ").map_or(text.len(), |p| trig.end as usize + p + 1),
    );
    EventIn {
        id,
        source: Holder { code: src, text: src },
        target: tgt.map(|t| Holder { code: t, text: t }),
        cameo,
        plover,
        sentence,
        trigger: trig,
        complement: Some(span(text, comp)),
        date: None,
    }
}

fn derive(text: &str, events: &[EventIn<'_>], quotes: &[QuoteIn<'_>]) -> Vec<(String, String, Stance)> {
    let mut f = finder();
    let mut seg = Segmented::default();
    seg.segment(text);
    let mut out = Vec::new();
    f.derive(text, &seg.sentences, Date::new(2025, 3, 14), events, quotes, &mut out);
    out.iter().map(|p| (p.actor.code.clone(), p.issue.clone(), p.stance)).collect()
}

fn p(code: &str, issue: &str, s: Stance) -> (String, String, Stance) {
    (code.to_string(), issue.to_string(), s)
}

#[test]
fn stances_from_event_codes() {
    let t = "Ukraine has sought NATO membership. Trump ruled out the possibility of Ukraine joining NATO. Kiev agreed to a 30-day ceasefire. Putin was willing to discuss the ceasefire proposal.";
    let evs = [
        event(t, "E1", "UKR", Some("IGOWSTNAT"), "021", "REQUEST", "sought", "NATO membership"),
        event(
            t,
            "E2",
            "USAGOV",
            Some("UKR"),
            "120",
            "REJECT",
            "ruled out",
            "the possibility of Ukraine joining NATO",
        ),
        event(t, "E3", "UKR", Some("RUS"), "081", "AGREE", "agreed", "a 30-day ceasefire"),
        event(t, "E4", "RUSGOV", Some("USA"), "030", "AGREE", "willing to discuss", "the ceasefire proposal"),
    ];
    assert_eq!(
        derive(t, &evs, &[]),
        [
            p("UKR", "Ukraine joining NATO", Stance::For),
            p("USAGOV", "Ukraine joining NATO", Stance::Against),
            p("UKR", "30-day ceasefire", Stance::For),
            p("RUSGOV", "30-day ceasefire", Stance::Open),
        ]
    );
}

#[test]
fn stances_from_quotes_need_the_speaker_as_subject() {
    let t = "He said Trump had ruled out the possibility of Ukraine joining NATO. He said the alliance would not accept NATO membership for Georgia. We reject the sanctions against Iran. Rutte said NATO involvement would be challenging.";
    let parts: Vec<Span> = t
        .split(". ")
        .scan(0usize, |at, s| {
            let sp = Span::new(*at, *at + s.len());
            *at += s.len() + 2;
            Some(sp)
        })
        .collect();
    let quotes = [
        QuoteIn {
            id: "Q1",
            speaker: Holder { code: "IGOWSTNAT", text: "Rutte" },
            parts: &parts[0..1],
            date: None,
        },
        QuoteIn {
            id: "Q2",
            speaker: Holder { code: "IGOWSTNAT", text: "Rutte" },
            parts: &parts[1..2],
            date: None,
        },
        QuoteIn {
            id: "Q3",
            speaker: Holder { code: "IRNGOV", text: "Araghchi" },
            parts: &parts[2..3],
            date: None,
        },
        QuoteIn {
            id: "Q4",
            speaker: Holder { code: "IGOWSTNAT", text: "Rutte" },
            parts: &parts[3..4],
            date: None,
        },
    ];
    assert_eq!(
        derive(t, &[], &quotes),
        [
            p("IGOWSTNAT", "Georgia joining NATO", Stance::Against),
            p("IRNGOV", "sanctions against Iran", Stance::Against),
            p("IGOWSTNAT", "NATO involvement", Stance::Against),
        ]
    );
}

#[test]
fn negation_turns_verb_cues() {
    let t = "Officials said they do not support the tariffs. The minister has not ruled out a referendum.";
    let parts =
        [span(t, "they do not support the tariffs"), span(t, "The minister has not ruled out a referendum")];
    let quotes = [
        QuoteIn {
            id: "Q1",
            speaker: Holder { code: "USAGOV", text: "officials" },
            parts: &parts[..1],
            date: None,
        },
        QuoteIn {
            id: "Q2",
            speaker: Holder { code: "GBRGOV", text: "the minister" },
            parts: &parts[1..],
            date: None,
        },
    ];
    assert_eq!(
        derive(t, &[], &quotes),
        [p("USAGOV", "tariffs", Stance::Against), p("GBRGOV", "referendum", Stance::Open)]
    );
}

#[test]
fn conflicting_evidence_merges_and_the_latest_decides() {
    let t = "Hungary backed the sanctions. Hungary rejected the sanctions.";
    let mut e1 = event(t, "E1", "HUNGOV", None, "051", "SUPPORT", "backed", "the sanctions");
    let mut e2 = event(t, "E2", "HUNGOV", None, "120", "REJECT", "rejected", "the sanctions.");
    e2.complement = Some(Span::new(t.rfind("the sanctions").unwrap(), t.len() - 1));
    e1.date = Date::new(2025, 3, 1);
    e2.date = Date::new(2025, 3, 10);
    let mut f = finder();
    let mut seg = Segmented::default();
    seg.segment(t);
    let mut out = Vec::new();
    f.derive(t, &seg.sentences, None, &[e1, e2], &[], &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].stance, out[0].date), (Stance::Against, Date::new(2025, 3, 10)));
    assert_eq!(out[0].evidence.len(), 2);
    // The earlier date wins when it is the later one.
    e1.date = Date::new(2025, 3, 20);
    f.derive(t, &seg.sentences, None, &[e1, e2], &[], &mut out);
    assert_eq!(out[0].stance, Stance::For);
    let json = serde_json::to_string(&out[0]).unwrap();
    assert!(json.contains("\"stance\":\"for\"") && json.contains("\"id\":\"E2\""), "{json}");
}

#[test]
fn no_panics_on_odd_spans() {
    let t = "Kiev’s NATO aspirations. “";
    let bad = [Span::new(3, 2), Span::new(0, 999), Span::new(2, 3)];
    let e = EventIn {
        id: "E",
        source: Holder { code: "", text: "" },
        target: None,
        cameo: "12",
        plover: "",
        sentence: bad[1],
        trigger: bad[2],
        complement: Some(bad[0]),
        date: None,
    };
    let q = QuoteIn { id: "", speaker: Holder { code: "X", text: "" }, parts: &bad, date: None };
    let mut f = finder();
    let mut seg = Segmented::default();
    seg.segment(t);
    let mut out = Vec::new();
    f.derive(t, &seg.sentences, None, &[e], &[q], &mut out);
    f.derive("", &[], None, &[e], &[q], &mut out);
}
