//! Breaking a CAMEO actor code (`USAGOV`, `IGOUNO`, `SYRREBMOS`) into the
//! parts the GDELT and Phoenix formats have columns for.

use std::collections::HashSet;

/// Transnational roots that stand where a country code would.
const ROOTS: &[&str] = &["IGO", "NGO", "IMG", "MNC"];

/// Phoenix's primary agents (its "role" column).
const PRIMARY_AGENTS: &[&str] =
    &["GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS", "CRM", "CVL"];

/// CAMEO type (role) codes: GDELT's Type1..3 columns.
const TYPES: &[&str] = &[
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "PTY", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM", "CVL",
    "DEV", "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD", "NGM", "IGO", "NGO",
    "IMG", "MNC", "UNS",
];

/// CAMEO religion codes: GDELT's Religion1/2 columns.
const RELIGIONS: &[&str] = &[
    "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "DRZ", "HIN", "HSD", "ITR", "JAN",
    "JEW", "JHW", "LDS", "MOS", "MRN", "NRM", "ORT", "PAG", "PRO", "SFI", "SHI", "SHN", "SIK", "SUN", "TAO",
    "UDX", "ZRO",
];

/// The parts of one actor code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActorParts {
    /// The full code, empty for a missing actor or `---`.
    pub code: String,
    /// First three letters when they are a country.
    pub country: String,
    /// An organisation code (`UNO`, `NAT`, `TAL`...): the first part that is
    /// neither country, type nor religion.
    pub known_group: String,
    pub religion1: String,
    pub religion2: String,
    /// Up to three type (role) codes, in order.
    pub types: [String; 3],
    /// Phoenix: the country or transnational root.
    pub entity: String,
    /// Phoenix: the primary agent after the root.
    pub role: String,
    /// Phoenix: every other three-letter part, `;`-joined.
    pub attributes: String,
}

/// Splits actor codes; knows which three-letter codes are countries.
pub struct ActorCodes {
    countries: HashSet<String>,
}

impl ActorCodes {
    /// Country codes from dyad's gazetteer (ISO 3166 alpha-3).
    pub fn from_gazetteer() -> ActorCodes {
        let countries = match dyad_dict::gazetteer::Gazetteer::embedded() {
            Ok(g) => g.countries().map(|c| c.iso3().to_string()).collect(),
            Err(_) => HashSet::new(),
        };
        ActorCodes { countries }
    }

    /// With an explicit list of country codes.
    pub fn with_countries<'a>(codes: impl IntoIterator<Item = &'a str>) -> ActorCodes {
        ActorCodes { countries: codes.into_iter().map(str::to_string).collect() }
    }

    pub fn is_country(&self, c: &str) -> bool {
        self.countries.contains(c)
    }

    /// Splits `code` into its parts.
    pub fn split(&self, code: &str) -> ActorParts {
        let code = code.trim();
        if code.is_empty() || code.chars().all(|c| c == '-') || !code.is_ascii() {
            return ActorParts {
                code: if code.is_ascii() { String::new() } else { code.to_string() },
                ..Default::default()
            };
        }
        let parts: Vec<&str> =
            (0..code.len()).step_by(3).filter_map(|i| code.get(i..(i + 3).min(code.len()))).collect();
        let mut out = ActorParts { code: code.to_string(), ..Default::default() };
        let mut rest: &[&str] = &parts;
        if let Some((first, tail)) = parts.split_first() {
            if self.is_country(first) {
                out.country = (*first).to_string();
                out.entity = (*first).to_string();
                rest = tail;
            } else if ROOTS.contains(first) {
                out.entity = (*first).to_string();
                rest = tail;
            }
        }
        let mut attrs: Vec<&str> = Vec::new();
        for (i, p) in rest.iter().enumerate() {
            if i == 0 && !out.entity.is_empty() && PRIMARY_AGENTS.contains(p) {
                out.role = (*p).to_string();
            } else {
                attrs.push(p);
            }
        }
        out.attributes = attrs.join(";");
        let mut types = Vec::new();
        for p in rest {
            if RELIGIONS.contains(p) {
                if out.religion1.is_empty() {
                    out.religion1 = (*p).to_string();
                } else if out.religion2.is_empty() {
                    out.religion2 = (*p).to_string();
                }
            } else if TYPES.contains(p) {
                types.push((*p).to_string());
            } else if out.known_group.is_empty() && !self.is_country(p) {
                out.known_group = (*p).to_string();
            }
        }
        for (slot, t) in out.types.iter_mut().zip(types) {
            *slot = t;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> ActorCodes {
        ActorCodes::with_countries(["USA", "RUS", "SYR", "AFG"])
    }

    #[test]
    fn splits_country_agent_codes() {
        let p = codes().split("USAGOV");
        assert_eq!((p.country.as_str(), p.types[0].as_str(), p.known_group.as_str()), ("USA", "GOV", ""));
        assert_eq!((p.entity.as_str(), p.role.as_str(), p.attributes.as_str()), ("USA", "GOV", ""));
    }

    #[test]
    fn splits_organisations_and_religions() {
        let c = codes();
        let p = c.split("IGOUNO");
        assert_eq!((p.country.as_str(), p.known_group.as_str(), p.entity.as_str()), ("", "UNO", "IGO"));
        assert_eq!(p.attributes, "UNO");
        let p = c.split("SYRREBMOSSUN");
        assert_eq!((p.types[0].as_str(), p.religion1.as_str(), p.religion2.as_str()), ("REB", "MOS", "SUN"));
        assert_eq!((p.role.as_str(), p.attributes.as_str()), ("REB", "MOS;SUN"));
        let p = c.split("AFGINSTAL");
        assert_eq!((p.types[0].as_str(), p.known_group.as_str()), ("INS", "TAL"));
        assert_eq!(p.role, "", "INS is not one of Phoenix's primary agents");
        assert_eq!(c.split("---"), ActorParts::default());
        assert_eq!(c.split("").code, "");
        let p = c.split("GOVMILX");
        assert_eq!(p.types[..2], ["GOV".to_string(), "MIL".to_string()]);
        assert_eq!(p.known_group, "X");
    }
}
