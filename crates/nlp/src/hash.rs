//! Feature keys: 64-bit hashes built without allocating.
//!
//! A feature is a template id combined with the values it looks at (a word,
//! a tag, a label). Words are hashed once per token; templates then mix a
//! handful of `u64`s, so building a feature vector allocates nothing.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Mixes `v` into the running hash `h`.
#[inline]
pub fn mix(h: u64, v: u64) -> u64 {
    let x = (h ^ v).wrapping_mul(K);
    x ^ (x >> 29)
}

/// Final avalanche so that low bits (the table index) depend on every input bit.
#[inline]
pub fn finish(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Hash of a byte string (FNV-1a, then mixed); stable across runs and platforms.
#[inline]
pub fn bytes(s: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    finish(h)
}

/// Hash of `s` with ASCII letters lower-cased, equal to `bytes` of the lower-cased string.
#[inline]
pub fn lower(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
    }
    finish(h)
}

/// A feature key for template `template` over values `vals`.
#[inline]
pub fn feature(template: u32, vals: &[u64]) -> u64 {
    let mut h = u64::from(template).wrapping_mul(K) ^ 0x5bd1_e995;
    for &v in vals {
        h = mix(h, v);
    }
    finish(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_matches_bytes_of_lowercase() {
        assert_eq!(lower("Putin"), bytes(b"putin"));
        assert_ne!(bytes(b"Putin"), bytes(b"putin"));
    }

    #[test]
    fn templates_separate_equal_values() {
        assert_ne!(feature(1, &[5]), feature(2, &[5]));
        assert_ne!(feature(1, &[5, 6]), feature(1, &[6, 5]));
    }
}
