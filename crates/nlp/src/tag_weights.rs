//! Frozen tagger weights laid out for fast lookup.
//!
//! Tagging spends most of its time fetching feature rows from a table far
//! larger than the L2 cache. This layout keeps each slot to 8 bytes (a
//! 32-bit key fingerprint, the row's length and start) so the table is a
//! quarter of [`crate::perceptron::Weights`]', and scoring runs in two
//! phases — first resolve every key of a token (independent loads the CPU
//! overlaps), then add up the rows — instead of one dependent probe at a time.
//!
//! The file format is that of [`crate::perceptron::Weights`]: full 64-bit keys,
//! so the table can be laid out differently without changing files.

use crate::model::{Reader, Writer};
use crate::Result;

/// Most entries a table can address (the slot keeps a 24-bit start).
const MAX_ENTRIES: usize = 1 << 24;
/// Rows with at least `n_classes / DENSE_FRACTION` entries are stored dense.
const DENSE_FRACTION: usize = 6;

/// Feature key → sparse row of quantised class weights.
#[derive(Clone, Debug, Default)]
pub struct TagWeights {
    n_classes: usize,
    /// Multiply integer scores by this to get the averaged perceptron's scale.
    pub scale: f32,
    mask: usize,
    /// `fingerprint << 32 | len << 24 | start`; 0 is an empty slot (rows are
    /// never empty). `len` 0 marks a dense row, `start` then indexes `dense`.
    slots: Vec<u64>,
    /// Sparse rows: each entry is `class << 16 | weight as u16`.
    entries: Vec<u32>,
    /// Rows with many classes, `n_classes` weights each: adding them is a
    /// vectorised loop instead of scattered adds.
    dense: Vec<i16>,
    /// Keys in row order, for writing the file back.
    keys: Vec<u64>,
}

impl TagWeights {
    /// Builds the table from rows `(key, [(class, weight)])`; empty rows,
    /// out-of-range classes and rows beyond the addressable size are dropped.
    pub fn from_rows(n_classes: usize, scale: f32, rows: Vec<(u64, Vec<(u8, i16)>)>) -> TagWeights {
        let n = rows.len();
        let cap = (n + n / 2).next_power_of_two().max(16);
        let mut w = TagWeights {
            n_classes,
            scale,
            mask: cap - 1,
            slots: vec![0; cap],
            entries: Vec::new(),
            dense: Vec::new(),
            keys: Vec::with_capacity(n),
        };
        for (key, row) in rows {
            let row: Vec<u32> = row
                .into_iter()
                .filter(|&(c, v)| usize::from(c) < n_classes && v != 0)
                .map(|(c, v)| u32::from(c) << 16 | u32::from(v as u16))
                .collect();
            if row.is_empty() || row.len() > 255 || w.entries.len() + row.len() > MAX_ENTRIES {
                continue;
            }
            let fp = key >> 32;
            let mut s = key as usize & w.mask;
            let mut clash = false;
            while w.slots[s] != 0 {
                clash |= w.slots[s] >> 32 == fp;
                s = (s + 1) & w.mask;
            }
            if clash {
                continue; // two keys the table cannot tell apart: keep the first
            }
            if row.len() * DENSE_FRACTION >= n_classes {
                let start = w.dense.len() / n_classes;
                if start >= MAX_ENTRIES {
                    continue;
                }
                w.slots[s] = fp << 32 | start as u64;
                w.dense.resize(w.dense.len() + n_classes, 0);
                for e in row {
                    w.dense[start * n_classes + (e >> 16) as usize] = e as u16 as i16;
                }
            } else {
                w.slots[s] = fp << 32 | (row.len() as u64) << 24 | w.entries.len() as u64;
                w.entries.extend_from_slice(&row);
            }
            w.keys.push(key);
        }
        w
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn n_features(&self) -> usize {
        self.keys.len()
    }

    /// The slot of `key`, or 0 when it has no weights.
    #[inline]
    fn find(&self, key: u64) -> u64 {
        let fp = key >> 32;
        let mut s = key as usize & self.mask;
        loop {
            let v = self.slots.get(s).copied().unwrap_or(0);
            if v == 0 || v >> 32 == fp {
                return v;
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Resolves `keys` to row handles in `out` (cleared first) for [`TagWeights::add_rows`].
    #[inline]
    pub fn gather(&self, keys: &[u64], out: &mut Vec<u64>) {
        out.clear();
        out.extend(keys.iter().map(|&k| self.find(k)));
    }

    /// Adds the rows behind `handles` into `scores` (not zeroed first).
    #[inline]
    pub fn add_rows(&self, handles: &[u64], scores: &mut [i32]) {
        let nc = self.n_classes;
        for &h in handles {
            if h == 0 {
                continue;
            }
            let start = (h & 0xFF_FFFF) as usize;
            let len = (h >> 24 & 0xFF) as usize;
            if len == 0 {
                if let Some(row) = self.dense.get(start * nc..(start + 1) * nc) {
                    for (s, &w) in scores.iter_mut().zip(row) {
                        *s += i32::from(w);
                    }
                }
            } else if let Some(row) = self.entries.get(start..start + len) {
                for &e in row {
                    if let Some(s) = scores.get_mut((e >> 16) as usize) {
                        *s += i32::from(e as u16 as i16);
                    }
                }
            }
        }
    }

    /// The row of `key` as `(class, weight)` pairs, for writing.
    fn row(&self, key: u64) -> Vec<(u8, i16)> {
        let h = self.find(key);
        let start = (h & 0xFF_FFFF) as usize;
        let len = (h >> 24 & 0xFF) as usize;
        let nc = self.n_classes;
        if h == 0 {
            Vec::new()
        } else if len == 0 {
            let row = self.dense.get(start * nc..(start + 1) * nc).unwrap_or(&[]);
            row.iter().enumerate().filter(|(_, &w)| w != 0).map(|(c, &w)| (c as u8, w)).collect()
        } else {
            let row = self.entries.get(start..start + len).unwrap_or(&[]);
            row.iter().map(|&e| ((e >> 16) as u8, e as u16 as i16)).collect()
        }
    }

    /// Zeroes `scores` and adds the weights of every key.
    pub fn score(&self, keys: &[u64], scores: &mut [i32], handles: &mut Vec<u64>) {
        scores.iter_mut().for_each(|s| *s = 0);
        self.gather(keys, handles);
        self.add_rows(handles, scores);
    }

    pub fn write(&self, w: &mut Writer) {
        w.u32(self.n_classes as u32);
        w.f32(self.scale);
        w.u32(self.keys.len() as u32);
        for &key in &self.keys {
            let row = self.row(key);
            w.u64(key);
            w.u8(row.len() as u8);
            for (c, v) in row {
                w.u8(c);
                w.i16(v);
            }
        }
    }

    pub fn read(r: &mut Reader<'_>) -> Result<TagWeights> {
        let n_classes = r.u32()? as usize;
        if n_classes == 0 || n_classes > 255 {
            return Err(r.err(format!("{n_classes} classes (expected 1..=255)")));
        }
        let scale = r.f32()?;
        let n = r.len(9)?;
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let key = r.u64()?;
            let len = usize::from(r.u8()?);
            let mut row = Vec::with_capacity(len);
            for _ in 0..len {
                let c = r.u8()?;
                if usize::from(c) >= n_classes {
                    return Err(r.err(format!("class {c} out of range")));
                }
                row.push((c, r.i16()?));
            }
            rows.push((key, row));
        }
        Ok(TagWeights::from_rows(n_classes, scale, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_round_trips() {
        let rows = vec![
            (0x1111_0000_0000_0001u64, vec![(0u8, 5i16), (2, -3)]),
            (0x2222_0000_0000_0001, vec![(1, 7)]),
            (0x3333_0000_0000_0011, vec![]),
        ];
        let mut rows = rows;
        rows.push((0x4444_0000_0000_0002, (0..3).map(|c| (c, 1)).collect()));
        let w = TagWeights::from_rows(3, 0.5, rows);
        assert_eq!(w.n_features(), 3);
        let mut scores = vec![0; 3];
        let mut h = Vec::new();
        w.score(&[0x1111_0000_0000_0001, 0x2222_0000_0000_0001, 42], &mut scores, &mut h);
        assert_eq!(scores, vec![5, 7, -3]);
        let mut out = Writer::new(b"DYADTEST", 1);
        w.write(&mut out);
        let mut r = Reader::new(&out.buf, b"DYADTEST", 1, "test").unwrap();
        let back = TagWeights::read(&mut r).unwrap();
        r.finish().unwrap();
        back.score(
            &[0x1111_0000_0000_0001, 0x2222_0000_0000_0001, 0x4444_0000_0000_0002],
            &mut scores,
            &mut h,
        );
        assert_eq!(scores, vec![6, 8, -2]);
        let mut again = Writer::new(b"DYADTEST", 1);
        back.write(&mut again);
        assert_eq!(again.buf, out.buf);
    }
}
