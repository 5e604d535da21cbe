//! The content hash that tells an unchanged document from an edited one.

use dyad_text::Document;

const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// 128-bit FNV-1a, streamed.
struct Fnv128(u128);

impl Fnv128 {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u128::from(b)).wrapping_mul(PRIME);
        }
    }

    /// A field: a presence byte, its length and its bytes, so that
    /// `("ab", "c")` and `("a", "bc")` or `None` and `Some("")` differ.
    fn field(&mut self, s: Option<&str>) {
        match s {
            None => self.feed(&[0]),
            Some(s) => {
                self.feed(&[1]);
                self.feed(&(s.len() as u64).to_le_bytes());
                self.feed(s.as_bytes());
            }
        }
    }
}

/// 32 hex digits over everything coding depends on: the text and the
/// metadata (date, source, URL, title). The id is the key, not hashed.
pub fn content_hash(doc: &Document) -> String {
    let mut h = Fnv128(OFFSET);
    h.field(Some(&doc.text));
    let date = doc.date.map(|d| d.to_string());
    h.field(date.as_deref());
    h.field(doc.source.as_deref());
    h.field(doc.url.as_deref());
    h.field(doc.title.as_deref());
    format!("{:032x}", h.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_sees_text_and_metadata() {
        let a = Document::new("a", "Some text.");
        let mut b = a.clone();
        assert_eq!(content_hash(&a), content_hash(&b));
        b.id = "other id".into();
        assert_eq!(content_hash(&a), content_hash(&b), "the id is not hashed");
        b.source = Some(String::new());
        assert_ne!(content_hash(&a), content_hash(&b));
        let mut c = a.clone();
        c.text.push(' ');
        assert_ne!(content_hash(&a), content_hash(&c));
        assert_eq!(content_hash(&a).len(), 32);
        // Pinned: stores compare it with what they hold, so it must never change.
        let mut d = Document::new("x", "Gondor met Rohan.");
        d.date = "2025-03-14".parse().ok();
        assert_eq!(content_hash(&d), "5703afd6f735943d61ee125ccad60b50");
    }
}
