//! Events: mentions of the same happening, grouped.
//!
//! Mentions with the same source code, target code, CAMEO code and place
//! (gazetteer id, else place name, else country, else none) form one event
//! when their dates fall within a window that starts at the group's first
//! date: with the default window of 1 day, reports dated D and D+1 are one
//! event and D+2 starts the next. A window of 0 is the classic one-a-day
//! filter (per place). Undated mentions are grouped per document.
//!
//! The grouping depends only on the stored mentions, never on the order
//! they were ingested in, so event ids are the same for the same corpus.
//! An event's id hashes its key and first date.

use std::collections::HashSet;

use rusqlite::params;

use dyad_code::record::record_id;

use crate::{Result, Store};

/// Regroups the events when mentions changed since the last grouping (or
/// the window did); returns the number of events.
///
/// # Errors
/// Database errors; on error the previous events stay as they were.
pub fn refresh(store: &mut Store) -> Result<u64> {
    if store.meta("events_dirty")?.as_deref() != Some("0") {
        rebuild(store)?;
    }
    store
        .conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))
        .map(|n| n.max(0) as u64)
        .map_err(|e| store.err("counting events", e))
}

/// The date window in days.
pub fn window_days(store: &Store) -> Result<u32> {
    Ok(store.meta("events_window_days")?.and_then(|v| v.parse().ok()).unwrap_or(1))
}

struct Member {
    mention_key: i64,
    day: Option<i64>,
    date: Option<String>,
    doc_key: i64,
    doc_id: String,
    source: Option<String>,
    sentence: i64,
}

#[derive(Default)]
struct Group {
    source_code: String,
    target_code: String,
    cameo: String,
    place_group: String,
    start_day: Option<i64>,
    members: Vec<Member>,
    // From the first member.
    plover: Option<String>,
    quad: Option<i64>,
    goldstein: Option<f64>,
    place_name: Option<String>,
    place_country: Option<String>,
    place_adm1: Option<String>,
    place_lat: Option<f64>,
    place_lon: Option<f64>,
    place_id: Option<String>,
}

/// Regroups all events in one transaction.
///
/// # Errors
/// Database errors; on error the previous events stay as they were.
pub fn rebuild(store: &mut Store) -> Result<()> {
    let window = i64::from(window_days(store)?);
    let path = store.path.clone();
    let fail = |e: rusqlite::Error| crate::Error::sqlite(&path, "grouping events", e, 0);
    let tx = store.conn.transaction().map_err(fail)?;
    tx.execute_batch("DELETE FROM event_mentions; DELETE FROM events;").map_err(fail)?;
    {
        let mut select = tx
            .prepare(
                "SELECT m.mention_key, m.source_code, m.target_code, m.cameo, m.place_group, m.date, m.doc_key, d.id,
                        d.source, m.sentence, m.plover, m.quad, m.goldstein, m.place_name, m.place_country,
                        m.place_adm1, m.place_lat, m.place_lon, m.place_id
                 FROM mentions m JOIN documents d ON d.doc_key = m.doc_key
                 ORDER BY m.source_code, m.target_code, m.cameo, m.place_group, m.date, d.id, m.sentence, m.id",
            )
            .map_err(fail)?;
        let mut insert_event = tx
            .prepare(
                "INSERT INTO events(id, date, end_date, source_code, target_code, cameo, plover, quad, goldstein,
                    place_group, place_name, place_country, place_adm1, place_lat, place_lon, place_id,
                    n_mentions, n_documents, n_sources, is_root, first_mention)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            )
            .map_err(fail)?;
        let mut insert_member =
            tx.prepare("INSERT INTO event_mentions(event_key, mention_key) VALUES (?1, ?2)").map_err(fail)?;
        let mut flush = |g: &Group| -> rusqlite::Result<()> {
            let Some(first) = g.members.first() else { return Ok(()) };
            let first_date = first.date.clone();
            let anchor = match &first_date {
                Some(d) => d.clone(),
                None => format!("undated:{}", first.doc_id),
            };
            let id = record_id("evt", &[&g.source_code, &g.target_code, &g.cameo, &g.place_group, &anchor]);
            let end_date = g.members.iter().filter_map(|m| m.date.clone()).max();
            let docs: HashSet<i64> = g.members.iter().map(|m| m.doc_key).collect();
            let sources: HashSet<&str> =
                g.members.iter().filter_map(|m| m.source.as_deref()).filter(|s| !s.is_empty()).collect();
            let is_root = g.members.iter().any(|m| m.sentence == 0);
            insert_event.execute(params![
                id,
                first_date,
                end_date,
                g.source_code,
                g.target_code,
                g.cameo,
                g.plover,
                g.quad,
                g.goldstein,
                g.place_group,
                g.place_name,
                g.place_country,
                g.place_adm1,
                g.place_lat,
                g.place_lon,
                g.place_id,
                g.members.len() as i64,
                docs.len() as i64,
                sources.len() as i64,
                is_root,
                first.mention_key
            ])?;
            let event_key = tx.last_insert_rowid();
            for m in &g.members {
                insert_member.execute(params![event_key, m.mention_key])?;
            }
            Ok(())
        };
        let mut rows = select.query([]).map_err(fail)?;
        let mut cur = Group::default();
        while let Some(r) = rows.next().map_err(fail)? {
            let source_code: String = r.get(1).map_err(fail)?;
            let target_code: String = r.get(2).map_err(fail)?;
            let cameo: String = r.get(3).map_err(fail)?;
            let place_group: String = r.get(4).map_err(fail)?;
            let date: Option<String> = r.get(5).map_err(fail)?;
            let day = date.as_deref().and_then(|d| d.parse::<dyad_text::Date>().ok()).map(|d| d.to_days());
            let member = Member {
                mention_key: r.get(0).map_err(fail)?,
                day,
                date,
                doc_key: r.get(6).map_err(fail)?,
                doc_id: r.get(7).map_err(fail)?,
                source: r.get(8).map_err(fail)?,
                sentence: r.get(9).map_err(fail)?,
            };
            let same_key = !cur.members.is_empty()
                && cur.source_code == source_code
                && cur.target_code == target_code
                && cur.cameo == cameo
                && cur.place_group == place_group;
            let joins = same_key
                && match (cur.start_day, member.day) {
                    (Some(start), Some(day)) => day - start <= window,
                    (None, None) => cur.members.first().map(|m| m.doc_key) == Some(member.doc_key),
                    _ => false,
                };
            if !joins {
                flush(&cur).map_err(fail)?;
                cur = Group {
                    source_code,
                    target_code,
                    cameo,
                    place_group,
                    start_day: member.day,
                    members: Vec::new(),
                    plover: r.get(10).map_err(fail)?,
                    quad: r.get(11).map_err(fail)?,
                    goldstein: r.get(12).map_err(fail)?,
                    place_name: r.get(13).map_err(fail)?,
                    place_country: r.get(14).map_err(fail)?,
                    place_adm1: r.get(15).map_err(fail)?,
                    place_lat: r.get(16).map_err(fail)?,
                    place_lon: r.get(17).map_err(fail)?,
                    place_id: r.get(18).map_err(fail)?,
                };
            }
            cur.members.push(member);
        }
        flush(&cur).map_err(fail)?;
    }
    tx.execute("UPDATE meta SET value = '0' WHERE key = 'events_dirty'", []).map_err(fail)?;
    tx.commit().map_err(fail)
}
