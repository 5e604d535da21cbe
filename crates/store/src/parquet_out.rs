//! Parquet export through the parquet crate's column writers (no arrow).
//! The schema is fixed; `docs/exports.md` lists it.

use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::export::{numeric_id, ExportOptions, Table, EVENT_COLUMNS, MENTION_COLUMNS};
use crate::query::{EventOut, MentionOut};
use crate::{Error, Result, Store};

/// Rows per row group.
const ROW_GROUP: usize = 65_536;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    OptStr,
    OptDate,
    I64,
    OptI64,
    OptF64,
    Bool,
    List,
}

const EVENT_KINDS: [Kind; 30] = {
    use Kind::*;
    [
        Str, OptDate, OptDate, Str, OptStr, Str, OptStr, Str, Str, OptStr, OptStr, OptStr, OptI64, OptF64,
        OptStr, OptStr, OptStr, OptF64, OptF64, OptStr, I64, I64, I64, Bool, I64, List, List, List, List,
        List,
    ]
};

const MENTION_KINDS: [Kind; 29] = {
    use Kind::*;
    [
        Str, OptStr, Str, OptDate, OptStr, Str, OptStr, Str, OptStr, Str, OptStr, OptStr, OptStr, OptI64,
        OptF64, OptStr, OptStr, OptStr, OptF64, OptF64, I64, I64, I64, OptStr, OptStr, OptStr, OptStr,
        OptStr, OptStr,
    ]
};

/// The Parquet schema of a table, as a message type.
pub fn schema_text(table: Table) -> String {
    let (name, cols, kinds): (&str, &[&str], &[Kind]) = match table {
        Table::Events => ("events", &EVENT_COLUMNS, &EVENT_KINDS),
        Table::Mentions => ("mentions", &MENTION_COLUMNS, &MENTION_KINDS),
    };
    let mut s = format!("message {name} {{\n");
    for (c, k) in cols.iter().zip(kinds) {
        let line = match k {
            Kind::Str => format!("  REQUIRED BYTE_ARRAY {c} (STRING);\n"),
            Kind::OptStr => format!("  OPTIONAL BYTE_ARRAY {c} (STRING);\n"),
            Kind::OptDate => format!("  OPTIONAL INT32 {c} (DATE);\n"),
            Kind::I64 => format!("  REQUIRED INT64 {c};\n"),
            Kind::OptI64 => format!("  OPTIONAL INT64 {c};\n"),
            Kind::OptF64 => format!("  OPTIONAL DOUBLE {c};\n"),
            Kind::Bool => format!("  REQUIRED BOOLEAN {c};\n"),
            Kind::List => {
                format!("  REQUIRED GROUP {c} (LIST) {{\n    REPEATED GROUP list {{\n      REQUIRED BYTE_ARRAY element (STRING);\n    }}\n  }}\n")
            }
        };
        s.push_str(&line);
    }
    s.push('}');
    s
}

enum Cell {
    Str(Option<String>),
    Date(Option<i32>),
    I64(Option<i64>),
    F64(Option<f64>),
    Bool(bool),
    List(Vec<String>),
}

#[derive(Default)]
struct Buf {
    bytes: Vec<ByteArray>,
    i32s: Vec<i32>,
    i64s: Vec<i64>,
    f64s: Vec<f64>,
    bools: Vec<bool>,
    defs: Vec<i16>,
    reps: Vec<i16>,
}

fn date_days(d: &Option<String>) -> Option<i32> {
    d.as_deref()?.parse::<dyad_text::Date>().ok().and_then(|d| i32::try_from(d.to_days()).ok())
}

fn event_cells(ev: &EventOut) -> Vec<Cell> {
    use Cell::*;
    vec![
        Str(Some(ev.id.clone())),
        Date(date_days(&ev.date)),
        Date(date_days(&ev.end_date)),
        Str(Some(ev.source.clone())),
        Str(ev.source_text.clone()),
        Str(Some(ev.target.clone())),
        Str(ev.target_text.clone()),
        Str(Some(ev.cameo.clone())),
        Str(Some(ev.cameo.get(..2).unwrap_or(&ev.cameo).to_string())),
        Str(ev.plover.clone()),
        Str(ev.mode.clone()),
        Str(ev.context.clone()),
        I64(ev.quad),
        F64(ev.goldstein),
        Str(ev.place.clone()),
        Str(ev.country.clone()),
        Str(ev.adm1.clone()),
        F64(ev.lat),
        F64(ev.lon),
        Str(ev.place_id.clone()),
        I64(Some(ev.num_mentions)),
        I64(Some(ev.num_documents)),
        I64(Some(ev.num_sources)),
        Bool(ev.is_root),
        I64(Some(numeric_id(&ev.id))),
        List(ev.mentions.clone()),
        List(ev.documents.clone()),
        List(ev.sentences.clone()),
        List(ev.sources.clone()),
        List(ev.urls.clone()),
    ]
}

fn mention_cells(m: &MentionOut) -> Vec<Cell> {
    use Cell::*;
    vec![
        Str(Some(m.id.clone())),
        Str(m.event_id.clone()),
        Str(Some(m.doc_id.clone())),
        Date(date_days(&m.date)),
        Str(m.date_source.clone()),
        Str(Some(m.source.clone())),
        Str(m.source_text.clone()),
        Str(Some(m.target.clone())),
        Str(m.target_text.clone()),
        Str(Some(m.cameo.clone())),
        Str(m.plover.clone()),
        Str(m.mode.clone()),
        Str(m.context.clone()),
        I64(m.quad),
        F64(m.goldstein),
        Str(m.event_text.clone()),
        Str(m.place.clone()),
        Str(m.country.clone()),
        F64(m.lat),
        F64(m.lon),
        I64(Some(m.sentence)),
        I64(Some(m.sent_start)),
        I64(Some(m.sent_end)),
        Str(m.sentence_text.clone()),
        Str(m.news_source.clone()),
        Str(m.url.clone()),
        Str(m.verb.clone()),
        Str(m.pattern.clone()),
        Str(m.dictionary.clone()),
    ]
}

struct Writer {
    inner: SerializedFileWriter<std::fs::File>,
    kinds: Vec<Kind>,
    bufs: Vec<Buf>,
    rows: usize,
}

fn pq_err(e: parquet::errors::ParquetError) -> Error {
    Error::Export { path: "parquet".into(), detail: e.to_string() }
}

impl Writer {
    fn push(&mut self, cells: Vec<Cell>) -> Result<()> {
        for ((cell, buf), kind) in cells.into_iter().zip(self.bufs.iter_mut()).zip(&self.kinds) {
            let optional = matches!(kind, Kind::OptStr | Kind::OptDate | Kind::OptI64 | Kind::OptF64);
            let mut def = |present: bool| {
                if optional {
                    buf.defs.push(i16::from(present));
                }
            };
            match cell {
                Cell::Str(v) => {
                    def(v.is_some());
                    if let Some(s) = v {
                        buf.bytes.push(ByteArray::from(s.into_bytes()));
                    }
                }
                Cell::Date(v) => {
                    def(v.is_some());
                    buf.i32s.extend(v);
                }
                Cell::I64(v) => {
                    def(v.is_some());
                    buf.i64s.extend(v);
                }
                Cell::F64(v) => {
                    def(v.is_some());
                    buf.f64s.extend(v);
                }
                Cell::Bool(v) => buf.bools.push(v),
                Cell::List(items) => {
                    if items.is_empty() {
                        buf.defs.push(0);
                        buf.reps.push(0);
                    }
                    for (i, s) in items.into_iter().enumerate() {
                        buf.defs.push(1);
                        buf.reps.push(i16::from(i > 0));
                        buf.bytes.push(ByteArray::from(s.into_bytes()));
                    }
                }
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut rg = self.inner.next_row_group().map_err(pq_err)?;
        let mut i = 0usize;
        while let Some(mut col) = rg.next_column().map_err(pq_err)? {
            let (Some(buf), Some(kind)) = (self.bufs.get_mut(i), self.kinds.get(i)) else {
                return Err(Error::Export {
                    path: "parquet".into(),
                    detail: "schema and columns disagree".into(),
                });
            };
            let needs_defs =
                matches!(kind, Kind::List | Kind::OptStr | Kind::OptDate | Kind::OptI64 | Kind::OptF64);
            let defs = needs_defs.then_some(buf.defs.as_slice());
            let reps = (*kind == Kind::List).then_some(buf.reps.as_slice());
            match kind {
                Kind::Str | Kind::OptStr | Kind::List => {
                    col.typed::<ByteArrayType>().write_batch(&buf.bytes, defs, reps).map_err(pq_err)?;
                }
                Kind::OptDate => {
                    col.typed::<Int32Type>().write_batch(&buf.i32s, defs, None).map_err(pq_err)?;
                }
                Kind::I64 | Kind::OptI64 => {
                    col.typed::<Int64Type>().write_batch(&buf.i64s, defs, None).map_err(pq_err)?;
                }
                Kind::OptF64 => {
                    col.typed::<DoubleType>().write_batch(&buf.f64s, defs, None).map_err(pq_err)?;
                }
                Kind::Bool => {
                    col.typed::<BoolType>().write_batch(&buf.bools, None, None).map_err(pq_err)?;
                }
            }
            col.close().map_err(pq_err)?;
            *buf = Buf::default();
            i += 1;
        }
        rg.close().map_err(pq_err)?;
        self.rows = 0;
        Ok(())
    }
}

/// Writes the events (or mentions) selected by `opts` to a Parquet file;
/// returns the number of rows.
///
/// # Errors
/// [`Error::Export`] when writing fails, database errors, a bad filter.
pub fn export_parquet(
    store: &mut Store,
    opts: &ExportOptions,
    out: std::fs::File,
    tick: &mut dyn FnMut(u64),
) -> Result<u64> {
    let schema = Arc::new(parse_message_type(&schema_text(opts.table)).map_err(pq_err)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("dyad {}", dyad_code::record::DYAD_VERSION))
            .build(),
    );
    let inner = SerializedFileWriter::new(out, schema, props).map_err(pq_err)?;
    let kinds: Vec<Kind> = match opts.table {
        Table::Events => EVENT_KINDS.to_vec(),
        Table::Mentions => MENTION_KINDS.to_vec(),
    };
    let bufs = kinds.iter().map(|_| Buf::default()).collect();
    let mut w = Writer { inner, kinds, bufs, rows: 0 };
    let mut n = 0u64;
    match opts.table {
        Table::Events => {
            store.for_each_event(&opts.filter, |ev| {
                w.push(event_cells(&ev))?;
                n += 1;
                tick(n);
                Ok(())
            })?;
        }
        Table::Mentions => {
            store.for_each_mention(&opts.filter, |m| {
                w.push(mention_cells(&m))?;
                n += 1;
                tick(n);
                Ok(())
            })?;
        }
    }
    w.flush()?;
    w.inner.close().map_err(pq_err)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_parse() {
        for t in [Table::Events, Table::Mentions] {
            let s = parse_message_type(&schema_text(t)).unwrap();
            assert!(s.is_group());
        }
    }
}
