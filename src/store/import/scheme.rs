//! The scheme an import brings along: the labels and relation kinds the imported articles
//! use, added to the folder's `spantag.ron` so that the folder passes `spantag validate` and
//! every span has a colour and a key in the window.
//!
//! An existing scheme is extended, never replaced: its labels and kinds stay exactly as
//! they are. The new entries are inserted into the file's text before the closing brackets
//! of its `labels` and `relations` lists, so its comments and layout are kept; only a file
//! laid out in a way the insertion cannot follow is written whole again, and the import
//! says so. A folder without a scheme uses the defaults, so the new file is the defaults
//! plus what the import found.
//!
//! New labels get colours no label has yet (the rest of the Okabe–Ito palette, then Paul
//! Tol's muted one, then hues spread around the wheel) and a free key: the label's initial
//! if no label or attribute has it and the app does not use it, else the first free digit,
//! else the first free letter. A label has to have a key in spantag.ron; when all 31 are
//! taken, the label is not added and the import says so (its spans are still imported, and
//! `spantag validate` lists them until a label gives up its key).

use crate::model::sidecar::push_quoted;
use crate::model::{AttrKind, Attribute, Label, RelationKind, Scheme, RESERVED_KEYS};

/// Labels and relation kinds found in the imported articles, in the order first met.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// Each label, and whether a span of it links to an entity.
    pub labels: Vec<(String, bool)>,
    /// Each relation kind with the labels of its `from` and `to` spans.
    pub kinds: Vec<RelationKind>,
}

impl Found {
    pub fn label(&mut self, name: &str, links_entity: bool) {
        match self.labels.iter_mut().find(|(n, _)| n == name) {
            Some((_, entity)) => *entity |= links_entity,
            None => self.labels.push((name.to_string(), links_entity)),
        }
    }

    pub fn relation(&mut self, kind: &str, from: &str, to: &str) {
        let index = match self.kinds.iter().position(|k| k.name == kind) {
            Some(index) => index,
            None => {
                self.kinds.push(RelationKind {
                    name: kind.to_string(),
                    from: Vec::new(),
                    to: Vec::new(),
                });
                self.kinds.len() - 1
            }
        };
        let entry = &mut self.kinds[index];
        for (list, label) in [(&mut entry.from, from), (&mut entry.to, to)] {
            if !list.iter().any(|l| l == label) {
                list.push(label.to_string());
            }
        }
    }
}

/// What extending a scheme gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extension {
    /// The new file's text; `None` when the scheme already has everything.
    pub text: Option<String>,
    /// The scheme it parses to.
    pub scheme: Scheme,
    pub added_labels: Vec<Label>,
    pub added_kinds: Vec<RelationKind>,
    /// Labels that could not be added: every key is taken.
    pub without_key: Vec<String>,
    /// The file had comments that the rewrite could not keep.
    pub comments_lost: bool,
}

/// Extends `base` (the folder's scheme; `source` its file's text, `None` for the defaults
/// of a folder without one) with what `found` names and `base` lacks. `origin` goes into
/// each new label's description ("Imported from in.jsonl (jsonl).").
pub fn extend(base: &Scheme, source: Option<&str>, found: &Found, origin: &str) -> Extension {
    let mut extension = Extension {
        scheme: base.clone(),
        ..Extension::default()
    };
    let mut keys = Keys::of(base);
    let mut colours = Colours::of(base);
    for (name, entity) in &found.labels {
        if base.label(name).is_some() {
            continue;
        }
        let Some(key) = keys.take_for(name) else {
            extension.without_key.push(name.clone());
            continue;
        };
        extension.added_labels.push(Label {
            name: name.clone(),
            key,
            color: colours.next(),
            description: format!("Imported from {origin}."),
            attributes: Vec::new(),
            entity: *entity,
        });
    }
    let known = |label: &String| {
        base.label(label).is_some() || extension.added_labels.iter().any(|l| &l.name == label)
    };
    for kind in &found.kinds {
        if base.relations.iter().any(|k| k.name == kind.name) {
            continue;
        }
        // A label left out for want of a key cannot be named by a kind.
        let added = RelationKind {
            name: kind.name.clone(),
            from: kind.from.iter().filter(|l| known(l)).cloned().collect(),
            to: kind.to.iter().filter(|l| known(l)).cloned().collect(),
        };
        extension.added_kinds.push(added);
    }
    if extension.added_labels.is_empty() && extension.added_kinds.is_empty() {
        return extension;
    }
    let labels: Vec<String> = extension.added_labels.iter().map(label_entry).collect();
    let kinds: Vec<String> = extension.added_kinds.iter().map(kind_entry).collect();
    extension
        .scheme
        .labels
        .extend(extension.added_labels.iter().cloned());
    extension
        .scheme
        .relations
        .extend(extension.added_kinds.iter().cloned());
    let inserted = source.and_then(|s| insert(s, &labels, &kinds));
    // The insertion is kept only if the file then says exactly the extended scheme.
    let checked = inserted.filter(|text| Scheme::parse(text).as_ref() == Ok(&extension.scheme));
    extension.comments_lost = checked.is_none() && source.is_some_and(|s| scan(s).comments);
    extension.text = Some(checked.unwrap_or_else(|| whole(&extension.scheme)));
    extension
}

/// The keys still free: not a label's, not an attribute's, not the app's own.
struct Keys {
    taken: Vec<char>,
}

impl Keys {
    fn of(scheme: &Scheme) -> Keys {
        let labels = scheme.labels.iter().map(|l| l.key.as_str());
        let attributes = scheme
            .labels
            .iter()
            .flat_map(|l| &l.attributes)
            .filter_map(|a| a.key.as_deref());
        let mut taken: Vec<char> = labels
            .chain(attributes)
            .filter_map(|k| k.chars().next())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        taken.extend(('0'..='9').chain('a'..='z').filter(|&c| is_reserved(c)));
        Keys { taken }
    }

    /// The label's initial if free, else the first free digit (1 to 9, then 0), else the
    /// first free letter.
    fn take_for(&mut self, name: &str) -> Option<String> {
        let initial = name
            .chars()
            .find(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase());
        // Digits in the order of the keyboard's top row.
        let key = initial
            .into_iter()
            .chain("1234567890".chars())
            .chain('a'..='z')
            .find(|c| !self.taken.contains(c))?;
        self.taken.push(key);
        // Letters as capitals, as the window shows keys.
        Some(key.to_ascii_uppercase().to_string())
    }
}

/// Whether the app keeps `key` for itself (R, E, W, N, X, in any case).
fn is_reserved(key: char) -> bool {
    RESERVED_KEYS
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(&key.to_string()))
}

/// Colours no label has yet.
struct Colours {
    used: Vec<String>,
    generated: u32,
}

/// Okabe–Ito's colours the defaults leave (black is a poor highlight), then Paul Tol's
/// muted palette: both stay distinguishable for colour-blind readers.
const PALETTE: [&str; 12] = [
    "#0072B2", "#D55E00", "#F0E442", "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
    "#882255", "#44AA99", "#999933", "#AA4499",
];

impl Colours {
    fn of(scheme: &Scheme) -> Colours {
        Colours {
            used: scheme
                .labels
                .iter()
                .map(|l| l.color.to_ascii_uppercase())
                .collect(),
            generated: 0,
        }
    }

    fn next(&mut self) -> String {
        let free = PALETTE
            .iter()
            .map(|c| c.to_string())
            .find(|c| !self.used.contains(c));
        let colour = free.unwrap_or_else(|| loop {
            // Hues a golden angle apart never repeat and stay spread out.
            let hue = (self.generated as f32 * 137.508) % 360.0;
            self.generated += 1;
            let colour = hsv_hex(hue, 0.55, 0.85);
            if !self.used.contains(&colour) {
                break colour;
            }
        });
        self.used.push(colour.clone());
        colour
    }
}

/// `#RRGGBB` of a hue (degrees), saturation and value (0 to 1).
fn hsv_hex(hue: f32, saturation: f32, value: f32) -> String {
    let c = value * saturation;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let m = value - c;
    let (r, g, b) = match (hue / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02X}{:02X}{:02X}", byte(r), byte(g), byte(b))
}

fn quoted(text: &str) -> String {
    let mut out = String::new();
    push_quoted(&mut out, text);
    out
}

fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

/// A label as one line of `spantag.ron` (without the trailing comma).
fn label_entry(label: &Label) -> String {
    let mut out = format!(
        "(name: {}, key: {}, color: {}, description: {}",
        quoted(&label.name),
        quoted(&label.key),
        quoted(&label.color),
        quoted(&label.description)
    );
    if !label.attributes.is_empty() {
        let attributes: Vec<String> = label.attributes.iter().map(attribute_entry).collect();
        out.push_str(&format!(", attributes: [{}]", attributes.join(", ")));
    }
    if label.entity {
        out.push_str(", entity: true");
    }
    out.push(')');
    out
}

fn attribute_entry(attribute: &Attribute) -> String {
    let kind = match &attribute.kind {
        AttrKind::Choice(options) => format!("Choice({})", quoted_list(options)),
        AttrKind::YesNo => "YesNo".into(),
        AttrKind::Number => "Number".into(),
        AttrKind::Text => "Text".into(),
    };
    let mut out = format!("(name: {}, kind: {kind}", quoted(&attribute.name));
    if let Some(key) = &attribute.key {
        out.push_str(&format!(", key: Some({})", quoted(key)));
    }
    if let Some(default) = &attribute.default {
        out.push_str(&format!(", default: Some({})", quoted(default)));
    }
    out.push(')');
    out
}

fn kind_entry(kind: &RelationKind) -> String {
    format!(
        "(name: {}, from: {}, to: {})",
        quoted(&kind.name),
        quoted_list(&kind.from),
        quoted_list(&kind.to)
    )
}

/// A whole scheme file, one label and one kind per line.
fn whole(scheme: &Scheme) -> String {
    let mut out = String::from(
        "// spantag scheme: the labels and relation kinds of this folder (docs/FORMATS.md, section 3)\n(\n    labels: [\n",
    );
    for label in &scheme.labels {
        out.push_str(&format!("        {},\n", label_entry(label)));
    }
    out.push_str("    ],\n    relations: [\n");
    for kind in &scheme.relations {
        out.push_str(&format!("        {},\n", kind_entry(kind)));
    }
    out.push_str("    ],\n)\n");
    out
}

/// Where a scheme file's lists are, found by a scan that skips strings and comments.
#[derive(Debug, Default)]
struct Layout {
    /// The byte offsets of the root's `(` and `)`.
    root: Option<(usize, usize)>,
    /// For each list directly in the root, its field name and its `[` and `]` offsets.
    lists: Vec<(String, usize, usize)>,
    /// The end of the last significant (not blank, not comment) text before each offset
    /// that closes a bracket, by that offset.
    last_before: Vec<(usize, usize)>,
    comments: bool,
}

impl Layout {
    fn list(&self, field: &str) -> Option<(usize, usize)> {
        self.lists
            .iter()
            .find(|(name, _, _)| name == field)
            .map(|&(_, open, close)| (open, close))
    }

    fn last_before(&self, close: usize) -> usize {
        self.last_before
            .iter()
            .find(|&&(at, _)| at == close)
            .map_or(close, |&(_, end)| end)
    }
}

/// Scans RON text: strings (plain and raw), line and nested block comments, brackets.
fn scan(source: &str) -> Layout {
    let bytes = source.as_bytes();
    let mut layout = Layout::default();
    let mut stack: Vec<(u8, usize, Option<String>)> = Vec::new();
    let mut last_significant = 0;
    let mut ident = String::new();
    let mut last_ident: Option<String> = None;
    let mut in_attribute = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let is_ident = b.is_ascii_alphanumeric() || b == b'_';
        if !is_ident && !ident.is_empty() {
            last_ident = Some(std::mem::take(&mut ident));
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            layout.comments = true;
            i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            layout.comments = true;
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if is_ident {
            ident.push(b as char);
        }
        // Raw strings: r"…", r#"…"#.
        if b == b'r' && matches!(bytes.get(i + 1), Some(b'"') | Some(b'#')) && ident == "r" {
            let hashes = bytes[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if bytes.get(i + 1 + hashes) == Some(&b'"') {
                let closing = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                i = source[body..]
                    .find(&closing)
                    .map_or(bytes.len(), |n| body + n + closing.len());
                ident.clear();
                last_significant = i;
                continue;
            }
        }
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                last_significant = i;
                continue;
            }
            b'#' if stack.is_empty() => in_attribute = true,
            b'(' | b'[' | b'{' => {
                let field = (stack.len() == 1 && b == b'[')
                    .then(|| last_ident.clone())
                    .flatten();
                if stack.is_empty() && b == b'(' && !in_attribute {
                    layout.root = Some((i, i));
                }
                stack.push((b, i, field));
            }
            b')' | b']' | b'}' => {
                layout.last_before.push((i, last_significant));
                if let Some((_, open, field)) = stack.pop() {
                    if let Some(field) = field {
                        layout.lists.push((field, open, i));
                    }
                    if stack.is_empty() {
                        if in_attribute {
                            in_attribute = false;
                        } else if let Some((root_open, _)) = layout.root {
                            if root_open == open {
                                layout.root = Some((open, i));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
        last_significant = i;
    }
    layout
}

/// Inserts `entries` into the list that `open` and `close` bracket (or, with `field`, a
/// new `field: [...]` before the root's `close`), keeping everything else as it is: on
/// their own lines before a closing bracket that has its own line, else inline.
fn insert_entries(
    source: &str,
    layout: &Layout,
    close: usize,
    open: usize,
    entries: &[String],
    field: Option<&str>,
) -> String {
    let last = layout.last_before(close);
    let empty = last <= open + 1;
    let needs_comma = !empty && !source[..last].ends_with(',');
    let line_start = source[..close].rfind('\n').map_or(0, |n| n + 1);
    let own_line = source[line_start..close].trim().is_empty() && line_start > last;
    let block = |indent: &str| match field {
        Some(field) => {
            let mut out = format!("{indent}{field}: [\n");
            for entry in entries {
                out.push_str(&format!("{indent}    {entry},\n"));
            }
            out.push_str(&format!("{indent}],\n"));
            out
        }
        None => entries.iter().map(|e| format!("{indent}{e},\n")).collect(),
    };
    if own_line {
        // Before the line of the closing bracket, one level deeper than it.
        let indent = format!("{}    ", &source[line_start..close]);
        let comma = if needs_comma { "," } else { "" };
        // The comma goes right after the last entry, before any comment that follows it.
        format!(
            "{}{comma}{}{}{}",
            &source[..last],
            &source[last..line_start],
            block(&indent),
            &source[line_start..]
        )
    } else {
        let inline = match field {
            Some(field) => format!("{field}: [{}]", entries.join(", ")),
            None => entries.join(", "),
        };
        let joined = if empty {
            inline
        } else if needs_comma {
            format!(", {inline}")
        } else {
            format!(" {inline}")
        };
        format!("{}{joined}{}", &source[..last], &source[last..])
    }
}

/// The scheme file's text with the new labels and kinds inserted, or `None` when its
/// layout is not one this can follow.
fn insert(source: &str, labels: &[String], kinds: &[String]) -> Option<String> {
    let mut text = source.to_string();
    // Each insertion scans the text afresh, so the order of the fields does not matter.
    if !kinds.is_empty() {
        let layout = scan(&text);
        let (root_open, root_close) = layout.root.filter(|(o, c)| c > o)?;
        text = match layout.list("relations") {
            Some((open, close)) => insert_entries(&text, &layout, close, open, kinds, None),
            None => insert_entries(
                &text,
                &layout,
                root_close,
                root_open,
                kinds,
                Some("relations"),
            ),
        };
    }
    if !labels.is_empty() {
        let layout = scan(&text);
        let (open, close) = layout.list("labels")?;
        text = insert_entries(&text, &layout, close, open, labels, None);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(labels: &[(&str, bool)], kinds: &[(&str, &str, &str)]) -> Found {
        let mut found = Found::default();
        for (label, entity) in labels {
            found.label(label, *entity);
        }
        for (kind, from, to) in kinds {
            found.relation(kind, from, to);
        }
        found
    }

    const COMMENTED: &str = r##"// Our newsroom's scheme. Keep the keys stable!
(
    labels: [
        // People first.
        (name: "person", key: "p", color: "#0072B2", description: "A named person."), // the main one
        /* organisations */
        (name: "org", key: "o", color: "#D55E00", description: "An organisation.",
         attributes: [(name: "kind", kind: Choice(["ngo", "state"]), key: Some("k"))])
    ],
    relations: [
        (name: "member_of", from: ["person"], to: ["org"]), // who belongs where
    ],
)
"##;

    #[test]
    fn a_commented_scheme_is_extended_in_place_keeping_every_comment_and_entry() {
        let base = Scheme::parse(COMMENTED).unwrap();
        let found = found(
            &[("person", false), ("place", true), ("event", false)],
            &[
                ("located_in", "event", "place"),
                ("fragment", "place", "place"),
            ],
        );
        let extension = extend(&base, Some(COMMENTED), &found, "in.jsonl (jsonl)");
        let text = extension.text.unwrap();
        assert!(!extension.comments_lost);
        for line in COMMENTED.lines() {
            assert!(text.contains(line), "{line:?} lost:\n{text}");
        }
        let scheme = Scheme::parse(&text).unwrap();
        assert_eq!(scheme.labels[..2], base.labels[..]);
        assert_eq!(scheme.relations[0], base.relations[0]);
        let place = scheme.label("place").unwrap();
        assert!(place.entity);
        for taken in ["p", "o", "k"] {
            assert!(!place.key.eq_ignore_ascii_case(taken), "{}", place.key);
        }
        assert!(!["#0072B2", "#D55E00"].contains(&place.color.as_str()));
        assert_ne!(place.color, scheme.label("event").unwrap().color);
        let located = scheme
            .relations
            .iter()
            .find(|k| k.name == "located_in")
            .unwrap();
        assert_eq!(
            (&located.from[..], &located.to[..]),
            (&["event".to_string()][..], &["place".to_string()][..])
        );
        assert!(scheme.relations.iter().any(|k| k.name == "fragment"));
        assert!(text.contains("// the main one\n"), "{text}");
    }

    #[test]
    fn inline_lists_and_a_missing_relations_field_are_extended_too() {
        let source = r##"(labels: [(name: "a", key: "a", color: "#000000", description: "")])"##;
        let base = Scheme::parse(source).unwrap();
        let found = found(&[("b", false)], &[("rel", "a", "b")]);
        let extension = extend(&base, Some(source), &found, "x");
        let scheme = Scheme::parse(extension.text.as_deref().unwrap()).unwrap();
        assert_eq!(scheme.labels.len(), 2);
        assert_eq!(scheme.relations[0].name, "rel");
    }

    #[test]
    fn a_folder_without_a_scheme_gets_the_defaults_and_what_was_found() {
        let base = Scheme::default();
        let found = found(
            &[("actor", true), ("PER", false)],
            &[("said_by", "quote", "actor")],
        );
        let extension = extend(&base, None, &found, "x");
        let scheme = Scheme::parse(extension.text.as_deref().unwrap()).unwrap();
        assert_eq!(scheme.labels[..4], base.labels[..]);
        assert_eq!(scheme.label("PER").unwrap().key, "P", "its initial");
        assert_eq!(scheme.relations, base.relations, "said_by is already there");
        // Nothing new: nothing to write.
        let nothing = extend(&base, None, &self::found(&[("actor", false)], &[]), "x");
        assert_eq!(nothing.text, None);
    }

    #[test]
    fn keys_avoid_labels_attributes_and_the_apps_own_and_run_out_honestly() {
        let base = Scheme::default();
        // "verdict" is V (an attribute's key), "kind" K: neither may be a label's key; E,
        // R, W, N, X are the app's.
        let names: Vec<String> = (0..40).map(|n| format!("l{n}")).collect();
        let labels: Vec<(&str, bool)> = names.iter().map(|n| (n.as_str(), false)).collect();
        let extension = extend(&base, None, &found(&labels, &[]), "x");
        let scheme = Scheme::parse(extension.text.as_deref().unwrap()).unwrap();
        let keys: Vec<&str> = extension
            .added_labels
            .iter()
            .map(|l| l.key.as_str())
            .collect();
        for key in ["1", "2", "3", "4", "V", "K", "E", "R", "W", "N", "X"] {
            assert!(!keys.contains(&key), "{key} in {keys:?}");
        }
        // 36 keys, 5 the app's, 4 labels' and 2 attributes': 25 left.
        assert_eq!(extension.added_labels.len(), 25);
        assert_eq!(extension.without_key.len(), 15);
        let colours: std::collections::HashSet<&str> =
            scheme.labels.iter().map(|l| l.color.as_str()).collect();
        assert_eq!(colours.len(), scheme.labels.len(), "every colour distinct");
    }

    #[test]
    fn strings_and_comments_with_brackets_do_not_confuse_the_scan() {
        let source = r##"(
    // a ] in a comment, and a ( too
    labels: [
        (name: "a]", key: "a", color: "#000000", description: "has ] and ) and \" inside"), /* ] */
    ],
    relations: [],
)"##;
        let base = Scheme::parse(source).unwrap();
        let extension = extend(
            &base,
            Some(source),
            &found(&[("b", false)], &[("r", "b", "a]")]),
            "x",
        );
        assert!(!extension.comments_lost);
        let text = extension.text.unwrap();
        assert!(
            text.contains("/* ] */") && text.contains("// a ] in a comment"),
            "{text}"
        );
        let scheme = Scheme::parse(&text).unwrap();
        assert_eq!(scheme.labels.len(), 2);
        assert_eq!(scheme.relations.len(), 1);
    }
}
