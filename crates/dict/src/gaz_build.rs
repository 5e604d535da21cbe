//! Building `gazetteer.bin` from source records (used by the `build_tables` example and
//! by tests). The output depends only on the input: same records, same bytes.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fold::{self, KeyBuf, MAX_KEY};
use super::{
    checksum, Candidate, Error, Kind, FLAG_CAPITAL, FLAG_COMMON_WORD, FLAG_EXACT_CASE, FLAG_PRIMARY, MAGIC,
    VERSION,
};

/// A country as read from the sources.
#[derive(Clone, Debug, Default)]
pub struct CountrySource {
    pub iso2: String,
    pub iso3: String,
    pub geonameid: u32,
    /// Common English name ("Saudi Arabia").
    pub name: String,
    /// Official name ("Kingdom of Saudi Arabia").
    pub official: String,
    /// Alternative names and spellings. Two-character codes and names not in Latin
    /// script are dropped; short all-capital abbreviations ("UAE") match in exact case.
    pub alt_names: Vec<String>,
    /// Aliases that match only in exactly this case ("US", "U.S.", "UK").
    pub exact_aliases: Vec<String>,
    /// English demonyms; plurals ("Russians") are added.
    pub demonyms: Vec<String>,
    /// Capital names, first the main one.
    pub capitals: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
}

/// A city as read from the sources.
#[derive(Clone, Debug, Default)]
pub struct CitySource {
    pub geonameid: u32,
    pub name: String,
    /// Alternate names: all-lower-case and all-capital ones, names with digits and names
    /// shorter than three letters are dropped.
    pub alt_names: Vec<String>,
    pub iso2: String,
    /// First-level region name ("" if unknown).
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
}

/// Everything the gazetteer is built from.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    pub countries: Vec<CountrySource>,
    pub cities: Vec<CitySource>,
    /// Folded keys (see [`super::fold_key`]) of common lower-case English words.
    pub common_words: BTreeSet<String>,
}

/// Figures about a build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildStats {
    pub countries: usize,
    pub cities: usize,
    pub regions: usize,
    pub capitals: usize,
    pub keys: usize,
    pub exact_keys: usize,
    pub postings: usize,
    pub city_alt_names_kept: usize,
    pub city_alt_names_dropped: usize,
    pub common_word_keys: usize,
    pub demonym_keys: usize,
    pub max_tokens: usize,
    pub bytes: usize,
}

/// Suffixes of region names that the "X region" alias replaces.
const REGION_SUFFIXES: [&str; 7] =
    ["Oblast", "Krai", "Governorate", "Province", "Region", "Prefecture", "Voivodeship"];

fn is_latin(s: &str) -> bool {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| (c as u32) < 0x250 || (0x1E00..0x1F00).contains(&(c as u32)))
}

fn alnum_count(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

/// An abbreviation that should only match in exact case: up to five letters, all capitals.
fn is_abbreviation(s: &str) -> bool {
    let n = alnum_count(s);
    n > 0 && n <= 5 && s.chars().filter(|c| c.is_alphanumeric()).all(|c| c.is_ascii_uppercase())
}

/// Whether a city's alternate name is worth a key.
fn keep_city_alt(s: &str) -> bool {
    let has_upper = s.chars().any(char::is_uppercase);
    let all_upper = s.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    has_upper
        && !all_upper
        && !s.chars().any(|c| c.is_ascii_digit())
        && fold::fold(s).len() >= 3
        && is_latin(s)
}

/// English plural of a demonym, if it takes one ("Russian" → "Russians"; not "Chinese").
fn plural(d: &str) -> Option<String> {
    let lower = d.to_lowercase();
    let none = ["s", "sh", "ch", "x", "z", "ese"].iter().any(|end| lower.ends_with(end));
    (!none && d.chars().last().is_some_and(char::is_alphabetic)).then(|| format!("{d}s"))
}

/// The string blob, with each distinct string stored once.
#[derive(Default)]
struct Blob {
    bytes: Vec<u8>,
    seen: HashMap<String, (u32, u16)>,
}

impl Blob {
    fn add(&mut self, s: &str) -> Result<(u32, u16), Error> {
        if let Some(&r) = self.seen.get(s) {
            return Ok(r);
        }
        let len = u16::try_from(s.len()).map_err(|_| Error::Build(format!("string too long: {s:.40}...")))?;
        let off =
            u32::try_from(self.bytes.len()).map_err(|_| Error::Build("string blob over 4 GiB".into()))?;
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), (off, len));
        Ok((off, len))
    }
}

/// Little-endian output.
#[derive(Default)]
struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f64) {
        self.0.extend_from_slice(&(v as f32).to_le_bytes());
    }
    fn str(&mut self, r: (u32, u16)) {
        self.u32(r.0);
        self.u16(r.1);
    }
    fn count(&mut self, n: usize) -> Result<(), Error> {
        self.u32(u32::try_from(n).map_err(|_| Error::Build("section too large".into()))?);
        Ok(())
    }
}

/// A blob reference or a list range: (offset, length).
type Ref = (u32, u16);
/// An index entry: the key's blob reference and its postings range.
type KeyEntry = (Ref, Ref);

/// Postings under construction: candidate → flags, plus sort data.
type PostingMap = BTreeMap<Vec<u8>, BTreeMap<(u8, u32), u8>>;

fn add_posting(map: &mut PostingMap, key: &[u8], kind: Kind, index: u32, flags: u8) {
    if key.is_empty() || key.len() > MAX_KEY {
        return;
    }
    *map.entry(key.to_vec()).or_default().entry((kind.to_u8(), index)).or_default() |= flags;
}

/// `s` folded (or exact-case folded) as key bytes; empty if too long.
fn fold_into(key: &mut KeyBuf, s: &str, exact_case: bool) -> Vec<u8> {
    key.clear();
    if exact_case {
        key.push_exact(s);
    } else {
        key.push_folded(s);
    }
    key.key().map(<[u8]>::to_vec).unwrap_or_default()
}

struct Region {
    name: String,
    country: u16,
    pop: u64,
    wlat: f64,
    wlon: f64,
    weight: f64,
}

impl Builder {
    /// Builds the gazetteer file.
    ///
    /// # Errors
    /// [`Error::Build`] for inconsistent input: bad or duplicate country codes, a city
    /// in an unknown country, duplicate GeoNames ids, or sections too large.
    pub fn build(&self) -> Result<(Vec<u8>, BuildStats), Error> {
        let mut stats = BuildStats::default();
        let mut countries: Vec<&CountrySource> = self.countries.iter().collect();
        countries.sort_by(|a, b| a.iso3.cmp(&b.iso3));
        if countries.len() > usize::from(u16::MAX) {
            return Err(Error::Build("too many countries".into()));
        }
        let mut by_iso2: HashMap<&str, u16> = HashMap::new();
        for (i, c) in countries.iter().enumerate() {
            let ok = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_uppercase());
            if !ok(&c.iso2, 2) || !ok(&c.iso3, 3) {
                return Err(Error::Build(format!("bad country codes {:?}/{:?}", c.iso2, c.iso3)));
            }
            if by_iso2.insert(&c.iso2, i as u16).is_some() {
                return Err(Error::Build(format!("duplicate country {}", c.iso2)));
            }
        }
        if countries.windows(2).any(|w| w[0].iso3 == w[1].iso3) {
            return Err(Error::Build("duplicate ISO alpha-3 code".into()));
        }

        let mut cities: Vec<&CitySource> = self.cities.iter().collect();
        cities.sort_by_key(|c| c.geonameid);
        if cities.windows(2).any(|w| w[0].geonameid == w[1].geonameid) {
            return Err(Error::Build("duplicate GeoNames id".into()));
        }
        let mut city_country = Vec::with_capacity(cities.len());
        for c in &cities {
            let k = by_iso2.get(c.iso2.as_str()).ok_or_else(|| {
                Error::Build(format!("city {} {:?}: unknown country {:?}", c.geonameid, c.name, c.iso2))
            })?;
            city_country.push(*k);
        }

        // Capitals: the most populous city of the country with that name.
        let mut by_name: HashMap<(u16, String), Vec<usize>> = HashMap::new();
        for (i, c) in cities.iter().enumerate() {
            let country = city_country.get(i).copied().unwrap_or_default();
            for n in std::iter::once(&c.name).chain(&c.alt_names) {
                let v = by_name.entry((country, fold::fold(n))).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
        let mut is_capital = vec![false; cities.len()];
        let mut capital_city = vec![u32::MAX; countries.len()];
        for (ci, c) in countries.iter().enumerate() {
            for (n, cap) in c.capitals.iter().enumerate() {
                let found = by_name.get(&(ci as u16, fold::fold(cap)));
                let best = found.and_then(|v| {
                    v.iter().copied().max_by_key(|&i| (cities.get(i).map_or(0, |c| c.population), Reverse(i)))
                });
                if let Some(i) = best {
                    if let Some(flag) = is_capital.get_mut(i) {
                        *flag = true;
                    }
                    if n == 0 {
                        if let Some(slot) = capital_city.get_mut(ci) {
                            *slot = i as u32;
                        }
                    }
                }
            }
        }
        stats.capitals = is_capital.iter().filter(|&&b| b).count();

        // Regions: (country, admin1) groups of cities.
        let mut region_map: BTreeMap<(u16, String), Region> = BTreeMap::new();
        for (i, c) in cities.iter().enumerate() {
            let name = c.admin1.trim();
            if name.is_empty() {
                continue;
            }
            let country = city_country.get(i).copied().unwrap_or_default();
            let w = c.population.max(1) as f64;
            let r = region_map.entry((country, name.to_string())).or_insert_with(|| Region {
                name: name.to_string(),
                country,
                pop: 0,
                wlat: 0.0,
                wlon: 0.0,
                weight: 0.0,
            });
            r.pop += c.population;
            r.wlat += w * c.lat;
            r.wlon += w * c.lon;
            r.weight += w;
        }
        let regions: Vec<Region> = region_map.into_values().collect();

        let mut blob = Blob::default();
        let mut lists: Vec<(u32, u16)> = Vec::new();
        let mut push_list = |blob: &mut Blob, names: &[&str]| -> Result<(u32, u16), Error> {
            let start = u32::try_from(lists.len()).map_err(|_| Error::Build("too many names".into()))?;
            let len = u16::try_from(names.len())
                .map_err(|_| Error::Build("too many names for one place".into()))?;
            for n in names {
                lists.push(blob.add(n)?);
            }
            Ok((start, len))
        };

        let mut folded: PostingMap = BTreeMap::new();
        let mut exact: PostingMap = BTreeMap::new();
        let mut demonyms: PostingMap = BTreeMap::new();
        let mut max_tokens = 0;
        let mut max_demonym_tokens = 0;
        let mut key = KeyBuf::default();

        // Countries.
        let mut country_recs = Vec::with_capacity(countries.len());
        for (ci, c) in countries.iter().enumerate() {
            let idx = ci as u32;
            let mut alts: Vec<&str> = Vec::new();
            for a in &c.alt_names {
                let a = a.trim();
                if alnum_count(a) <= 2 || !is_latin(a) || a == c.name || a == c.official || alts.contains(&a)
                {
                    continue;
                }
                alts.push(a);
            }
            for (s, flags) in [(&c.name, FLAG_PRIMARY), (&c.official, FLAG_PRIMARY)] {
                let k = fold_into(&mut key, s, false);
                add_posting(&mut folded, &k, Kind::Country, idx, flags);
                max_tokens = max_tokens.max(fold::max_tokens(s));
            }
            for a in &alts {
                let abbr = is_abbreviation(a);
                let k = fold_into(&mut key, a, abbr);
                let map = if abbr { &mut exact } else { &mut folded };
                add_posting(map, &k, Kind::Country, idx, if abbr { FLAG_EXACT_CASE } else { 0 });
                max_tokens = max_tokens.max(fold::max_tokens(a));
            }
            for a in &c.exact_aliases {
                let k = fold_into(&mut key, a, true);
                add_posting(&mut exact, &k, Kind::Country, idx, FLAG_EXACT_CASE);
                max_tokens = max_tokens.max(fold::max_tokens(a));
            }
            let mut dems: Vec<&str> = Vec::new();
            for d in &c.demonyms {
                let d = d.trim();
                if !d.is_empty() && !dems.contains(&d) {
                    dems.push(d);
                }
            }
            for d in &dems {
                for form in std::iter::once(d.to_string()).chain(plural(d)) {
                    let k = fold_into(&mut key, &form, false);
                    add_posting(&mut demonyms, &k, Kind::Country, idx, FLAG_PRIMARY);
                    max_demonym_tokens = max_demonym_tokens.max(fold::max_tokens(&form));
                }
            }
            country_recs.push((
                blob.add(&c.iso2)?,
                blob.add(&c.iso3)?,
                blob.add(&c.name)?,
                blob.add(&c.official)?,
                blob.add(c.capitals.first().map_or("", String::as_str))?,
                push_list(&mut blob, &alts)?,
                push_list(&mut blob, &dems)?,
            ));
        }

        // Cities.
        let mut city_recs = Vec::with_capacity(cities.len());
        for (i, c) in cities.iter().enumerate() {
            let idx = i as u32;
            let cap = if is_capital.get(i) == Some(&true) { FLAG_CAPITAL } else { 0 };
            let k = fold_into(&mut key, &c.name, false);
            add_posting(&mut folded, &k, Kind::City, idx, FLAG_PRIMARY | cap);
            max_tokens = max_tokens.max(fold::max_tokens(&c.name));
            let mut alts: Vec<&str> = Vec::new();
            for a in &c.alt_names {
                let a = a.trim();
                if a == c.name || alts.contains(&a) {
                    continue;
                }
                if !keep_city_alt(a) {
                    stats.city_alt_names_dropped += 1;
                    continue;
                }
                alts.push(a);
                let k = fold_into(&mut key, a, false);
                add_posting(&mut folded, &k, Kind::City, idx, cap);
                max_tokens = max_tokens.max(fold::max_tokens(a));
            }
            stats.city_alt_names_kept += alts.len();
            city_recs.push((blob.add(&c.name)?, blob.add(c.admin1.trim())?, push_list(&mut blob, &alts)?));
        }

        // Regions: the name, and "X region" for "X Oblast" / "X" alike.
        let mut region_recs = Vec::with_capacity(regions.len());
        for (i, r) in regions.iter().enumerate() {
            let idx = i as u32;
            let base = REGION_SUFFIXES
                .iter()
                .find_map(|s| r.name.strip_suffix(s).and_then(|b| b.strip_suffix(' ')))
                .unwrap_or(&r.name);
            let forms = [
                r.name.clone(),
                format!("{base} region"),
                format!("{base} province"),
                format!("{base} oblast"),
            ];
            for f in &forms {
                let k = fold_into(&mut key, f, false);
                add_posting(&mut folded, &k, Kind::Region, idx, FLAG_PRIMARY);
                max_tokens = max_tokens.max(fold::max_tokens(f));
            }
            region_recs.push(blob.add(&r.name)?);
        }

        // Common words.
        for (k, postings) in folded.iter_mut() {
            if self.common_words.contains(String::from_utf8_lossy(k).as_ref()) {
                stats.common_word_keys += 1;
                for f in postings.values_mut() {
                    *f |= FLAG_COMMON_WORD;
                }
            }
        }
        // Exact-case keys also carry what their folded form matches.
        for (k, postings) in exact.iter_mut() {
            let f = fold_into(&mut key, &String::from_utf8_lossy(k), false);
            if let Some(more) = folded.get(&f) {
                for (&cand, &flags) in more {
                    postings.entry(cand).or_insert(flags);
                }
            }
        }

        // Order candidates by the default prior.
        let country_pop = |i: u32| countries.get(i as usize).map_or(0, |c| c.population);
        let sort_key = |&((kind, index), flags): &((u8, u32), u8)| -> (u8, u8, Reverse<u64>, u32) {
            match Kind::from_u8(kind) {
                Some(Kind::Country) => {
                    (0, u8::from(flags & FLAG_PRIMARY == 0), Reverse(country_pop(index)), index)
                }
                Some(Kind::City) => {
                    let pop = cities.get(index as usize).map_or(0, |c| c.population);
                    let boost = if flags & FLAG_CAPITAL != 0 { 10 } else { 1 }
                        * if flags & FLAG_PRIMARY != 0 { 3 } else { 1 };
                    (1, 0, Reverse(pop.saturating_mul(boost)), index)
                }
                _ => (2, 0, Reverse(regions.get(index as usize).map_or(0, |r| r.pop)), index),
            }
        };
        let mut postings: Vec<Candidate> = Vec::new();
        let write_index = |map: &PostingMap,
                           postings: &mut Vec<Candidate>,
                           blob: &mut Blob|
         -> Result<Vec<KeyEntry>, Error> {
            let mut keys = Vec::with_capacity(map.len());
            for (k, cands) in map {
                let mut v: Vec<((u8, u32), u8)> = cands.iter().map(|(&c, &f)| (c, f)).collect();
                v.sort_by_key(sort_key);
                let start =
                    u32::try_from(postings.len()).map_err(|_| Error::Build("too many postings".into()))?;
                let len = u16::try_from(v.len())
                    .map_err(|_| Error::Build("too many candidates for one key".into()))?;
                for ((kind, index), flags) in v {
                    let kind = Kind::from_u8(kind).unwrap_or(Kind::City);
                    postings.push(Candidate { kind, flags, index });
                }
                let ks = String::from_utf8(k.clone()).map_err(|_| Error::Build("key is not UTF-8".into()))?;
                keys.push((blob.add(&ks)?, (start, len)));
            }
            Ok(keys)
        };
        let folded_keys = write_index(&folded, &mut postings, &mut blob)?;
        let exact_keys = write_index(&exact, &mut postings, &mut blob)?;
        let mut demonym_postings = Vec::new();
        // Demonyms: most populous country first.
        let demonyms_sorted: PostingMap = demonyms;
        let demonym_keys = write_index(&demonyms_sorted, &mut demonym_postings, &mut blob)?;

        stats.countries = countries.len();
        stats.cities = cities.len();
        stats.regions = regions.len();
        stats.keys = folded_keys.len();
        stats.exact_keys = exact_keys.len();
        stats.postings = postings.len();
        stats.demonym_keys = demonym_keys.len();
        stats.max_tokens = max_tokens;

        // Serialise.
        let mut o = Out::default();
        o.count(blob.bytes.len())?;
        o.0.extend_from_slice(&blob.bytes);
        o.count(countries.len())?;
        for (ci, (c, rec)) in countries.iter().zip(&country_recs).enumerate() {
            let (iso2, iso3, name, official, capital, alts, dems) = *rec;
            o.str(iso2);
            o.str(iso3);
            o.u32(c.geonameid);
            o.str(name);
            o.str(official);
            o.str(capital);
            o.u32(capital_city.get(ci).copied().unwrap_or(u32::MAX));
            o.f32(c.lat);
            o.f32(c.lon);
            o.u32(u32::try_from(c.population).unwrap_or(u32::MAX));
            o.str(alts);
            o.str(dems);
        }
        o.count(cities.len())?;
        for (i, (c, &(name, admin1, alts))) in cities.iter().zip(&city_recs).enumerate() {
            o.u32(c.geonameid);
            o.str(name);
            o.u16(city_country.get(i).copied().unwrap_or_default());
            o.str(admin1);
            o.f32(c.lat);
            o.f32(c.lon);
            o.u32(u32::try_from(c.population).unwrap_or(u32::MAX));
            o.str(alts);
            o.u8(u8::from(is_capital.get(i) == Some(&true)));
        }
        o.count(regions.len())?;
        for (r, &name) in regions.iter().zip(&region_recs) {
            o.str(name);
            o.u16(r.country);
            o.f32(r.wlat / r.weight.max(1.0));
            o.f32(r.wlon / r.weight.max(1.0));
            o.u32(u32::try_from(r.pop).unwrap_or(u32::MAX));
        }
        o.count(lists.len())?;
        for &s in &lists {
            o.str(s);
        }
        let write_keys = |o: &mut Out, keys: &[KeyEntry]| -> Result<(), Error> {
            o.count(keys.len())?;
            for &((off, len), range) in keys {
                o.u32(off);
                o.u8(u8::try_from(len).map_err(|_| Error::Build("key over 255 bytes".into()))?);
                o.str(range);
            }
            Ok(())
        };
        let write_postings = |o: &mut Out, p: &[Candidate]| -> Result<(), Error> {
            o.count(p.len())?;
            for c in p {
                o.u32(c.index);
                o.u8(c.kind.to_u8());
                o.u8(c.flags);
            }
            Ok(())
        };
        write_keys(&mut o, &folded_keys)?;
        write_keys(&mut o, &exact_keys)?;
        write_postings(&mut o, &postings)?;
        write_keys(&mut o, &demonym_keys)?;
        write_postings(&mut o, &demonym_postings)?;
        o.count(max_tokens)?;
        o.count(max_demonym_tokens)?;

        let mut bytes = Vec::with_capacity(o.0.len() + 20);
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&checksum(&o.0).to_le_bytes());
        bytes.extend_from_slice(&o.0);
        stats.bytes = bytes.len();
        Ok((bytes, stats))
    }
}
