//! The parser's two linear models and their compact frozen forms.
//!
//! The transition classifier has three classes (SHIFT, LEFT, RIGHT). Only
//! score differences decide the argmax, so each feature keeps two numbers,
//! `w[LEFT] - w[SHIFT]` and `w[RIGHT] - w[SHIFT]`, quantised to `i16`, next
//! to a 32-bit fingerprint of its key in one `u64`: eight features share a
//! cache line and one lookup is usually one memory access. The labeller
//! keeps a row of class weights per feature (dense for busy features).
//!
//! Both frozen tables use an ordered index: fingerprints are placed in
//! ascending order, each at its home slot (its top bits) or just after the
//! previous one, so every run of slots is sorted and a lookup stops at the
//! first empty slot or larger fingerprint. Misses, the common case for rare
//! word features, cost about as little as hits, and loading a table is one
//! sequential pass over the sorted file.

use crate::model::{Reader, Writer};
use crate::perceptron::KeyMap;
use crate::Result;

/// Learns the three-class weights (averaged perceptron, lazy averaging).
#[derive(Default)]
pub struct DeltaTrainer {
    rows: KeyMap<u32>,
    /// Row of each direct feature, plus one (0: none yet).
    direct: Vec<u32>,
    w: Vec<[f32; 3]>,
    totals: Vec<[f64; 3]>,
    stamps: Vec<u32>,
    tick: u32,
}

impl DeltaTrainer {
    pub fn new() -> DeltaTrainer {
        DeltaTrainer { tick: 1, ..DeltaTrainer::default() }
    }

    /// Current (not averaged) scores of the three classes for hashed
    /// features `hashed` and direct features `direct`.
    pub fn score<const H: usize, const D: usize>(&self, hashed: &[u64; H], direct: &[u32; D]) -> [f32; 3] {
        let mut s = [0.0f32; 3];
        let rows = hashed.iter().filter_map(|f| self.rows.get(f).map(|&r| r as usize)).chain(
            direct
                .iter()
                .filter_map(|&d| self.direct.get(d as usize).filter(|&&r| r > 0).map(|&r| r as usize - 1)),
        );
        for r in rows {
            let w = &self.w[r];
            s[0] += w[0];
            s[1] += w[1];
            s[2] += w[2];
        }
        s
    }

    /// Counts one prediction (for averaging).
    pub fn tick(&mut self) {
        self.tick += 1;
    }

    /// Moves every feature's weights toward `gold` and away from `guess`.
    pub fn update<const H: usize, const D: usize>(
        &mut self,
        hashed: &[u64; H],
        direct: &[u32; D],
        gold: usize,
        guess: usize,
    ) {
        if gold == guess || gold > 2 || guess > 2 {
            return;
        }
        for &f in hashed {
            let next = self.w.len() as u32;
            let r = *self.rows.entry(f).or_insert(next) as usize;
            self.bump(r, gold, guess);
        }
        for &d in direct {
            let d = d as usize;
            if d >= self.direct.len() {
                self.direct.resize(d + 1, 0);
            }
            if self.direct[d] == 0 {
                self.direct[d] = self.w.len() as u32 + 1;
            }
            let r = self.direct[d] as usize - 1;
            self.bump(r, gold, guess);
        }
    }

    fn bump(&mut self, r: usize, gold: usize, guess: usize) {
        if r == self.w.len() {
            self.w.push([0.0; 3]);
            self.totals.push([0.0; 3]);
            self.stamps.push(self.tick);
        }
        let elapsed = f64::from(self.tick - self.stamps[r]);
        for c in 0..3 {
            self.totals[r][c] += elapsed * f64::from(self.w[r][c]);
        }
        self.stamps[r] = self.tick;
        self.w[r][gold] += 1.0;
        self.w[r][guess] -= 1.0;
    }

    /// Averaged `(left - shift, right - shift)` of row `r`.
    fn deltas(&self, r: usize) -> (f32, f32) {
        let t = f64::from(self.tick);
        let elapsed = f64::from(self.tick - self.stamps[r]);
        let avg = |c: usize| (self.totals[r][c] + elapsed * f64::from(self.w[r][c])) / t;
        let (s, l, rt) = (avg(0), avg(1), avg(2));
        ((l - s) as f32, (rt - s) as f32)
    }

    /// Averages, quantises and drops hashed features whose deltas are all
    /// below `prune` (in averaged-weight units; 0 keeps every non-zero
    /// feature). The direct table gets `direct_size` entries.
    pub fn freeze(&self, prune: f32, direct_size: usize) -> DeltaTable {
        let mut deltas: Vec<(u32, f32, f32)> = Vec::with_capacity(self.rows.len());
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        for (key, r) in keys {
            let (l, rt) = self.deltas(r as usize);
            deltas.push((fingerprint(key), l, rt));
        }
        // Keys sharing a fingerprint are merged (their weights add up at run time anyway).
        deltas.sort_unstable_by_key(|d| d.0);
        let mut merged: Vec<(u32, f32, f32)> = Vec::with_capacity(deltas.len());
        for d in deltas {
            match merged.last_mut() {
                Some(m) if m.0 == d.0 => {
                    m.1 += d.1;
                    m.2 += d.2;
                }
                _ => merged.push(d),
            }
        }
        merged.retain(|d| d.1.abs().max(d.2.abs()) > prune);
        let direct: Vec<(f32, f32)> = (0..direct_size)
            .map(|i| match self.direct.get(i) {
                Some(&r) if r > 0 => self.deltas(r as usize - 1),
                _ => (0.0, 0.0),
            })
            .collect();
        let max = merged
            .iter()
            .map(|d| (d.1, d.2))
            .chain(direct.iter().copied())
            .map(|(l, r)| l.abs().max(r.abs()))
            .fold(0.0f32, f32::max);
        let scale = if max > 0.0 { f32::from(i16::MAX) / max } else { 1.0 };
        let q = |x: f32| (x * scale).round().clamp(-32767.0, 32767.0) as i16;
        let rows: Vec<(u32, i16, i16)> =
            merged.iter().map(|d| (d.0, q(d.1), q(d.2))).filter(|r| r.1 != 0 || r.2 != 0).collect();
        let direct = direct.iter().map(|&(l, r)| pack(q(l), q(r))).collect();
        DeltaTable::build(1.0 / scale, &rows, direct)
    }
}

/// Two `i16` weights in one `u32`.
#[inline]
fn pack(l: i16, r: i16) -> u32 {
    u32::from(l as u16) << 16 | u32::from(r as u16)
}

/// The 32-bit fingerprint a key is stored under: its top bits, low bit
/// forced to 1 so that it is never 0 (which marks an empty slot).
#[inline]
fn fingerprint(key: u64) -> u32 {
    (key >> 32) as u32 | 1
}

/// Ordered open addressing from fingerprints to 32-bit payloads (see the module docs).
#[derive(Clone, Debug)]
struct Index {
    /// Home slot of `fp` is `fp >> shift`; the table has `2^(32 - shift)`
    /// home slots plus whatever overflow the last run needs.
    shift: u32,
    /// `fingerprint << 32 | payload`; 0 = empty.
    slots: Vec<u64>,
    next: usize,
    last: u32,
}

impl Index {
    /// An empty index sized for `n` entries (load at most 1/2), plus one
    /// always-empty slot at the end so that a home slot has a successor.
    fn with_capacity(n: usize) -> Index {
        let cap = (2 * n + 1).next_power_of_two().clamp(16, 1 << 31);
        Index { shift: 32 - cap.trailing_zeros(), slots: vec![0; cap + 1], next: 0, last: 0 }
    }

    #[inline]
    fn home(&self, fp: u32) -> usize {
        (fp >> self.shift) as usize
    }

    /// Appends an entry; fingerprints must come in strictly ascending order
    /// (others are refused with `false`).
    fn push(&mut self, fp: u32, payload: u32) -> bool {
        if fp == 0 || fp <= self.last {
            return false;
        }
        let pos = self.home(fp).max(self.next);
        if pos + 1 >= self.slots.len() {
            self.slots.resize(pos + 2, 0);
        }
        self.slots[pos] = u64::from(fp) << 32 | u64::from(payload);
        self.next = pos + 1;
        self.last = fp;
        true
    }

    /// The home slot of `fp` (always in range: there are `2^(32 - shift)` of them).
    #[inline]
    fn first(&self, fp: u32) -> u64 {
        self.slots[self.home(fp)]
    }

    /// The slot after the home slot of `fp` (in range: the last slot is always empty).
    #[inline]
    fn second(&self, fp: u32) -> u64 {
        self.slots.get(self.home(fp) + 1).copied().unwrap_or(0)
    }

    /// The payload of `fp`, given its home slot `first` (loaded earlier).
    #[inline]
    fn resolve(&self, fp: u32, first: u64) -> Option<u32> {
        let mut s = first;
        let mut i = self.home(fp);
        loop {
            let k = (s >> 32) as u32;
            if k == fp {
                return Some(s as u32);
            }
            if k == 0 || k > fp {
                return None;
            }
            i += 1;
            s = *self.slots.get(i)?;
        }
    }

    /// Entries in ascending fingerprint order.
    fn entries(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.slots.iter().filter(|&&s| s != 0).map(|&s| ((s >> 32) as u32, s as u32))
    }
}

/// Frozen three-class weights.
#[derive(Clone, Debug)]
pub struct DeltaTable {
    /// Multiply integer scores by this to get the averaged perceptron's scale.
    pub scale: f32,
    /// Payload: `(left delta as u16) << 16 | right delta as u16`.
    index: Index,
    n_features: usize,
    /// Weights of the direct features (same packing), indexed by feature.
    direct: Vec<u32>,
}

impl DeltaTable {
    fn build(scale: f32, rows: &[(u32, i16, i16)], direct: Vec<u32>) -> DeltaTable {
        let mut rows: Vec<(u32, i16, i16)> = rows.iter().copied().filter(|r| r.1 != 0 || r.2 != 0).collect();
        rows.sort_by_key(|r| r.0);
        rows.dedup_by_key(|r| r.0);
        let mut t = DeltaTable { scale, index: Index::with_capacity(rows.len()), n_features: 0, direct };
        for (fp, l, r) in rows {
            if t.index.push(fp, pack(l, r)) {
                t.n_features += 1;
            }
        }
        t
    }

    /// Number of direct features.
    pub fn direct_size(&self) -> usize {
        self.direct.len()
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Scores of SHIFT, LEFT, RIGHT (SHIFT is always 0).
    ///
    /// First loads every feature's home slot (independent loads that the
    /// CPU overlaps), then resolves them, so cache misses are paid side by
    /// side rather than one after another.
    #[inline]
    pub fn score<const H: usize, const D: usize>(&self, hashed: &[u64; H], direct: &[u32; D]) -> [i32; 3] {
        let mut probe = [0u64; H];
        for (p, &f) in probe.iter_mut().zip(hashed) {
            *p = self.index.first(fingerprint(f));
        }
        let (mut left, mut right) = (0i32, 0i32);
        for &d in direct {
            let w = self.direct.get(d as usize).copied().unwrap_or(0);
            left += i32::from((w >> 16) as u16 as i16);
            right += i32::from(w as u16 as i16);
        }
        for (&f, &s0) in hashed.iter().zip(probe.iter()) {
            // Most features sit in their home slot or the next one (or are
            // absent): check both without branching, fall back to a scan
            // only when the run goes on with smaller fingerprints.
            let fp = fingerprint(f);
            let s1 = self.index.second(fp);
            let (k0, k1) = ((s0 >> 32) as u32, (s1 >> 32) as u32);
            let w = if k0 == fp {
                s0 as u32
            } else if k1 == fp {
                s1 as u32
            } else {
                0
            };
            let w = if k0 != fp && k1 != fp && k1 != 0 && k1 < fp {
                self.index.resolve(fp, s0).unwrap_or(0)
            } else {
                w
            };
            left += i32::from((w >> 16) as u16 as i16);
            right += i32::from(w as u16 as i16);
        }
        [0, left, right]
    }

    /// Writes the table: count, scale, then each slot as it sits in memory
    /// (`fingerprint << 32 | left << 16 | right`, ascending), so that
    /// loading is a sequential pass.
    /// The direct weights follow: their count, the number of non-zero
    /// ones, then `(index, weights)` pairs in ascending index order.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.n_features as u32);
        w.f32(self.scale);
        for (fp, p) in self.index.entries() {
            w.u64(u64::from(fp) << 32 | u64::from(p));
        }
        w.u32(self.direct.len() as u32);
        w.u32(self.direct.iter().filter(|&&x| x != 0).count() as u32);
        for (i, &x) in self.direct.iter().enumerate().filter(|(_, &x)| x != 0) {
            w.u32(i as u32);
            w.u32(x);
        }
    }

    pub fn read(r: &mut Reader<'_>) -> Result<DeltaTable> {
        let n = r.len(8)?;
        let scale = r.f32()?;
        if !scale.is_finite() {
            return Err(r.err("transition weights: scale is not finite".into()));
        }
        let bytes = r.take(n * 8)?;
        let mut t = DeltaTable { scale, index: Index::with_capacity(n), n_features: 0, direct: Vec::new() };
        for c in bytes.chunks_exact(8) {
            let s = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            if s as u32 == 0 || !t.index.push((s >> 32) as u32, s as u32) {
                return Err(r.err("transition weights: features out of order or empty".into()));
            }
            t.n_features += 1;
        }
        let size = r.u32()? as usize;
        if size > 1 << 26 {
            return Err(r.err(format!("transition weights: {size} direct features")));
        }
        let nonzero = r.len(8)?;
        let bytes = r.take(nonzero * 8)?;
        t.direct = vec![0; size];
        let mut next = 0;
        for c in bytes.chunks_exact(8) {
            let i = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
            let x = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            match t.direct.get_mut(i) {
                Some(slot) if i >= next && x != 0 => *slot = x,
                _ => return Err(r.err("transition weights: direct features out of order".into())),
            }
            next = i + 1;
        }
        Ok(t)
    }
}

/// Learns the labeller's weights: averaged perceptron with a dense `f32` row per feature.
pub struct LabelTrainer {
    n: usize,
    rows: KeyMap<u32>,
    w: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    tick: u32,
}

impl LabelTrainer {
    /// `n_classes` must be in `1..=255`.
    pub fn new(n_classes: usize) -> LabelTrainer {
        LabelTrainer {
            n: n_classes.clamp(1, 255),
            rows: KeyMap::default(),
            w: Vec::new(),
            totals: Vec::new(),
            stamps: Vec::new(),
            tick: 1,
        }
    }

    /// Current (not averaged) scores into `scores` (length `n_classes`).
    pub fn score(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(&r) = self.rows.get(f) {
                let row = &self.w[r as usize * self.n..][..self.n];
                scores.iter_mut().zip(row).for_each(|(s, w)| *s += w);
            }
        }
    }

    pub fn tick(&mut self) {
        self.tick += 1;
    }

    pub fn update(&mut self, features: &[u64], gold: usize, guess: usize) {
        if gold == guess || gold >= self.n || guess >= self.n {
            return;
        }
        let n = self.n;
        for &f in features {
            let next = self.rows.len() as u32;
            let r = *self.rows.entry(f).or_insert(next) as usize;
            if r == self.stamps.len() {
                self.w.resize(self.w.len() + n, 0.0);
                self.totals.resize(self.totals.len() + n, 0.0);
                self.stamps.push(self.tick);
            }
            let elapsed = f64::from(self.tick - self.stamps[r]);
            if elapsed > 0.0 {
                for c in 0..n {
                    self.totals[r * n + c] += elapsed * f64::from(self.w[r * n + c]);
                }
            }
            self.stamps[r] = self.tick;
            self.w[r * n + gold] += 1.0;
            self.w[r * n + guess] -= 1.0;
        }
    }

    /// Averages and quantises so that the weights of `max_features`
    /// features add up within `i16`; drops weights whose magnitude is at most `prune`.
    pub fn freeze(&self, prune: f32, max_features: usize) -> LabelTable {
        let n = self.n;
        let t = f64::from(self.tick);
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        let mut rows: Vec<(u32, Vec<f32>)> = Vec::with_capacity(keys.len());
        for (key, r) in keys {
            let r = r as usize;
            let elapsed = f64::from(self.tick - self.stamps[r]);
            let avg: Vec<f32> = (0..n)
                .map(|c| ((self.totals[r * n + c] + elapsed * f64::from(self.w[r * n + c])) / t) as f32)
                .collect();
            rows.push((fingerprint(key), avg));
        }
        rows.sort_by_key(|r| r.0);
        let mut merged: Vec<(u32, Vec<f32>)> = Vec::with_capacity(rows.len());
        for (fp, avg) in rows {
            match merged.last_mut() {
                Some(m) if m.0 == fp => m.1.iter_mut().zip(&avg).for_each(|(a, b)| *a += b),
                _ => merged.push((fp, avg)),
            }
        }
        let max = merged.iter().flat_map(|r| r.1.iter()).fold(0.0f32, |m, w| m.max(w.abs()));
        let top = f32::from(i16::MAX) / max_features.max(1) as f32;
        let scale = if max > 0.0 { top / max } else { 1.0 };
        let rows: Vec<(u32, Vec<(u8, i16)>)> = merged
            .into_iter()
            .map(|(fp, avg)| {
                let e = avg
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.abs() > prune)
                    .map(|(c, w)| (c as u8, (w * scale).round().clamp(-top, top) as i16))
                    .filter(|e| e.1 != 0)
                    .collect();
                (fp, e)
            })
            .collect();
        LabelTable::build(n, 1.0 / scale, rows)
    }
}

/// Classes a labeller may have: one dense row is `LANES` `i16`s, summed
/// in SIMD registers.
pub const LANES: usize = 64;
/// Rows with at least this many classes are stored dense.
const DENSE_MIN: usize = 8;
/// Marks a dense row in a slot's low half.
const DENSE: u32 = 1 << 31;

/// Frozen labeller weights: fingerprint → row of class weights, dense
/// (`i16` per class, added with SIMD) for the busy features, sparse
/// (`class, i16` pairs) for the rest.
#[derive(Clone, Debug)]
pub struct LabelTable {
    n_classes: usize,
    /// Dense row length (`LANES`).
    stride: usize,
    pub scale: f32,
    /// Payload: `DENSE | index` of a row of `dense`, or the start of a
    /// sparse row in `sparse`.
    index: Index,
    /// Sparse rows: the length, then `class << 16 | weight as u16` entries.
    sparse: Vec<u32>,
    dense: Vec<i16>,
    n_features: usize,
}

impl LabelTable {
    fn build(n_classes: usize, scale: f32, rows: Vec<(u32, Vec<(u8, i16)>)>) -> LabelTable {
        let mut t = LabelTable::with_rows(n_classes, scale, rows.len());
        let mut raw = Vec::new();
        for (fp, e) in rows {
            raw.clear();
            for (c, w) in e {
                raw.push(c);
                raw.extend_from_slice(&w.to_le_bytes());
            }
            // Rows come from the trainer: sorted, classes in range.
            let _ = t.push_row(fp, &raw);
        }
        t
    }

    fn with_rows(n_classes: usize, scale: f32, n: usize) -> LabelTable {
        LabelTable {
            n_classes,
            stride: LANES,
            scale,
            index: Index::with_capacity(n),
            sparse: Vec::new(),
            dense: Vec::new(),
            n_features: 0,
        }
    }

    /// Appends a row given as `(class: u8, weight: i16 LE)` triples, in
    /// ascending fingerprint order. Refuses empty rows, out-of-order
    /// fingerprints, classes out of range and rows beyond the addressable size.
    fn push_row(&mut self, fp: u32, raw: &[u8]) -> Result<(), &'static str> {
        let len = raw.len() / 3;
        let dense = len >= DENSE_MIN;
        let row = if dense { self.dense.len() / self.stride } else { self.sparse.len() };
        if len == 0 || row >= (DENSE as usize) - 256 {
            return Err("empty or too many rows");
        }
        if raw.chunks_exact(3).any(|c| usize::from(c[0]) >= self.n_classes) {
            return Err("class out of range");
        }
        if !self.index.push(fp, if dense { DENSE | row as u32 } else { row as u32 }) {
            return Err("features out of order");
        }
        if dense {
            let base = self.dense.len();
            self.dense.resize(base + self.stride, 0);
            let row = &mut self.dense[base..];
            for c in raw.chunks_exact(3) {
                if let Some(x) = row.get_mut(usize::from(c[0])) {
                    *x = i16::from_le_bytes([c[1], c[2]]);
                }
            }
        } else {
            self.sparse.push(len as u32);
            self.sparse.extend(
                raw.chunks_exact(3)
                    .map(|c| u32::from(c[0]) << 16 | u32::from(u16::from_le_bytes([c[1], c[2]]))),
            );
        }
        self.n_features += 1;
        Ok(())
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Scores of every class (entries past `n_classes` stay 0). The sums
    /// are `i16`, exact as long as at most the trainer's `max_features`
    /// features are scored (weights are scaled for that).
    ///
    /// Three passes, so that the memory accesses of different features
    /// overlap: load the home slots, resolve them to rows, add the rows.
    pub fn score<const N: usize>(&self, features: &[u64; N]) -> [i16; LANES] {
        let mut probe = [0u64; N];
        for (p, &f) in probe.iter_mut().zip(features) {
            *p = self.index.first(fingerprint(f));
        }
        let mut acc = [0i16; LANES];
        let mut sparse = [0usize; N];
        let mut n_sparse = 0;
        for (&f, &s) in features.iter().zip(&probe) {
            match self.index.resolve(fingerprint(f), s) {
                Some(row) if row & DENSE != 0 => {
                    let start = (row & !DENSE) as usize * LANES;
                    let block = self.dense.get(start..start + LANES).unwrap_or(&[]);
                    if let Ok(w) = <&[i16; LANES]>::try_from(block) {
                        for j in 0..LANES {
                            acc[j] = acc[j].wrapping_add(w[j]);
                        }
                    }
                }
                Some(row) => {
                    if let Some(d) = sparse.get_mut(n_sparse) {
                        *d = row as usize;
                        n_sparse += 1;
                    }
                }
                None => {}
            }
        }
        for &start in &sparse[..n_sparse] {
            let len = self.sparse.get(start).copied().unwrap_or(0) as usize;
            for &e in self.sparse.get(start + 1..start + 1 + len).unwrap_or(&[]) {
                if let Some(sc) = acc.get_mut((e >> 16) as usize) {
                    *sc = sc.wrapping_add(e as u16 as i16);
                }
            }
        }
        acc
    }

    /// The entries of the row with payload `row`.
    fn row_entries(&self, row: u32) -> Vec<(u8, i16)> {
        if row & DENSE != 0 {
            let start = (row & !DENSE) as usize * self.stride;
            let w = self.dense.get(start..start + self.n_classes).unwrap_or(&[]);
            w.iter().enumerate().filter(|(_, &w)| w != 0).map(|(c, &w)| (c as u8, w)).collect()
        } else {
            let start = row as usize;
            let len = self.sparse.get(start).copied().unwrap_or(0) as usize;
            let e = self.sparse.get(start + 1..start + 1 + len).unwrap_or(&[]);
            e.iter().map(|&e| ((e >> 16) as u8, e as u16 as i16)).collect()
        }
    }

    /// Writes classes, scale, the sorted fingerprints, the row lengths, then
    /// each row's `(class, i16)` entries.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.n_classes as u32);
        w.f32(self.scale);
        w.u32(self.n_features as u32);
        for (fp, _) in self.index.entries() {
            w.u32(fp);
        }
        let rows: Vec<Vec<(u8, i16)>> = self.index.entries().map(|(_, r)| self.row_entries(r)).collect();
        w.u32(rows.iter().map(Vec::len).sum::<usize>() as u32);
        for r in &rows {
            w.u8(r.len() as u8);
        }
        for r in &rows {
            for &(c, x) in r {
                w.u8(c);
                w.i16(x);
            }
        }
    }

    pub fn read(r: &mut Reader<'_>) -> Result<LabelTable> {
        let n_classes = r.u32()? as usize;
        if n_classes == 0 || n_classes > LANES {
            return Err(r.err(format!("labeller: {n_classes} classes (expected 1..={LANES})")));
        }
        let scale = r.f32()?;
        if !scale.is_finite() {
            return Err(r.err("labeller: scale is not finite".into()));
        }
        let n = r.len(5)?;
        let fps = r.take(n * 4)?;
        let total = r.len(3)?;
        let lens = r.take(n)?;
        if lens.iter().map(|&l| usize::from(l)).sum::<usize>() != total {
            return Err(r.err("labeller: row lengths do not add up".into()));
        }
        let bytes = r.take(total * 3)?;
        let mut t = LabelTable::with_rows(n_classes, scale, n);
        let n_dense = lens.iter().filter(|&&l| usize::from(l) >= DENSE_MIN).count();
        t.dense.reserve(n_dense * t.stride);
        t.sparse.reserve(total + n);
        let mut pos = 0;
        for (fp, &len) in fps.chunks_exact(4).zip(lens) {
            let fp = u32::from_le_bytes([fp[0], fp[1], fp[2], fp[3]]);
            let end = pos + 3 * usize::from(len);
            t.push_row(fp, &bytes[pos..end]).map_err(|e| r.err(format!("labeller: {e}")))?;
            pos = end;
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_and_round_trips() {
        let mut t = DeltaTrainer::new();
        // Hashed features and one direct feature (index 3, shared by all).
        let data: Vec<([u64; 2], usize)> = vec![
            ([10 << 32, 99 << 32], 0),
            ([20 << 32, 99 << 32], 1),
            ([30 << 32, 99 << 32], 2),
            ([10 << 32, 20 << 32], 0),
        ];
        let direct = [3u32];
        for _ in 0..10 {
            for (f, gold) in &data {
                t.tick();
                let s = t.score(f, &direct);
                let guess = (0..3).fold(0, |b, i| if s[i] > s[b] { i } else { b });
                t.update(f, &direct, *gold, guess);
            }
        }
        let table = t.freeze(0.0, 4);
        let mut w = Writer::new(b"DYADTEST", 1);
        table.write(&mut w);
        let mut r = Reader::new(&w.buf, b"DYADTEST", 1, "test").unwrap();
        let t2 = DeltaTable::read(&mut r).unwrap();
        r.finish().unwrap();
        for (f, gold) in &data {
            for t in [&table, &t2] {
                let s = t.score(f, &direct);
                let best = (0..3).fold(0, |b, i| if s[i] > s[b] { i } else { b });
                assert_eq!(best, *gold);
            }
        }
        for cut in 0..w.buf.len() {
            let ok = Reader::new(&w.buf[..cut], b"DYADTEST", 1, "test")
                .and_then(|mut r| DeltaTable::read(&mut r).and_then(|_| r.finish()));
            assert!(ok.is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn ordered_index_finds_present_and_misses_absent() {
        // Many fingerprints sharing few home slots, so runs are long and the
        // last ones spill past the home slots.
        let mut idx = Index::with_capacity(8);
        let fps: Vec<u32> = (0..40u32).map(|i| 0xffff_0000 | (i * 7 + 1)).collect();
        for (i, &fp) in fps.iter().enumerate() {
            assert!(idx.push(fp, i as u32 + 100));
        }
        assert!(!idx.push(fps[3], 1), "out of order refused");
        for (i, &fp) in fps.iter().enumerate() {
            assert_eq!(idx.resolve(fp, idx.first(fp)), Some(i as u32 + 100));
        }
        for fp in [1u32, 0x7fff_ffff, 0xffff_0000 | 2, u32::MAX] {
            assert_eq!(idx.resolve(fp, idx.first(fp)), None);
        }
        assert_eq!(idx.entries().count(), fps.len());
    }

    #[test]
    fn label_table_scores_dense_and_sparse_rows() {
        let dense: Vec<(u8, i16)> = (0..10).map(|c| (c, i16::from(c) + 1)).collect();
        let sparse = vec![(2u8, -5i16), (9, 7)];
        let (k1, k2) = (0x1234_5678_0000_0000u64, 0x9abc_def0_0000_0000u64);
        let t = LabelTable::build(10, 1.0, vec![(fingerprint(k1), dense), (fingerprint(k2), sparse)]);
        let s = t.score(&[k1, k2, 0x5555_0000_0000_0000]);
        let want: Vec<i16> = (0..10).map(|c| c + 1 + [0, 0, -5, 0, 0, 0, 0, 0, 0, 7][c as usize]).collect();
        assert_eq!(&s[..10], &want[..]);
        assert!(s[10..].iter().all(|&x| x == 0));
        let mut w = Writer::new(b"DYADTEST", 1);
        t.write(&mut w);
        let mut r = Reader::new(&w.buf, b"DYADTEST", 1, "test").unwrap();
        let t2 = LabelTable::read(&mut r).unwrap();
        r.finish().unwrap();
        assert_eq!(t2.score(&[k1, k2]), t.score(&[k1, k2]));
        for cut in 0..w.buf.len() {
            let ok = Reader::new(&w.buf[..cut], b"DYADTEST", 1, "test")
                .and_then(|mut r| LabelTable::read(&mut r).and_then(|_| r.finish()));
            assert!(ok.is_err(), "cut at {cut}");
        }
    }
}
