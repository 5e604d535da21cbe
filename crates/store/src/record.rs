//! What the coder hands the store for one document: the records of
//! `docs/schema.md`, taken through their JSON form so that the store keeps
//! every field (the full record is stored as JSON beside the columns it
//! indexes) and does not break when the coder adds one.

use serde::Serialize;
use serde_json::Value;

use dyad_code::record::record_id;
use dyad_text::Document;

/// One coded event mention: the columns of the `mentions` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentionRow {
    pub id: String,
    pub sentence: u32,
    pub sent_start: u32,
    pub sent_end: u32,
    /// The sentence's text, sliced from the document by its offsets.
    pub sentence_text: Option<String>,
    pub date: Option<String>,
    pub date_source: Option<String>,
    pub source_code: String,
    pub source_text: Option<String>,
    pub source_span: Option<(u32, u32)>,
    pub target_code: String,
    pub target_text: Option<String>,
    pub target_span: Option<(u32, u32)>,
    pub cameo: String,
    pub plover: Option<String>,
    pub mode: Option<String>,
    pub context: Option<String>,
    pub quad: Option<i64>,
    pub goldstein: Option<f64>,
    pub event_text: Option<String>,
    pub place: Place,
    pub verb: Option<String>,
    pub pattern: Option<String>,
    pub dictionary: Option<String>,
    /// The full record as the coder wrote it.
    pub json: String,
}

/// A resolved place (PLOVER `event_loc`, or a `place` record).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    pub name: Option<String>,
    pub country: Option<String>,
    pub adm1: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Gazetteer feature id (GeoNames id), as text.
    pub feature_id: Option<String>,
}

impl Place {
    /// The key mentions are grouped on: the feature id, else the lower-cased
    /// name, else the country; empty when nothing is known.
    pub fn group_key(&self) -> String {
        if let Some(id) = self.feature_id.as_deref().filter(|s| !s.is_empty()) {
            return format!("id:{id}");
        }
        if let Some(name) = self.name.as_deref().filter(|s| !s.is_empty()) {
            return format!("name:{}", name.to_lowercase());
        }
        if let Some(c) = self.country.as_deref().filter(|s| !s.is_empty()) {
            return format!("country:{c}");
        }
        String::new()
    }
}

/// One actor mention (`actor_mentions`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActorRow {
    pub id: String,
    pub sentence: u32,
    pub date: Option<String>,
    pub code: String,
    pub sector: Option<String>,
    pub text: Option<String>,
    pub span: Option<(u32, u32)>,
    pub refers_to: Option<String>,
    pub json: String,
}

/// One quote (`quotes`); empty until the coder emits `quote` records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuoteRow {
    pub id: String,
    pub sentence: Option<u32>,
    pub span: Option<(u32, u32)>,
    pub text: Option<String>,
    pub kind: Option<String>,
    pub speaker_text: Option<String>,
    pub speaker_code: Option<String>,
    pub cue: Option<String>,
    pub json: String,
}

/// One place mention (`places`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaceRow {
    pub id: String,
    pub sentence: Option<u32>,
    pub span: Option<(u32, u32)>,
    pub place: Place,
    pub json: String,
}

/// One position statement (`positions`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PositionRow {
    pub id: String,
    pub sentence: Option<u32>,
    pub span: Option<(u32, u32)>,
    pub actor_code: Option<String>,
    pub actor_text: Option<String>,
    pub issue: Option<String>,
    pub stance: Option<f64>,
    pub json: String,
}

/// A sentence the coder read but did not code (`skips`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SkipRow {
    pub sentence: Option<u32>,
    pub span: Option<(u32, u32)>,
    pub reason: String,
}

/// Everything coded from one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodedDoc {
    /// Number of sentences the document was split into.
    pub sentences: u32,
    pub events: Vec<MentionRow>,
    pub actors: Vec<ActorRow>,
    pub quotes: Vec<QuoteRow>,
    pub places: Vec<PlaceRow>,
    pub positions: Vec<PositionRow>,
    pub skips: Vec<SkipRow>,
    /// Records of a type this store does not know: `(type, json)`, kept as they are.
    pub other: Vec<(String, String)>,
}

impl CodedDoc {
    /// An empty result for a document of `sentences` sentences.
    pub fn new(sentences: u32) -> CodedDoc {
        CodedDoc { sentences, ..CodedDoc::default() }
    }

    /// Adds any record that serialises to the JSON of `docs/schema.md`
    /// (`dyad_code::record::Output`, `EventRecord`, ...).
    ///
    /// # Errors
    /// A message naming the problem when the record has no `type` or misses
    /// a field the store needs (an event without `cameo`, say).
    pub fn push_record<T: Serialize + ?Sized>(&mut self, doc: &Document, record: &T) -> Result<(), String> {
        let value = serde_json::to_value(record).map_err(|e| format!("record does not serialise: {e}"))?;
        self.push_json(doc, value)
    }

    /// Adds one record given as JSON; the dispatch is on its `type`.
    ///
    /// # Errors
    /// As [`CodedDoc::push_record`].
    pub fn push_json(&mut self, doc: &Document, v: Value) -> Result<(), String> {
        let kind = str_at(&v, &["type"]).ok_or("record without a \"type\"")?;
        match kind.as_str() {
            // An event the coder found but gave no CAMEO code (a dictionary
            // pattern without a code of its own): kept as written, with the
            // records of other types, out of the events and their exports.
            "event" if str_at(&v, &["cameo"]).is_some_and(|c| c.trim().is_empty()) => {
                self.other.push(("event".to_string(), v.to_string()));
            }
            "event" => {
                let row = mention_from_json(doc, &v)?;
                self.events.push(row);
            }
            "actor" => self.actors.push(actor_from_json(doc, &v)?),
            "quote" => self.quotes.push(quote_from_json(doc, &v)),
            "place" => self.places.push(place_from_json(doc, &v)),
            "position" => self.positions.push(position_from_json(doc, &v)),
            "skip" => self.skips.push(SkipRow {
                sentence: u32_at(&v, &["text_info", "sequence"]),
                span: span_at(&v, &["text_info"]),
                reason: str_at(&v, &["reason"]).unwrap_or_default(),
            }),
            other => self.other.push((other.to_string(), v.to_string())),
        }
        Ok(())
    }

    /// Number of records of every kind (what `documents` counts per document).
    pub fn record_count(&self) -> usize {
        self.events.len()
            + self.actors.len()
            + self.quotes.len()
            + self.places.len()
            + self.positions.len()
            + self.skips.len()
            + self.other.len()
    }
}

fn get<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    if cur.is_null() {
        None
    } else {
        Some(cur)
    }
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    match get(v, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn u32_at(v: &Value, path: &[&str]) -> Option<u32> {
    get(v, path)?.as_u64().and_then(|n| u32::try_from(n).ok())
}

fn f64_at(v: &Value, path: &[&str]) -> Option<f64> {
    match get(v, path)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `{start, end}` at `path` (or `[start, end]`).
fn span_at(v: &Value, path: &[&str]) -> Option<(u32, u32)> {
    let o = get(v, path)?;
    if let Some([a, b]) = o.as_array().map(Vec::as_slice) {
        return Some((u32::try_from(a.as_u64()?).ok()?, u32::try_from(b.as_u64()?).ok()?));
    }
    let s = u32::try_from(o.get("start")?.as_u64()?).ok()?;
    let e = u32::try_from(o.get("end")?.as_u64()?).ok()?;
    Some((s, e))
}

/// A list of strings joined with `;` (`None` when empty).
fn list_at(v: &Value, path: &[&str]) -> Option<String> {
    let joined = match get(v, path)? {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(";"),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    (!joined.is_empty()).then_some(joined)
}

/// The text of `doc` between byte offsets, when they are in range and on
/// character boundaries.
fn slice(doc: &Document, span: Option<(u32, u32)>) -> Option<String> {
    let (s, e) = span?;
    doc.text.get(s as usize..e as usize).map(str::to_string)
}

/// `YYYY-MM-DD` when the value is a real date; anything else is dropped.
fn date_at(v: &Value, path: &[&str]) -> Option<String> {
    let s = str_at(v, path)?;
    s.parse::<dyad_text::Date>().ok().map(|d| d.to_string())
}

fn place_from(v: Option<&Value>) -> Place {
    let Some(v) = v else { return Place::default() };
    let name = str_at(v, &["name"]).or_else(|| str_at(v, &["placename"])).or_else(|| str_at(v, &["text"]));
    Place {
        name,
        country: str_at(v, &["country_code"]).or_else(|| str_at(v, &["country"])),
        adm1: str_at(v, &["admin1"]).or_else(|| str_at(v, &["adm1"])),
        lat: f64_at(v, &["lat"]),
        lon: f64_at(v, &["lon"]).or_else(|| f64_at(v, &["long"])),
        feature_id: str_at(v, &["geonameid"])
            .or_else(|| str_at(v, &["feature_id"]))
            .or_else(|| str_at(v, &["id"])),
    }
}

fn mention_from_json(doc: &Document, v: &Value) -> Result<MentionRow, String> {
    let cameo = str_at(v, &["cameo"]).ok_or("event record without \"cameo\"")?;
    let sentence = u32_at(v, &["text_info", "sequence"]).ok_or("event record without text_info.sequence")?;
    let (sent_start, sent_end) = span_at(v, &["text_info"]).unwrap_or((0, 0));
    let entity = |side: &str| get(v, &[side]).and_then(|a| a.as_array()).and_then(|a| a.first());
    let src = entity("actor");
    let tgt = entity("recipient");
    let code = |e: Option<&Value>| e.and_then(|e| str_at(e, &["code"])).unwrap_or_default();
    let text = |e: Option<&Value>| e.and_then(|e| str_at(e, &["entity_text"]));
    let span = |e: Option<&Value>| {
        let e = e?;
        Some((u32::try_from(e.get("start")?.as_u64()?).ok()?, u32::try_from(e.get("end")?.as_u64()?).ok()?))
    };
    let source_code = code(src);
    let target_code = code(tgt);
    let sentence_text = slice(doc, Some((sent_start, sent_end)));
    let id = str_at(v, &["id"]).unwrap_or_else(|| {
        record_id(
            "ev",
            &[&doc.id, &sentence.to_string(), &sent_start.to_string(), &source_code, &target_code, &cameo],
        )
    });
    Ok(MentionRow {
        id,
        sentence,
        sent_start,
        sent_end,
        sentence_text,
        date: date_at(v, &["date"]),
        date_source: str_at(v, &["date_source"]),
        source_text: text(src),
        source_span: span(src),
        source_code,
        target_text: text(tgt),
        target_span: span(tgt),
        target_code,
        plover: list_at(v, &["event"]),
        mode: list_at(v, &["mode"]),
        context: list_at(v, &["context"]),
        quad: get(v, &["quad_code"]).and_then(Value::as_i64),
        goldstein: f64_at(v, &["goldstein"]),
        event_text: list_at(v, &["event_text"]),
        place: place_from(get(v, &["event_loc"])),
        verb: str_at(v, &["provenance", "verb"]),
        pattern: str_at(v, &["provenance", "pattern"]),
        dictionary: str_at(v, &["provenance", "dictionary"]),
        cameo,
        json: v.to_string(),
    })
}

fn actor_from_json(doc: &Document, v: &Value) -> Result<ActorRow, String> {
    let e = get(v, &["entity"]).ok_or("actor record without \"entity\"")?;
    let code = str_at(e, &["code"]).unwrap_or_default();
    let sentence = u32_at(v, &["text_info", "sequence"]).unwrap_or(0);
    let span = span_at(e, &[]);
    let id = str_at(v, &["id"]).unwrap_or_else(|| {
        let (s, t) = span.unwrap_or((0, 0));
        record_id("ac", &[&doc.id, &sentence.to_string(), &s.to_string(), &t.to_string(), &code])
    });
    Ok(ActorRow {
        id,
        sentence,
        date: date_at(v, &["date"]),
        sector: str_at(e, &["sector"]),
        text: str_at(e, &["entity_text"]),
        span,
        refers_to: str_at(e, &["refers_to"]),
        code,
        json: v.to_string(),
    })
}

/// A span given as `span`, `{start, end}` at the top level, or the sentence.
fn any_span(v: &Value) -> Option<(u32, u32)> {
    span_at(v, &["span"]).or_else(|| span_at(v, &[])).or_else(|| span_at(v, &["text_info"]))
}

fn fallback_id(kind: &str, doc: &Document, span: Option<(u32, u32)>, v: &Value) -> String {
    let (s, e) = span.unwrap_or((0, 0));
    record_id(kind, &[&doc.id, &s.to_string(), &e.to_string(), &v.to_string()])
}

fn quote_from_json(doc: &Document, v: &Value) -> QuoteRow {
    let span = any_span(v);
    let speaker = get(v, &["speaker"]);
    let speaker_text = speaker.and_then(|s| str_at(s, &["text"]).or_else(|| s.as_str().map(str::to_string)));
    let speaker_code = speaker
        .and_then(|s| str_at(s, &["code"]))
        .or_else(|| str_at(v, &["speaker_code"]))
        .or_else(|| get(v, &["speaker", "entity"]).and_then(|e| str_at(e, &["code"])));
    let cue = get(v, &["cue"]).and_then(|c| str_at(c, &["text"]).or_else(|| c.as_str().map(str::to_string)));
    QuoteRow {
        id: str_at(v, &["id"]).unwrap_or_else(|| fallback_id("qt", doc, span, v)),
        sentence: u32_at(v, &["text_info", "sequence"]).or_else(|| u32_at(v, &["sentence"])),
        text: str_at(v, &["text"]).or_else(|| str_at(v, &["quote"])).or_else(|| slice(doc, span)),
        kind: str_at(v, &["kind"]),
        span,
        speaker_text,
        speaker_code,
        cue,
        json: v.to_string(),
    }
}

fn place_from_json(doc: &Document, v: &Value) -> PlaceRow {
    let span = any_span(v);
    let mut place = place_from(Some(v));
    if place.name.is_none() {
        place.name = slice(doc, span);
    }
    PlaceRow {
        id: str_at(v, &["id"]).unwrap_or_else(|| fallback_id("pl", doc, span, v)),
        sentence: u32_at(v, &["text_info", "sequence"]).or_else(|| u32_at(v, &["sentence"])),
        span,
        place,
        json: v.to_string(),
    }
}

fn position_from_json(doc: &Document, v: &Value) -> PositionRow {
    let span = any_span(v);
    let actor = get(v, &["actor"]).map(|a| a.as_array().and_then(|l| l.first()).unwrap_or(a));
    PositionRow {
        id: str_at(v, &["id"]).unwrap_or_else(|| fallback_id("po", doc, span, v)),
        sentence: u32_at(v, &["text_info", "sequence"]).or_else(|| u32_at(v, &["sentence"])),
        span,
        actor_code: actor.and_then(|a| str_at(a, &["code"])),
        actor_text: actor.and_then(|a| str_at(a, &["entity_text"]).or_else(|| str_at(a, &["text"]))),
        issue: str_at(v, &["issue"]),
        stance: f64_at(v, &["stance"]).or_else(|| f64_at(v, &["score"])),
        json: v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyad_code::record::{DateSource, Entity, EventRecord, Output, Provenance, TextInfo, DYAD_VERSION};

    fn doc() -> Document {
        let mut d = Document::new("d1", "Envoy Steve Witkoff met with Vladimir Putin in Moscow.");
        d.date = "2025-03-14".parse().ok();
        d
    }

    fn event() -> EventRecord {
        EventRecord {
            kind: "event",
            id: "ev-0000000000000001".into(),
            doc_id: "d1".into(),
            date: Some("2025-03-14".into()),
            date_source: DateSource::Publication,
            actor: vec![Entity {
                code: "USAGOV".into(),
                sector: Some("GOV".into()),
                entity_text: "Steve Witkoff".into(),
                start: 6,
                end: 19,
                ..Default::default()
            }],
            recipient: vec![Entity {
                code: "RUSGOV".into(),
                entity_text: "Vladimir Putin".into(),
                start: 29,
                end: 43,
                ..Default::default()
            }],
            event: vec!["CONSULT".into()],
            mode: vec![],
            context: vec!["diplomatic".into()],
            quad_code: Some(1),
            event_text: vec!["met with".into()],
            event_loc: Some(
                serde_json::json!({"name": "Moscow", "country_code": "RUS", "lat": 55.75, "lon": 37.62, "geonameid": 524901}),
            ),
            text_info: TextInfo { sequence: 0, start: 0, end: 54 },
            cameo: "040".into(),
            cameo_name: None,
            goldstein: Some(1.0),
            provenance: Provenance {
                verb: "MEET".into(),
                dictionary: "x.verbs:1".into(),
                ..Default::default()
            },
            dyad_version: DYAD_VERSION,
        }
    }

    #[test]
    fn event_records_become_mention_rows() {
        let d = doc();
        let mut coded = CodedDoc::new(1);
        coded.push_record(&d, &Output::Event(Box::new(event()))).unwrap();
        let m = &coded.events[0];
        assert_eq!(m.id, "ev-0000000000000001");
        assert_eq!(
            (m.source_code.as_str(), m.target_code.as_str(), m.cameo.as_str()),
            ("USAGOV", "RUSGOV", "040")
        );
        assert_eq!(m.source_span, Some((6, 19)));
        assert_eq!(m.sentence_text.as_deref(), Some(d.text.as_str()));
        assert_eq!(m.plover.as_deref(), Some("CONSULT"));
        assert_eq!(m.place.feature_id.as_deref(), Some("524901"));
        assert_eq!(m.place.group_key(), "id:524901");
        assert_eq!(m.date.as_deref(), Some("2025-03-14"));
        let back: Value = serde_json::from_str(&m.json).unwrap();
        assert_eq!(back["provenance"]["verb"], "MEET");
    }

    #[test]
    fn schema_example_is_accepted() {
        // The example in docs/schema.md, as a user would feed it back.
        let line = r#"{"type":"event","id":"ev-3f0c1d2e4b5a6978","doc_id":"seed-article","date":"2025-03-14","date_source":"publication","actor":[{"code":"USAGOV","sector":"GOV","entity_text":"Steve Witkoff","start":1534,"end":1547}],"recipient":[{"code":"RUSGOV","entity_text":"Vladimir Putin","start":1583,"end":1597}],"event":["CONSULT"],"mode":[],"context":["diplomatic"],"quad_code":1,"event_text":["met with"],"text_info":{"sequence":12,"start":1504,"end":1660},"cameo":"040","goldstein":1.0,"provenance":{"verb":"MEET","pattern":"- * WITH + [040]","dictionary":"CAMEO.2.0.txt:5120","trigger":[[1548,1551]]},"dyad_version":"0.1.0"}"#;
        let mut coded = CodedDoc::new(20);
        coded.push_json(&doc(), serde_json::from_str(line).unwrap()).unwrap();
        let m = &coded.events[0];
        assert_eq!(m.sentence, 12);
        assert_eq!(m.sentence_text, None, "offsets beyond this short text give no sentence text");
        assert_eq!(m.pattern.as_deref(), Some("- * WITH + [040]"));
        assert_eq!(m.place, Place::default());
    }

    #[test]
    fn unknown_and_bad_records() {
        let d = doc();
        let mut coded = CodedDoc::new(1);
        coded.push_json(&d, serde_json::json!({"type": "sentiment", "x": 1})).unwrap();
        assert_eq!(coded.other.len(), 1);
        assert!(coded.push_json(&d, serde_json::json!({"x": 1})).is_err());
        assert!(coded
            .push_json(&d, serde_json::json!({"type": "event", "text_info": {"sequence": 0}}))
            .is_err());
        coded
            .push_json(&d, serde_json::json!({"type": "quote", "span": {"start": 0, "end": 5}, "speaker": {"text": "Putin", "code": "RUSGOV"}}))
            .unwrap();
        let q = &coded.quotes[0];
        assert_eq!(q.text.as_deref(), Some("Envoy"));
        assert_eq!(q.speaker_code.as_deref(), Some("RUSGOV"));
        assert!(q.id.starts_with("qt-"));
        assert_eq!(coded.record_count(), 2);
    }

    #[test]
    fn events_without_a_cameo_code_are_kept_out_of_the_mentions() {
        let d = doc();
        let mut e = event();
        e.cameo = String::new();
        let mut coded = CodedDoc::new(1);
        coded.push_record(&d, &Output::Event(Box::new(e))).unwrap();
        assert!(coded.events.is_empty());
        assert_eq!(coded.other.len(), 1);
        assert_eq!(coded.other[0].0, "event");
        let back: Value = serde_json::from_str(&coded.other[0].1).unwrap();
        assert_eq!(back["id"], "ev-0000000000000001");
    }
}
