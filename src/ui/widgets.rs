//! Leaf widgets and text helpers shared by the panels, dialogs and the document view:
//! a label's colour and swatch, shortened text, the names spans and proposals are read
//! out by, and the category bar chart. Nothing here knows the app or its state, so every
//! module of `ui` may use it without an import cycle.

use egui::{Color32, Ui};
use egui_plot::{BarChart, Plot};

use crate::model::{Document, Entities, Fragments, Origin, Proposal, Scheme, Span, SpanId};

pub fn label_color(scheme: &Scheme, label: &str) -> Color32 {
    let [r, g, b] = scheme.rgb(label);
    Color32::from_rgb(r, g, b)
}

/// A small square of a label's colour, before its name.
pub fn swatch(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

/// `actor: Sergei Lavrov`, shortened for long spans; with its attribute values and
/// entity when it has them: `claim: … (verdict false)`, `actor: Lavrov (entity Sergei
/// Lavrov)`.
pub fn accessible_name(span: &Span, entities: Option<&Entities>) -> String {
    let mut name = format!("{}: {}", span.label, shorten(&span.text, 80));
    let mut details: Vec<String> = span
        .attrs
        .iter()
        .map(|(attribute, value)| format!("{attribute} {}", shorten(value, 40)))
        .collect();
    if let Some(id) = &span.entity {
        let entity = entities.map_or(id.as_str(), |e| e.name_of(id));
        details.push(format!("entity {entity}"));
    }
    if !details.is_empty() {
        name.push_str(&format!(" ({})", details.join(", ")));
    }
    name
}

/// The short mark on a span's chip: per attribute value ✔ for yes/true, ✖ for no/false,
/// a number as typed (up to 4 chars), else the value's first letter in capitals; then •
/// when the span is linked to an entity. Empty when it has neither.
pub fn chip_mark(span: &Span) -> String {
    let mut marks: Vec<String> = span
        .attrs
        .values()
        .filter_map(|value| {
            let value = value.trim();
            Some(match value.to_lowercase().as_str() {
                "" => return None,
                "yes" | "true" => "✔".to_string(),
                "no" | "false" => "✖".to_string(),
                _ if value.parse::<f64>().is_ok() => value.chars().take(4).collect(),
                _ => value.chars().next()?.to_uppercase().collect(),
            })
        })
        .collect();
    if span.entity.is_some() {
        marks.push("•".into());
    }
    marks.join("")
}

/// `suggested actor (rule actors): Sergei Lavrov` or `actor only in A: Lavrov`; a
/// `disputed` proposal is one annotator's version of a span both have with other values:
/// `quote, A's values: …`.
pub fn proposal_name(document: &Document, proposal: &Proposal, disputed: bool) -> String {
    let text = document
        .text()
        .get(proposal.char_range.clone())
        .unwrap_or_default();
    let what = match &proposal.origin {
        Origin::Rule(name) => format!("suggested {} (rule {name})", proposal.label),
        Origin::Agreed => format!("{} in A and B", proposal.label),
        Origin::OnlyA if disputed => format!("{}, A's values", proposal.label),
        Origin::OnlyB if disputed => format!("{}, B's values", proposal.label),
        Origin::OnlyA => format!("{} only in A", proposal.label),
        Origin::OnlyB => format!("{} only in B", proposal.label),
        Origin::Entity(name) => format!("{} that may be {name}", proposal.label),
        Origin::Imported { source, .. } => {
            format!("suggested {} (from {source})", proposal.label)
        }
    };
    format!("{what}: {}", shorten(text, 80))
}

/// `fragment 2 of 3 of quote span 4` for a fragment of a discontinuous span (the first
/// fragment's label and id name the span), or `None` for a span in one piece.
pub fn fragment_line(document: &Document, fragments: &Fragments, id: SpanId) -> Option<String> {
    let (at, count) = fragments.position(id)?;
    let first = *fragments.group(id)?.first()?;
    let label = &document.annotations().get(first)?.label;
    Some(format!(
        "fragment {} of {count} of {label} span {first}",
        at + 1
    ))
}

/// At most `max` chars of a string on one line, with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// Bar charts (side by side, or one) whose category axis shows names instead of numbers.
pub fn category_chart(
    ui: &mut Ui,
    id: &str,
    charts: Vec<BarChart>,
    names: Vec<String>,
    horizontal: bool,
    value_range: Option<[f64; 2]>,
) {
    let name_of = move |mark: egui_plot::GridMark, _: &std::ops::RangeInclusive<f64>| {
        let i = mark.value.round();
        if (mark.value - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        names.get(i as usize).cloned().unwrap_or_default()
    };
    let mut plot = Plot::new(id)
        .height(200.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show_grid(false);
    plot = if horizontal {
        plot.y_axis_formatter(name_of).y_axis_min_width(110.0)
    } else {
        plot.x_axis_formatter(name_of)
    };
    if let Some([low, high]) = value_range {
        plot = plot.include_y(low).include_y(high);
    }
    let legend = charts.len() > 1;
    if legend {
        plot = plot.legend(egui_plot::Legend::default());
    }
    plot.show(ui, |plot_ui| {
        for chart in charts {
            plot_ui.bar_chart(chart);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture;

    #[test]
    fn chip_marks_are_short_and_the_accessible_name_spells_them_out() {
        let document = fixture::document("[claim|Lavrov] spoke");
        let mut span = document.annotations().spans()[0].clone();
        assert_eq!(chip_mark(&span), "");
        assert_eq!(accessible_name(&span, None), "claim: Lavrov");
        for (attribute, value) in [
            ("checkworthy", "yes"),
            ("confidence", "0.755"),
            ("kind", "indirect"),
            ("source", " "),
            ("verdict", "false"),
        ] {
            span.attrs.insert(attribute.into(), value.into());
        }
        span.entity = Some("sergei-lavrov".into());
        // In attribute-name order; a blank value has no mark; a number keeps 4 chars.
        assert_eq!(chip_mark(&span), "✔0.75I✖•");
        let entities = crate::model::Entities::parse(
            r#"(entities: [(id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor")])"#,
        )
        .unwrap();
        let name = accessible_name(&span, Some(&entities));
        assert!(
            name.starts_with("claim: Lavrov (checkworthy yes, confidence 0.755, kind indirect")
                && name.ends_with("verdict false, entity Sergei Lavrov)"),
            "{name}"
        );
        // Without the entities file the id stands in for the name, never nothing.
        assert!(accessible_name(&span, None).ends_with("entity sergei-lavrov)"));
    }

    #[test]
    fn shorten_cuts_on_chars() {
        assert_eq!(shorten("a\nb", 10), "a b");
        assert_eq!(shorten("🇪🇬🇪🇬", 2), "🇪🇬…");
    }
}
