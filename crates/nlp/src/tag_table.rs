//! A compact open-addressing map from 64-bit hash keys to `u32` values,
//! built once and read-only afterwards (one probe per lookup, typically).

/// Read-only `u64 → u32` map; keys are hashes, so they index directly.
#[derive(Clone, Debug, Default)]
pub struct KeyTable {
    mask: usize,
    slots: Vec<(u64, u32)>,
}

impl KeyTable {
    /// Builds the table; for a key given twice the first value wins.
    pub fn new(entries: impl ExactSizeIterator<Item = (u64, u32)>) -> KeyTable {
        let cap = (entries.len() * 2).next_power_of_two().max(16);
        let mut t = KeyTable { mask: cap - 1, slots: vec![(0, 0); cap] };
        for (key, v) in entries {
            let k = nonzero(key);
            let mut s = k as usize & t.mask;
            while t.slots[s].0 != 0 && t.slots[s].0 != k {
                s = (s + 1) & t.mask;
            }
            if t.slots[s].0 == 0 {
                t.slots[s] = (k, v);
            }
        }
        t
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let k = nonzero(key);
        let mut s = k as usize & self.mask;
        loop {
            let (sk, v) = self.slots[s];
            if sk == k {
                return Some(v);
            }
            if sk == 0 {
                return None;
            }
            s = (s + 1) & self.mask;
        }
    }
}

#[inline]
fn nonzero(k: u64) -> u64 {
    k.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_put() {
        let t = KeyTable::new((0..1000u32).map(|k| (u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15), k)));
        for k in 0..1000u32 {
            assert_eq!(t.get(u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15)), Some(k));
        }
        assert_eq!(t.get(12345), None);
        assert_eq!(KeyTable::default().get(1), None);
    }
}
