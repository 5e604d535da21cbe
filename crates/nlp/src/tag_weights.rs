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
    /// Number of slots (not a power of two: see [`slot_of`]).
    cap: usize,
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
        let mut w = TagWeights::with_capacity(n_classes, scale, rows.len());
        let mut scratch = Vec::new();
        for (key, row) in rows {
            scratch.clear();
            scratch.extend(row.into_iter().map(|(c, v)| u32::from(c) << 16 | u32::from(v as u16)));
            w.push_row(key, &scratch);
        }
        w
    }

    /// An empty table for `n` rows.
    fn with_capacity(n_classes: usize, scale: f32, n: usize) -> TagWeights {
        // Load factor 5/8: small enough for short probes, dense enough to
        // keep the table (the tagger's main cache cost) compact.
        let cap = (n * 8 / 5).max(16);
        TagWeights {
            n_classes,
            scale,
            cap,
            slots: vec![0; cap],
            entries: Vec::new(),
            dense: Vec::new(),
            keys: Vec::with_capacity(n),
        }
    }

    /// Adds a row of packed entries (`class << 16 | weight as u16`); zero
    /// weights and out-of-range classes are dropped, and so is a row that
    /// ends up empty, does not fit, or whose key cannot be told apart.
    fn push_row(&mut self, key: u64, packed: &[u32]) {
        let nc = self.n_classes;
        let keep = |e: &&u32| ((**e >> 16) as usize) < nc && **e & 0xFFFF != 0;
        let len = packed.iter().filter(keep).count();
        if len == 0 || len > 255 || self.entries.len() + len > MAX_ENTRIES {
            return;
        }
        let fp = key >> 32;
        let mut s = slot_of(key, self.cap);
        let mut clash = false;
        while self.slots[s] != 0 {
            clash |= self.slots[s] >> 32 == fp;
            s = next_slot(s, self.cap);
        }
        if clash {
            return; // two keys the table cannot tell apart: keep the first
        }
        if len * DENSE_FRACTION >= nc {
            let start = self.dense.len() / nc;
            if start >= MAX_ENTRIES {
                return;
            }
            self.slots[s] = fp << 32 | start as u64;
            self.dense.resize(self.dense.len() + nc, 0);
            for &e in packed.iter().filter(keep) {
                self.dense[start * nc + (e >> 16) as usize] = e as u16 as i16;
            }
        } else {
            self.slots[s] = fp << 32 | (len as u64) << 24 | self.entries.len() as u64;
            self.entries.extend(packed.iter().filter(keep));
        }
        self.keys.push(key);
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn n_features(&self) -> usize {
        self.keys.len()
    }

    /// Bytes of the lookup table, the sparse rows and the dense rows.
    pub fn memory(&self) -> [usize; 3] {
        [self.slots.len() * 8, self.entries.len() * 4, self.dense.len() * 2]
    }

    /// The slot of `key`, or 0 when it has no weights.
    #[inline]
    fn find(&self, key: u64) -> u64 {
        let fp = key >> 32;
        let mut s = slot_of(key, self.cap);
        loop {
            let v = self.slots.get(s).copied().unwrap_or(0);
            if v == 0 || v >> 32 == fp {
                return v;
            }
            s = next_slot(s, self.cap);
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
        // In slot order, so that loading fills the table front to back
        // instead of at random (several times faster on a large model).
        let mut keys = self.keys.clone();
        keys.sort_unstable_by_key(|&k| (k & 0xFFFF_FFFF, k));
        for &key in &keys {
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
        let mut w = TagWeights::with_capacity(n_classes, scale, n);
        let mut row = Vec::with_capacity(n_classes);
        for _ in 0..n {
            let key = r.u64()?;
            let len = usize::from(r.u8()?);
            row.clear();
            for _ in 0..len {
                let c = r.u8()?;
                if usize::from(c) >= n_classes {
                    return Err(r.err(format!("class {c} out of range")));
                }
                row.push(u32::from(c) << 16 | u32::from(r.i16()? as u16));
            }
            w.push_row(key, &row);
        }
        Ok(w)
    }
}

/// The home slot of `key`: its low 32 bits scaled to `0..cap` (the high
/// 32 bits are the fingerprint, so the two are independent).
#[inline]
fn slot_of(key: u64, cap: usize) -> usize {
    (((key & 0xFFFF_FFFF) * cap as u64) >> 32) as usize
}

#[inline]
fn next_slot(s: usize, cap: usize) -> usize {
    if s + 1 >= cap {
        0
    } else {
        s + 1
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
