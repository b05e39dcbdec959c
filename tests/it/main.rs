//! One integration-test binary (so the suite links once), a module per area.

mod agree;
mod anchor_props;
mod anchor_threshold;
mod architecture;
mod brat;
mod changes;
mod crash;
mod desktop;
mod entities;
mod export;
mod extract_pdf;
mod extract_web;
mod fonts;
mod fuzz_corpus;
mod git_merge;
mod gui;
mod gui_attrs;
mod gui_citation;
mod gui_conflicts;
mod gui_focus;
mod gui_import;
mod gui_keys;
mod gui_safety;
mod gui_sizes;
mod gui_sources;
mod hostile;
mod import_cli;
mod import_doccano_prodigy_conll;
mod labelstudio;
mod merge;
mod model_props;
mod peer_data;
mod review;
mod roundtrip;
mod selection_props;
mod sidecar_golden;
mod sources;
mod store;
mod suggest;

mod util {
    use spantag::model::Command;
    use spantag::store::Session;
    use std::path::{Path, PathBuf};

    /// Tags the first occurrence of `text` in the open article; returns the span's id.
    pub fn tag(session: &mut Session, text: &str, label: &str) -> u64 {
        let doc = &session.document;
        let byte = doc.text().as_str().find(text).expect("text in the article");
        let start = doc.text().char_from_byte(byte);
        let applied = session
            .document
            .apply(Command::Tag {
                char_range: start..start + text.chars().count(),
                label: label.into(),
                attrs: Default::default(),
            })
            .unwrap();
        applied.focus.unwrap()
    }

    /// A sample article shipped in `assets/samples`.
    pub fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/samples")
            .join(name)
    }

    /// A copy of a sample in a fresh temporary folder, so tests never write beside the
    /// real samples. Keep the `TempDir` alive while the path is used.
    pub fn sample_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join(name);
        std::fs::copy(sample(name), &path).expect("copy the sample");
        (dir, path)
    }
}
