//! The layering rule: the pure core never imports egui or touches the file system.

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
