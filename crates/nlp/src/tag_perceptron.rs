//! A sparse averaged perceptron for training models with many classes.
//!
//! [`crate::perceptron::Trainer`] keeps a dense row of every class per
//! feature, which for the tagger's ~100 joint tags and a few million
//! features would take gigabytes. Here a feature keeps only the classes it
//! was ever updated for; the frozen result is the same [`Weights`].

use crate::perceptron::{KeyMap, Weights};

#[derive(Clone, Copy)]
struct Cell {
    class: u8,
    stamp: u32,
    w: f32,
    total: f64,
}

/// Learns weights with the averaged perceptron (lazy averaging), sparse rows.
pub struct SparseTrainer {
    n_classes: usize,
    rows: KeyMap<u32>,
    cells: Vec<Vec<Cell>>,
    tick: u32,
}

impl SparseTrainer {
    /// `n_classes` must be at most 255 (rows store class ids as bytes).
    pub fn new(n_classes: usize) -> SparseTrainer {
        assert!((1..=255).contains(&n_classes), "1..=255 classes");
        SparseTrainer { n_classes, rows: KeyMap::default(), cells: Vec::new(), tick: 1 }
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of features that have a row.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    /// Adds the current weights of `features` into `scores` (not zeroed first).
    pub fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        for f in features {
            if let Some(&r) = self.rows.get(f) {
                for c in &self.cells[r as usize] {
                    if let Some(s) = scores.get_mut(usize::from(c.class)) {
                        *s += c.w;
                    }
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
            let next = self.cells.len() as u32;
            let r = *self.rows.entry(f).or_insert(next) as usize;
            if r == self.cells.len() {
                self.cells.push(Vec::with_capacity(2));
            }
            let tick = self.tick;
            let row = &mut self.cells[r];
            bump(row, gold as u8, amount, tick);
            bump(row, guess as u8, -amount, tick);
        }
    }

    fn average(&self, c: &Cell) -> f32 {
        let elapsed = f64::from(self.tick - c.stamp);
        ((c.total + elapsed * f64::from(c.w)) / f64::from(self.tick)) as f32
    }

    /// Averages, quantises to `i16` and drops weights whose magnitude is
    /// below `prune` (in averaged-weight units) or that round to zero.
    pub fn freeze(&self, prune: f32) -> Weights {
        let (scale, rows) = self.freeze_rows(prune);
        Weights::from_rows(self.n_classes, scale, rows)
    }

    /// What [`SparseTrainer::freeze`] builds on: the integer-to-weight scale
    /// and the quantised rows, sorted by key.
    #[allow(clippy::type_complexity)]
    pub fn freeze_rows(&self, prune: f32) -> (f32, Vec<(u64, Vec<(u8, i16)>)>) {
        let max = self.cells.iter().flatten().map(|c| self.average(c).abs()).fold(0.0f32, f32::max);
        let scale = if max > 0.0 { f32::from(i16::MAX) / max } else { 1.0 };
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        let mut rows = Vec::with_capacity(keys.len());
        for (key, r) in keys {
            let mut entries: Vec<(u8, i16)> = self.cells[r as usize]
                .iter()
                .filter_map(|c| {
                    let a = self.average(c);
                    let q = (a * scale).round() as i16;
                    (a.abs() >= prune && q != 0).then_some((c.class, q))
                })
                .collect();
            entries.sort_unstable();
            if !entries.is_empty() {
                rows.push((key, entries));
            }
        }
        (1.0 / scale, rows)
    }
}

fn bump(row: &mut Vec<Cell>, class: u8, amount: f32, tick: u32) {
    let i = match row.iter().position(|c| c.class == class) {
        Some(i) => i,
        None => {
            row.push(Cell { class, stamp: tick, w: 0.0, total: 0.0 });
            row.len() - 1
        }
    };
    let c = &mut row[i];
    c.total += f64::from(tick - c.stamp) * f64::from(c.w);
    c.stamp = tick;
    c.w += amount;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_separable_classes() {
        let mut t = SparseTrainer::new(3);
        let data: Vec<(Vec<u64>, usize)> =
            vec![(vec![10, 99], 0), (vec![20, 99], 1), (vec![30, 99], 2), (vec![10, 20], 0)];
        let mut scores = vec![0.0; 3];
        for _ in 0..10 {
            for (f, gold) in &data {
                t.tick();
                scores.iter_mut().for_each(|s| *s = 0.0);
                t.add_scores(f, &mut scores);
                let guess = (0..3).fold(0, |b, i| if scores[i] > scores[b] { i } else { b });
                t.update(f, *gold, guess, 1.0);
            }
        }
        let w = t.freeze(0.0);
        let mut s = vec![0; 3];
        for (f, gold) in &data {
            w.score(f, &mut s);
            let best = (0..3).max_by_key(|&c| s[c]).unwrap();
            assert_eq!(best, *gold);
        }
    }
}
