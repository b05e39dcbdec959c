//! brat standoff read back: a `.txt` and its `.ann`, offsets in code points over the `.txt`
//! as stored (brat opens both files without newline translation, so a CRLF text counts
//! each `\r`).
//!
//! # What each line becomes
//! brat's grammar (its `server/src/annotation.py`) is one annotation per line,
//! `ID<TAB>DATA[<TAB>TEXT]`, the ID's first letter giving the kind:
//! - `T` text-bound, `LABEL S E;S E…`, fragments in any order, TEXT the fragments' text
//!   (in the written order) joined by single spaces. One span per non-empty fragment, each
//!   holding only its fragment's characters, so a gap's words are in no span. The first
//!   fragment (lowest start) is the annotation: it keeps the T number as its id and carries
//!   the label's attributes, note and entity; each later fragment is a span of the same
//!   label with a fresh id (above every T number of the file) and a
//!   [`FRAGMENT_KIND`] relation from the first.
//! - `R` relations (two arguments in either order; `Arg1` is the `from`, else the first
//!   written); `E` events as relations from the trigger span to each argument, kind = the
//!   role, an event argument standing for that event's trigger; `*` equivalences as
//!   relations of their kind from the first member to each other one.
//! - `A`/`M` attributes of a T as span attributes (a binary one as `yes`); `N`
//!   normalizations as the span's entity ([`Entity`] with the database's id); `#` notes of
//!   a T as the span's note (several joined by line breaks, in file order).
//!
//! What spantag has no place for (an event's identity, an attribute or note of an event or
//! relation, a note's type) is kept as far as it goes and listed in [`Report::left_out`].
//! A line that cannot be read (bad offsets, a text that is not the `.txt`'s, an id the
//! file does not define, an unknown kind) is skipped and listed in [`Report::errors`];
//! what refers to it is left out and reported; every other line still imports.
//!
//! Values written by spantag's exporter are percent-encoded (names, values, ids); they are
//! decoded, and a `%` not followed by two hex digits is kept as written.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    article_name, file_name, into_suggestions, set_attr, set_entity, status_for, Builder,
    ImportedArticle, Options, Parsed, Report,
};
use crate::export::brat::{
    decode, external_base, external_entity_id, normalize_newlines, SPANTAG_DB,
};
use crate::model::{Entity, Relation, Span, SpanId, FRAGMENT_KIND, MAX_ID};
use crate::problem::Problem;

/// One brat document: `name` is the article's name (its path in the folder), `ann_file`
/// names the `.ann` in reports, `txt` and `ann` are the two files' text.
pub fn parse(name: &str, ann_file: &str, txt: &str, ann: &str, options: &Options) -> Parsed {
    let mut reader = Reader::new(ann_file, txt);
    let records = reader.read_lines(ann);
    reader.import(&records);
    let Reader {
        builder,
        spans,
        relations,
        entities,
        mut report,
        ..
    } = reader;
    report.errors.sort();
    report.left_out.sort();
    report.count("articles", 1);
    let mut article = ImportedArticle {
        name: article_name(Some(name), 0),
        from: ann_file.to_string(),
        status: status_for(&spans),
        text: builder.text.as_str().to_string(),
        spans,
        relations,
        entities,
        ..ImportedArticle::default()
    };
    if options.as_suggestions {
        let source = options
            .source
            .clone()
            .unwrap_or_else(|| file_name(ann_file));
        into_suggestions(&mut article, &source, &mut report);
    }
    Parsed {
        articles: vec![article],
        report,
    }
}

/// The text brat's `.txt` holds for an article (LF newlines), for comparing round trips.
pub fn brat_text(text: &str) -> String {
    normalize_newlines(text).0
}

/// A name, value or id as written, percent-decoded; kept as written when it is not valid
/// percent-encoding (a brat file typed by hand may hold a literal `%`).
fn decoded(s: &str) -> String {
    decode(s).unwrap_or_else(|| s.to_string())
}

/// The kind of annotation an id names (its first letter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Relation,
    Event,
    Attribute,
    Normalization,
    Note,
}

impl Kind {
    fn of(prefix: char) -> Option<Kind> {
        Some(match prefix {
            'T' => Kind::Text,
            'R' => Kind::Relation,
            'E' => Kind::Event,
            'A' | 'M' => Kind::Attribute,
            'N' => Kind::Normalization,
            '#' => Kind::Note,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Text => "a text annotation",
            Kind::Relation => "a relation",
            Kind::Event => "an event",
            Kind::Attribute => "an attribute",
            Kind::Normalization => "a normalization",
            Kind::Note => "a note",
        }
    }
}

/// brat's id grammar: letters (or `#` and letters), a number, anything after
/// (`T12`, `#3`, `AnnotatorNotes1` is not one: only the first letter counts). Returns the
/// number's digits.
fn id_number(id: &str) -> Option<&str> {
    let rest = id.strip_prefix('#').unwrap_or(id);
    let letters = rest.chars().take_while(char::is_ascii_alphabetic).count();
    if letters == 0 && !id.starts_with('#') {
        return None;
    }
    let rest = &rest[letters..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (digits > 0).then(|| &rest[..digits])
}

/// The number of an id when spantag can keep it as a span or relation id: `1..=MAX_ID`.
fn keepable_number(id: &str) -> Option<u64> {
    id_number(id)?
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_ID).contains(n))
}

/// One line of the `.ann`, read for its syntax only.
#[derive(Debug)]
enum Record<'a> {
    Text {
        id: &'a str,
        label: &'a str,
        /// In the written order.
        fragments: Vec<(usize, usize)>,
        text: &'a str,
    },
    Relation {
        id: &'a str,
        kind: &'a str,
        args: [(&'a str, &'a str); 2],
    },
    Event {
        id: &'a str,
        kind: &'a str,
        trigger: &'a str,
        args: Vec<(&'a str, &'a str)>,
    },
    Attribute {
        id: &'a str,
        name: &'a str,
        target: &'a str,
        /// `None` for a binary attribute (and every `M` line).
        value: Option<&'a str>,
    },
    Normalization {
        id: &'a str,
        target: &'a str,
        db: &'a str,
        key: &'a str,
        name: &'a str,
    },
    Equiv {
        kind: &'a str,
        members: Vec<&'a str>,
    },
    Note {
        id: &'a str,
        kind: &'a str,
        target: &'a str,
        text: &'a str,
    },
}

/// A `T` line's spans (ids not yet given), its empty fragments, and any text the line
/// holds after the annotation's own text.
struct Checked {
    spans: Vec<Span>,
    empty: Vec<(usize, usize)>,
    extra: Option<String>,
}

/// A record and its 1-based line in the `.ann`.
type Line<'a> = (usize, Record<'a>);

/// `ROLE:ID`, both non-empty.
fn role_arg(token: &str) -> Option<(&str, &str)> {
    token
        .split_once(':')
        .filter(|(role, id)| !role.is_empty() && !id.is_empty())
}

/// Reads one line's fields after its id; `Err` says what is wrong with its syntax.
fn record<'a>(id: &'a str, data: &'a str, tail: Option<&'a str>) -> Result<Record<'a>, String> {
    let tokens: Vec<&str> = data.split_whitespace().collect();
    let first = id.chars().next().unwrap_or(' ');
    match first {
        'T' => {
            let (label, ranges) = data
                .trim_start()
                .split_once(' ')
                .ok_or("expected `LABEL START END` before the text")?;
            let mut fragments = Vec::new();
            for range in ranges.split(';') {
                let numbers: Vec<&str> = range.split_whitespace().collect();
                let parsed = match numbers[..] {
                    [s, e] => s.parse::<usize>().ok().zip(e.parse::<usize>().ok()),
                    _ => None,
                };
                let Some(pair) = parsed else {
                    return Err(format!(
                        "fragment {range:?} is not `START END` with two whole numbers \
                         (a space instead of the tab before the text?)"
                    ));
                };
                fragments.push(pair);
            }
            Ok(Record::Text {
                id,
                label,
                fragments,
                text: tail.unwrap_or(""),
            })
        }
        'R' => {
            let [kind, a, b] = tokens[..] else {
                return Err(
                    "expected `KIND ROLE:ID ROLE:ID` (a relation has two arguments)".into(),
                );
            };
            let (Some(a), Some(b)) = (role_arg(a), role_arg(b)) else {
                return Err("each argument of a relation is `ROLE:ID`".into());
            };
            if a.0 == b.0 {
                return Err(format!("both arguments have the role {:?}", a.0));
            }
            Ok(Record::Relation {
                id,
                kind,
                args: [a, b],
            })
        }
        'E' => {
            let Some((kind, trigger)) = tokens.first().and_then(|t| role_arg(t)) else {
                return Err("expected `TYPE:TRIGGER ROLE:ID …`".into());
            };
            let mut args = Vec::new();
            for token in &tokens[1..] {
                args.push(
                    role_arg(token)
                        .ok_or_else(|| format!("event argument {token:?} is not `ROLE:ID`"))?,
                );
            }
            Ok(Record::Event {
                id,
                kind,
                trigger,
                args,
            })
        }
        'A' | 'M' => {
            // `A1<TAB>NAME TARGET [VALUE]`; `M` is brat's old name of a binary attribute.
            let mut parts = data.trim().splitn(3, ' ').map(str::trim);
            let (Some(name), Some(target)) = (parts.next(), parts.next()) else {
                return Err("expected `NAME TARGET` or `NAME TARGET VALUE`".into());
            };
            let value = parts.next().filter(|v| !v.is_empty());
            if name.is_empty() || target.is_empty() || (first == 'M' && value.is_some()) {
                return Err("expected `NAME TARGET` or `NAME TARGET VALUE`".into());
            }
            Ok(Record::Attribute {
                id,
                name,
                target,
                value,
            })
        }
        'N' => {
            // `Reference T1 DB:ID`, or BioNLP ST 2013's `Reference Annotation:T1 Referent:DB:ID`
            // (either order), which brat reads too.
            let [_, mut target, mut reference] = tokens[..] else {
                return Err("expected `Reference TARGET DATABASE:ID`".into());
            };
            if reference.starts_with("Annotation:") {
                std::mem::swap(&mut target, &mut reference);
            }
            if let (Some(t), Some(r)) = (
                target.strip_prefix("Annotation:"),
                reference.strip_prefix("Referent:"),
            ) {
                (target, reference) = (t, r);
            }
            let Some((db, key)) = role_arg(reference) else {
                return Err(format!("{reference:?} is not `DATABASE:ID`"));
            };
            Ok(Record::Normalization {
                id,
                target,
                db,
                key,
                name: tail.unwrap_or("").trim(),
            })
        }
        '*' => match tokens[..] {
            [kind, ref members @ ..] if members.len() >= 2 => Ok(Record::Equiv {
                kind,
                members: members.to_vec(),
            }),
            _ => Err("expected `KIND ID ID …` (an equivalence joins two or more)".into()),
        },
        '#' => {
            let [kind, target] = tokens[..] else {
                return Err("expected `TYPE TARGET` before the note's text".into());
            };
            Ok(Record::Note {
                id,
                kind,
                target,
                text: tail.unwrap_or(""),
            })
        }
        _ => Err(format!(
            "{id:?} is no brat annotation (T, R, E, A, M, N, #, or * lines)"
        )),
    }
}

/// What an id refers to once the text annotations and events are read.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// A text annotation: its first fragment's span.
    Span(SpanId),
    /// An event kept: its trigger's span.
    Event { trigger: SpanId },
    /// Anything else that was read (a relation, an attribute…).
    Other(Kind),
}

/// Why an id cannot be used.
enum Missing {
    /// The file has no line with that id: the referring line is an error.
    Unknown,
    /// Its line (1-based) was not imported: the referring construct is left out.
    Skipped(usize),
}

/// Hands out fresh ids above a floor, skipping those taken; past [`MAX_ID`] it looks for
/// the lowest free one, so a file that uses `T9007199254740991` still imports.
struct Ids {
    next: u64,
    taken: HashSet<u64>,
}

impl Ids {
    fn above(floor: u64) -> Ids {
        Ids {
            next: floor.saturating_add(1),
            taken: HashSet::new(),
        }
    }

    /// Takes `number` if it is free.
    fn claim(&mut self, number: u64) -> bool {
        self.taken.insert(number)
    }

    fn fresh(&mut self) -> u64 {
        if self.next > MAX_ID {
            self.next = 1;
        }
        while self.taken.contains(&self.next) {
            self.next += 1;
        }
        let id = self.next;
        self.taken.insert(id);
        self.next += 1;
        id
    }
}

/// The state of one import.
struct Reader<'a> {
    file: &'a str,
    builder: Builder,
    report: Report,
    /// Every id defined by a line that parsed, with that line and its kind.
    defined: HashMap<&'a str, (usize, Kind)>,
    /// Ids whose annotation was skipped or left out, with its line.
    skipped: HashMap<&'a str, usize>,
    /// Text annotations kept: the span of their first fragment.
    heads: HashMap<&'a str, SpanId>,
    /// Events kept: their trigger span.
    triggers: HashMap<&'a str, SpanId>,
    spans: Vec<Span>,
    /// Index in `spans` of a span by id.
    span_index: HashMap<SpanId, usize>,
    relations: Vec<Relation>,
    entities: Vec<Entity>,
    span_ids: Ids,
    relation_ids: Ids,
}

impl<'a> Reader<'a> {
    fn new(file: &'a str, txt: &str) -> Reader<'a> {
        Reader {
            file,
            builder: Builder::new("brat", txt),
            report: Report::default(),
            defined: HashMap::new(),
            skipped: HashMap::new(),
            heads: HashMap::new(),
            triggers: HashMap::new(),
            spans: Vec::new(),
            span_index: HashMap::new(),
            relations: Vec::new(),
            entities: Vec::new(),
            span_ids: Ids::above(0),
            relation_ids: Ids::above(0),
        }
    }

    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.report
            .errors
            .push(Problem::at_line(self.file, line, message));
    }

    fn left_out(&mut self, line: usize, message: impl Into<String>) {
        self.report
            .left_out
            .push(Problem::at_line(self.file, line, message));
    }

    /// Splits the `.ann` into records; a line that cannot be read is an error and its id
    /// (when it has one) is remembered as skipped.
    fn read_lines(&mut self, ann: &'a str) -> Vec<Line<'a>> {
        let ann = ann.strip_prefix('\u{feff}').unwrap_or(ann);
        let mut records = Vec::new();
        let (mut top_t, mut top_r) = (0, 0);
        for (index, raw) in ann.split('\n').enumerate() {
            let line = index + 1;
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.trim().is_empty() {
                continue;
            }
            let mut fields = raw.splitn(3, '\t');
            let id = fields.next().unwrap_or("");
            let (Some(data), tail) = (fields.next(), fields.next()) else {
                self.error(line, format!("{:?} has no tab after its id", shorten(raw)));
                continue;
            };
            let kind = id.chars().next().and_then(Kind::of);
            if id != "*" && (kind.is_none() || id_number(id).is_none()) {
                self.error(
                    line,
                    format!(
                        "{:?} is not a brat id (a letter T, R, E, A, M, N or #, then a number; \
                         or * for an equivalence)",
                        shorten(id)
                    ),
                );
                continue;
            }
            match id.chars().next() {
                Some('T') => top_t = top_t.max(keepable_number(id).unwrap_or(0)),
                Some('R') => top_r = top_r.max(keepable_number(id).unwrap_or(0)),
                _ => {}
            }
            if let Some(kind) = kind {
                if let Some(&(first, _)) = self.defined.get(id) {
                    self.error(
                        line,
                        format!("{id} is already defined on line {first}: this line is skipped"),
                    );
                    continue;
                }
                match record(id, data, tail) {
                    Ok(rec) => {
                        self.defined.insert(id, (line, kind));
                        records.push((line, rec));
                    }
                    Err(why) => {
                        self.defined.insert(id, (line, kind));
                        self.skipped.insert(id, line);
                        self.error(line, format!("{id}: {why}"));
                    }
                }
            } else {
                match record(id, data, tail) {
                    Ok(rec) => records.push((line, rec)),
                    Err(why) => self.error(line, format!("*: {why}")),
                }
            }
        }
        self.span_ids = Ids::above(top_t);
        self.relation_ids = Ids::above(top_r);
        records
    }

    /// What `id` (referred to from `line`) resolves to.
    fn resolve(&self, id: &str) -> Result<Target, Missing> {
        if let Some(&span) = self.heads.get(id) {
            return Ok(Target::Span(span));
        }
        if let Some(&trigger) = self.triggers.get(id) {
            return Ok(Target::Event { trigger });
        }
        if let Some(&line) = self.skipped.get(id) {
            return Err(Missing::Skipped(line));
        }
        match self.defined.get(id) {
            // A text annotation or event is in `heads`/`triggers` once read, or skipped.
            Some(&(_, kind)) => Ok(Target::Other(kind)),
            None => Err(Missing::Unknown),
        }
    }

    /// Reports a reference that cannot be followed: an error when the id is unknown (the
    /// caller skips the line), left out when its annotation was skipped.
    fn missing(&mut self, line: usize, what: &str, id: &str, missing: Missing) {
        match missing {
            Missing::Unknown => self.error(
                line,
                format!("{what} refers to {id}, which this file does not define"),
            ),
            Missing::Skipped(at) => self.left_out(
                line,
                format!("{what} refers to {id} (line {at}), which was not imported"),
            ),
        }
    }

    fn import(&mut self, records: &[Line<'a>]) {
        for (line, rec) in records {
            if let Record::Text {
                id,
                label,
                fragments,
                text,
            } = rec
            {
                self.text_bound(*line, id, label, fragments, text);
            }
        }
        self.events(records);
        let mut notes: BTreeMap<SpanId, Vec<&'a str>> = BTreeMap::new();
        let mut normalizations: Vec<(usize, SpanId, &Record<'a>)> = Vec::new();
        for (line, rec) in records {
            let line = *line;
            match rec {
                Record::Relation { id, kind, args } => self.relation(line, id, kind, args),
                Record::Equiv { kind, members } => self.equivalence(line, kind, members),
                Record::Attribute {
                    id,
                    name,
                    target,
                    value,
                } => self.attribute(line, id, name, target, *value),
                Record::Note {
                    id,
                    kind,
                    target,
                    text,
                } => {
                    if let Some(span) = self.annotation_of(line, id, "notes", target) {
                        if *kind != "AnnotatorNotes" {
                            self.left_out(
                                line,
                                format!(
                                    "{id}: the note's type {kind:?} is not kept (spantag notes \
                                     have no type; brat exports write AnnotatorNotes)"
                                ),
                            );
                        }
                        notes.entry(span).or_default().push(*text);
                    }
                }
                Record::Normalization { id, target, .. } => {
                    if let Some(span) = self.annotation_of(line, id, "normalizations", target) {
                        normalizations.push((line, span, rec));
                    }
                }
                Record::Text { .. } | Record::Event { .. } => {}
            }
        }
        for (span, texts) in notes {
            if texts.iter().all(|t| t.is_empty()) {
                continue;
            }
            self.report.count("notes", texts.len());
            if let Some(&i) = self.span_index.get(&span) {
                self.spans[i].note = texts.join("\n");
            }
        }
        self.link_entities(&normalizations);
    }

    /// A `T` line: one span per non-empty fragment, checked against the `.txt`.
    fn text_bound(
        &mut self,
        line: usize,
        id: &'a str,
        label: &str,
        fragments: &[(usize, usize)],
        field: &str,
    ) {
        match self.fragment_spans(label, fragments, field) {
            Ok(Checked {
                spans,
                empty,
                extra,
            }) => {
                if let Some(extra) = extra {
                    self.left_out(
                        line,
                        format!(
                            "{id}: the text after the annotation's text, {extra:?}, is not kept"
                        ),
                    );
                }
                if spans.is_empty() {
                    self.skipped.insert(id, line);
                    self.left_out(
                        line,
                        format!("{id} covers no characters: spantag has no empty spans"),
                    );
                    return;
                }
                for (s, e) in empty {
                    self.left_out(
                        line,
                        format!("{id}: the empty fragment {s} {e} is not kept (it covers no characters)"),
                    );
                }
                self.keep_text_bound(line, id, spans);
            }
            Err(why) => {
                self.skipped.insert(id, line);
                self.error(line, format!("{id}: {why}"));
            }
        }
    }

    /// A `T` line checked against the `.txt`.
    fn fragment_spans(
        &self,
        label: &str,
        fragments: &[(usize, usize)],
        field: &str,
    ) -> Result<Checked, String> {
        let text = &self.builder.text;
        let len = text.len_chars();
        let mut texts = Vec::with_capacity(fragments.len());
        for (n, &(s, e)) in fragments.iter().enumerate() {
            if s > e {
                return Err(format!(
                    "fragment {} ({s} {e}) ends before it starts",
                    n + 1
                ));
            }
            let Some(covered) = text.get(s..e) else {
                return Err(format!(
                    "fragment {} ({s} {e}) ends past the end of the {len}-char text",
                    n + 1
                ));
            };
            texts.push(covered);
        }
        let mut sorted: Vec<(usize, usize)> =
            fragments.iter().copied().filter(|(s, e)| s < e).collect();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0].1 > w[1].0) {
            return Err(format!(
                "fragments {} {} and {} {} overlap",
                w[0].0, w[0].1, w[1].0, w[1].1
            ));
        }
        let extra = check_text(fragments, &texts, field)?;
        let mut spans = Vec::with_capacity(sorted.len());
        for &(s, e) in &sorted {
            // Ids are given once the whole line is sound.
            spans.push(self.builder.span(0, label, s, e, None).map_err(|why| {
                why.strip_prefix("span 0")
                    .map_or(why.clone(), |rest| format!("the annotation{rest}"))
            })?);
        }
        let empty = fragments.iter().copied().filter(|(s, e)| s == e).collect();
        Ok(Checked {
            spans,
            empty,
            extra,
        })
    }

    /// Gives a sound `T` line's spans their ids and links its fragments.
    fn keep_text_bound(&mut self, line: usize, id: &'a str, mut spans: Vec<Span>) {
        let head = match keepable_number(id) {
            Some(n) if self.span_ids.claim(n) => n,
            number => {
                let fresh = self.span_ids.fresh();
                let why = match number {
                    Some(n) => format!("its number {n} is another T's"),
                    None => "its number is not between 1 and 2^53 - 1".into(),
                };
                self.left_out(
                    line,
                    format!("{id} is span {fresh}: {why}, and span ids are unique numbers"),
                );
                fresh
            }
        };
        self.heads.insert(id, head);
        self.report.count("spans", spans.len());
        self.report.count("fragments", spans.len() - 1);
        for (n, span) in spans.iter_mut().enumerate() {
            span.id = if n == 0 { head } else { self.span_ids.fresh() };
            if n > 0 {
                let relation = self.relation_ids.fresh();
                self.relations.push(Relation {
                    id: relation,
                    kind: FRAGMENT_KIND.to_string(),
                    from: head,
                    to: span.id,
                });
            }
        }
        for span in spans {
            self.span_index.insert(span.id, self.spans.len());
            self.spans.push(span);
        }
    }

    /// `E` lines: each kept event stands for its trigger span; its arguments become
    /// relations from the trigger, kind = the role.
    fn events(&mut self, records: &[Line<'a>]) {
        // First which events are kept (their trigger is a kept T, every id defined), so an
        // argument can be an event written later in the file.
        let mut kept = Vec::new();
        for (line, rec) in records {
            let Record::Event {
                id,
                kind,
                trigger,
                args,
            } = rec
            else {
                continue;
            };
            let line = *line;
            let trigger_span = match self.resolve(trigger) {
                Ok(Target::Span(span)) => span,
                Ok(_) => {
                    self.skipped.insert(id, line);
                    self.error(
                        line,
                        format!("{id}: its trigger {trigger} is not a text annotation"),
                    );
                    continue;
                }
                Err(missing) => {
                    self.skipped.insert(id, line);
                    self.missing(line, &format!("event {id}'s trigger"), trigger, missing);
                    continue;
                }
            };
            let unknown = args.iter().find(|(_, target)| {
                !self.defined.contains_key(target) && !self.skipped.contains_key(target)
            });
            if let Some((role, target)) = unknown {
                self.skipped.insert(id, line);
                self.missing(
                    line,
                    &format!("event {id}'s argument {role}"),
                    target,
                    Missing::Unknown,
                );
                continue;
            }
            self.triggers.insert(id, trigger_span);
            kept.push((line, *id, *kind, *trigger, trigger_span, args));
        }
        let mut first_of_trigger: HashMap<SpanId, &str> = HashMap::new();
        let mut links: HashSet<(String, SpanId, SpanId)> = HashSet::new();
        for (line, id, kind, trigger, trigger_span, args) in kept {
            self.report.count("events", 1);
            let mut kept_args = Vec::new();
            for &(role, target) in args {
                let to = match self.resolve(target) {
                    Ok(Target::Span(span)) => span,
                    Ok(Target::Event { trigger }) => trigger,
                    Ok(Target::Other(other)) => {
                        self.left_out(
                            line,
                            format!(
                                "event {id}'s argument {role}:{target} is {}: only text \
                                 annotations and events can be arguments",
                                other.name()
                            ),
                        );
                        continue;
                    }
                    Err(missing) => {
                        self.missing(
                            line,
                            &format!("event {id}'s argument {role}"),
                            target,
                            missing,
                        );
                        continue;
                    }
                };
                let is_event = matches!(self.defined.get(target), Some((_, Kind::Event)));
                kept_args.push(if is_event {
                    format!("{role} → {target}'s trigger")
                } else {
                    format!("{role} → {target}")
                });
                if links.insert((role.to_string(), trigger_span, to)) {
                    let relation = self.relation_ids.fresh();
                    self.relations.push(Relation {
                        id: relation,
                        kind: role.to_string(),
                        from: trigger_span,
                        to,
                    });
                    self.report.count("event arguments", 1);
                }
            }
            let mut message = format!(
                "event {id} ({kind}) is kept as its trigger {trigger} and a relation from it \
                 per argument ({}); the event itself has no place in spantag",
                if kept_args.is_empty() {
                    "none".to_string()
                } else {
                    kept_args.join(", ")
                }
            );
            if let Some(first) = first_of_trigger.get(&trigger_span) {
                message.push_str(&format!(
                    "; it shares its trigger with {first}, so which event each argument of \
                     the trigger belongs to is lost"
                ));
            } else {
                first_of_trigger.insert(trigger_span, id);
            }
            let label = self
                .span_index
                .get(&trigger_span)
                .map(|&i| self.spans[i].label.as_str());
            if label.is_some_and(|label| label != kind) {
                message.push_str(&format!(
                    "; its type {kind:?} is not its trigger's label, which is kept"
                ));
            }
            self.left_out(line, message);
        }
    }

    /// An `R` line: a relation from `Arg1` to `Arg2` (from the first written to the second
    /// when the roles are named otherwise).
    fn relation(&mut self, line: usize, id: &'a str, kind: &str, args: &[(&'a str, &'a str); 2]) {
        let [first, second] = *args;
        let (from, to) = if first.0 == "Arg2" && second.0 == "Arg1" {
            (second, first)
        } else {
            (first, second)
        };
        let mut ends = [0; 2];
        for (end, (role, target)) in ends.iter_mut().zip([from, to]) {
            *end = match self.resolve(target) {
                Ok(Target::Span(span)) => span,
                Ok(Target::Event { trigger }) => {
                    self.left_out(
                        line,
                        format!(
                            "{id}: its {role} is event {target}, linked to the event's trigger"
                        ),
                    );
                    trigger
                }
                Ok(Target::Other(other)) => {
                    self.skipped.insert(id, line);
                    self.error(
                        line,
                        format!(
                            "{id}: its {role} {target} is {}, not a text annotation",
                            other.name()
                        ),
                    );
                    return;
                }
                Err(missing) => {
                    self.skipped.insert(id, line);
                    self.missing(line, &format!("relation {id}'s {role}"), target, missing);
                    return;
                }
            };
        }
        if kind == FRAGMENT_KIND {
            self.left_out(
                line,
                format!(
                    "{id}: {FRAGMENT_KIND:?} is spantag's kind for the fragments of one \
                     annotation: a brat export writes {} and {} as one T line (unless they \
                     overlap)",
                    from.1, to.1
                ),
            );
        }
        if (from.0, to.0) != ("Arg1", "Arg2") {
            self.left_out(
                line,
                format!(
                    "{id}: the role names {} and {} are not kept: {} is the relation's from, \
                     {} its to",
                    from.0, to.0, from.1, to.1
                ),
            );
        }
        let relation = match keepable_number(id) {
            Some(n) if self.relation_ids.claim(n) => n,
            _ => {
                let fresh = self.relation_ids.fresh();
                self.left_out(
                    line,
                    format!("{id} is relation {fresh}: its number is another R's or out of range"),
                );
                fresh
            }
        };
        self.relations.push(Relation {
            id: relation,
            kind: kind.to_string(),
            from: ends[0],
            to: ends[1],
        });
        self.report.count("relations", 1);
    }

    /// A `*` line: relations of its kind from the first member to each other one.
    fn equivalence(&mut self, line: usize, kind: &str, members: &[&'a str]) {
        let mut spans = Vec::new();
        for &member in members {
            match self.resolve(member) {
                Ok(Target::Span(span)) => {
                    if !spans.contains(&span) {
                        spans.push(span);
                    }
                }
                Ok(Target::Event { .. }) | Ok(Target::Other(_)) => {
                    self.error(
                        line,
                        format!("*: the equivalence's member {member} is not a text annotation"),
                    );
                    return;
                }
                Err(Missing::Unknown) => {
                    self.missing(line, "the equivalence", member, Missing::Unknown);
                    return;
                }
                Err(missing) => self.missing(line, "the equivalence", member, missing),
            }
        }
        if spans.len() < 2 {
            self.left_out(
                line,
                format!("the equivalence {kind} keeps fewer than two members: nothing to link"),
            );
            return;
        }
        self.report.count("equivalences", 1);
        for &to in &spans[1..] {
            let id = self.relation_ids.fresh();
            self.relations.push(Relation {
                id,
                kind: kind.to_string(),
                from: spans[0],
                to,
            });
            self.report.count("equivalence links", 1);
        }
    }

    /// The span a construct that only a text annotation can hold (an attribute, a note, a
    /// normalization) is on; `None` after reporting why not.
    fn annotation_of(&mut self, line: usize, id: &str, what: &str, target: &str) -> Option<SpanId> {
        match self.resolve(target) {
            Ok(Target::Span(span)) => Some(span),
            Ok(Target::Event { .. }) => {
                self.left_out(
                    line,
                    format!("{id}: {what} of events (here {target}) have no place in spantag"),
                );
                None
            }
            Ok(Target::Other(Kind::Relation)) => {
                self.left_out(
                    line,
                    format!("{id}: {what} of relations (here {target}) have no place in spantag"),
                );
                None
            }
            Ok(Target::Other(kind)) => {
                self.error(
                    line,
                    format!(
                        "{id}: its target {target} is {}, which carries no {what}",
                        kind.name()
                    ),
                );
                None
            }
            Err(missing) => {
                self.missing(line, id, target, missing);
                None
            }
        }
    }

    /// An `A` or `M` line on a text annotation: a span attribute.
    fn attribute(&mut self, line: usize, id: &str, name: &str, target: &str, value: Option<&str>) {
        let Some(span) = self.annotation_of(line, id, "attributes", target) else {
            return;
        };
        let Some(&i) = self.span_index.get(&span) else {
            return;
        };
        let (name, value) = (decoded(name), value.map_or("yes".to_string(), decoded));
        if let Some(earlier) = self.spans[i].attrs.get(&name) {
            let earlier = earlier.clone();
            self.left_out(
                line,
                format!("{id}: {target} already has {name:?} = {earlier:?}; {value:?} is not kept"),
            );
            return;
        }
        match set_attr(&mut self.spans[i], &name, value) {
            Ok(()) => self.report.count("attributes", 1),
            Err(why) => self.error(line, format!("{id}: {why}")),
        }
    }

    /// `N` lines: each span's entity, with every database's id it names.
    fn link_entities(&mut self, normalizations: &[(usize, SpanId, &Record<'a>)]) {
        // The normalizations of each span, in file order.
        let mut by_span: Vec<(SpanId, Vec<Reference<'a>>)> = Vec::new();
        let mut index: HashMap<SpanId, usize> = HashMap::new();
        for &(line, span, rec) in normalizations {
            let Record::Normalization {
                id, db, key, name, ..
            } = *rec
            else {
                continue;
            };
            let reference = Reference {
                line,
                id,
                db: decoded(db),
                key: decoded(key),
                name,
            };
            match index.get(&span) {
                Some(&i) => by_span[i].1.push(reference),
                None => {
                    index.insert(span, by_span.len());
                    by_span.push((span, vec![reference]));
                }
            }
        }
        if by_span.is_empty() {
            return;
        }
        let mut later: HashMap<SpanId, Vec<SpanId>> = HashMap::new();
        for r in self.relations.iter().filter(|r| r.kind == FRAGMENT_KIND) {
            later.entry(r.from).or_default().push(r.to);
        }
        let mut entity_index: HashMap<String, usize> = HashMap::new();
        for (span, list) in by_span {
            let Some(&i) = self.span_index.get(&span) else {
                continue;
            };
            let own = list.iter().find(|r| r.db == SPANTAG_DB);
            let mut external: BTreeMap<String, String> = BTreeMap::new();
            let mut counted = 0;
            for r in &list {
                if r.db == SPANTAG_DB {
                    if own.is_some_and(|o| o.line != r.line) {
                        self.left_out(
                            r.line,
                            format!(
                                "{}: a span has one spantag entity; {:?} is not kept",
                                r.id, r.key
                            ),
                        );
                    } else {
                        counted += 1;
                    }
                    continue;
                }
                let base = external_base(&r.db);
                match external.get(&base) {
                    Some(kept) if *kept != r.key => self.left_out(
                        r.line,
                        format!(
                            "{}: an entity has one {} id; {:?} is not kept ({kept:?} is)",
                            r.id, r.db, r.key
                        ),
                    ),
                    Some(_) => counted += 1,
                    None => {
                        external.insert(base, r.key.clone());
                        counted += 1;
                    }
                }
            }
            let first = &list[0];
            let (line, id) = own.map_or((first.line, first.id), |o| (o.line, o.id));
            let entity_id = match own {
                Some(o) => o.key.clone(),
                None => external_entity_id(&external_base(&first.db), &first.key),
            };
            // The name: the spantag line's, else the first given, else the annotation's
            // text as brat shows it (its fragments joined by spaces).
            let name = own
                .map(|o| o.name)
                .filter(|n| !n.is_empty())
                .or_else(|| list.iter().map(|r| r.name).find(|n| !n.is_empty()))
                .map(str::to_string)
                .unwrap_or_else(|| {
                    let fragments = later.get(&span).map_or(&[][..], Vec::as_slice);
                    std::iter::once(&span)
                        .chain(fragments)
                        .filter_map(|id| self.span_index.get(id))
                        .map(|&i| self.spans[i].text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                });
            let label = self.spans[i].label.clone();
            if let Err(why) = set_entity(&mut self.spans[i], entity_id.clone()) {
                self.error(line, format!("{id}: {why}"));
                continue;
            }
            self.report.count("normalizations", counted);
            match entity_index.get(&entity_id) {
                Some(&known) => self.add_external(known, line, external),
                None => {
                    entity_index.insert(entity_id.clone(), self.entities.len());
                    self.report.count("entities", 1);
                    self.entities.push(Entity {
                        id: entity_id,
                        name,
                        label,
                        aliases: Vec::new(),
                        external,
                    });
                }
            }
        }
    }

    /// Adds to an entity already found the external ids it lacks; one it has with another
    /// value is reported.
    fn add_external(&mut self, entity: usize, line: usize, external: BTreeMap<String, String>) {
        let mut conflicts = Vec::new();
        let known = &mut self.entities[entity];
        for (base, key) in external {
            match known.external.get(&base) {
                Some(kept) if *kept != key => conflicts.push(format!(
                    "entity {:?} already has {base} id {kept:?}; {key:?} is not kept",
                    known.id
                )),
                Some(_) => {}
                None => {
                    known.external.insert(base, key);
                }
            }
        }
        for conflict in conflicts {
            self.left_out(line, conflict);
        }
    }
}

/// One `N` line on a span, its database and id decoded.
struct Reference<'a> {
    line: usize,
    id: &'a str,
    db: String,
    key: String,
    name: &'a str,
}

/// Checks a `T` line's text field against the `.txt`: the fragments' text in the written
/// order joined by single spaces. Like brat, it accepts an empty field, brat's pre-1.3 form
/// (the fragments run together) and more text after the annotation's own, separated by
/// white space (returned, to be reported). Otherwise names the first fragment that differs.
fn check_text(
    fragments: &[(usize, usize)],
    texts: &[&str],
    field: &str,
) -> Result<Option<String>, String> {
    let expected = texts.join(" ");
    if field == expected || field.trim().is_empty() {
        return Ok(None);
    }
    if let Some(rest) = field.strip_prefix(expected.as_str()) {
        if rest.starts_with(char::is_whitespace) {
            let rest = rest.trim();
            return Ok((!rest.is_empty()).then(|| rest.to_string()));
        }
    }
    if texts.len() > 1 && field == texts.concat() {
        return Ok(None);
    }
    let field_chars: Vec<char> = field.chars().collect();
    let mut at = 0;
    for (n, (&(s, e), covered)) in fragments.iter().zip(texts).enumerate() {
        let width = covered.chars().count();
        let found: String = field_chars.iter().skip(at).take(width).collect();
        if found != *covered {
            return Err(format!(
                "the text field says {field:?}, but fragment {} ({s} {e}) of the .txt is \
                 {covered:?} where the field has {found:?}",
                n + 1
            ));
        }
        at += width + 1;
    }
    Err(format!(
        "the text field says {field:?}, but the .txt at its offsets is {expected:?}"
    ))
}

/// At most 60 chars of a line, for messages.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_brats_grammar() {
        assert_eq!(id_number("T12"), Some("12"));
        assert_eq!(id_number("T007"), Some("007"));
        assert_eq!(id_number("TT3x"), Some("3"));
        assert_eq!(id_number("#4"), Some("4"));
        assert_eq!(id_number("T"), None);
        assert_eq!(id_number("12"), None);
        assert_eq!(id_number("#"), None);
        assert_eq!(keepable_number("T007"), Some(7));
        assert_eq!(keepable_number("T0"), None);
        assert_eq!(keepable_number("T9007199254740992"), None);
        assert_eq!(keepable_number("T99999999999999999999"), None);
    }

    #[test]
    fn fresh_ids_skip_taken_ones_and_wrap_below_the_largest() {
        let mut ids = Ids::above(3);
        assert!(ids.claim(3) && !ids.claim(3));
        assert_eq!((ids.fresh(), ids.fresh()), (4, 5));
        let mut top = Ids::above(MAX_ID);
        assert!(top.claim(1));
        assert_eq!(top.fresh(), 2);
    }

    #[test]
    fn the_text_field_is_checked_as_brat_does() {
        let f = [(0, 3), (8, 11)];
        let texts = ["cat", "mat"];
        assert_eq!(check_text(&f, &texts, "cat mat"), Ok(None));
        // brat fills an empty field from the text, and reads its pre-1.3 form.
        assert_eq!(check_text(&f, &texts, ""), Ok(None));
        assert_eq!(check_text(&f, &texts, "catmat"), Ok(None));
        // More after the text, separated by white space, is brat's and is reported.
        assert_eq!(check_text(&f, &texts, "cat mat \t"), Ok(None));
        assert_eq!(
            check_text(&f, &texts, "cat mat  extra"),
            Ok(Some("extra".into()))
        );
        let why = check_text(&f, &texts, "cat hat").unwrap_err();
        assert!(why.contains("fragment 2 (8 11)"), "{why}");
        assert!(check_text(&f, &texts, "cat matt").is_err());
        assert!(check_text(&f, &texts, "ca")
            .unwrap_err()
            .contains("fragment 1"));
    }

    #[test]
    fn as_suggestions_brings_every_fragment_in_for_review() {
        let options = Options {
            as_suggestions: true,
            ..Options::default()
        };
        let parsed = parse(
            "doc.txt",
            "dir/model.ann",
            "the cat sat on the mat",
            "T1\tAnimal 4 7;19 22\tcat mat\n",
            &options,
        );
        let article = &parsed.articles[0];
        assert!(article.spans.is_empty() && article.relations.is_empty());
        assert_eq!(article.suggestions.len(), 2);
        assert_eq!(article.suggestions[0].source, "model.ann");
        // The fragment relation cannot wait for decisions: reported.
        assert!(parsed.report.left_out[0].message.contains("fragment"));
    }
}
