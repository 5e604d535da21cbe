//! The compiled dictionary file: an 8-byte magic, a `u32` format version, a section
//! directory, then flat little-endian `u32` tables and one string blob.
//!
//! Every table is an array of fixed-width records whose fields are `u32`s. The reader
//! checks the header, every section's bounds, every string boundary and every reference
//! between tables once, at load; after that, lookups index the bytes directly and a
//! corrupt file can not make them panic or loop.

use std::collections::HashMap;

use crate::error::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"DYADDICT";
pub(crate) const VERSION: u32 = 1;
/// "No value" in optional fields.
pub(crate) const NONE: u32 = u32::MAX;

/// How a field is checked at load.
#[derive(Clone, Copy)]
enum F {
    /// Any value.
    Raw,
    /// A string id.
    Str,
    /// A string id or [`NONE`].
    OptStr,
    /// An index into table `T`.
    Ref(T),
    /// An index into table `T` or [`NONE`].
    OptRef(T),
    /// Start of a range in table `T`; the next field is its length.
    Range(T),
    /// The length of the preceding range.
    Count,
}

macro_rules! tables {
    ($($name:ident = $tag:literal [$($f:expr),* $(,)?];)*) => {
        /// The tables of a compiled dictionary.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(usize)]
        pub(crate) enum T { $($name),* }
        const N_TABLES: usize = [$($tag),*].len();
        const TAGS: [&[u8; 4]; N_TABLES] = [$($tag),*];
        fn schema(t: T) -> &'static [F] {
            use F::*;
            match t { $(T::$name => &[$($f),*]),* }
        }
        const ALL: [T; N_TABLES] = [$(T::$name),*];
    };
}

tables! {
    Meta = b"META" [Raw, Raw, Raw];
    File = b"FILE" [Str, Raw, Raw, Raw];
    Word = b"WORD" [Str];
    WordHash = b"WHSH" [OptRef(T::Word)];
    ANode = b"ANOD" [Range(T::AEdge), Count, Range(T::AHit), Count, Raw];
    AEdge = b"AEDG" [Ref(T::Word), Raw, Ref(T::ANode)];
    AHit = b"AHIT" [Ref(T::APhrase)];
    Actor = b"ACTR" [Str, Range(T::Role), Count, Ref(T::File), Raw, Raw, Range(T::APhrase), Count];
    APhrase = b"APHR" [Ref(T::Actor), Str, Ref(T::File), Raw, Raw, OptRef(T::APhrase)];
    Role = b"ROLE" [Range(T::Code), Count, Raw, Raw, Raw, Str, Ref(T::File), Raw, Str];
    Code = b"CODE" [Str];
    GNode = b"GNOD" [Range(T::GEdge), Count, Range(T::GHit), Count, Raw];
    GEdge = b"GEDG" [Ref(T::Word), Raw, Ref(T::GNode)];
    GHit = b"GHIT" [Ref(T::GPhrase)];
    Agent = b"AGNT" [Str, Str, Raw, Ref(T::File), Raw];
    GPhrase = b"GPHR" [Ref(T::Agent), Str, Ref(T::File), Raw];
    VNode = b"VNOD" [Range(T::VEdge), Count, Range(T::VHit), Count, Raw];
    VEdge = b"VEDG" [Ref(T::Word), Raw, Ref(T::VNode)];
    VHit = b"VHIT" [Ref(T::VForm)];
    Block = b"VBLK" [Str, Str, Range(T::Verb), Count, Range(T::Pattern), Count, Ref(T::File), Raw, Raw];
    Verb = b"VERB" [Ref(T::Block), Str, OptStr, Ref(T::File), Raw, Range(T::VForm), Count];
    VForm = b"VFRM" [Ref(T::Verb), Str, Raw, Raw];
    Pattern = b"VPAT" [OptRef(T::Block), Str, Str, Str, Range(T::PItem), Count, Ref(T::File), Raw];
    PItem = b"VPIT" [Raw, OptStr, OptRef(T::Word), Raw, OptRef(T::Synset)];
    Synset = b"SYNS" [Str, Range(T::SMember), Count, Ref(T::File), Raw];
    SMember = b"SYNM" [Ref(T::Synset), Str, Range(T::SWord), Count, Ref(T::File), Raw];
    SWord = b"SYNW" [Ref(T::Word), Raw];
    Transform = b"XFRM" [Str, Str, Ref(T::File), Raw];
    Time = b"TIME" [Str, Str, Range(T::Pattern), Count, Ref(T::File), Raw];
    Noun = b"NOUN" [Str, Ref(T::File), Raw];
    Adjective = b"ADJC" [Str, Ref(T::File), Raw];
    DNode = b"DNOD" [Range(T::DEdge), Count, Range(T::DHit), Count, Raw];
    DEdge = b"DEDG" [Ref(T::Word), Raw, Ref(T::DNode)];
    DHit = b"DHIT" [Ref(T::Discard)];
    Discard = b"DISC" [Str, Raw, Ref(T::File), Raw];
    INode = b"INOD" [Range(T::IEdge), Count, Range(T::IHit), Count, Raw];
    IEdge = b"IEDG" [Ref(T::Word), Raw, Ref(T::INode)];
    IHit = b"IHIT" [Ref(T::IVariant)];
    Issue = b"ISSU" [OptStr, Str, Raw, Ref(T::File), Raw];
    IVariant = b"ISVR" [Ref(T::Issue), Str];
    Prep = b"PREP" [Str, Str, Ref(T::File), Raw];
}

const STR_OFFSETS: &[u8; 4] = b"STRO";
const STR_BLOB: &[u8; 4] = b"STRB";

/// FNV-1a, the hash of the word table (`WHSH`: open addressing, linear probing, a power
/// of two slots, [`NONE`] for empty).
#[inline]
pub(crate) fn word_hash(w: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in w {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

pub(crate) fn width(t: T) -> usize {
    schema(t).len()
}

/// Interned strings: equal strings share one id; ids in first-seen order.
#[derive(Default)]
pub(crate) struct StrPool {
    ids: HashMap<String, u32>,
    offsets: Vec<u32>,
    blob: Vec<u8>,
}

impl StrPool {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.blob.extend_from_slice(s.as_bytes());
        self.offsets.push(self.blob.len() as u32);
        let id = (self.offsets.len() - 2) as u32;
        self.ids.insert(s.to_string(), id);
        id
    }
}

/// Tables being written.
pub(crate) struct Writer {
    pub tables: Vec<Vec<u32>>,
    pub strs: StrPool,
}

impl Writer {
    pub fn new() -> Writer {
        Writer { tables: vec![Vec::new(); N_TABLES], strs: StrPool::default() }
    }

    /// Appends a record to `t`, returning its index.
    pub fn push(&mut self, t: T, rec: &[u32]) -> u32 {
        debug_assert_eq!(rec.len(), width(t), "{t:?}");
        let v = &mut self.tables[t as usize];
        let idx = v.len() / width(t);
        v.extend_from_slice(rec);
        idx as u32
    }

    pub fn len(&self, t: T) -> u32 {
        (self.tables[t as usize].len() / width(t)) as u32
    }

    pub fn s(&mut self, s: &str) -> u32 {
        self.strs.id(s)
    }

    /// The file bytes.
    pub fn finish(mut self) -> Vec<u8> {
        if self.strs.offsets.is_empty() {
            self.strs.offsets.push(0);
        }
        let mut sections: Vec<([u8; 4], Vec<u8>)> = Vec::new();
        let words = |v: &[u32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        sections.push((*STR_OFFSETS, words(&self.strs.offsets)));
        sections.push((*STR_BLOB, std::mem::take(&mut self.strs.blob)));
        for t in ALL {
            sections.push((*TAGS[t as usize], words(&self.tables[t as usize])));
        }
        let header = 8 + 4 + 4 + sections.len() * 12;
        let mut out = Vec::with_capacity(header + sections.iter().map(|s| s.1.len() + 3).sum::<usize>());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
        let mut off = header;
        for (tag, data) in &sections {
            off = off.next_multiple_of(4);
            out.extend_from_slice(tag);
            out.extend_from_slice(&(off as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            off += data.len();
        }
        for (_, data) in &sections {
            while out.len() % 4 != 0 {
                out.push(0);
            }
            out.extend_from_slice(data);
        }
        out
    }
}

/// Byte range of a section.
#[derive(Clone, Copy, Debug, Default)]
struct Sec {
    off: usize,
    len: usize,
}

/// A validated compiled dictionary in memory.
#[derive(Debug)]
pub(crate) struct Reader {
    bytes: Vec<u8>,
    tables: [Sec; N_TABLES],
    str_offsets: Sec,
    blob: Sec,
    n_strs: usize,
}

fn u32_at(b: &[u8], pos: usize) -> Option<u32> {
    let s = b.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

impl Reader {
    /// Checks `bytes` completely; `path` names the file in errors.
    pub fn new(bytes: Vec<u8>, path: &str) -> Result<Reader> {
        let corrupt = |what: String| Error::Corrupt { path: path.to_string(), what };
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err(Error::BadMagic { path: path.to_string() });
        }
        let version = u32_at(&bytes, 8).unwrap_or(0);
        if version != VERSION {
            return Err(Error::Version { path: path.to_string(), found: version, expected: VERSION });
        }
        let n = u32_at(&bytes, 12).unwrap_or(0) as usize;
        if n > 1024 {
            return Err(corrupt(format!("{n} sections")));
        }
        let mut found: HashMap<[u8; 4], Sec> = HashMap::new();
        for i in 0..n {
            let at = 16 + i * 12;
            let tag = bytes.get(at..at + 4).ok_or_else(|| corrupt("truncated section directory".into()))?;
            let off =
                u32_at(&bytes, at + 4).ok_or_else(|| corrupt("truncated section directory".into()))? as usize;
            let len =
                u32_at(&bytes, at + 8).ok_or_else(|| corrupt("truncated section directory".into()))? as usize;
            let tag = [tag[0], tag[1], tag[2], tag[3]];
            let name = String::from_utf8_lossy(&tag).into_owned();
            if off.checked_add(len).is_none_or(|e| e > bytes.len()) {
                return Err(corrupt(format!("section {name} runs past the end of the file (truncated?)")));
            }
            if !off.is_multiple_of(4) {
                return Err(corrupt(format!("section {name} is misaligned")));
            }
            found.insert(tag, Sec { off, len });
        }
        let get = |tag: &[u8; 4]| {
            found
                .get(tag)
                .copied()
                .ok_or_else(|| corrupt(format!("missing section {}", String::from_utf8_lossy(tag))))
        };
        let str_offsets = get(STR_OFFSETS)?;
        let blob = get(STR_BLOB)?;
        let mut tables = [Sec::default(); N_TABLES];
        for t in ALL {
            let s = get(TAGS[t as usize])?;
            if s.len % (4 * width(t)) != 0 {
                return Err(corrupt(format!("table {:?} has a partial record", t)));
            }
            tables[t as usize] = s;
        }
        let slots = tables[T::WordHash as usize].len / 4;
        if slots != 0 && !slots.is_power_of_two() {
            return Err(corrupt("word hash size is not a power of two".into()));
        }
        if str_offsets.len % 4 != 0 || str_offsets.len < 4 {
            return Err(corrupt("string table is malformed".into()));
        }
        let r = Reader { n_strs: str_offsets.len / 4 - 1, bytes, tables, str_offsets, blob };
        r.validate().map_err(corrupt)?;
        Ok(r)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        // Strings: offsets ascending, inside the blob, on character boundaries.
        let blob =
            self.bytes.get(self.blob.off..self.blob.off + self.blob.len).ok_or("string blob out of range")?;
        let text = std::str::from_utf8(blob).map_err(|_| "string blob is not UTF-8")?;
        let mut prev = 0usize;
        for i in 0..=self.n_strs {
            let o =
                u32_at(&self.bytes, self.str_offsets.off + i * 4).ok_or("string table truncated")? as usize;
            if o < prev || o > blob.len() || !text.is_char_boundary(o) || (i == 0 && o != 0) {
                return Err(format!("string offset {i} is invalid"));
            }
            prev = o;
        }
        let mut lens = [0u32; N_TABLES];
        for t in ALL {
            lens[t as usize] = self.len(t);
        }
        let n_strs = self.n_strs as u64;
        for t in ALL {
            let fields = schema(t);
            let w = fields.len();
            let s = self.tables[t as usize];
            let data = self.bytes.get(s.off..s.off + s.len).ok_or("table out of range")?;
            // Per checked field, one tight pass over its column for the largest value (or range
            // end), then one comparison. NONE counts as 0 in optional fields.
            let col = |fi: usize| {
                data.chunks_exact(4 * w).map(move |c| {
                    c.get(fi * 4..fi * 4 + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                })
            };
            for (fi, f) in fields.iter().enumerate() {
                let (m, limit) = match *f {
                    F::Raw | F::Count => continue,
                    F::Str => (col(fi).map(|v| u64::from(v) + 1).max(), n_strs),
                    F::OptStr => {
                        (col(fi).map(|v| if v == NONE { 0 } else { u64::from(v) + 1 }).max(), n_strs)
                    }
                    F::Ref(to) => (col(fi).map(|v| u64::from(v) + 1).max(), u64::from(lens[to as usize])),
                    F::OptRef(to) => (
                        col(fi).map(|v| if v == NONE { 0 } else { u64::from(v) + 1 }).max(),
                        u64::from(lens[to as usize]),
                    ),
                    F::Range(to) => (
                        col(fi).zip(col(fi + 1)).map(|(a, n)| u64::from(a) + u64::from(n)).max(),
                        u64::from(lens[to as usize]),
                    ),
                };
                if m.unwrap_or(0) > limit {
                    return Err(format!("table {t:?}, field {fi}: a reference points outside its table"));
                }
            }
        }
        Ok(())
    }

    /// Number of records in `t`.
    pub fn len(&self, t: T) -> u32 {
        (self.tables[t as usize].len / (4 * width(t))) as u32
    }

    /// Field `field` of record `rec` of `t` (0 when out of range, which validation rules out).
    #[inline]
    pub fn get(&self, t: T, rec: u32, field: usize) -> u32 {
        let s = self.tables[t as usize];
        let pos = s.off + (rec as usize * width(t) + field) * 4;
        if pos + 4 > s.off + s.len {
            return 0;
        }
        u32_at(&self.bytes, pos).unwrap_or(0)
    }

    /// String `id` ("" when out of range or for [`NONE`]).
    #[inline]
    pub fn str(&self, id: u32) -> &str {
        std::str::from_utf8(self.str_bytes(id)).unwrap_or("")
    }

    /// The bytes of string `id` (for comparisons in hot loops: no UTF-8 check).
    #[inline]
    pub fn str_bytes(&self, id: u32) -> &[u8] {
        if id as usize >= self.n_strs {
            return &[];
        }
        let at = self.str_offsets.off + id as usize * 4;
        let (Some(a), Some(b)) = (u32_at(&self.bytes, at), u32_at(&self.bytes, at + 4)) else { return &[] };
        let base = self.blob.off;
        self.bytes.get(base + a as usize..base + b as usize).unwrap_or(&[])
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}
