use super::*;

fn country(iso2: &str, iso3: &str, name: &str, capital: &str, pop: u64) -> CountrySource {
    CountrySource {
        iso2: iso2.into(),
        iso3: iso3.into(),
        geonameid: 1000 + pop as u32 % 1000,
        name: name.into(),
        official: format!("Republic of {name}"),
        capitals: vec![capital.into()],
        population: pop,
        lat: 10.0,
        lon: 20.0,
        ..Default::default()
    }
}

fn city(id: u32, name: &str, iso2: &str, admin1: &str, pop: u64, alts: &[&str]) -> CitySource {
    CitySource {
        geonameid: id,
        name: name.into(),
        iso2: iso2.into(),
        admin1: admin1.into(),
        population: pop,
        lat: 1.0 + f64::from(id % 7),
        lon: 2.0,
        alt_names: alts.iter().map(|s| s.to_string()).collect(),
    }
}

/// A small world: France, the United States, Croatia and Saudi Arabia.
fn small() -> Builder {
    let mut us = country("US", "USA", "United States", "Washington", 327_000_000);
    us.alt_names = vec!["US".into(), "USA".into(), "United States of America".into()];
    us.exact_aliases = vec!["US".into(), "U.S.".into()];
    us.demonyms = vec!["American".into()];
    let mut sa = country("SA", "SAU", "Saudi Arabia", "Riyadh", 33_000_000);
    sa.alt_names = vec!["Saudi".into(), "SA".into(), "Kingdom of Saudi Arabia".into(), "السعودية".into()];
    sa.demonyms = vec!["Saudi Arabian".into(), "Saudi".into()];
    let mut fr = country("FR", "FRA", "France", "Paris", 66_000_000);
    fr.demonyms = vec!["French".into()];
    let hr = country("HR", "HRV", "Croatia", "Zagreb", 4_000_000);
    let mut b = Builder {
        countries: vec![us, sa, fr, hr],
        cities: vec![
            city(2988507, "Paris", "FR", "Île-de-France", 2_138_551, &["Lutetia", "PAR", "pa-ri"]),
            city(4717560, "Paris", "US", "Texas", 24_782, &[]),
            city(4140963, "Washington", "US", "District of Columbia", 689_545, &["Washington, D.C.", "DC"]),
            city(5549222, "Washington", "US", "Utah", 24_299, &[]),
            city(108410, "Riyadh", "SA", "Riyadh Region", 4_205_961, &["Ar Riyad"]),
            city(105343, "Jeddah", "SA", "Mecca Region", 4_697_000, &["Jiddah", "Djeddah"]),
            city(3190261, "Split", "HR", "Split-Dalmatia", 149_830, &[]),
            city(3186886, "Zagreb", "HR", "City of Zagreb", 698_966, &[]),
            city(5128581, "New York City", "US", "New York", 8_804_190, &["New York", "NYC"]),
            city(9999001, "Zagreb Heights", "US", "Ohio", 900_000, &["Zagreb"]),
        ],
        common_words: ["split", "of"].iter().map(|s| s.to_string()).collect(),
    };
    b.countries.sort_by(|a, b| b.iso3.cmp(&a.iso3)); // input order must not matter
    b
}

fn built() -> (Vec<u8>, Gazetteer) {
    let (bytes, _) = small().build().unwrap();
    let gaz = Gazetteer::from_bytes(&bytes).unwrap();
    (bytes, gaz)
}

fn iso3_of<'a>(g: &'a Gazetteer, c: &Candidate) -> &'a str {
    g.country_of(*c)
}

#[test]
fn round_trip_and_determinism() {
    let (bytes, g) = built();
    let (again, stats) = small().build().unwrap();
    assert_eq!(bytes, again, "same input, same bytes");
    assert_eq!(stats.bytes, bytes.len());
    assert_eq!(g.counts(), (4, 10, 10));
    let paris = g.city_by_geonameid(2988507).unwrap();
    assert_eq!(paris.name(), "Paris");
    assert_eq!(paris.country_iso3(), "FRA");
    assert_eq!(paris.admin1(), "Île-de-France");
    assert_eq!(paris.population(), 2_138_551);
    assert!(paris.is_capital());
    assert!((paris.lat() - 1.0 - f64::from(2988507u32 % 7)).abs() < 1e-5);
    // Lower-case transliterations and all-capital codes are not kept.
    assert_eq!(paris.alternate_names().collect::<Vec<_>>(), ["Lutetia"]);
    let sau = g.country_by_iso3("SAU").unwrap();
    assert_eq!((sau.iso2(), sau.name(), sau.capital()), ("SA", "Saudi Arabia", "Riyadh"));
    assert_eq!(sau.capital_city().unwrap().geonameid(), 108410);
    // Two-letter codes and non-Latin names are not alternative names.
    assert_eq!(sau.alternative_names().collect::<Vec<_>>(), ["Saudi", "Kingdom of Saudi Arabia"]);
    assert_eq!(sau.demonyms().collect::<Vec<_>>(), ["Saudi Arabian", "Saudi"]);
}

#[test]
fn every_truncation_is_an_error() {
    let (bytes, _) = built();
    for n in 0..bytes.len() {
        assert!(Gazetteer::from_bytes(&bytes[..n]).is_err(), "truncated to {n} bytes loaded");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Gazetteer::from_bytes(&longer).is_err());
}

#[test]
fn corrupt_bytes_are_errors_not_panics() {
    let (bytes, _) = built();
    // Flip each byte in turn: the checksum catches payload damage, the header checks
    // catch the rest.
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x5A;
        assert!(Gazetteer::from_bytes(&b).is_err(), "flipped byte {i} loaded");
    }
    let mut wrong_version = bytes.clone();
    wrong_version[8] = 9;
    assert!(matches!(Gazetteer::from_bytes(&wrong_version), Err(Error::Version { found: 9, .. })));
    assert!(Gazetteer::from_bytes(b"").is_err());
    assert!(Gazetteer::from_bytes(b"DYADGAZ\0\x01\0\0\0").is_err());
}

/// Damage that keeps the checksum right (as a hostile file could) is still caught by
/// the structural checks, or loads into something that cannot panic.
#[test]
fn damage_with_a_valid_checksum_never_panics() {
    let (bytes, _) = built();
    let mut state = 0x1234_5678_9abc_def0u64;
    for _ in 0..3000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut b = bytes.clone();
        let i = HEADER_SIZE + (state as usize) % (b.len() - HEADER_SIZE);
        b[i] = (state >> 32) as u8;
        let sum = checksum(&b[HEADER_SIZE..]);
        b[12..20].copy_from_slice(&sum.to_le_bytes());
        if let Ok(g) = Gazetteer::from_bytes(&b) {
            for name in ["Paris", "US", "Saudi Arabia", "Split", "x"] {
                let _ = g.resolve(name, &Context::with_countries(["USA"]));
                let _ = g.longest_match(&[name, "Arabia"]);
            }
            for c in g.cities() {
                let _ = (c.name(), c.admin1(), c.country_iso3(), c.alternate_names().count());
            }
        }
    }
}

#[test]
fn lookups() {
    let (_, g) = built();
    let first = |name: &str| g.lookup(name).first().copied();
    assert_eq!(g.lookup("Saudi Arabia").len(), 1);
    assert_eq!(first("saudi arabia").map(|c| c.kind), Some(Kind::Country));
    assert_eq!(first("SAUDI-ARABIA").map(|c| c.index), first("Saudi Arabia").map(|c| c.index));
    // Countries before cities; capitals and population rank cities.
    let paris = g.lookup("Paris");
    assert_eq!(paris.len(), 2);
    assert_eq!(g.city(paris[0].index).unwrap().geonameid(), 2988507);
    let wash = g.lookup("Washington");
    assert_eq!(g.city(wash[0].index).unwrap().geonameid(), 4140963);
    assert!(wash[0].is_capital());
    // Exact-case aliases.
    assert_eq!(first("US").map(|c| iso3_of(&g, &c)), Some("USA"));
    assert_eq!(first("U.S.").map(|c| iso3_of(&g, &c)), Some("USA"));
    assert!(g.lookup("us").is_empty());
    assert!(g.lookup("Us").is_empty());
    assert!(g.lookup("USA").first().is_some_and(|c| c.is_exact_case()));
    assert!(g.lookup("usa").is_empty());
    assert!(g.lookup("SA").is_empty(), "two-letter codes are not names");
    // Alternate names, diacritics and punctuation.
    assert_eq!(first("Jiddah").map(|c| c.index), first("Jeddah").map(|c| c.index));
    assert_eq!(first("Washington, D.C.").map(|c| c.index), first("Washington").map(|c| c.index));
    assert!(g.lookup("Ile de France").first().is_some_and(|c| c.kind == Kind::Region));
    assert!(g.lookup("Riyadh region").first().is_some_and(|c| c.kind == Kind::Region));
    assert!(g.lookup("").is_empty());
    assert!(g.lookup("...").is_empty());
    assert!(g.lookup(&"x".repeat(1000)).is_empty());
}

#[test]
fn tokens_and_longest_match() {
    let (_, g) = built();
    assert!(g.max_tokens() >= 4, "{}", g.max_tokens()); // "United States of America"
    assert_eq!(g.lookup_tokens(&["Saudi", "Arabia"]), g.lookup("Saudi Arabia"));
    let toks = ["New", "York", "City", "police", "said"];
    let (n, c) = g.longest_match(&toks).unwrap();
    assert_eq!((n, g.city(c[0].index).unwrap().geonameid()), (3, 5128581));
    let (n, _) = g.longest_match(&["New", "York", "on", "Monday"]).unwrap();
    assert_eq!(n, 2);
    let (n, _) = g.longest_match(&["Washington", ",", "D.C.", "today"]).unwrap();
    assert_eq!(n, 3);
    // A trailing punctuation token is not part of the match.
    let (n, _) = g.longest_match(&["Paris", ".", "Then"]).unwrap();
    assert_eq!(n, 1);
    assert!(g.longest_match(&[",", "Paris"]).is_none());
    assert!(g.longest_match(&["the", "talks"]).is_none());
    assert!(g.longest_match(&[]).is_none());
    let (n, c) = g.longest_match(&["U.S.", "envoy"]).unwrap();
    assert_eq!((n, iso3_of(&g, &c[0])), (1, "USA"));
}

#[test]
fn resolution_with_context() {
    let (_, g) = built();
    let none = Context::default();
    let us = Context::with_countries(["usa"]);
    let r = g.resolve("Paris", &none).unwrap();
    assert_eq!((r.geonameid, r.country_iso3, r.reason), (Some(2988507), "FRA", reason::PRIOR));
    // Paris, France is the capital: a US context alone keeps it; naming Texas does not.
    let r = g.resolve("Paris", &us).unwrap();
    assert_eq!((r.geonameid, r.reason), (Some(2988507), reason::CAPITAL));
    let mut texas = us.clone();
    texas.add_region("texas");
    let r = g.resolve("Paris", &texas).unwrap();
    assert_eq!((r.geonameid, r.admin1, r.reason), (Some(4717560), Some("Texas"), reason::CONTEXT_REGION));
    // Jeddah is not a capital: a namesake in a context country would win.
    let r = g.resolve("Jeddah", &Context::with_countries(["SAU"])).unwrap();
    assert_eq!(r.reason, reason::ONLY);
    let both = Context::with_countries(["USA", "FRA"]);
    assert_eq!(g.resolve("Paris", &both).unwrap().country_iso3, "FRA");
    let mut utah = Context::default();
    utah.add_region("Utah");
    assert_eq!(g.resolve("Washington", &utah).unwrap().geonameid, Some(5549222));
    assert_eq!(g.resolve("Washington", &us).unwrap().geonameid, Some(4140963));
    let r = g.resolve("Saudi Arabia", &us).unwrap();
    assert_eq!((r.kind, r.country_iso3, r.reason), (Kind::Country, "SAU", reason::COUNTRY));
    assert_eq!(r.geonameid, g.country_by_iso3("SAU").map(|c| c.geonameid()));
    let r = g.resolve("Jiddah", &none).unwrap();
    assert_eq!((r.name, r.reason), ("Jeddah", reason::ONLY));
    // Common words: never in lower case; as a city only in a context country.
    assert!(g.resolve("split", &Context::with_countries(["HRV"])).is_none());
    assert!(g.resolve("Split", &none).is_none());
    assert_eq!(g.resolve("Split", &Context::with_countries(["HRV"])).unwrap().geonameid, Some(3190261));
    assert!(g.resolve("Nowhere", &none).is_none());
    // A context namesake that has the name only as an alternate name does not win.
    let r = g.resolve("Zagreb", &us).unwrap();
    assert_eq!((r.country_iso3, r.reason), ("HRV", reason::ALT_NAME_ONLY));
}

#[test]
fn world_city_guard() {
    let mut b = small();
    b.countries.push(country("RU", "RUS", "Russia", "Moscow", 144_000_000));
    b.cities.push(city(524901, "Moscow", "RU", "Moscow", 10_381_222, &[]));
    b.cities.push(city(5601538, "Moscow", "US", "Idaho", 25_060, &[]));
    b.cities.push(city(9999002, "Jeddah", "US", "Ohio", 10_000, &[]));
    b.cities.push(city(9999003, "Jeddah", "US", "Utah", 100_000, &[]));
    let g = Gazetteer::from_bytes(&b.build().unwrap().0).unwrap();
    let us = Context::with_countries(["USA"]);
    let r = g.resolve("Moscow", &us).unwrap();
    assert_eq!((r.geonameid, r.reason), (Some(524901), reason::CAPITAL));
    let r = g.resolve("Jeddah", &us).unwrap();
    assert_eq!((r.geonameid, r.reason), (Some(9999003), reason::CONTEXT_COUNTRY));
    b.cities.pop();
    let g = Gazetteer::from_bytes(&b.build().unwrap().0).unwrap();
    let r = g.resolve("Jeddah", &us).unwrap();
    assert_eq!((r.geonameid, r.reason), (Some(105343), reason::MUCH_LARGER));
    let mut idaho = Context::with_countries(["USA"]);
    idaho.add_region("Idaho");
    assert_eq!(g.resolve("Moscow", &idaho).unwrap().geonameid, Some(5601538));
}

#[test]
fn demonyms() {
    let (_, g) = built();
    let iso = |w: &str| g.demonym(w).first().map(|c| iso3_of(&g, c).to_string());
    assert_eq!(iso("American").as_deref(), Some("USA"));
    assert_eq!(iso("Americans").as_deref(), Some("USA"));
    assert_eq!(iso("Saudi").as_deref(), Some("SAU"));
    assert_eq!(iso("Saudis").as_deref(), Some("SAU"));
    assert_eq!(iso("French").as_deref(), Some("FRA"));
    assert_eq!(iso("Frenchs"), None);
    assert_eq!(iso("american"), None, "demonyms are capitalised");
    assert_eq!(g.demonym_tokens(&["Saudi", "Arabian"]).len(), 1);
    assert!(g.max_demonym_tokens() >= 2);
}

#[test]
fn bad_input_is_a_build_error() {
    let mut b = small();
    b.cities.push(city(1, "Atlantis", "ZZ", "", 1, &[]));
    assert!(matches!(b.build(), Err(Error::Build(_))));
    let mut b = small();
    b.cities.push(city(2988507, "Paris again", "FR", "", 1, &[]));
    assert!(b.build().is_err());
    let mut b = small();
    b.countries.push(country("F", "FRA", "Bad", "", 1));
    assert!(b.build().is_err());
}

// The committed gazetteer.

fn real() -> Gazetteer {
    match Gazetteer::embedded() {
        Ok(g) => g,
        Err(e) => panic!("dictionaries/gazetteer.bin does not load: {e}"),
    }
}

#[test]
fn committed_gazetteer_places() {
    let g = real();
    let none = Context::default();
    let (nc, nt, _) = g.counts();
    assert_eq!(nc, 250);
    assert!(nt > 30_000, "{nt} cities");

    let r = g.resolve("Moscow", &none).unwrap();
    assert_eq!((r.kind, r.geonameid, r.country_iso3), (Kind::City, Some(524901), "RUS"));
    for name in ["Kyiv", "Kiev", "KYIV"] {
        let r = g.resolve(name, &none).unwrap();
        assert_eq!((r.geonameid, r.country_iso3), (Some(703448), "UKR"), "{name}");
    }
    let r = g.resolve("Saudi Arabia", &none).unwrap();
    assert_eq!((r.kind, r.country_iso3), (Kind::Country, "SAU"));
    let r = g.resolve("Riyadh", &none).unwrap();
    assert_eq!((r.kind, r.geonameid, r.country_iso3), (Kind::City, Some(108410), "SAU"));
    assert!(g.city_by_geonameid(108410).unwrap().is_capital());
    for name in ["Jeddah", "Jiddah"] {
        assert_eq!(g.resolve(name, &none).unwrap().geonameid, Some(105343), "{name}");
    }
    let us = Context::with_countries(["USA"]);
    let r = g.resolve("Washington", &us).unwrap();
    assert_eq!((r.geonameid, r.admin1), (Some(4140963), Some("District of Columbia")));
    let r = g.resolve("Paris", &none).unwrap();
    assert_eq!((r.geonameid, r.country_iso3), (Some(2988507), "FRA"));
    // A US context alone does not move world-famous cities to American namesakes...
    for (name, id) in [("Paris", 2988507), ("Moscow", 524901), ("Rome", 3169070), ("Athens", 264371)] {
        let r = g.resolve(name, &us).unwrap();
        assert_eq!(r.geonameid, Some(id), "{name}");
        assert!([reason::CAPITAL, reason::BETTER_KNOWN].contains(&r.reason), "{name}: {}", r.reason);
    }
    assert_eq!(g.resolve("Ottawa", &us).unwrap().country_iso3, "CAN");
    // ... a region named in the document does.
    let mut texas = us.clone();
    texas.add_region("Texas");
    let r = g.resolve("Paris", &texas).unwrap();
    assert_eq!((r.country_iso3, r.admin1, r.reason), ("USA", Some("Texas"), reason::CONTEXT_REGION));
    // Comparable namesakes follow the context.
    let r = g.resolve("Tripoli", &Context::with_countries(["LBN"])).unwrap();
    assert_eq!((r.country_iso3, r.reason), ("LBN", reason::CONTEXT_COUNTRY));
    assert_eq!(g.resolve("Tripoli", &none).unwrap().country_iso3, "LBY");
    assert_eq!(g.resolve("Hyderabad", &Context::with_countries(["PAK"])).unwrap().country_iso3, "PAK");
}

#[test]
fn committed_gazetteer_names() {
    let g = real();
    let none = Context::default();
    let iso = |name: &str| g.resolve(name, &none).map(|r| r.country_iso3.to_string());
    for (name, want) in [
        ("United States", "USA"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("America", "USA"),
        ("KSA", "SAU"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("Ukraine", "UKR"),
        ("Russia", "RUS"),
        ("Turkey", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("UAE", "ARE"),
    ] {
        assert_eq!(iso(name).as_deref(), Some(want), "{name}");
        assert_eq!(g.resolve(name, &none).unwrap().kind, Kind::Country, "{name}");
    }
    // Short codes that are English words do not match.
    for word in ["IN", "IT", "in", "it", "us", "ME", "NO", "AS"] {
        assert!(g.lookup(word).iter().all(|c| c.kind != Kind::Country), "{word} matched a country");
    }
    let dem = |w: &str| g.demonym(w).first().map(|c| iso3_of(&g, c).to_string());
    assert_eq!(dem("Russian").as_deref(), Some("RUS"));
    assert_eq!(dem("Ukrainian").as_deref(), Some("UKR"));
    assert_eq!(dem("Saudi").as_deref(), Some("SAU"));
    assert_eq!(dem("Americans").as_deref(), Some("USA"));
    assert_eq!(dem("Korean").as_deref(), None);
    assert_eq!(dem("South Korean").as_deref(), Some("KOR"));
    assert_eq!(dem("Congolese").as_deref(), Some("COD"));
    // Common words.
    assert!(g.resolve("police", &none).is_none());
    assert!(g.resolve("Police", &none).is_none());
    assert!(g.resolve("Nice", &none).is_none());
    assert_eq!(g.resolve("Nice", &Context::with_countries(["FRA"])).unwrap().country_iso3, "FRA");
}
