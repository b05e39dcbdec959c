//! The layering rules: the pure core never imports egui or touches the file system, and the
//! modules of `src/ui` import one another without a cycle (`app` at the root, `widgets` at
//! the leaves).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[test]
fn the_pure_core_touches_neither_egui_nor_the_disk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut pending = vec![
        root.join("model"),
        root.join("anchor"),
        root.join("export"),
        root.join("import"),
        root.join("merge"),
    ];
    let mut files = vec![
        root.join("agree.rs"),
        root.join("suggest.rs"),
        root.join("problem.rs"),
    ];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        for forbidden in [
            "egui",
            "eframe",
            "std::fs",
            "File::",
            "rfd::",
            "crate::store",
            "crate::ui",
            "notify::",
        ] {
            let offending: Vec<&str> = source
                .lines()
                .filter(|l| !l.trim_start().starts_with("//") && l.contains(forbidden))
                .collect();
            assert!(
                offending.is_empty(),
                "{} uses {forbidden}: {offending:?}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "found only {checked} pure-core files");
}

/// The `ui` modules a source file names: `use super::x…`, `use super::{x, y…}`, `super::x::…`
/// in code and `crate::ui::x…`. Comments (and so doc links) are not dependencies.
fn ui_references(source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n");
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut named = BTreeSet::new();
    for prefix in ["super::", "crate::ui::"] {
        for (at, _) in code.match_indices(prefix) {
            if code[..at].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            let rest = code[at + prefix.len()..].trim_start();
            if let Some(group) = rest.strip_prefix('{') {
                // `{a::X, b, c::{Y, Z}}`: the first name of each top-level item.
                let (mut depth, mut item_start) = (1, true);
                let mut chars = group.char_indices().peekable();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 1 => break,
                        '}' => depth -= 1,
                        ',' if depth == 1 => item_start = true,
                        c if depth == 1 && item_start && is_ident(c) => {
                            let end = group[i..]
                                .find(|c: char| !is_ident(c))
                                .map_or(group.len(), |n| i + n);
                            named.insert(group[i..end].to_string());
                            item_start = false;
                            while chars.peek().is_some_and(|&(j, _)| j < end) {
                                chars.next();
                            }
                        }
                        _ => {}
                    }
                }
            } else {
                let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
                named.insert(rest[..end].to_string());
            }
        }
    }
    named.retain(|name| modules.contains(name));
    named
}

/// A cycle in `graph` as the path `a -> b -> … -> a`, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// Each file of `src/ui` (but `mod.rs`, their parent) and the `ui` modules it imports.
fn ui_graph() -> BTreeMap<String, BTreeSet<String>> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.extension().is_some_and(|e| e == "rs") && stem != "mod" {
            sources.insert(stem, std::fs::read_to_string(&path).unwrap());
        }
    }
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, source)| {
            let mut uses = ui_references(source, &modules);
            uses.remove(module);
            (module.clone(), uses)
        })
        .collect()
}

#[test]
fn the_ui_modules_import_one_another_without_a_cycle() {
    let graph = ui_graph();
    // The parser sees the imports it must (else an empty graph would pass).
    assert!(graph.len() >= 20, "found only {} ui modules", graph.len());
    for (from, to) in [
        ("app", "state"),
        ("app", "guard"),
        ("panels", "widgets"),
        ("doc_view", "widgets"),
    ] {
        assert!(
            graph[from].contains(to),
            "{from} should import {to}: {:?}",
            graph[from]
        );
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the ui modules import one another in a cycle: {}",
            cycle.join(" -> ")
        );
    }
    let importers_of_app: Vec<&String> = graph
        .iter()
        .filter(|(_, uses)| uses.contains("app"))
        .map(|(m, _)| m)
        .collect();
    assert!(
        importers_of_app.is_empty(),
        "app is the root, yet {importers_of_app:?} import it"
    );
    assert!(
        graph["widgets"].is_empty(),
        "widgets is a leaf, yet imports {:?}",
        graph["widgets"]
    );
}

#[test]
fn the_cycle_check_finds_a_cycle_and_every_import_form() {
    let modules: BTreeSet<String> = ["app", "state", "review", "widgets", "job"]
        .map(String::from)
        .into();
    let source = "//! see [`super::app::X`]\nuse super::{\n    review::{A, B},\n    widgets,\n};\n\
                  fn f() { super::job::Job::spawn(); crate::ui::state::X; }\nuse super::*;";
    let named = ui_references(source, &modules);
    assert_eq!(
        named,
        ["job", "review", "state", "widgets"]
            .map(String::from)
            .into()
    );

    let edge = |a: &str, b: &[&str]| (a.to_string(), b.iter().map(|s| s.to_string()).collect());
    let acyclic: BTreeMap<String, BTreeSet<String>> = [
        edge("app", &["state", "review"]),
        edge("review", &["widgets"]),
        edge("state", &["review"]),
    ]
    .into();
    assert_eq!(find_cycle(&acyclic), None);
    let cyclic: BTreeMap<String, BTreeSet<String>> = [
        edge("app", &["state"]),
        edge("review", &["widgets", "state"]),
        edge("state", &["review"]),
    ]
    .into();
    assert_eq!(
        find_cycle(&cyclic).map(|c| c.join(" -> ")).as_deref(),
        Some("state -> review -> state")
    );
}
