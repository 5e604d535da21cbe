//! dyad's event store: an embedded SQLite database (WAL mode, versioned
//! schema) that keeps every coded event mention with its provenance, groups
//! mentions into events, counts documents per day and source, and exports
//! to PLOVER JSON Lines, GDELT 2.0, Phoenix, CSV and Parquet.
//!
//! Coding is a function the caller passes in, so the store knows nothing of
//! the pipeline: [`ingest()`] runs it on all cores and commits the results
//! from one writer thread, in input order, in batches of whole documents.
//! `docs/store.md` documents the schema, `docs/exports.md` the exports.
//!
//! ```
//! use dyad_store::{ingest, CodedDoc, Filter, IngestOptions, Input, OpenOptions, Store};
//! use dyad_text::Document;
//!
//! let dir = std::env::temp_dir().join(format!("dyad-store-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("events.db");
//! let mut store = Store::open(&path, &OpenOptions { create: true, ..Default::default() }).unwrap();
//!
//! let mut doc = Document::new("d1", "Gondor met Rohan.");
//! doc.date = "2025-03-14".parse().ok();
//! let inputs = vec![Ok(Input { doc, origin: "example".into() })];
//! // A stand-in coder: one CONSULT event per document.
//! let code = |d: &Document| {
//!     let mut coded = CodedDoc::new(1);
//!     let record = serde_json::json!({
//!         "type": "event", "id": format!("ev-{}", d.id), "date": "2025-03-14",
//!         "actor": [{"code": "GON"}], "recipient": [{"code": "ROH"}],
//!         "event": ["CONSULT"], "cameo": "040", "quad_code": 1,
//!         "text_info": {"sequence": 0, "start": 0, "end": 17},
//!     });
//!     coded.push_json(d, record)?;
//!     Ok(coded)
//! };
//! let summary = ingest(&mut store, inputs, code, &IngestOptions::default(), &|_| {}).unwrap();
//! assert_eq!((summary.new, summary.mentions, summary.events), (1, 1, 1));
//!
//! let mut found = Vec::new();
//! store.for_each_event(&Filter { cameo: Some("04".into()), ..Default::default() }, |e| {
//!     found.push(e);
//!     Ok(())
//! }).unwrap();
//! assert_eq!(found[0].documents, ["d1"]);
//! # drop(store);
//! # std::fs::remove_dir_all(&dir).ok();
//! ```

pub mod actor;
mod error;
pub mod events;
pub mod export;
mod hash;
pub mod ingest;
#[cfg(feature = "parquet")]
mod parquet_out;
pub mod query;
pub mod record;
pub mod schema;
mod store;

pub use error::{Error, Result};
pub use export::{export, export_parquet, ExportOptions, Format, Table};
pub use hash::content_hash;
pub use ingest::{ingest, FailureNote, IngestOptions, IngestSummary, Input, Progress, ReadFailure};
pub use query::{EventOut, Filter, MentionOut};
pub use record::{ActorRow, CodedDoc, MentionRow, Place, PlaceRow, PositionRow, QuoteRow, SkipRow};
/// The SQLite binding, for callers that read the store with SQL of their own.
pub use rusqlite;
pub use store::{Counts, OpenOptions, Store};
