//! Test helpers: a synthetic corpus and a stand-in coder that reads events
//! from a tiny line format, so that tests know exactly what to expect.
//!
//! A line `USAGOV 040 RUSGOV @Moscow` codes one event (source, CAMEO code,
//! target, optional place); any other line is a sentence with no event. A
//! document containing `FAIL` fails to code, one containing `PANIC` makes
//! the coder panic.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dyad_code::record::{
    event_id, ActorRecord, DateSource, Entity, EventRecord, Output, Provenance, TextInfo, DYAD_VERSION,
};
use dyad_store::{CodedDoc, Input, ReadFailure};
use dyad_text::Document;

/// A fresh directory under the system temp dir, removed by `Drop`.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("dyad-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn plover_of(cameo: &str) -> &'static str {
    match cameo.get(..2) {
        Some("04") => "CONSULT",
        Some("19") => "FIGHT",
        Some("11") => "ACCUSE",
        Some("05") => "COOPERATE",
        _ => "OTHER",
    }
}

/// The stand-in coder.
pub fn line_coder(doc: &Document) -> Result<CodedDoc, String> {
    if doc.text.contains("FAIL") {
        return Err("synthetic coder failure".into());
    }
    if doc.text.contains("PANIC") {
        panic!("synthetic coder panic");
    }
    if let Ok(us) = std::env::var("DYAD_TEST_SLOW_US") {
        std::thread::sleep(std::time::Duration::from_micros(us.parse().unwrap_or(0)));
    }
    let mut coded = CodedDoc::new(0);
    let date = doc.date.map(|d| d.to_string());
    let mut offset = 0u32;
    for (seq, line) in doc.text.split_inclusive('\n').enumerate() {
        let seq = seq as u32;
        let start = offset;
        let end = offset + line.trim_end().len() as u32;
        offset += line.len() as u32;
        coded.sentences += 1;
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(src), Some(code), Some(tgt)) = (words.first(), words.get(1), words.get(2)) else {
            continue;
        };
        if !code.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let src_end = start + src.len() as u32;
        let trigger = [src_end + 1, src_end + 1 + code.len() as u32];
        let tgt_start = trigger[1] + 1;
        let place = words.get(3).and_then(|w| w.strip_prefix('@'));
        let entity = |code: &str, s: u32| Entity {
            code: code.into(),
            entity_text: code.into(),
            start: s,
            end: s + code.len() as u32,
            ..Default::default()
        };
        let ev = EventRecord {
            kind: "event",
            id: event_id(&doc.id, seq, trigger, src, tgt, code),
            doc_id: doc.id.clone(),
            date: date.clone(),
            date_source: if date.is_some() { DateSource::Publication } else { DateSource::None },
            actor: vec![entity(src, start)],
            recipient: vec![entity(tgt, tgt_start)],
            event: vec![plover_of(code).into()],
            mode: vec![],
            context: vec![],
            quad_code: Some(1),
            event_text: vec![(*code).into()],
            event_loc: place.map(|p| serde_json::json!({"name": p, "country_code": "XXX"})),
            text_info: TextInfo { sequence: seq, start, end },
            cameo: (*code).into(),
            cameo_name: None,
            goldstein: Some(1.0),
            provenance: Provenance {
                verb: "TEST".into(),
                dictionary: "test:1".into(),
                trigger: vec![trigger],
                ..Default::default()
            },
            dyad_version: DYAD_VERSION,
        };
        coded.push_record(doc, &Output::Event(Box::new(ev)))?;
        let actor = ActorRecord {
            kind: "actor",
            id: dyad_code::record::record_id("ac", &[&doc.id, &seq.to_string(), src]),
            doc_id: doc.id.clone(),
            date: date.clone(),
            entity: entity(src, start),
            text_info: TextInfo { sequence: seq, start, end },
            dyad_version: DYAD_VERSION,
        };
        coded.push_record(doc, &Output::Actor(actor))?;
    }
    Ok(coded)
}

/// Number of events `line_coder` finds in a text.
pub fn expected_events(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.len() >= 3 && w[1].chars().all(|c| c.is_ascii_digit())
        })
        .count()
}

pub fn doc(id: &str, date: &str, source: &str, text: &str) -> Document {
    let mut d = Document::new(id, text);
    d.date = date.parse().ok();
    d.source = Some(source.into());
    d.url = Some(format!("https://news.example/{id}"));
    d
}

pub fn inputs(docs: &[Document]) -> Vec<Result<Input, ReadFailure>> {
    docs.iter().map(|d| Ok(Input { doc: d.clone(), origin: format!("test/{}", d.id) })).collect()
}

const ACTORS: [&str; 6] = ["USAGOV", "RUSGOV", "UKRMIL", "IGOUNO", "CHNGOV", "SYRREB"];
const CODES: [&str; 5] = ["040", "042", "190", "111", "0231"];
const PLACES: [&str; 4] = ["", "@Kyiv", "@Geneva", "@Damascus"];
const SOURCES: [&str; 4] = ["Reuters", "AP", "BBC", "AFP"];

/// `n` synthetic news documents over 60 days, many reporting the same events.
pub fn corpus(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let day = 1 + (i % 28);
            let month = 1 + (i / 28) % 2;
            let lines = 1 + (i * 7) % 4;
            let mut text = format!("Report number {i} from the wires.\n");
            for j in 0..lines {
                let k = i / 3 + j * 5;
                let s = ACTORS[k % ACTORS.len()];
                let t = ACTORS[(k / 2 + 1 + j) % ACTORS.len()];
                let t = if t == s { ACTORS[(k + 1) % ACTORS.len()] } else { t };
                text.push_str(&format!(
                    "{s} {} {t} {}\n",
                    CODES[(k / 3) % CODES.len()],
                    PLACES[k % PLACES.len()]
                ));
                if j % 2 == 1 {
                    text.push_str("An ordinary sentence without an event.\n");
                }
            }
            doc(
                &format!("doc-{i:05}"),
                &format!("2025-{month:02}-{day:02}"),
                SOURCES[i % SOURCES.len()],
                &text,
            )
        })
        .collect()
}

/// A digest of what a store holds that must not depend on how it was filled.
pub fn digest(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut out = String::new();
    for sql in [
        "SELECT id || ' ' || hash || ' ' || sentences || ' ' || n_events FROM documents ORDER BY id",
        "SELECT id || ' ' || source_code || ' ' || target_code || ' ' || cameo || ' ' || COALESCE(date, '') FROM mentions ORDER BY id",
        "SELECT id FROM actor_mentions ORDER BY id",
        "SELECT e.id || ' ' || e.n_mentions || ' ' || e.n_documents || ' ' || e.n_sources || ' ' || m.id
           FROM events e JOIN event_mentions em ON em.event_key = e.event_key
           JOIN mentions m ON m.mention_key = em.mention_key ORDER BY e.id, m.id",
        "SELECT failure_key || ' ' || reason FROM failures ORDER BY failure_key",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
        out.push_str("--\n");
    }
    out
}
