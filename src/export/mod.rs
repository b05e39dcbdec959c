//! Exports: annotations out to the formats other tools read (docs/FORMATS.md section 4).
//!
//! Pure: an [`Exporter`] turns one article at a time into bytes, so a corpus streams
//! through it with memory bounded by one article, and the store decides where the bytes go.
//!
//! Every format converts offsets to its own unit, then **re-slices each span in the target
//! representation and compares it with the span's text** before anything is emitted. A
//! mismatch is an [`ExportError`] naming the article and span; nothing is written silently
//! wrong. What a format cannot hold (an orphaned span, a note in doccano, a span that does not
//! align with CoNLL tokens) is listed in the [`Report`], never dropped quietly.
//!
//! Attributes and entity links travel with their spans where the format has a place for
//! them (jsonl, W3C, csv, brat, Label Studio; docs/FORMATS.md section 4). The exporter is
//! given the corpus's [`Entities`] so an entity link is written with its name and external
//! ids; a link to an id the corpus does not know is written with the id as its name, never
//! dropped. doccano and CoNLL cannot hold either: the report says so per article.

pub(crate) mod brat;
mod conll;
mod csv;
pub(crate) mod doccano;
pub(crate) mod jsonl;
pub(crate) mod labelstudio;
mod w3c;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::model::{Document, Entities, Fragments, Relation, Scheme, Span, SpanId, Text};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jsonl,
    Doccano,
    Brat,
    Conll,
    Csv,
    W3c,
    LabelStudio,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Jsonl,
        Format::Doccano,
        Format::Brat,
        Format::Conll,
        Format::Csv,
        Format::W3c,
        Format::LabelStudio,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Doccano => "doccano",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::Csv => "csv",
            Format::W3c => "w3c",
            Format::LabelStudio => "labelstudio",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What a person sees in the export dialog.
    pub fn description(self) -> &'static str {
        match self {
            Format::Jsonl => "JSON Lines, spantag's own (chars; everything)",
            Format::Doccano => "doccano JSONL (UTF-16 offsets)",
            Format::Brat => "brat standoff folder (.txt + .ann)",
            Format::Conll => "CoNLL IOB2 (tokens, one column per label)",
            Format::Csv => "CSV, one row per span (spreadsheets, pandas)",
            Format::W3c => "W3C Web Annotation JSON-LD",
            Format::LabelStudio => "Label Studio task list (JSON)",
        }
    }

    /// Whether the output is a folder rather than one file.
    pub fn writes_folder(self) -> bool {
        self == Format::Brat
    }

    /// The usual file extension of the output file.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl | Format::Doccano => "jsonl",
            Format::Brat => "",
            Format::Conll => "conll",
            Format::Csv => "csv",
            Format::W3c | Format::LabelStudio => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Export orphaned spans too (only jsonl can hold them, in a separate `orphans` list).
    pub include_orphans: bool,
    /// doccano: write the `entities`/`relations` shape (chosen when any article has
    /// relations, so one export has one shape).
    pub doccano_relations: bool,
}

/// One article to export: its id (the path relative to the corpus, with `/`) and document.
#[derive(Clone, Copy)]
pub struct Article<'a> {
    pub id: &'a str,
    pub document: &'a Document,
}

/// Bytes an exporter produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Appended to the export's one output file.
    Append(Vec<u8>),
    /// A file at this path inside the output folder (brat, whose output is a folder).
    File { path: String, bytes: Vec<u8> },
    /// A companion file beside the output file, named the output's name plus `suffix`.
    Companion { suffix: String, bytes: Vec<u8> },
}

/// Something a format could not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub article: String,
    pub span: Option<SpanId>,
    /// The span is not in the output at all (otherwise it was written changed, e.g. widened
    /// to whole tokens, or lost a field such as its note).
    pub dropped: bool,
    pub reason: String,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.dropped { "left out" } else { "changed" };
        match self.span {
            Some(id) => write!(f, "{}: span {id} {what}: {}", self.article, self.reason),
            None => write!(f, "{}: {what}: {}", self.article, self.reason),
        }
    }
}

/// What an export wrote and what it could not hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub articles: usize,
    pub spans: usize,
    /// The relations written as relations of the format: brat's `R` lines (not the
    /// fragment relations it writes as one `T` line), jsonl's and doccano's relation
    /// records, Label Studio's relation results, W3C's `linking` annotations. CoNLL and
    /// csv write none, nor doccano's shape without relations: the losses say so.
    pub relations: usize,
    pub losses: Vec<Loss>,
}

/// A span whose exported form is not its text: a bug, reported instead of written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{article}: span {span} ({label}) would export as {found:?} instead of {expected:?}; nothing was written for it")]
pub struct ExportError {
    pub article: String,
    pub span: SpanId,
    pub label: String,
    pub expected: String,
    pub found: String,
}

/// Turns articles into one format's bytes, one article at a time.
pub struct Exporter<'s> {
    format: Format,
    scheme: &'s Scheme,
    entities: &'s Entities,
    options: Options,
    /// Whether an item has been written to a JSON array output (for separators).
    array_started: bool,
    /// Labels met in the articles, for brat's `annotation.conf`.
    labels_seen: BTreeSet<String>,
    /// Attributes met in the articles, by name: the labels that carry them and their
    /// values, for brat's `annotation.conf` (free text and numbers have no fixed values).
    attributes_seen: BTreeMap<String, AttributeSeen>,
    pub report: Report,
}

/// Where an attribute was met in an export, and with which values.
#[derive(Clone, Debug, Default)]
struct AttributeSeen {
    labels: BTreeSet<String>,
    values: BTreeSet<String>,
}

impl<'s> Exporter<'s> {
    /// An exporter for `format`; `entities` are the corpus's (its `entities.ron`), which
    /// give linked spans their entity's name and external ids.
    pub fn new(
        format: Format,
        scheme: &'s Scheme,
        entities: &'s Entities,
        options: Options,
    ) -> Self {
        Exporter {
            format,
            scheme,
            entities,
            options,
            array_started: false,
            labels_seen: BTreeSet::new(),
            attributes_seen: BTreeMap::new(),
            report: Report::default(),
        }
    }

    /// What goes before the first article.
    pub fn begin(&mut self) -> Vec<Output> {
        match self.format {
            Format::Csv => vec![Output::Append(csv::header(self.scheme))],
            Format::W3c => vec![Output::Append(b"[\n".to_vec())],
            Format::LabelStudio => vec![
                Output::Append(b"[\n".to_vec()),
                labelstudio::config_file(self.scheme),
            ],
            Format::Conll => vec![conll::columns_file(self.scheme)],
            _ => Vec::new(),
        }
    }

    /// One article's output, checked span by span.
    pub fn article(&mut self, article: Article<'_>) -> Result<Vec<Output>, ExportError> {
        let spans = self.exportable_spans(article);
        self.report.articles += 1;
        for span in &spans {
            self.labels_seen.insert(span.label.clone());
            if self.format == Format::Brat {
                for (name, value) in &span.attrs {
                    let seen = self.attributes_seen.entry(name.clone()).or_default();
                    seen.labels.insert(span.label.clone());
                    seen.values.insert(value.clone());
                }
            }
        }
        let mut ctx = Ctx {
            article,
            spans: &spans,
            exported: spans.iter().map(|s| s.id).collect(),
            scheme: self.scheme,
            entities: self.entities,
            options: self.options,
            losses: Vec::new(),
            relations_written: 0,
        };
        let out = match self.format {
            Format::Jsonl => jsonl::article(&mut ctx)?,
            Format::Doccano => doccano::article(&mut ctx)?,
            Format::Brat => brat::article(&mut ctx)?,
            Format::Conll => conll::article(&mut ctx)?,
            Format::Csv => csv::article(&mut ctx)?,
            Format::W3c => w3c::article(&mut ctx, &mut self.array_started)?,
            Format::LabelStudio => labelstudio::article(&mut ctx, &mut self.array_started)?,
        };
        let lost: BTreeSet<SpanId> = ctx
            .losses
            .iter()
            .filter(|l| l.dropped)
            .filter_map(|l| l.span)
            .collect();
        self.report.spans += spans.len() - lost.len();
        self.report.relations += ctx.relations_written;
        self.report.losses.append(&mut ctx.losses);
        Ok(out)
    }

    /// What goes after the last article.
    pub fn finish(&mut self) -> Vec<Output> {
        match self.format {
            Format::W3c | Format::LabelStudio => vec![Output::Append(b"\n]\n".to_vec())],
            Format::Brat => vec![brat::annotation_conf(
                self.scheme,
                &self.labels_seen,
                &self.attributes_seen,
            )],
            _ => Vec::new(),
        }
    }

    /// The anchored spans, plus orphans where asked and the format holds them; the rest are
    /// reported.
    fn exportable_spans<'a>(&mut self, article: Article<'a>) -> Vec<&'a Span> {
        let mut spans = Vec::new();
        for span in article.document.annotations().spans() {
            if !span.is_orphaned() || (self.options.include_orphans && self.format == Format::Jsonl)
            {
                spans.push(span);
            } else {
                self.report.losses.push(Loss {
                    article: article.id.to_string(),
                    span: Some(span.id),
                    dropped: true,
                    reason: if self.options.include_orphans {
                        "orphaned (its text is not in the article); only jsonl holds orphans".into()
                    } else {
                        "orphaned (its text is not in the article); --include-orphans keeps it in jsonl".into()
                    },
                });
            }
        }
        spans
    }
}

/// What a format's exporter works with.
struct Ctx<'a, 's> {
    article: Article<'a>,
    /// The spans to export, in sidecar order (orphans only when asked and held).
    spans: &'a [&'a Span],
    /// The ids of `spans`, so relations are filtered without a scan per relation.
    exported: std::collections::HashSet<SpanId>,
    scheme: &'s Scheme,
    entities: &'s Entities,
    options: Options,
    losses: Vec<Loss>,
    /// How many relations the format wrote as relations (see [`Report::relations`]).
    relations_written: usize,
}

impl<'a> Ctx<'a, '_> {
    /// The article text (borrowed from the article, not from the context, so the context
    /// can record losses while the text is in use).
    fn text(&self) -> &'a Text {
        self.article.document.text()
    }

    /// The self-check: what the target representation holds must be the span's text.
    fn check(&self, span: &Span, expected: &str, found: &str) -> Result<(), ExportError> {
        if expected == found {
            Ok(())
        } else {
            Err(ExportError {
                article: self.article.id.to_string(),
                span: span.id,
                label: span.label.clone(),
                expected: expected.to_string(),
                found: found.to_string(),
            })
        }
    }

    /// Checks a span by re-slicing the article by chars.
    fn check_chars(&self, span: &Span) -> Result<(), ExportError> {
        let found = self.text().get(span.char_range()).unwrap_or("");
        self.check(span, &span.text, found)
    }

    /// Reports a span (or the article, with `None`) the format could not hold as it is.
    fn lose(&mut self, span: Option<SpanId>, dropped: bool, reason: impl Into<String>) {
        self.losses.push(Loss {
            article: self.article.id.to_string(),
            span,
            dropped,
            reason: reason.into(),
        });
    }

    /// Each span's speaker link: the first `said_by` relation from it.
    fn speaker_links(&self) -> HashMap<SpanId, &'a Relation> {
        let mut links = HashMap::new();
        for r in self.article.document.annotations().relations() {
            if r.kind == "said_by" {
                links.entry(r.from).or_insert(r);
            }
        }
        links
    }

    /// The name of the entity `id`: the corpus's name for it, or the id itself when the
    /// corpus has no such entity (written, never dropped).
    fn entity_name<'e>(&'e self, id: &'e str) -> &'e str {
        self.entities.name_of(id)
    }

    /// The external ids (`wikidata` → `Q40398`) of entity `id`, if the corpus knows it.
    fn entity_external(&self, id: &str) -> Option<&BTreeMap<String, String>> {
        self.entities
            .get(id)
            .map(|e| &e.external)
            .filter(|external| !external.is_empty())
    }

    /// For formats with no place for an article's citation (title, byline, outlet,
    /// published date, URL): one line saying which fields it had.
    fn lose_citation(&mut self, format: &str) {
        let citation = &self.article.document.citation;
        if citation.is_empty() {
            return;
        }
        let fields: Vec<&str> = citation.known().map(|(key, _)| key).collect();
        self.lose(
            None,
            false,
            format!(
                "its citation ({}): {format} has no place for an article's source",
                fields.join(", ")
            ),
        );
    }

    /// For formats with no place for attributes or entity links: one line per article
    /// saying how many spans lost which attributes and how many lost their entity.
    fn lose_attributes_and_entities(&mut self, format: &str) {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        let (mut with_attrs, mut with_entity) = (0, 0);
        for span in self.spans {
            if !span.attrs.is_empty() {
                with_attrs += 1;
                names.extend(span.attrs.keys().map(String::as_str));
            }
            if span.entity.is_some() {
                with_entity += 1;
            }
        }
        if with_attrs > 0 {
            let names: Vec<&str> = names.into_iter().collect();
            self.lose(
                None,
                false,
                format!(
                    "{with_attrs} span(s) lost their attributes ({}): {format} has no place for attributes",
                    names.join(", ")
                ),
            );
        }
        if with_entity > 0 {
            self.lose(
                None,
                false,
                format!(
                    "{with_entity} span(s) lost their entity link: {format} has no place for entities"
                ),
            );
        }
    }

    /// The discontinuous spans among the exported ones ([`Fragments::restricted_to`]), for
    /// the formats that group them (brat, jsonl, W3C). A group whose first fragment is not
    /// exported (an orphan) keeps its exported fragments together, the next one written as
    /// the first: reported on that span.
    fn fragments(&mut self) -> Fragments {
        let all = self.article.document.annotations().fragments();
        let exported = all.restricted_to(|id| self.exported.contains(&id));
        let moved: Vec<(SpanId, SpanId)> = all
            .groups()
            .filter(|group| !self.exported.contains(&group[0]))
            .filter_map(|group| {
                let first = group.iter().find_map(|&id| exported.first_of(id))?;
                Some((group[0], first))
            })
            .collect();
        for (left_out, first) in moved {
            self.lose(
                Some(first),
                false,
                format!(
                    "the first fragment of its annotation, span {left_out}, is not exported: \
                     written as the first fragment in its place"
                ),
            );
        }
        exported
    }

    /// For formats that write no relations: one line per article saying how many of them
    /// (those `shown` some other way aside) it left out and why.
    fn lose_relations(&mut self, shown: impl Fn(&Relation) -> bool, why: &str) {
        let relations = self.relations().filter(|r| !shown(r)).count();
        if relations > 0 {
            self.lose(
                None,
                false,
                format!("{relations} relation(s) not written: {why}"),
            );
        }
    }

    /// Relations whose both ends are exported.
    fn relations(&self) -> impl Iterator<Item = &Relation> {
        self.article
            .document
            .annotations()
            .relations()
            .iter()
            .filter(|r| self.exported.contains(&r.from) && self.exported.contains(&r.to))
    }
}

/// Appends one item to a JSON array output, with a separator unless it is the first.
fn push_array_item(bytes: &mut Vec<u8>, item: &impl serde::Serialize, started: &mut bool) {
    if *started {
        bytes.extend_from_slice(b",\n");
    }
    *started = true;
    bytes.extend(serde_json::to_vec(item).unwrap_or_default());
}

/// A JSON value as one line of bytes (serialization of plain data cannot fail).
fn json_line(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The UTF-16 offset of every char boundary of a string (`len_chars + 1` entries).
pub(crate) fn utf16_offsets(s: &str) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(s.len() + 1);
    let mut at = 0;
    offsets.push(0);
    for c in s.chars() {
        at += c.len_utf16();
        offsets.push(at);
    }
    offsets
}

#[cfg(test)]
mod tests {
    use super::{Article, Exporter, Format, Options, Output};
    use crate::import;
    use crate::model::{fixture, Citation, Entities, Extraction, Scheme, SourceKind};

    fn cited() -> crate::model::Document {
        let mut doc = fixture::document("[actor|Lavrov] said [quote|“we will wait”].");
        doc.citation = Citation {
            title: "Lavrov: “we will wait”".into(),
            byline: "Ana Souza".into(),
            outlet: "Harbour Gazette".into(),
            published: "2026-11-30T08:15:00+01:00".into(),
            url: "https://example.org/news/lavrov".into(),
        };
        doc.meta.extraction = Some(Extraction {
            kind: SourceKind::Html,
            extractor: "dom_smoothie 0.19.0 + spantag html 1".into(),
            text_sha256: "ab".repeat(32),
            page_starts: Vec::new(),
        });
        doc
    }

    /// The appended bytes of a one-article export, and its loss report.
    fn export(format: Format, doc: &crate::model::Document) -> (String, Vec<String>) {
        let (scheme, entities) = (Scheme::default(), Entities::default());
        let mut exporter = Exporter::new(format, &scheme, &entities, Options::default());
        let mut outputs = exporter.begin();
        let article = Article {
            id: "lavrov.html",
            document: doc,
        };
        outputs.extend(exporter.article(article).unwrap());
        outputs.extend(exporter.finish());
        let mut bytes = Vec::new();
        for output in outputs {
            match output {
                Output::Append(b) => bytes.extend(b),
                Output::File { path, bytes: b } if path.ends_with(".ann") => bytes.extend(b),
                _ => {}
            }
        }
        let losses = exporter.report.losses.iter().map(|l| l.to_string());
        (String::from_utf8(bytes).unwrap(), losses.collect())
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text.trim()).unwrap()
    }

    #[test]
    fn the_citation_reaches_every_format_or_its_loss_report() {
        let doc = cited();
        let c = &doc.citation;
        let (jsonl, losses) = export(Format::Jsonl, &doc);
        let record = json(&jsonl);
        assert_eq!(record["citation"]["title"], c.title.as_str());
        assert_eq!(record["citation"]["url"], c.url.as_str());
        assert_eq!(record["extraction"]["kind"], "html");
        assert_eq!(record["extraction"]["text_sha256"], "ab".repeat(32));
        assert!(losses.is_empty(), "{losses:?}");

        let (doccano, losses) = export(Format::Doccano, &doc);
        let line = json(&doccano);
        for (key, value) in c.known() {
            assert_eq!(line[key], value, "doccano {key}");
        }
        assert!(losses.is_empty(), "{losses:?}");

        let (ls, _) = export(Format::LabelStudio, &doc);
        let data = &json(&ls)[0]["data"];
        assert_eq!(data["outlet"], c.outlet.as_str());
        assert_eq!(data["published"], c.published.as_str());

        let (w3c, _) = export(Format::W3c, &doc);
        let target = &json(&w3c)[0]["target"];
        assert_eq!(target["scope"], c.url.as_str());
        assert_eq!(target["dcterms:title"], c.title.as_str());
        assert_eq!(target["dcterms:creator"], c.byline.as_str());
        assert_eq!(target["dcterms:publisher"], c.outlet.as_str());
        assert_eq!(target["dcterms:issued"], c.published.as_str());

        let (csv, _) = export(Format::Csv, &doc);
        let mut rows = ::csv::Reader::from_reader(csv.as_bytes());
        let header = rows.headers().unwrap().clone();
        let row = rows.records().next().unwrap().unwrap();
        let column = |name: &str| {
            let names: Vec<&str> = header.iter().collect();
            let at = names.iter().rposition(|h| *h == name).unwrap();
            row[at].to_string()
        };
        assert_eq!(column("title"), c.title);
        assert_eq!(column("byline"), c.byline);
        assert_eq!(column("url"), c.url);

        for format in [Format::Brat, Format::Conll] {
            let (_, losses) = export(format, &doc);
            let said = format!(
                "lavrov.html: changed: its citation (title, byline, outlet, published, url): {format} has no place for an article's source",
                format = if format == Format::Brat { "brat" } else { "CoNLL" }
            );
            assert!(losses.contains(&said), "{format}: {losses:?}");
        }
    }

    #[test]
    fn an_article_without_a_citation_writes_no_citation_fields() {
        let doc = fixture::document("[actor|Lavrov] said it.");
        let (jsonl, _) = export(Format::Jsonl, &doc);
        assert!(
            !jsonl.contains("citation") && !jsonl.contains("extraction"),
            "{jsonl}"
        );
        let (doccano, _) = export(Format::Doccano, &doc);
        assert!(!doccano.contains("title"), "{doccano}");
        let (_, losses) = export(Format::Brat, &doc);
        assert!(losses.iter().all(|l| !l.contains("citation")), "{losses:?}");
    }

    #[test]
    fn jsonl_doccano_and_label_studio_bring_the_citation_back_on_import() {
        let doc = cited();
        for (export_format, import_format) in [
            (Format::Jsonl, import::Format::Jsonl),
            (Format::Doccano, import::Format::Doccano),
            (Format::LabelStudio, import::Format::LabelStudio),
        ] {
            let (bytes, _) = export(export_format, &doc);
            let parsed = import::parse(import_format, "in", &bytes, &import::Options::default());
            assert_eq!(
                parsed.articles.len(),
                1,
                "{export_format}: {:?}",
                parsed.report
            );
            assert_eq!(parsed.articles[0].citation, doc.citation, "{export_format}");
            let left_out = format!("{:?}", parsed.report.left_out);
            assert!(!left_out.contains("title"), "{export_format}: {left_out}");
        }
    }
}
