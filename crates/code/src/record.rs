//! The records `dyad code` writes: one JSON object per line, each with a
//! `type` (`event`, `actor`, `quote`, `date`, `place`, `position`, `skip`). Field names follow the PLOVER manual's
//! "Data Fields" chapter (`id`, `date`, `actor`, `recipient`, `event`, `mode`,
//! `context`, `quad_code`, `event_text`, `event_loc`, `text_info`); the CAMEO
//! code, Goldstein score and provenance sit beside them. `docs/schema.md`
//! documents every field.
//!
//! Ids are deterministic: a hash of the document id, sentence index, byte
//! span and codes, so the same input always yields the same ids.

use serde::Serialize;

/// The dyad version written into every record.
pub const DYAD_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A participant in an event (PLOVER "entity object").
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Entity {
    /// Full CAMEO actor code, e.g. `USAGOV`; `---` when the phrase has no code.
    pub code: String,
    /// The sector part of the code (the agent), e.g. `GOV`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// The text that named the entity, as it appears in the document.
    pub entity_text: String,
    /// Byte offsets of that text in the document.
    pub start: u32,
    pub end: u32,
    /// For a pronoun or other reference: the text it was resolved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<String>,
    /// The dictionary entries that gave the code (actor, then agent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<String>,
}

/// Where the coded text is (PLOVER "text_info").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TextInfo {
    /// Index of the sentence in the document, from 0.
    pub sequence: u32,
    /// Byte offsets of the sentence in the document.
    pub start: u32,
    pub end: u32,
}

/// Which dictionary entries produced an event.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Provenance {
    /// The verb entry (its main form), e.g. `MEET`.
    pub verb: String,
    /// The pattern that matched, as written in the dictionary; `None` when the
    /// verb's own code was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Dictionary file and line of the pattern or verb.
    pub dictionary: String,
    /// Byte offsets of the words the verb and pattern matched.
    pub trigger: Vec<[u32; 2]>,
    /// How source and target were found (`pattern`, `subject`, `object`,
    /// `passive`, `compound`, `pronoun`, `default`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The time expression of the event's clause that dated it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeRef>,
    /// Why the event has the location it has, or none (`governed by
    /// traveled via to (no parse)`, `no place in the sentence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A time expression as an event's date provenance.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TimeRef {
    /// The `date` record's id.
    pub id: String,
    pub text: String,
    pub start: u32,
    pub end: u32,
    /// ISO 8601 value (`2025-03-13`, `2025-03-10/2025-03-16`), `null` when unresolved.
    pub value: Option<String>,
    /// Why it is unresolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<String>,
}

/// How the event's date was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The document's publication date.
    Publication,
    /// The publication date moved by a time phrase ("yesterday").
    Shifted,
    /// The day named by a time expression of the event's own clause ("met
    /// on Thursday").
    Temporal,
    /// The event's clause names a longer period ("this week", "in March"):
    /// the date is the publication date when it lies in that period, else
    /// the period's first day; `provenance.time` gives the period.
    TemporalPeriod,
    /// The document has no date.
    None,
}

/// One source–action–target event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub doc_id: String,
    /// `YYYY-MM-DD`, or `null` when the document has no date.
    pub date: Option<String>,
    pub date_source: DateSource,
    pub actor: Vec<Entity>,
    pub recipient: Vec<Entity>,
    /// PLOVER event type(s), e.g. `["CONSULT"]`.
    pub event: Vec<String>,
    pub mode: Vec<String>,
    pub context: Vec<String>,
    /// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    pub quad_code: Option<u8>,
    /// The words of the action, e.g. `["met with"]`.
    pub event_text: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_loc: Option<serde_json::Value>,
    pub text_info: TextInfo,
    /// CAMEO event code, e.g. `040`.
    pub cameo: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cameo_name: Option<String>,
    pub goldstein: Option<f32>,
    pub provenance: Provenance,
    pub dyad_version: &'static str,
}

/// One actor mention.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActorRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub doc_id: String,
    pub date: Option<String>,
    pub entity: Entity,
    pub text_info: TextInfo,
    pub dyad_version: &'static str,
}

/// A sentence that was not coded, and why (too long, discarded, complex, ...).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkipRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub doc_id: String,
    pub text_info: TextInfo,
    pub reason: String,
    pub dyad_version: &'static str,
}

/// A speaker of a quote: the attribution's words, and the actor code when
/// the coder found an actor there (or, for a pronoun, at its antecedent).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SpeakerRecord {
    /// The words naming the speaker ("he", "Rutte", "the Russian leader").
    pub text: String,
    pub start: u32,
    pub end: u32,
    /// CAMEO code of the actor mention the speaker was attached to.
    pub code: Option<String>,
    /// The actor mention's words, when they differ from `text` (a pronoun's
    /// antecedent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<String>,
    pub pronoun: bool,
}

/// Some words of the document with their byte offsets.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Words {
    pub text: String,
    pub start: u32,
    pub end: u32,
}

/// The reporting verb of a quote.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CueRecord {
    pub text: String,
    /// Its entry in the speech-cue list (`say` for "said").
    pub lemma: String,
    pub start: u32,
    pub end: u32,
}

/// Which rule or list entry produced a quote, date, place or position.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StageProvenance {
    /// The stage's list or rule (`quotes: data/speech-cues.txt: say`,
    /// `gazetteer: geonameid 524901`).
    pub rule: String,
    /// More about how it was read (flags, reasons).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A quotation with its speaker.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuoteRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub doc_id: String,
    pub date: Option<String>,
    /// The quoted words without the marks (parts joined by a space).
    pub text: String,
    /// `direct`, `partial` or `indirect`.
    #[serde(rename = "kind")]
    pub quote_kind: crate::quotes::QuoteKind,
    /// From the first quoted byte to the last.
    pub start: u32,
    pub end: u32,
    /// The stretches of quoted text (a split quote has several).
    pub parts: Vec<[u32; 2]>,
    pub speaker: Option<SpeakerRecord>,
    /// Byte offsets of the attribution (speaker and reporting verb).
    pub attribution: Option<[u32; 2]>,
    pub cue: Option<CueRecord>,
    /// The hearer or outlet ("told Bloomberg TV").
    pub addressee: Option<Words>,
    /// Sentence of the quote's first byte.
    pub text_info: TextInfo,
    pub provenance: StageProvenance,
    pub dyad_version: &'static str,
}

/// A temporal expression placed on the calendar.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DateRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub doc_id: String,
    pub text: String,
    pub start: u32,
    pub end: u32,
    /// ISO 8601: a day, month, year or `start/end`; `null` when unresolved.
    pub value: Option<String>,
    /// `day`, `week`, `month`, `year`, ... (`null` when unresolved).
    pub granularity: Option<&'static str>,
    /// Why the expression could not be placed (`no document date`,
    /// `impossible date`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<&'static str>,
    /// The tense the value was read with.
    pub tense: &'static str,
    /// The document date it was resolved against.
    pub anchor: Option<String>,
    /// Ids of the events it dates.
    pub events: Vec<String>,
    pub text_info: TextInfo,
    pub provenance: StageProvenance,
    pub dyad_version: &'static str,
}

/// A place named in the text, resolved in the gazetteer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaceRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub doc_id: String,
    /// The gazetteer's name of the place.
    pub name: String,
    /// First-level administrative division, when known.
    pub admin1: Option<String>,
    #[serde(flatten)]
    pub location: crate::places::Location,
    pub text_info: TextInfo,
    pub provenance: StageProvenance,
    pub dyad_version: &'static str,
}

/// An actor's stance on an issue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PositionRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub doc_id: String,
    /// `actor` (code and text), `issue`, `stance`, `date`, `evidence`.
    #[serde(flatten)]
    pub position: crate::positions::Position,
    /// Ids of the events and quotes the evidence came from.
    pub evidence_ids: Vec<String>,
    /// Byte offsets of the deciding evidence's issue words.
    pub start: u32,
    pub end: u32,
    /// Sentence of the deciding evidence.
    pub text_info: TextInfo,
    pub provenance: StageProvenance,
    pub dyad_version: &'static str,
}

/// Any record `dyad code` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Output {
    Event(Box<EventRecord>),
    Actor(ActorRecord),
    Quote(Box<QuoteRecord>),
    Date(Box<DateRecord>),
    Place(Box<PlaceRecord>),
    Position(Box<PositionRecord>),
    Skip(SkipRecord),
}

/// A deterministic record id: `kind` plus 16 hex digits of a 64-bit hash of
/// the parts (FNV-1a with a final mix; stable across runs and platforms).
pub fn record_id(kind: &str, parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(kind.as_bytes());
    for p in parts {
        feed(&[0x1f]);
        feed(p.as_bytes());
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    format!("{kind}-{h:016x}")
}

/// The id of an event: document, sentence, trigger span and the three codes.
pub fn event_id(
    doc_id: &str,
    sentence: u32,
    trigger: [u32; 2],
    source: &str,
    target: &str,
    cameo: &str,
) -> String {
    record_id(
        "ev",
        &[
            doc_id,
            &sentence.to_string(),
            &trigger[0].to_string(),
            &trigger[1].to_string(),
            source,
            target,
            cameo,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = event_id("doc", 3, [10, 14], "USA", "RUS", "040");
        assert_eq!(a, event_id("doc", 3, [10, 14], "USA", "RUS", "040"));
        assert_ne!(a, event_id("doc", 3, [10, 14], "RUS", "USA", "040"));
        assert_ne!(record_id("ev", &["ab", "c"]), record_id("ev", &["a", "bc"]));
        assert!(a.starts_with("ev-") && a.len() == 19);
        // A pinned value, so that a change of the hash is noticed.
        assert_eq!(record_id("ev", &["x"]), record_id("ev", &["x"]));
    }

    #[test]
    fn serializes_with_plover_names() {
        let e = EventRecord {
            kind: "event",
            id: "ev-1".into(),
            doc_id: "d".into(),
            date: Some("2025-03-14".into()),
            date_source: DateSource::Publication,
            actor: vec![Entity { code: "USAGOV".into(), sector: Some("GOV".into()), ..Default::default() }],
            recipient: vec![],
            event: vec!["CONSULT".into()],
            mode: vec![],
            context: vec![],
            quad_code: Some(1),
            event_text: vec!["met".into()],
            event_loc: None,
            text_info: TextInfo { sequence: 0, start: 0, end: 10 },
            cameo: "040".into(),
            cameo_name: None,
            goldstein: Some(1.0),
            provenance: Provenance::default(),
            dyad_version: DYAD_VERSION,
        };
        let j = serde_json::to_value(Output::Event(Box::new(e))).unwrap();
        assert_eq!(j["type"], "event");
        assert_eq!(j["actor"][0]["code"], "USAGOV");
        assert_eq!(j["date_source"], "publication");
        assert_eq!(j["text_info"]["end"], 10);
        assert!(j.get("event_loc").is_none());
    }
}
