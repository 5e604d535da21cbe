//! Reading events and mentions back, filtered.

use rusqlite::types::Value as Sql;
use serde::Serialize;

use crate::{Error, Result, Store};

/// What to select. Every field is optional; set fields combine with AND.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Actor code prefix on either side (`USA` matches `USAGOV`).
    pub actor: Option<String>,
    /// Source actor code prefix.
    pub source: Option<String>,
    /// Target actor code prefix.
    pub target: Option<String>,
    /// CAMEO code prefix: `04` is the root, `042` the code and its children.
    pub cameo: Option<String>,
    /// CAMEO root code (two digits), exactly.
    pub root: Option<String>,
    /// PLOVER event type, e.g. `CONSULT` (case-insensitive).
    pub plover: Option<String>,
    /// First day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// Place name, country or gazetteer id (substring, case-insensitive).
    pub place: Option<String>,
    /// News source of a document (substring, case-insensitive).
    pub news_source: Option<String>,
    /// Words in the sentence (substring, case-insensitive).
    pub text: Option<String>,
    /// A document id, exactly.
    pub doc: Option<String>,
    /// At most this many rows.
    pub limit: Option<u64>,
}

/// One event with its mentions, documents, sources and URLs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EventOut {
    pub id: String,
    pub date: Option<String>,
    pub end_date: Option<String>,
    pub source: String,
    pub target: String,
    pub cameo: String,
    pub plover: Option<String>,
    pub quad: Option<i64>,
    pub goldstein: Option<f64>,
    pub place: Option<String>,
    pub country: Option<String>,
    pub adm1: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub place_id: Option<String>,
    pub num_mentions: i64,
    pub num_documents: i64,
    pub num_sources: i64,
    pub is_root: bool,
    pub mentions: Vec<String>,
    pub documents: Vec<String>,
    pub sources: Vec<String>,
    pub urls: Vec<String>,
    /// Source and target as written in the first mention.
    pub source_text: Option<String>,
    pub target_text: Option<String>,
    /// `doc_id:sentence` of every mention (Phoenix's SentenceID).
    pub sentences: Vec<String>,
    /// Mode and context of the first mention (`;`-joined).
    pub mode: Option<String>,
    pub context: Option<String>,
}

/// One event mention with its provenance.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MentionOut {
    pub id: String,
    pub event_id: Option<String>,
    pub doc_id: String,
    pub date: Option<String>,
    pub date_source: Option<String>,
    pub source: String,
    pub source_text: Option<String>,
    pub target: String,
    pub target_text: Option<String>,
    pub cameo: String,
    pub plover: Option<String>,
    pub mode: Option<String>,
    pub context: Option<String>,
    pub quad: Option<i64>,
    pub goldstein: Option<f64>,
    pub event_text: Option<String>,
    pub place: Option<String>,
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub sentence: i64,
    pub sent_start: i64,
    pub sent_end: i64,
    pub sentence_text: Option<String>,
    pub news_source: Option<String>,
    pub url: Option<String>,
    pub verb: Option<String>,
    pub pattern: Option<String>,
    pub dictionary: Option<String>,
}

fn like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn prefix(s: &str) -> String {
    let mut p = like(&s.trim().to_uppercase());
    p.remove(0);
    p
}

fn check_date(d: &str) -> Result<String> {
    d.parse::<dyad_text::Date>()
        .map(|d| d.to_string())
        .map_err(|_| Error::BadQuery(format!("not a date (YYYY-MM-DD): {d:?}")))
}

/// WHERE clauses for the columns shared by `events` (alias `e`) and
/// `mentions` (alias `m`), plus an EXISTS over mentions for the rest.
fn conditions(f: &Filter, alias: &str, per_event: bool) -> Result<(Vec<String>, Vec<Sql>)> {
    let mut w: Vec<String> = Vec::new();
    let mut p: Vec<Sql> = Vec::new();
    let a = alias;
    if let Some(x) = &f.actor {
        w.push(format!("({a}.source_code LIKE ? ESCAPE '\\' OR {a}.target_code LIKE ? ESCAPE '\\')"));
        p.push(Sql::Text(prefix(x)));
        p.push(Sql::Text(prefix(x)));
    }
    if let Some(x) = &f.source {
        w.push(format!("{a}.source_code LIKE ? ESCAPE '\\'"));
        p.push(Sql::Text(prefix(x)));
    }
    if let Some(x) = &f.target {
        w.push(format!("{a}.target_code LIKE ? ESCAPE '\\'"));
        p.push(Sql::Text(prefix(x)));
    }
    if let Some(x) = &f.cameo {
        if !x.chars().all(|c| c.is_ascii_digit()) || x.is_empty() {
            return Err(Error::BadQuery(format!("a CAMEO code is digits, e.g. 04 or 042: {x:?}")));
        }
        w.push(format!("{a}.cameo LIKE ?"));
        p.push(Sql::Text(format!("{x}%")));
    }
    if let Some(x) = &f.root {
        if x.len() != 2 || !x.chars().all(|c| c.is_ascii_digit()) {
            return Err(Error::BadQuery(format!("a CAMEO root is two digits, 01 to 20: {x:?}")));
        }
        w.push(format!("substr({a}.cameo, 1, 2) = ?"));
        p.push(Sql::Text(x.clone()));
    }
    if let Some(x) = &f.plover {
        w.push(format!("(';' || upper({a}.plover) || ';') LIKE ? ESCAPE '\\'"));
        p.push(Sql::Text(like(&format!(";{};", x.trim().to_uppercase()))));
    }
    if let Some(x) = &f.from {
        w.push(format!("{a}.date >= ?"));
        p.push(Sql::Text(check_date(x)?));
    }
    if let Some(x) = &f.to {
        w.push(format!("{a}.date <= ?"));
        p.push(Sql::Text(check_date(x)?));
    }
    if let Some(x) = &f.place {
        w.push(format!(
            "({a}.place_name LIKE ? ESCAPE '\\' OR {a}.place_country LIKE ? ESCAPE '\\' OR {a}.place_id = ?)"
        ));
        p.push(Sql::Text(like(x.trim())));
        p.push(Sql::Text(like(x.trim())));
        p.push(Sql::Text(x.trim().to_string()));
    }
    let mut doc_conds: Vec<String> = Vec::new();
    let mut doc_params: Vec<Sql> = Vec::new();
    if let Some(x) = &f.news_source {
        doc_conds.push("d.source LIKE ? ESCAPE '\\'".into());
        doc_params.push(Sql::Text(like(x.trim())));
    }
    if let Some(x) = &f.text {
        doc_conds.push("mm.sentence_text LIKE ? ESCAPE '\\'".into());
        doc_params.push(Sql::Text(like(x.trim())));
    }
    if let Some(x) = &f.doc {
        doc_conds.push("d.id = ?".into());
        doc_params.push(Sql::Text(x.clone()));
    }
    if !doc_conds.is_empty() {
        let link = if per_event {
            format!(
                "EXISTS (SELECT 1 FROM event_mentions em2 JOIN mentions mm ON mm.mention_key = em2.mention_key
                 JOIN documents d ON d.doc_key = mm.doc_key WHERE em2.event_key = {a}.event_key AND {})",
                doc_conds.join(" AND ")
            )
        } else {
            format!(
                "EXISTS (SELECT 1 FROM mentions mm JOIN documents d ON d.doc_key = mm.doc_key
                 WHERE mm.mention_key = {a}.mention_key AND {})",
                doc_conds.join(" AND ")
            )
        };
        w.push(link);
        p.extend(doc_params);
    }
    Ok((w, p))
}

fn where_sql(w: &[String]) -> String {
    if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    }
}

impl Store {
    /// Calls `each` for every event matching `filter`, by date then id.
    /// Regroups the events first if mentions changed since.
    ///
    /// # Errors
    /// [`Error::BadQuery`] for a malformed filter, database errors, or what
    /// `each` returns.
    pub fn for_each_event(
        &mut self,
        filter: &Filter,
        mut each: impl FnMut(EventOut) -> Result<()>,
    ) -> Result<u64> {
        crate::events::refresh(self)?;
        let (w, mut p) = conditions(filter, "e", true)?;
        let mut sql = format!(
            "SELECT e.event_key, e.id, e.date, e.end_date, e.source_code, e.target_code, e.cameo, e.plover, e.quad,
                    e.goldstein, e.place_name, e.place_country, e.place_adm1, e.place_lat, e.place_lon, e.place_id,
                    e.n_mentions, e.n_documents, e.n_sources, e.is_root, fm.source_text, fm.target_text, fm.mode, fm.context
             FROM events e JOIN mentions fm ON fm.mention_key = e.first_mention {} ORDER BY e.date, e.id",
            where_sql(&w)
        );
        if let Some(n) = filter.limit {
            sql.push_str(" LIMIT ?");
            p.push(Sql::Integer(i64::try_from(n).unwrap_or(i64::MAX)));
        }
        let conn = &self.conn;
        let fail = |e: rusqlite::Error| Error::sqlite(&self.path, "reading events", e, 0);
        let mut stmt = conn.prepare(&sql).map_err(fail)?;
        let mut members = conn
            .prepare(
                "SELECT m.id, d.id, d.source, d.url, m.sentence FROM event_mentions em
                 JOIN mentions m ON m.mention_key = em.mention_key JOIN documents d ON d.doc_key = m.doc_key
                 WHERE em.event_key = ?1 ORDER BY m.date, d.id, m.sentence, m.id",
            )
            .map_err(fail)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(p)).map_err(fail)?;
        let mut n = 0u64;
        while let Some(r) = rows.next().map_err(fail)? {
            let key: i64 = r.get(0).map_err(fail)?;
            let mut ev = EventOut {
                id: r.get(1).map_err(fail)?,
                date: r.get(2).map_err(fail)?,
                end_date: r.get(3).map_err(fail)?,
                source: r.get(4).map_err(fail)?,
                target: r.get(5).map_err(fail)?,
                cameo: r.get(6).map_err(fail)?,
                plover: r.get(7).map_err(fail)?,
                quad: r.get(8).map_err(fail)?,
                goldstein: r.get(9).map_err(fail)?,
                place: r.get(10).map_err(fail)?,
                country: r.get(11).map_err(fail)?,
                adm1: r.get(12).map_err(fail)?,
                lat: r.get(13).map_err(fail)?,
                lon: r.get(14).map_err(fail)?,
                place_id: r.get(15).map_err(fail)?,
                num_mentions: r.get(16).map_err(fail)?,
                num_documents: r.get(17).map_err(fail)?,
                num_sources: r.get(18).map_err(fail)?,
                is_root: r.get(19).map_err(fail)?,
                source_text: r.get(20).map_err(fail)?,
                target_text: r.get(21).map_err(fail)?,
                mode: r.get(22).map_err(fail)?,
                context: r.get(23).map_err(fail)?,
                ..EventOut::default()
            };
            let mut mrows = members.query([key]).map_err(fail)?;
            while let Some(m) = mrows.next().map_err(fail)? {
                let mention: String = m.get(0).map_err(fail)?;
                let doc: String = m.get(1).map_err(fail)?;
                let source: Option<String> = m.get(2).map_err(fail)?;
                let url: Option<String> = m.get(3).map_err(fail)?;
                let sentence: i64 = m.get(4).map_err(fail)?;
                ev.sentences.push(format!("{doc}:{sentence}"));
                ev.mentions.push(mention);
                if !ev.documents.contains(&doc) {
                    ev.documents.push(doc);
                }
                if let Some(s) = source.filter(|s| !s.is_empty()) {
                    if !ev.sources.contains(&s) {
                        ev.sources.push(s);
                    }
                }
                if let Some(u) = url.filter(|u| !u.is_empty()) {
                    if !ev.urls.contains(&u) {
                        ev.urls.push(u);
                    }
                }
            }
            each(ev)?;
            n += 1;
        }
        Ok(n)
    }

    /// Calls `each` for every event mention matching `filter`, by date,
    /// document, sentence and id.
    ///
    /// # Errors
    /// As [`Store::for_each_event`].
    pub fn for_each_mention(
        &mut self,
        filter: &Filter,
        mut each: impl FnMut(MentionOut) -> Result<()>,
    ) -> Result<u64> {
        crate::events::refresh(self)?;
        let (w, mut p) = conditions(filter, "m", false)?;
        let mut sql = format!(
            "SELECT m.id, e.id, d.id, m.date, m.date_source, m.source_code, m.source_text, m.target_code, m.target_text,
                    m.cameo, m.plover, m.mode, m.context, m.quad, m.goldstein, m.event_text, m.place_name,
                    m.place_country, m.place_lat, m.place_lon, m.sentence, m.sent_start, m.sent_end, m.sentence_text,
                    d.source, d.url, m.verb, m.pattern, m.dictionary
             FROM mentions m JOIN documents d ON d.doc_key = m.doc_key
             LEFT JOIN event_mentions em ON em.mention_key = m.mention_key
             LEFT JOIN events e ON e.event_key = em.event_key
             {} ORDER BY m.date, d.id, m.sentence, m.id",
            where_sql(&w)
        );
        if let Some(n) = filter.limit {
            sql.push_str(" LIMIT ?");
            p.push(Sql::Integer(i64::try_from(n).unwrap_or(i64::MAX)));
        }
        let fail = |e: rusqlite::Error| Error::sqlite(&self.path, "reading mentions", e, 0);
        let mut stmt = self.conn.prepare(&sql).map_err(fail)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(p)).map_err(fail)?;
        let mut n = 0u64;
        while let Some(r) = rows.next().map_err(fail)? {
            let m = MentionOut {
                id: r.get(0).map_err(fail)?,
                event_id: r.get(1).map_err(fail)?,
                doc_id: r.get(2).map_err(fail)?,
                date: r.get(3).map_err(fail)?,
                date_source: r.get(4).map_err(fail)?,
                source: r.get(5).map_err(fail)?,
                source_text: r.get(6).map_err(fail)?,
                target: r.get(7).map_err(fail)?,
                target_text: r.get(8).map_err(fail)?,
                cameo: r.get(9).map_err(fail)?,
                plover: r.get(10).map_err(fail)?,
                mode: r.get(11).map_err(fail)?,
                context: r.get(12).map_err(fail)?,
                quad: r.get(13).map_err(fail)?,
                goldstein: r.get(14).map_err(fail)?,
                event_text: r.get(15).map_err(fail)?,
                place: r.get(16).map_err(fail)?,
                country: r.get(17).map_err(fail)?,
                lat: r.get(18).map_err(fail)?,
                lon: r.get(19).map_err(fail)?,
                sentence: r.get(20).map_err(fail)?,
                sent_start: r.get(21).map_err(fail)?,
                sent_end: r.get(22).map_err(fail)?,
                sentence_text: r.get(23).map_err(fail)?,
                news_source: r.get(24).map_err(fail)?,
                url: r.get(25).map_err(fail)?,
                verb: r.get(26).map_err(fail)?,
                pattern: r.get(27).map_err(fail)?,
                dictionary: r.get(28).map_err(fail)?,
            };
            each(m)?;
            n += 1;
        }
        Ok(n)
    }
}
