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

/// The file name of a corpus scheme, at the corpus folder's root.
pub const SCHEME_FILE: &str = "spantag.ron";

/// Schemes larger than this (1 MB, far beyond any real list of labels) are refused.
pub const MAX_SCHEME_BYTES: usize = 1024 * 1024;

/// Keys the app itself uses, which a label cannot take.
const RESERVED_KEYS: [&str; 4] = ["R", "W", "N", "X"];

/// What is wrong with a scheme file; `line` and `col` are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {col}: {message}")]
pub struct SchemeError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Scheme {
    /// Parses and checks a scheme file: unique label names and keys, one letter or digit
    /// per key and none the app uses, `#RRGGBB` colours, relations between known labels.
    pub fn parse(source: &str) -> Result<Scheme, SchemeError> {
        if source.len() > MAX_SCHEME_BYTES {
            return Err(SchemeError {
                line: 1,
                col: 1,
                message: format!(
                    "{} bytes is larger than the {} KB a scheme may have",
                    source.len(),
                    MAX_SCHEME_BYTES >> 10
                ),
            });
        }
        let ron = ron::Options::default().with_recursion_limit(super::sidecar::MAX_NESTING);
        let scheme: Scheme = ron.from_str(source).map_err(|e| SchemeError {
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })?;
        // Semantic problems point at the line that names the culprit.
        let at = |needle: &str, message: String| {
            let line = source
                .lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1);
            let col = source
                .lines()
                .nth(line - 1)
                .and_then(|l| l.find(needle))
                .map_or(1, |c| c + 1);
            SchemeError { line, col, message }
        };
        if scheme.labels.is_empty() {
            return Err(at("labels", "the scheme has no labels".into()));
        }
        for (i, label) in scheme.labels.iter().enumerate() {
            let name_at = format!("\"{}\"", label.name);
            if scheme.labels[..i].iter().any(|l| l.name == label.name) {
                return Err(at(
                    &name_at,
                    format!("label {:?} is defined twice", label.name),
                ));
            }
            let key_ok = label.key.chars().count() == 1
                && label.key.chars().all(|c| c.is_ascii_alphanumeric());
            if !key_ok {
                return Err(at(
                    &name_at,
                    format!(
                        "label {:?}: key {:?} must be one letter or digit",
                        label.name, label.key
                    ),
                ));
            }
            if RESERVED_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&label.key))
            {
                return Err(at(&name_at, format!("label {:?}: key {:?} is the app's own (R links speakers, W toggles word snapping, N and X go through and reject suggestions)", label.name, label.key)));
            }
            if let Some(other) = scheme.labels[..i]
                .iter()
                .find(|l| l.key.eq_ignore_ascii_case(&label.key))
            {
                return Err(at(
                    &name_at,
                    format!(
                        "labels {:?} and {:?} share the key {:?}",
                        other.name, label.name, label.key
                    ),
                ));
            }
            if parse_hex_color(&label.color).is_none() {
                return Err(at(
                    &name_at,
                    format!(
                        "label {:?}: colour {:?} is not #RRGGBB",
                        label.name, label.color
                    ),
                ));
            }
        }
        for relation in &scheme.relations {
            for end in relation.from.iter().chain(&relation.to) {
                if scheme.label(end).is_none() {
                    return Err(at(
                        &format!("\"{}\"", relation.name),
                        format!(
                            "relation {:?} names the unknown label {end:?}",
                            relation.name
                        ),
                    ));
                }
            }
        }
        Ok(scheme)
    }

    /// The relation kind that links `from` spans to `to` spans, if the scheme has one.
    pub fn relation_between(&self, from: &str, to: &str) -> Option<&RelationKind> {
        self.relations
            .iter()
            .find(|r| r.from.iter().any(|l| l == from) && r.to.iter().any(|l| l == to))
    }

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
        assert_eq!(
            scheme.relation_between("quote", "actor").unwrap().name,
            "said_by"
        );
        assert!(scheme.relation_between("actor", "quote").is_none());
    }

    const CUSTOM: &str = r##"(
    labels: [
        (name: "person", key: "p", color: "#0072B2", description: "A named person."),
        (name: "org",    key: "o", color: "#D55E00", description: "An organisation."),
    ],
    relations: [],
)"##;

    #[test]
    fn a_custom_scheme_parses() {
        let scheme = Scheme::parse(CUSTOM).unwrap();
        assert_eq!(scheme.label_for_key("P").unwrap().name, "person");
    }

    #[test]
    fn scheme_errors_name_the_line() {
        let duplicate_key = CUSTOM.replace("key: \"o\"", "key: \"p\"");
        let e = Scheme::parse(&duplicate_key).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("share the key"), "{e}");
        let reserved = CUSTOM.replace("key: \"o\"", "key: \"w\"");
        assert!(Scheme::parse(&reserved)
            .unwrap_err()
            .message
            .contains("the app's own"));
        let broken = CUSTOM.replace("color: \"#D55E00\",", "color: ,");
        assert_eq!(Scheme::parse(&broken).unwrap_err().line, 4);
        let bad_color = CUSTOM.replace("#D55E00", "orange");
        assert!(Scheme::parse(&bad_color)
            .unwrap_err()
            .message
            .contains("#RRGGBB"));
    }
}
