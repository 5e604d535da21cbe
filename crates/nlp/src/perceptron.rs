//! Averaged multiclass perceptron over hashed features.
//!
//! [`Trainer`] keeps dense `f32` rows per feature while learning; [`Weights`]
//! is the frozen, averaged, quantised form used at run time: a compact
//! open-addressing index from feature key to a short sparse row of `i16`
//! class weights, so scoring a feature costs one probe and a few adds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::{Reader, Writer};
use crate::Result;

/// Keys are already hashes: use them as they are.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

/// Learns weights with the averaged perceptron (lazy averaging).
pub struct Trainer {
    n_classes: usize,
    rows: KeyMap<u32>,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    tick: u32,
}

impl Trainer {
    /// `n_classes` must be at most 255 (rows store class ids as bytes).
    pub fn new(n_classes: usize) -> Trainer {
        assert!((1..=255).contains(&n_classes), "1..=255 classes");
        Trainer {
            n_classes,
            rows: KeyMap::default(),
            weights: Vec::new(),
            totals: Vec::new(),
            stamps: Vec::new(),
            tick: 1,
        }
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of features that have a row.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    /// Adds the current weights of `features` into `scores` (length `n_classes`).
    pub fn score(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(&r) = self.rows.get(f) {
                let row = &self.weights[r as usize * self.n_classes..][..self.n_classes];
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += w;
                }
            }
        }
    }

    /// Counts one training example; call once per prediction, before `update`.
    pub fn tick(&mut self) {
        self.tick += 1;
    }

    /// Moves weights toward `gold` and away from `guess` for each feature.
    pub fn update(&mut self, features: &[u64], gold: usize, guess: usize, amount: f32) {
        if gold == guess {
            return;
        }
        for &f in features {
            let r = self.row(f);
            self.bump(r, gold, amount);
            self.bump(r, guess, -amount);
        }
    }

    fn row(&mut self, f: u64) -> usize {
        let n = self.n_classes;
        let next = self.rows.len() as u32;
        let r = *self.rows.entry(f).or_insert(next) as usize;
        if r == next as usize {
            self.weights.resize(self.weights.len() + n, 0.0);
            self.totals.resize(self.totals.len() + n, 0.0);
            self.stamps.resize(self.stamps.len() + n, self.tick);
        }
        r
    }

    fn bump(&mut self, row: usize, class: usize, amount: f32) {
        let i = row * self.n_classes + class;
        let elapsed = f64::from(self.tick - self.stamps[i]);
        self.totals[i] += elapsed * f64::from(self.weights[i]);
        self.stamps[i] = self.tick;
        self.weights[i] += amount;
    }

    /// Averages, quantises to `i16` and drops weights that round to zero.
    pub fn freeze(&self) -> Weights {
        let n = self.n_classes;
        let avg = |i: usize| -> f32 {
            let elapsed = f64::from(self.tick - self.stamps[i]);
            ((self.totals[i] + elapsed * f64::from(self.weights[i])) / f64::from(self.tick)) as f32
        };
        let max = (0..self.weights.len()).map(|i| avg(i).abs()).fold(0.0f32, f32::max);
        let scale = if max > 0.0 { f32::from(i16::MAX) / max } else { 1.0 };
        let mut keys: Vec<(&u64, &u32)> = self.rows.iter().collect();
        keys.sort_unstable();
        let mut rows = Vec::new();
        for (&key, &r) in keys {
            let mut entries = Vec::new();
            for c in 0..n {
                let q = (avg(r as usize * n + c) * scale).round() as i16;
                if q != 0 {
                    entries.push(pack(c, q));
                }
            }
            if !entries.is_empty() {
                rows.push((key, entries));
            }
        }
        Weights::build(n, 1.0 / scale, rows)
    }
}

fn pack(class: usize, w: i16) -> u32 {
    ((class as u32) << 16) | u32::from(w as u16)
}

/// Frozen weights: feature key → sparse row of quantised class weights.
#[derive(Clone, Debug)]
pub struct Weights {
    n_classes: usize,
    /// Multiply integer scores by this to get the averaged perceptron's scale.
    pub scale: f32,
    mask: usize,
    /// Open addressing: `(key, len << 32 | start)` of the feature's row in
    /// `entries`; key `0` marks an empty slot. One probe touches one cache line.
    slots: Vec<(u64, u64)>,
    n_features: usize,
    /// Each entry is `class << 16 | weight as u16`.
    entries: Vec<u32>,
}

impl Weights {
    fn build(n_classes: usize, scale: f32, rows: Vec<(u64, Vec<u32>)>) -> Weights {
        let cap = (rows.len() * 2).next_power_of_two().max(16);
        let mut w = Weights {
            n_classes,
            scale,
            mask: cap - 1,
            slots: vec![(0, 0); cap],
            n_features: rows.len(),
            entries: Vec::new(),
        };
        for (key, entries) in rows {
            let meta = (entries.len() as u64) << 32 | w.entries.len() as u64;
            w.entries.extend_from_slice(&entries);
            let key = nonzero(key);
            let mut s = key as usize & w.mask;
            while w.slots[s].0 != 0 {
                s = (s + 1) & w.mask;
            }
            w.slots[s] = (key, meta);
        }
        w
    }

    /// Builds frozen weights from sparse rows `(feature key, [(class, weight)])`
    /// learned by a trainer other than [`Trainer`]; `scale` converts integer
    /// scores back to the trainer's scale. Empty rows are dropped.
    pub fn from_rows(n_classes: usize, scale: f32, rows: Vec<(u64, Vec<(u8, i16)>)>) -> Weights {
        let rows = rows
            .into_iter()
            .filter(|(_, e)| !e.is_empty())
            .map(|(k, e)| (k, e.into_iter().map(|(c, w)| pack(usize::from(c), w)).collect()))
            .collect();
        Weights::build(n_classes, scale, rows)
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    fn row(&self, meta: u64) -> &[u32] {
        let start = (meta & 0xffff_ffff) as usize;
        &self.entries[start..start + (meta >> 32) as usize]
    }

    /// Adds the weights of feature `key` into `scores`.
    #[inline]
    pub fn add(&self, key: u64, scores: &mut [i32]) {
        let key = nonzero(key);
        let mut s = key as usize & self.mask;
        loop {
            let (k, meta) = self.slots[s];
            if k == key {
                for &e in self.row(meta) {
                    if let Some(sc) = scores.get_mut((e >> 16) as usize) {
                        *sc += i32::from(e as u16 as i16);
                    }
                }
                return;
            }
            if k == 0 {
                return;
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Zeroes `scores` and adds every feature's weights.
    pub fn score(&self, features: &[u64], scores: &mut [i32]) {
        scores.iter_mut().for_each(|s| *s = 0);
        for &f in features {
            self.add(f, scores);
        }
    }

    pub fn write(&self, w: &mut Writer) {
        w.u32(self.n_classes as u32);
        w.f32(self.scale);
        w.u32(self.n_features() as u32);
        // In row order, so the file (and the table rebuilt from it) is deterministic.
        let mut used: Vec<(u64, u64)> = self.slots.iter().copied().filter(|s| s.0 != 0).collect();
        used.sort_unstable_by_key(|&(_, meta)| meta & 0xffff_ffff);
        for (key, meta) in used {
            let row = self.row(meta);
            w.u64(key);
            w.u8(row.len() as u8);
            for &e in row {
                w.u8((e >> 16) as u8);
                w.i16(e as u16 as i16);
            }
        }
    }

    pub fn read(r: &mut Reader<'_>) -> Result<Weights> {
        let n_classes = r.u32()? as usize;
        if n_classes == 0 || n_classes > 255 {
            return Err(r.err(format!("{n_classes} classes (expected 1..=255)")));
        }
        let scale = r.f32()?;
        let n = r.len(9)?;
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let key = r.u64()?;
            let len = r.u8()? as usize;
            let mut entries = Vec::with_capacity(len);
            for _ in 0..len {
                let c = r.u8()? as usize;
                if c >= n_classes {
                    return Err(r.err(format!("class {c} out of range")));
                }
                entries.push(pack(c, r.i16()?));
            }
            rows.push((key, entries));
        }
        Ok(Weights::build(n_classes, scale, rows))
    }
}

#[inline]
fn nonzero(key: u64) -> u64 {
    if key == 0 {
        1
    } else {
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_separable_classes_and_round_trips() {
        let mut t = Trainer::new(3);
        let data: Vec<(Vec<u64>, usize)> =
            vec![(vec![10, 99], 0), (vec![20, 99], 1), (vec![30, 99], 2), (vec![10, 20], 0)];
        let mut scores = vec![0.0; 3];
        for _ in 0..10 {
            for (f, gold) in &data {
                t.tick();
                t.score(f, &mut scores);
                let guess = argmax(&scores);
                t.update(f, *gold, guess, 1.0);
            }
        }
        let w = t.freeze();
        let mut buf = Writer::new(b"DYADTEST", 1);
        w.write(&mut buf);
        let mut r = Reader::new(&buf.buf, b"DYADTEST", 1, "test").unwrap();
        let w2 = Weights::read(&mut r).unwrap();
        r.finish().unwrap();
        let mut s = vec![0; 3];
        for (f, gold) in &data {
            for w in [&w, &w2] {
                w.score(f, &mut s);
                let best = (0..3).max_by_key(|&c| s[c]).unwrap();
                assert_eq!(best, *gold);
            }
        }
    }

    fn argmax(s: &[f32]) -> usize {
        (0..s.len()).fold(0, |b, i| if s[i] > s[b] { i } else { b })
    }
}
