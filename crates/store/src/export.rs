//! Exports: PLOVER JSON Lines, GDELT 2.0 event table, Phoenix, CSV and
//! Parquet. `docs/exports.md` documents every column.

use std::io::Write;
use std::str::FromStr;

use serde_json::{json, Value};

use crate::actor::{ActorCodes, ActorParts};
use crate::query::{EventOut, Filter, MentionOut};
use crate::{Error, Result, Store};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per event, PLOVER field names, with its mentions.
    PloverJsonl,
    /// The GDELT 2.0 event table: 61 tab-separated columns.
    Gdelt,
    /// The Phoenix data set's 26 tab-separated columns.
    Phoenix,
    /// Comma-separated values with a header.
    Csv,
    /// Apache Parquet (needs the `parquet` feature).
    Parquet,
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format> {
        Ok(match s {
            "plover-jsonl" | "plover" | "jsonl" => Format::PloverJsonl,
            "gdelt" => Format::Gdelt,
            "phoenix" => Format::Phoenix,
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            other => {
                return Err(Error::BadQuery(format!(
                    "unknown export format {other:?}: plover-jsonl, gdelt, phoenix, csv or parquet"
                )))
            }
        })
    }
}

/// Which rows a CSV, Parquet or PLOVER export holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Table {
    /// One row per event (grouped mentions).
    #[default]
    Events,
    /// One row per event mention.
    Mentions,
}

impl FromStr for Table {
    type Err = Error;

    fn from_str(s: &str) -> Result<Table> {
        match s {
            "events" => Ok(Table::Events),
            "mentions" => Ok(Table::Mentions),
            other => Err(Error::BadQuery(format!("unknown table {other:?}: events or mentions"))),
        }
    }
}

/// Export settings.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub format: Format,
    pub table: Table,
    /// Write a header line for GDELT and Phoenix (their files have none).
    pub header: bool,
    pub filter: Filter,
}

/// The GDELT 2.0 event table's columns, in the codebook's order.
pub const GDELT_COLUMNS: [&str; 61] = [
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// The Phoenix data set's columns, in order.
pub const PHOENIX_COLUMNS: [&str; 26] = [
    "EventID",
    "Date",
    "Year",
    "Month",
    "Day",
    "SourceActorFull",
    "SourceActorEntity",
    "SourceActorRole",
    "SourceActorAttribute",
    "TargetActorFull",
    "TargetActorEntity",
    "TargetActorRole",
    "TargetActorAttribute",
    "EventCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScore",
    "Issues",
    "Lat",
    "Lon",
    "LocationName",
    "StateName",
    "CountryCode",
    "SentenceID",
    "URLs",
    "NewsSources",
];

/// Columns of the events CSV (and Parquet) table.
pub const EVENT_COLUMNS: [&str; 30] = [
    "id",
    "date",
    "end_date",
    "source",
    "source_text",
    "target",
    "target_text",
    "cameo",
    "cameo_root",
    "plover",
    "mode",
    "context",
    "quad",
    "goldstein",
    "place",
    "country",
    "adm1",
    "lat",
    "lon",
    "place_id",
    "num_mentions",
    "num_documents",
    "num_sources",
    "is_root",
    "global_event_id",
    "mentions",
    "documents",
    "sentences",
    "sources",
    "urls",
];

/// Columns of the mentions CSV (and Parquet) table.
pub const MENTION_COLUMNS: [&str; 29] = [
    "id",
    "event_id",
    "doc_id",
    "date",
    "date_source",
    "source",
    "source_text",
    "target",
    "target_text",
    "cameo",
    "plover",
    "mode",
    "context",
    "quad",
    "goldstein",
    "event_text",
    "place",
    "country",
    "lat",
    "lon",
    "sentence",
    "sent_start",
    "sent_end",
    "sentence_text",
    "news_source",
    "url",
    "verb",
    "pattern",
    "dictionary",
];

/// The integer form of an event id (`evt-` + 16 hex digits): its 63 low
/// bits, for formats whose id column is an integer.
pub fn numeric_id(id: &str) -> i64 {
    let hex = id.rsplit('-').next().unwrap_or(id);
    let v = u64::from_str_radix(hex, 16).unwrap_or(0);
    (v & (i64::MAX as u64)) as i64
}

/// `YYYYMMDD`, `YYYYMM`, `YYYY`, month and day of a `YYYY-MM-DD` date.
pub(crate) struct DateParts {
    pub ymd: String,
    pub ym: String,
    pub year: String,
    pub month: String,
    pub day: String,
    pub fraction: String,
}

pub(crate) fn date_parts(date: Option<&str>) -> DateParts {
    let Some(d) = date.and_then(|d| d.parse::<dyad_text::Date>().ok()) else {
        return DateParts {
            ymd: String::new(),
            ym: String::new(),
            year: String::new(),
            month: String::new(),
            day: String::new(),
            fraction: String::new(),
        };
    };
    let (y, m, dd) = (d.year(), d.month(), d.day());
    // The codebook's formula: YYYY + (MONTH * 30 + DAY) / 365.
    let fraction = f64::from(y) + f64::from(m * 30 + dd) / 365.0;
    DateParts {
        ymd: format!("{y:04}{m:02}{dd:02}"),
        ym: format!("{y:04}{m:02}"),
        year: format!("{y:04}"),
        month: format!("{m}"),
        day: format!("{dd}"),
        fraction: format!("{fraction:.4}"),
    }
}

/// A field for a tab-separated line: tabs and line breaks become spaces.
fn tsv(s: &str) -> String {
    if s.contains(['\t', '\n', '\r']) {
        s.replace(['\t', '\n', '\r'], " ")
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn float(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => {
            let s = format!("{x}");
            s
        }
        _ => String::new(),
    }
}

/// Phoenix's five-way class from the CAMEO root: 0 neutral (01–02),
/// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
/// 4 material conflict.
pub fn phoenix_class(cameo: &str) -> String {
    let root: Option<u32> = cameo.get(..2).and_then(|r| r.parse().ok());
    match root {
        Some(1..=2) => "0",
        Some(3..=5) => "1",
        Some(6..=8) => "2",
        Some(9..=13) | Some(16) => "3",
        Some(14..=15) | Some(17..=20) => "4",
        _ => "",
    }
    .to_string()
}

fn event_base(cameo: &str) -> String {
    cameo.get(..3).unwrap_or(cameo).to_string()
}

fn event_root(cameo: &str) -> String {
    cameo.get(..2).unwrap_or(cameo).to_string()
}

/// One GDELT 2.0 event line's 61 fields.
pub(crate) fn gdelt_fields(ev: &EventOut, a1: &ActorParts, a2: &ActorParts) -> Vec<String> {
    let d = date_parts(ev.date.as_deref());
    let mut f: Vec<String> = Vec::with_capacity(61);
    f.push(numeric_id(&ev.id).to_string());
    f.extend([d.ymd, d.ym, d.year, d.fraction]);
    for (a, text) in [(a1, &ev.source_text), (a2, &ev.target_text)] {
        f.push(a.code.clone());
        f.push(if a.code.is_empty() { String::new() } else { opt(text) });
        f.push(a.country.clone());
        f.push(a.known_group.clone());
        f.push(String::new()); // ethnic code: not coded
        f.push(a.religion1.clone());
        f.push(a.religion2.clone());
        f.extend(a.types.iter().cloned());
    }
    f.push(if ev.is_root { "1" } else { "0" }.into());
    f.push(ev.cameo.clone());
    f.push(event_base(&ev.cameo));
    f.push(event_root(&ev.cameo));
    f.push(opt(&ev.quad));
    f.push(float(ev.goldstein));
    f.push(ev.num_mentions.to_string());
    f.push(ev.num_sources.to_string());
    f.push(ev.num_documents.to_string());
    f.push(String::new()); // AvgTone: not computed
    for _ in 0..2 {
        f.extend(std::iter::repeat_n(String::new(), 8)); // Actor1Geo_*, Actor2Geo_*: not resolved
    }
    let has_place = ev.place.is_some() || ev.country.is_some() || ev.lat.is_some();
    let geo_type = if !has_place {
        ""
    } else if ev.place.is_none() && ev.lat.is_none() {
        "1"
    } else if ev.country.as_deref() == Some("US") || ev.country.as_deref() == Some("USA") {
        "3"
    } else {
        "4"
    };
    f.push(geo_type.into());
    let full_name: Vec<&str> = [ev.place.as_deref(), ev.adm1.as_deref(), ev.country.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    f.push(full_name.join(", "));
    f.push(opt(&ev.country));
    f.push(opt(&ev.adm1));
    f.push(String::new()); // ADM2
    f.push(float(ev.lat));
    f.push(float(ev.lon));
    f.push(opt(&ev.place_id));
    f.push(String::new()); // DATEADDED: dyad adds no wall-clock time (exports are reproducible)
    f.push(ev.urls.first().or(ev.documents.first()).cloned().unwrap_or_default());
    f.into_iter().map(|s| tsv(&s)).collect()
}

/// One Phoenix line's 26 fields.
pub(crate) fn phoenix_fields(ev: &EventOut, a1: &ActorParts, a2: &ActorParts) -> Vec<String> {
    let d = date_parts(ev.date.as_deref());
    let mut f: Vec<String> = Vec::with_capacity(26);
    f.push(numeric_id(&ev.id).to_string());
    f.extend([d.ymd, d.year, d.month, d.day]);
    for a in [a1, a2] {
        f.push(a.code.clone());
        f.push(a.entity.clone());
        f.push(a.role.clone());
        f.push(a.attributes.clone());
    }
    f.push(ev.cameo.clone());
    f.push(event_root(&ev.cameo));
    f.push(phoenix_class(&ev.cameo));
    f.push(float(ev.goldstein));
    f.push(String::new()); // Issues: not coded
    f.push(float(ev.lat));
    f.push(float(ev.lon));
    f.push(opt(&ev.place));
    f.push(opt(&ev.adm1));
    f.push(opt(&ev.country));
    f.push(ev.sentences.join(";"));
    f.push(ev.urls.join(";"));
    f.push(ev.sources.join(";"));
    f.into_iter().map(|s| tsv(&s)).collect()
}

fn split_list(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .map(|s| s.split(';').filter(|x| !x.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The PLOVER JSON object of an event.
pub(crate) fn plover_json(ev: &EventOut) -> Value {
    let entity = |code: &str, text: &Option<String>| {
        if code.is_empty() {
            json!([])
        } else {
            json!([{ "code": code, "entity_text": text }])
        }
    };
    let loc = if ev.place.is_some() || ev.country.is_some() || ev.lat.is_some() {
        json!({
            "name": ev.place, "country_code": ev.country, "admin1": ev.adm1,
            "lat": ev.lat, "lon": ev.lon, "geonameid": ev.place_id,
        })
    } else {
        Value::Null
    };
    json!({
        "id": ev.id,
        "date": ev.date,
        "end_date": ev.end_date,
        "actor": entity(&ev.source, &ev.source_text),
        "recipient": entity(&ev.target, &ev.target_text),
        "event": split_list(&ev.plover),
        "mode": split_list(&ev.mode),
        "context": split_list(&ev.context),
        "quad_code": ev.quad,
        "cameo": ev.cameo,
        "goldstein": ev.goldstein,
        "event_loc": loc,
        "num_mentions": ev.num_mentions,
        "num_documents": ev.num_documents,
        "num_sources": ev.num_sources,
        "is_root": ev.is_root,
        "mentions": ev.mentions,
        "documents": ev.documents,
        "sentences": ev.sentences,
        "sources": ev.sources,
        "urls": ev.urls,
        "dyad_version": dyad_code::record::DYAD_VERSION,
    })
}

/// A CSV field, quoted when it needs to be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The fields of one events CSV row ([`EVENT_COLUMNS`]).
pub fn event_csv_fields(ev: &EventOut) -> Vec<String> {
    vec![
        ev.id.clone(),
        opt(&ev.date),
        opt(&ev.end_date),
        ev.source.clone(),
        opt(&ev.source_text),
        ev.target.clone(),
        opt(&ev.target_text),
        ev.cameo.clone(),
        event_root(&ev.cameo),
        opt(&ev.plover),
        opt(&ev.mode),
        opt(&ev.context),
        opt(&ev.quad),
        float(ev.goldstein),
        opt(&ev.place),
        opt(&ev.country),
        opt(&ev.adm1),
        float(ev.lat),
        float(ev.lon),
        opt(&ev.place_id),
        ev.num_mentions.to_string(),
        ev.num_documents.to_string(),
        ev.num_sources.to_string(),
        if ev.is_root { "1" } else { "0" }.into(),
        numeric_id(&ev.id).to_string(),
        ev.mentions.join(";"),
        ev.documents.join(";"),
        ev.sentences.join(";"),
        ev.sources.join(";"),
        ev.urls.join(";"),
    ]
}

/// The fields of one mentions CSV row ([`MENTION_COLUMNS`]).
pub fn mention_csv_fields(m: &MentionOut) -> Vec<String> {
    vec![
        m.id.clone(),
        opt(&m.event_id),
        m.doc_id.clone(),
        opt(&m.date),
        opt(&m.date_source),
        m.source.clone(),
        opt(&m.source_text),
        m.target.clone(),
        opt(&m.target_text),
        m.cameo.clone(),
        opt(&m.plover),
        opt(&m.mode),
        opt(&m.context),
        opt(&m.quad),
        float(m.goldstein),
        opt(&m.event_text),
        opt(&m.place),
        opt(&m.country),
        float(m.lat),
        float(m.lon),
        m.sentence.to_string(),
        m.sent_start.to_string(),
        m.sent_end.to_string(),
        opt(&m.sentence_text),
        opt(&m.news_source),
        opt(&m.url),
        opt(&m.verb),
        opt(&m.pattern),
        opt(&m.dictionary),
    ]
}

fn write_err(e: std::io::Error) -> Error {
    Error::Export { path: "output".into(), detail: e.to_string() }
}

/// Writes an export of `store` to `out`; returns the number of rows.
/// Parquet goes through [`export_parquet`] instead.
///
/// # Errors
/// [`Error::BadQuery`] for a bad filter or for Parquet here, database and
/// write errors.
pub fn export(
    store: &mut Store,
    opts: &ExportOptions,
    out: &mut dyn Write,
    tick: &mut dyn FnMut(u64),
) -> Result<u64> {
    let mut n = 0u64;
    match (opts.format, opts.table) {
        (Format::Parquet, _) => {
            return Err(Error::BadQuery(
                "Parquet is written to a file: use export_parquet (dyad: -o FILE)".into(),
            ))
        }
        (Format::Gdelt | Format::Phoenix, Table::Mentions) => {
            return Err(Error::BadQuery(
                "the GDELT and Phoenix formats have one row per event, not per mention".into(),
            ))
        }
        (Format::Gdelt | Format::Phoenix, Table::Events) => {
            let codes = ActorCodes::from_gazetteer();
            let gdelt = opts.format == Format::Gdelt;
            if opts.header {
                let cols: &[&str] = if gdelt { &GDELT_COLUMNS } else { &PHOENIX_COLUMNS };
                writeln!(out, "{}", cols.join("\t")).map_err(write_err)?;
            }
            store.for_each_event(&opts.filter, |ev| {
                let a1 = codes.split(&ev.source);
                let a2 = codes.split(&ev.target);
                let fields = if gdelt { gdelt_fields(&ev, &a1, &a2) } else { phoenix_fields(&ev, &a1, &a2) };
                writeln!(out, "{}", fields.join("\t")).map_err(write_err)?;
                n += 1;
                tick(n);
                Ok(())
            })?;
        }
        (Format::PloverJsonl, Table::Events) => {
            store.for_each_event(&opts.filter, |ev| {
                writeln!(out, "{}", plover_json(&ev)).map_err(write_err)?;
                n += 1;
                tick(n);
                Ok(())
            })?;
        }
        (Format::PloverJsonl, Table::Mentions) => {
            // The mention records as the coder wrote them, with their event id.
            let mut ids: Vec<(String, Option<String>)> = Vec::new();
            store.for_each_mention(&opts.filter, |m| {
                ids.push((m.id, m.event_id));
                Ok(())
            })?;
            let mut stmt = store
                .conn
                .prepare_cached("SELECT json FROM mentions WHERE id = ?1")
                .map_err(|e| store.err("reading mentions", e))?;
            for (id, event) in ids {
                let text: String = stmt
                    .query_row([&id], |r| r.get(0))
                    .map_err(|e| Error::sqlite(&store.path, "reading a mention", e, 0))?;
                let mut v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut v {
                    map.insert("event_id".into(), json!(event));
                }
                writeln!(out, "{v}").map_err(write_err)?;
                n += 1;
                tick(n);
            }
        }
        (Format::Csv, Table::Events) => {
            writeln!(out, "{}", EVENT_COLUMNS.join(",")).map_err(write_err)?;
            store.for_each_event(&opts.filter, |ev| {
                let line: Vec<String> = event_csv_fields(&ev).iter().map(|s| csv_field(s)).collect();
                writeln!(out, "{}", line.join(",")).map_err(write_err)?;
                n += 1;
                tick(n);
                Ok(())
            })?;
        }
        (Format::Csv, Table::Mentions) => {
            writeln!(out, "{}", MENTION_COLUMNS.join(",")).map_err(write_err)?;
            store.for_each_mention(&opts.filter, |m| {
                let line: Vec<String> = mention_csv_fields(&m).iter().map(|s| csv_field(s)).collect();
                writeln!(out, "{}", line.join(",")).map_err(write_err)?;
                n += 1;
                tick(n);
                Ok(())
            })?;
        }
    }
    out.flush().map_err(write_err)?;
    Ok(n)
}

#[cfg(feature = "parquet")]
pub use crate::parquet_out::export_parquet;

/// Without the `parquet` feature: an error saying so.
///
/// # Errors
/// Always [`Error::BadQuery`].
#[cfg(not(feature = "parquet"))]
pub fn export_parquet(
    _store: &mut Store,
    _opts: &ExportOptions,
    _out: std::fs::File,
    _tick: &mut dyn FnMut(u64),
) -> Result<u64> {
    Err(Error::BadQuery("this dyad was built without Parquet support (cargo feature `parquet`)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_lists_have_their_documented_lengths() {
        assert_eq!(GDELT_COLUMNS.len(), 61);
        assert_eq!(PHOENIX_COLUMNS.len(), 26);
        assert_eq!(GDELT_COLUMNS[0], "GlobalEventID");
        assert_eq!(GDELT_COLUMNS[39], "Actor1Geo_ADM2Code");
        assert_eq!(GDELT_COLUMNS[60], "SOURCEURL");
    }

    #[test]
    fn dates_and_classes() {
        let d = date_parts(Some("2025-03-14"));
        assert_eq!((d.ymd.as_str(), d.ym.as_str(), d.year.as_str()), ("20250314", "202503", "2025"));
        assert_eq!(d.fraction, "2025.2849");
        assert_eq!(date_parts(None).ymd, "");
        assert_eq!(phoenix_class("0231"), "0");
        assert_eq!(phoenix_class("190"), "4");
        assert_eq!(phoenix_class("160"), "3");
        assert_eq!(numeric_id("evt-00000000000000ff"), 255);
        assert_eq!(numeric_id("evt-ffffffffffffffff"), i64::MAX);
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(tsv("a\tb\nc"), "a b c");
    }

    #[test]
    fn gdelt_and_phoenix_lines_have_all_columns() {
        let ev = EventOut {
            id: "evt-0000000000000010".into(),
            date: Some("2025-03-14".into()),
            source: "USAGOV".into(),
            target: "".into(),
            cameo: "0231".into(),
            urls: vec!["https://example.org/a".into()],
            ..EventOut::default()
        };
        let codes = ActorCodes::with_countries(["USA"]);
        let a1 = codes.split(&ev.source);
        let a2 = codes.split(&ev.target);
        let g = gdelt_fields(&ev, &a1, &a2);
        assert_eq!(g.len(), 61);
        assert_eq!(g[0], "16");
        assert_eq!(g[7], "USA");
        assert_eq!(g[27], "023");
        assert_eq!(g[28], "02");
        assert_eq!(g[60], "https://example.org/a");
        let p = phoenix_fields(&ev, &a1, &a2);
        assert_eq!(p.len(), 26);
        assert_eq!((p[6].as_str(), p[7].as_str()), ("USA", "GOV"));
    }
}
