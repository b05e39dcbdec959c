//! The corpus scheme: which labels exist, their keys, colours and guidelines.
//!
//! FORMATS.md section 3. A corpus may define its own in `spantag.ron`; without one the four
//! defaults below apply. Colours are the Okabe–Ito palette, distinguishable for colour-blind
//! readers.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    /// The key that applies the label: one digit or letter.
    pub key: String,
    /// `#RRGGBB`.
    pub color: String,
    /// The guideline, shown as the label's tooltip.
    pub description: String,
}

impl Label {
    /// The colour as RGB; grey when the string is not `#RRGGBB`.
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([128, 128, 128])
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationKind {
    pub name: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub labels: Vec<Label>,
    pub relations: Vec<RelationKind>,
}

impl Default for Scheme {
    fn default() -> Self {
        let label = |name: &str, key: &str, color: &str, description: &str| Label {
            name: name.into(),
            key: key.into(),
            color: color.into(),
            description: description.into(),
        };
        Scheme {
            labels: vec![
                label(
                    "claim",
                    "1",
                    "#E69F00",
                    "An assertion that can be checked or disputed.",
                ),
                label(
                    "quote",
                    "2",
                    "#56B4E9",
                    "Words attributed to someone, direct or reported.",
                ),
                label(
                    "location",
                    "3",
                    "#009E73",
                    "A named place: country, city, region, site.",
                ),
                label(
                    "actor",
                    "4",
                    "#CC79A7",
                    "A person, organisation, group or state that acts or speaks.",
                ),
            ],
            relations: vec![RelationKind {
                name: "said_by".into(),
                from: vec!["quote".into(), "claim".into()],
                to: vec!["actor".into()],
            }],
        }
    }
}

impl Scheme {
    pub fn label(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The label whose key is `key` (compared case-insensitively).
    pub fn label_for_key(&self, key: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.key.eq_ignore_ascii_case(key))
    }

    /// The label's colour, grey for a label the scheme does not know (e.g. from an import).
    pub fn rgb(&self, name: &str) -> [u8; 3] {
        self.label(name).map_or([128, 128, 128], Label::rgb)
    }
}

fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_format_spec() {
        let scheme = Scheme::default();
        let names: Vec<_> = scheme.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["claim", "quote", "location", "actor"]);
        assert_eq!(scheme.label_for_key("4").unwrap().name, "actor");
        assert_eq!(scheme.rgb("claim"), [0xE6, 0x9F, 0x00]);
        assert_eq!(scheme.rgb("unknown"), [128, 128, 128]);
        assert_eq!(parse_hex_color("#12345"), None);
    }
}
