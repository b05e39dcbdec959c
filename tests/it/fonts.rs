//! The fallback fonts: every script draws on a machine with no font for it, the system's
//! fonts come first where there are some, and the bundled files are the ones documented.
//!
//! `.ci/run` runs this module a second time with the system's fonts hidden (an empty
//! fontconfig configuration), which is what a fresh machine without them sees.

use egui::epaint::text::FallbackRequest;
use egui::{FontFamily, FontId};
use sha2::{Digest, Sha256};
use spantag::ui::fonts::{self, bundled_font_for, has_glyph, FontSources, BUNDLED};

/// The name of the first font of `family` that has `c`, after a pass of `ctx` asked for it.
fn font_drawing(ctx: &egui::Context, c: char) -> Option<String> {
    let font_id = FontId::new(16.0, FontFamily::Proportional);
    let mut name = None;
    let mut output = ctx.run_ui(Default::default(), |ui| {
        name = ui.fonts_mut(|fonts| {
            fonts
                .has_glyph(&font_id, c)
                .then(|| fonts.characters(&FontFamily::Proportional).get(&c).cloned())
                .flatten()
                .and_then(|names| names.into_iter().next())
        });
    });
    // No renderer here to take the font atlas.
    output.textures_delta.clear();
    name
}

/// The first char of each grapheme cluster of `sample` but spaces: what a font is chosen
/// for (a combining mark is drawn by its base's font).
fn sample_chars(sample: &str) -> impl Iterator<Item = char> + '_ {
    use unicode_segmentation::UnicodeSegmentation;
    sample
        .graphemes(true)
        .filter_map(|cluster| cluster.chars().next())
        .filter(|c| !c.is_whitespace())
}

#[test]
fn every_bundled_font_is_the_file_listed_in_sha256sums() {
    let sums = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/SHA256SUMS"),
    )
    .unwrap();
    assert_eq!(
        sums.lines().count(),
        BUNDLED.len(),
        "one line per bundled font"
    );
    for font in &BUNDLED {
        let ttf = font.decompress().unwrap();
        let hash: String = Sha256::digest(&ttf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let line = format!("{hash}  {}", font.file);
        assert!(
            sums.lines().any(|l| l == line),
            "{} is not {line}",
            font.name
        );
    }
}

#[test]
fn each_bundled_font_is_asked_for_its_own_sample_and_has_every_char_of_it() {
    for font in &BUNDLED {
        let ttf = font.decompress().unwrap();
        for c in sample_chars(font.sample) {
            assert_eq!(bundled_font_for(c).name, font.name, "{c:?} goes elsewhere");
            assert!(has_glyph(&ttf, c), "{} lacks {c:?}", font.name);
        }
    }
}

/// The worst case of "never a missing glyph" for the scripts with thousands of characters:
/// every Chinese ideograph of the basic block, every Korean syllable, all kana, every Arabic
/// letter, every Devanagari and Hebrew letter.
#[test]
fn the_bundled_fonts_cover_whole_blocks_of_their_scripts() {
    let blocks = [
        (0x4E00..=0x9FA5, "CJK Unified Ideographs (Unicode 4.1)"),
        (0xAC00..=0xD7A3, "Hangul syllables"),
        (
            0x3041..=0x3094,
            "Hiragana (all but the small ka and ke of Unicode 3.2)",
        ),
        (0x30A1..=0x30F6, "Katakana (all but the rare ヷヸヹヺ)"),
        (0x0621..=0x064A, "Arabic letters"),
        (0x05D0..=0x05EA, "Hebrew letters"),
        (0x0905..=0x0939, "Devanagari letters"),
        (0x0E01..=0x0E2E, "Thai consonants"),
        (0x0531..=0x0556, "Armenian capitals"),
        (0x10D0..=0x10F0, "Georgian Mkhedruli"),
        (0x0400..=0x052F, "Cyrillic and its supplement"),
    ];
    for (block, name) in blocks {
        let font = bundled_font_for(char::from_u32(*block.start()).unwrap());
        let ttf = font.decompress().unwrap();
        let missing: Vec<char> = block
            .filter_map(char::from_u32)
            .filter(|&c| !has_glyph(&ttf, c))
            // Cyrillic has a few code points no font needs (combining, unassigned).
            .filter(|c| !matches!(*c as u32, 0x0483..=0x0489))
            .collect();
        assert!(
            missing.is_empty(),
            "{name}: {} lacks {missing:?}",
            font.name
        );
    }
}

/// With no system fonts at all, each script is drawn by its bundled font, and only the
/// fonts a text needs are loaded. (A fresh context per font: once loaded, a font also
/// draws the other scripts it has, as Georgian's has the lari sign ₾.)
#[test]
fn with_only_the_bundled_fonts_each_script_draws_with_its_font() {
    let ctx = egui::Context::default();
    fonts::install(&ctx, FontSources::BundledOnly);
    assert_eq!(font_drawing(&ctx, 'a').as_deref(), Some("Ubuntu-Light"));
    let mut output = ctx.run_ui(Default::default(), |ui| {
        assert!(
            ui.fonts(|f| f.discovered_fonts().is_empty()),
            "nothing loaded for Latin"
        );
    });
    output.textures_delta.clear();
    for font in &BUNDLED {
        let ctx = egui::Context::default();
        fonts::install(&ctx, FontSources::BundledOnly);
        for c in sample_chars(font.sample) {
            let expected = format!("bundled:{}", font.name);
            assert_eq!(font_drawing(&ctx, c), Some(expected), "{c:?}");
        }
    }
}

/// The app's own chain: where the system has a font for a character, that font draws it,
/// else the bundled one does; every script draws either way. Each character is asked of a
/// fresh context, so no font found for an earlier one takes its place.
#[test]
fn system_fonts_come_first_and_the_bundled_ones_fill_every_gap() {
    let providers = fonts::providers(FontSources::SystemThenBundled);
    let (system, mut from_system, mut from_bundle) = (&providers[0], 0, 0);
    for font in &BUNDLED {
        for c in sample_chars(font.sample) {
            let ctx = egui::Context::default();
            ctx.set_font_providers(providers.clone());
            let drawn_by = font_drawing(&ctx, c).unwrap_or_else(|| panic!("no font for {c:?}"));
            let cluster = c.to_string();
            let request = FallbackRequest {
                cluster: &cluster,
                family: &FontFamily::Proportional,
            };
            if drawn_by == "Ubuntu-Light" {
                continue;
            } else if let Some(system_font) = system.font_for(&request) {
                assert_eq!(drawn_by, system_font.name, "{c:?}");
                from_system += 1;
            } else {
                assert_eq!(drawn_by, format!("bundled:{}", font.name), "{c:?}");
                from_bundle += 1;
            }
        }
    }
    eprintln!("sample chars drawn by system fonts: {from_system}, by bundled ones: {from_bundle}");
}

/// Regression: on a machine with no fonts at all, listing the system's fonts panics inside
/// fontique, which took the app down with it. This suite runs the test above again in a
/// process whose fontconfig has no font folder, and every script must still draw, all of
/// it from the bundled fonts.
#[cfg(target_os = "linux")]
#[test]
fn a_machine_without_any_font_still_draws_every_script() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fonts.conf");
    std::fs::write(
        &config,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig></fontconfig>\n",
    )
    .unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "fonts::system_fonts_come_first_and_the_bundled_ones_fill_every_gap",
            "--nocapture",
        ])
        .env("FONTCONFIG_FILE", &config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(
        stderr.contains("drawn by system fonts: 0, by bundled ones: "),
        "{stderr}"
    );
}
