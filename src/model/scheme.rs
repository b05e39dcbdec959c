//! The corpus scheme: which labels exist, their keys, colours, guidelines and attributes.
//!
//! docs/FORMATS.md section 3. A corpus may define its own in `spantag.ron`; without one the
//! four defaults below apply. Colours are the Okabe–Ito palette, distinguishable for
//! colour-blind readers.
//!
//! A label may declare typed attributes (a claim's `verdict`), each with an optional key
//! that sets it on the selected span, and may be an *entity label*: its spans can refer to
//! an entity of the corpus's `entities.ron` ([`super::entities`]).

use serde::{Deserialize, Serialize};

use super::Attrs;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    /// The key that applies the label: one digit or letter.
    pub key: String,
    /// `#RRGGBB`.
    pub color: String,
    /// The guideline, shown as the label's tooltip.
    pub description: String,
    /// The attributes a span of this label can carry, in the order they are shown.
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// Whether spans of this label can refer to a corpus entity (actors, places).
    #[serde(default)]
    pub entity: bool,
}

/// A typed attribute of a label's spans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub kind: AttrKind,
    /// The key that sets it on the selected span: a choice steps to its next option (and
    /// back to unset), yes/no toggles, a number or text puts the cursor in its field.
    #[serde(default)]
    pub key: Option<String>,
    /// The value a new span of the label gets when it is tagged.
    #[serde(default)]
    pub default: Option<String>,
}

/// What values an attribute takes. Values are stored as text (see [`Attrs`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttrKind {
    /// One option of the list.
    Choice(Vec<String>),
    /// `yes` or `no`.
    YesNo,
    /// A finite decimal number, e.g. `3` or `-0.25`.
    Number,
    /// Short text on one line.
    Text,
}

/// The longest value a text attribute may hold, in chars.
pub const MAX_ATTR_TEXT_CHARS: usize = 500;

impl AttrKind {
    /// Why `value` is not a value of this kind, if it is not.
    pub fn check(&self, value: &str) -> Result<(), String> {
        match self {
            AttrKind::Choice(options) if !options.iter().any(|o| o == value) => Err(format!(
                "{value:?} is not one of {}",
                options
                    .iter()
                    .map(|o| format!("{o:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            AttrKind::YesNo if value != "yes" && value != "no" => {
                Err(format!("{value:?} is not \"yes\" or \"no\""))
            }
            AttrKind::Number if !value.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                Err(format!("{value:?} is not a number"))
            }
            AttrKind::Text if value.chars().count() > MAX_ATTR_TEXT_CHARS => Err(format!(
                "the text is longer than {MAX_ATTR_TEXT_CHARS} characters"
            )),
            AttrKind::Text if value.contains(['\n', '\r']) => {
                Err("the text has more than one line".into())
            }
            _ => Ok(()),
        }
    }

    /// The value after `current` when the attribute's key is pressed: the next option
    /// (after the last, unset again), or yes/no toggled. `None` for numbers and text,
    /// which are typed.
    pub fn step(&self, current: Option<&str>) -> Option<Option<String>> {
        match self {
            AttrKind::Choice(options) => {
                let next = match current.and_then(|c| options.iter().position(|o| o == c)) {
                    None => options.first(),
                    Some(i) => options.get(i + 1),
                };
                Some(next.cloned())
            }
            AttrKind::YesNo => Some(Some(
                if current == Some("yes") { "no" } else { "yes" }.into(),
            )),
            AttrKind::Number | AttrKind::Text => None,
        }
    }

    /// `choice`, `yes/no`, `number` or `text`: the kind in a table heading or a message.
    pub fn name(&self) -> &'static str {
        match self {
            AttrKind::Choice(_) => "choice",
            AttrKind::YesNo => "yes/no",
            AttrKind::Number => "number",
            AttrKind::Text => "text",
        }
    }
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
    #[serde(default)]
    pub relations: Vec<RelationKind>,
}

impl Default for Scheme {
    fn default() -> Self {
        let label = |name: &str, key: &str, color: &str, description: &str| Label {
            name: name.into(),
            key: key.into(),
            color: color.into(),
            description: description.into(),
            attributes: Vec::new(),
            entity: false,
        };
        let choice = |name: &str, key: &str, options: &[&str]| Attribute {
            name: name.into(),
            kind: AttrKind::Choice(options.iter().map(|o| o.to_string()).collect()),
            key: Some(key.into()),
            default: None,
        };
        Scheme {
            labels: vec![
                Label {
                    attributes: vec![choice(
                        "verdict",
                        "V",
                        &["true", "false", "misleading", "unverified"],
                    )],
                    ..label(
                        "claim",
                        "1",
                        "#E69F00",
                        "An assertion that can be checked or disputed.",
                    )
                },
                Label {
                    attributes: vec![choice("kind", "K", &["direct", "indirect"])],
                    ..label(
                        "quote",
                        "2",
                        "#56B4E9",
                        "Words attributed to someone, direct or reported.",
                    )
                },
                Label {
                    entity: true,
                    ..label(
                        "location",
                        "3",
                        "#009E73",
                        "A named place: country, city, region, site.",
                    )
                },
                Label {
                    entity: true,
                    ..label(
                        "actor",
                        "4",
                        "#CC79A7",
                        "A person, organisation, group or state that acts or speaks.",
                    )
                },
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

/// Keys the app itself uses, which a label or attribute cannot take: R links a speaker,
/// E an entity, W toggles word snapping, N and X go through and reject proposals.
pub const RESERVED_KEYS: [&str; 5] = ["R", "E", "W", "N", "X"];

/// What the reserved keys do, for messages.
const RESERVED_KEYS_DO: &str = "R links speakers, E links entities, W toggles word snapping, N and X go through and reject suggestions";

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
        let at = |needle: &str, message: String| locate(source, 0, needle, message);
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
                return Err(at(
                    &name_at,
                    format!(
                        "label {:?}: key {:?} is the app's own ({RESERVED_KEYS_DO})",
                        label.name, label.key
                    ),
                ));
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
        for label in &scheme.labels {
            check_attributes(&scheme, label, source)?;
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

    /// The attribute `name` of `label`, if the scheme declares it.
    pub fn attribute(&self, label: &str, name: &str) -> Option<&Attribute> {
        self.label(label)?
            .attributes
            .iter()
            .find(|a| a.name == name)
    }

    /// The attribute of `label` whose key is `key` (compared case-insensitively).
    pub fn attribute_for_key(&self, label: &str, key: &str) -> Option<&Attribute> {
        self.label(label)?.attributes.iter().find(|a| {
            a.key
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        })
    }

    /// The values a new span of `label` gets: its attributes' defaults.
    pub fn defaults(&self, label: &str) -> Attrs {
        self.label(label)
            .map(|l| {
                l.attributes
                    .iter()
                    .filter_map(|a| Some((a.name.clone(), a.default.clone()?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether spans of `label` can refer to a corpus entity.
    pub fn is_entity_label(&self, label: &str) -> bool {
        self.label(label).is_some_and(|l| l.entity)
    }

    /// Every attribute name of every label, each once, in scheme order: the columns of a
    /// table that has one per attribute.
    pub fn attribute_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for a in self.labels.iter().flat_map(|l| &l.attributes) {
            if !names.contains(&a.name.as_str()) {
                names.push(&a.name);
            }
        }
        names
    }

    /// The label's colour, grey for a label the scheme does not know (e.g. from an import).
    pub fn rgb(&self, name: &str) -> [u8; 3] {
        self.label(name).map_or([128, 128, 128], Label::rgb)
    }
}

/// Checks one label's attributes: names and keys unique within the label, keys one letter
/// or digit taken by no label and not the app's own, choices with distinct options, and
/// defaults that are values of their kind.
fn check_attributes(scheme: &Scheme, label: &Label, source: &str) -> Result<(), SchemeError> {
    // Attribute names repeat across labels: look for them after the label's own line.
    let label_line = locate(source, 0, &format!("\"{}\"", label.name), String::new()).line;
    let at = |needle: &str, message: String| locate(source, label_line - 1, needle, message);
    for (i, attribute) in label.attributes.iter().enumerate() {
        let name_at = format!("\"{}\"", attribute.name);
        let what = format!("label {:?}, attribute {:?}", label.name, attribute.name);
        if attribute.name.trim().is_empty() {
            return Err(at(
                "attributes",
                format!("label {:?}: an attribute has no name", label.name),
            ));
        }
        if label.attributes[..i]
            .iter()
            .any(|a| a.name == attribute.name)
        {
            return Err(at(&name_at, format!("{what} is defined twice")));
        }
        if let AttrKind::Choice(options) = &attribute.kind {
            if options.is_empty() {
                return Err(at(
                    &name_at,
                    format!("{what}: a choice needs at least one option"),
                ));
            }
            for (j, option) in options.iter().enumerate() {
                if options[..j].contains(option) {
                    return Err(at(
                        &name_at,
                        format!("{what}: the option {option:?} is listed twice"),
                    ));
                }
            }
        }
        if let Some(default) = &attribute.default {
            if let Err(why) = attribute.kind.check(default) {
                return Err(at(&name_at, format!("{what}: the default {why}")));
            }
        }
        let Some(key) = &attribute.key else { continue };
        let key_ok = key.chars().count() == 1 && key.chars().all(|c| c.is_ascii_alphanumeric());
        if !key_ok {
            return Err(at(
                &name_at,
                format!("{what}: key {key:?} must be one letter or digit"),
            ));
        }
        if RESERVED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return Err(at(
                &name_at,
                format!("{what}: key {key:?} is the app's own ({RESERVED_KEYS_DO})"),
            ));
        }
        if let Some(other) = scheme.label_for_key(key) {
            return Err(at(
                &name_at,
                format!("{what}: key {key:?} is the key of label {:?}", other.name),
            ));
        }
        if let Some(other) = label.attributes[..i].iter().find(|a| {
            a.key
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        }) {
            return Err(at(
                &name_at,
                format!(
                    "label {:?}: attributes {:?} and {:?} share the key {key:?}",
                    label.name, other.name, attribute.name
                ),
            ));
        }
    }
    Ok(())
}

/// The first line at or after `from_line` (0-based) that contains `needle`, as an error
/// there (line 1, column 1 when none does).
fn locate(source: &str, from_line: usize, needle: &str, message: String) -> SchemeError {
    let found = source
        .lines()
        .enumerate()
        .skip(from_line)
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, c + 1)));
    let (line, col) = found.unwrap_or((1, 1));
    SchemeError { line, col, message }
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

    const ATTRIBUTES: &str = r##"(
    labels: [
        (name: "claim", key: "1", color: "#E69F00", description: "A claim.",
         attributes: [
             (name: "verdict", kind: Choice(["true", "false", "unverified"]), key: Some("v"), default: Some("unverified")),
             (name: "checkworthy", kind: YesNo, key: Some("c")),
             (name: "weight", kind: Number),
             (name: "source", kind: Text),
         ]),
        (name: "actor", key: "4", color: "#CC79A7", description: "An actor.", entity: true,
         attributes: [
             (name: "verdict", kind: Text),
         ]),
    ],
    relations: [],
)"##;

    #[test]
    fn attributes_parse_with_keys_defaults_and_entity_labels() {
        let scheme = Scheme::parse(ATTRIBUTES).unwrap();
        assert_eq!(
            scheme.attribute_for_key("claim", "V").unwrap().name,
            "verdict"
        );
        assert!(scheme.attribute_for_key("actor", "v").is_none());
        assert_eq!(
            scheme.attribute("actor", "verdict").unwrap().kind,
            AttrKind::Text
        );
        let defaults = scheme.defaults("claim");
        assert_eq!(
            defaults.get("verdict").map(String::as_str),
            Some("unverified")
        );
        assert_eq!(defaults.len(), 1);
        assert!(scheme.is_entity_label("actor") && !scheme.is_entity_label("claim"));
        assert_eq!(
            scheme.attribute_names(),
            ["verdict", "checkworthy", "weight", "source"]
        );
        // The defaults: a claim's verdict, a quote's kind; actors and places are entities.
        let defaults = Scheme::default();
        assert_eq!(
            defaults.attribute_for_key("claim", "v").unwrap().name,
            "verdict"
        );
        assert_eq!(
            defaults.attribute_for_key("quote", "k").unwrap().name,
            "kind"
        );
        assert!(defaults.is_entity_label("actor") && defaults.is_entity_label("location"));
    }

    #[test]
    fn attribute_errors_name_the_line() {
        let cases = [
            // An unknown kind is a parse error at the kind.
            (ATTRIBUTES.replace("kind: YesNo", "kind: Maybe"), 6, "Maybe"),
            // Two attributes of one label with one key.
            (
                ATTRIBUTES.replace("key: Some(\"c\")", "key: Some(\"V\")"),
                6,
                "share the key",
            ),
            // A key a label has.
            (
                ATTRIBUTES.replace("key: Some(\"c\")", "key: Some(\"4\")"),
                6,
                "the key of label",
            ),
            // The app's own key.
            (
                ATTRIBUTES.replace("key: Some(\"c\")", "key: Some(\"e\")"),
                6,
                "the app's own",
            ),
            // A default not in the list; a yes/no default that is neither.
            (
                ATTRIBUTES.replace("Some(\"unverified\")", "Some(\"maybe\")"),
                5,
                "not one of",
            ),
            (
                ATTRIBUTES.replace("kind: YesNo,", "kind: YesNo, default: Some(\"1\"),"),
                6,
                "not \"yes\"",
            ),
            // The same name twice in one label; the actor's own "verdict" is fine.
            (
                ATTRIBUTES.replace("\"weight\"", "\"checkworthy\""),
                6,
                "defined twice",
            ),
            (
                ATTRIBUTES.replace(
                    "Choice([\"true\", \"false\", \"unverified\"])",
                    "Choice([\"true\", \"true\"])",
                ),
                5,
                "listed twice",
            ),
            (
                ATTRIBUTES.replace("kind: Number", "kind: Number, default: Some(\"NaN\")"),
                7,
                "not a number",
            ),
        ];
        for (source, line, needle) in cases {
            let e = Scheme::parse(&source).unwrap_err();
            assert_eq!(e.line, line, "{e}");
            assert!(e.message.contains(needle), "{e}");
        }
    }

    #[test]
    fn values_are_checked_and_keys_step_through_them() {
        let choice = AttrKind::Choice(vec!["a".into(), "b".into()]);
        assert!(choice.check("a").is_ok() && choice.check("c").is_err());
        assert!(AttrKind::Number.check("-0.25").is_ok());
        assert!(AttrKind::Number.check("inf").is_err());
        assert!(AttrKind::Text.check("two\nlines").is_err());
        assert_eq!(choice.step(None), Some(Some("a".into())));
        assert_eq!(choice.step(Some("a")), Some(Some("b".into())));
        assert_eq!(choice.step(Some("b")), Some(None), "after the last, unset");
        assert_eq!(AttrKind::YesNo.step(None), Some(Some("yes".into())));
        assert_eq!(AttrKind::YesNo.step(Some("yes")), Some(Some("no".into())));
        assert_eq!(AttrKind::Text.step(None), None);
    }

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
