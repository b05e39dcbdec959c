//! Fonts for every script an article may hold, on any machine.
//!
//! egui's own fonts draw Latin, basic Greek and Cyrillic (Ubuntu Light) and emoji (Noto
//! Emoji). A glyph they lack is looked up, in this order:
//! 1. among the **system's fonts** (fontique over fontconfig, CoreText or DirectWrite), so an
//!    analyst's own CJK or Arabic font is used where there is one;
//! 2. among the **fonts bundled with spantag** ([`BUNDLED`], from `assets/fonts/`), so that a
//!    glyph is never missing on a machine that has no font for the script: Noto Sans (the
//!    rest of Latin, Greek and Cyrillic), Noto Sans Arabic, Hebrew, Devanagari, Thai,
//!    Armenian and Georgian, and Droid Sans Fallback (Chinese, Japanese, Korean).
//!
//! The bundled fonts are compiled in zlib-compressed (2.2 MB for 5.6 MB of fonts), and each
//! is decompressed the first time a character of its script is drawn, so an article in
//! Latin script pays neither time nor memory for them (figures in docs/PERFORMANCE.md).

use egui::epaint::text::{
    FallbackRequest, FontData, FontInsert, FontPriority, FontProvider, InsertFontFamily,
};
use egui_system_font_provider::SystemFontProvider;
use std::cell::Cell;
use std::io::Read;
use std::ops::RangeInclusive;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once, OnceLock};

/// Where glyphs that egui's own fonts lack come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FontSources {
    /// The system's fonts first, then the bundled ones: what the app uses.
    SystemThenBundled,
    /// Only the bundled fonts: the same pixels on every machine, for snapshot tests.
    BundledOnly,
}

/// Installs the fallback fonts of `sources` into `ctx`, after egui's own.
pub fn install(ctx: &egui::Context, sources: FontSources) {
    for provider in providers(sources) {
        ctx.add_font_provider(provider);
    }
}

/// The font providers of `sources`, in the order they are asked.
pub fn providers(sources: FontSources) -> Vec<Arc<dyn FontProvider>> {
    let bundled: Arc<dyn FontProvider> = Arc::new(BundledFonts::default());
    match sources {
        FontSources::SystemThenBundled => vec![Arc::new(SystemFonts::new()), bundled],
        FontSources::BundledOnly => vec![bundled],
    }
}

/// The system's fonts, or none where they cannot be listed.
///
/// On a machine with no fonts at all, fontique panics while listing them (fontconfig's
/// `FcFontSort` finds no match), on the provider's own thread, and every lookup after that
/// panics too. Such a machine must still show articles (from the bundled fonts), so the
/// failure is caught, said once on stderr, and the system's fonts are not asked again.
struct SystemFonts {
    inner: SystemFontProvider,
    failed: AtomicBool,
}

thread_local! {
    /// Set on the thread that is asking [`SystemFonts`], so the panic hook stays quiet.
    static ASKING_SYSTEM: Cell<bool> = const { Cell::new(false) };
}

/// The thread `SystemFontProvider` lists the system's fonts on.
const LISTING_THREAD: &str = "egui_system_font_provider";

impl SystemFonts {
    fn new() -> Self {
        static QUIET: Once = Once::new();
        QUIET.call_once(|| {
            let default_hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if std::thread::current().name() == Some(LISTING_THREAD) {
                    let payload = info.payload();
                    let why = (payload.downcast_ref::<String>().map(String::as_str))
                        .or_else(|| payload.downcast_ref::<&str>().copied())
                        .unwrap_or("no reason given");
                    eprintln!(
                        "spantag: the system's fonts cannot be listed ({why}); \
                         using the fonts spantag carries"
                    );
                } else if !ASKING_SYSTEM.with(Cell::get) {
                    default_hook(info);
                }
            }));
        });
        SystemFonts {
            inner: SystemFontProvider::new(),
            failed: AtomicBool::new(false),
        }
    }
}

impl FontProvider for SystemFonts {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        ASKING_SYSTEM.with(|asking| asking.set(true));
        let found = std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.font_for(request)));
        ASKING_SYSTEM.with(|asking| asking.set(false));
        found.unwrap_or_else(|_| {
            self.failed.store(true, Ordering::Relaxed);
            None
        })
    }
}

/// A font compiled into the binary.
pub struct BundledFont {
    /// The font's name in egui (prefixed `bundled:`) and in the docs.
    pub name: &'static str,
    /// The file it was made from, as listed in `assets/fonts/SHA256SUMS`.
    pub file: &'static str,
    /// The `.ttf` file, zlib-compressed.
    zlib: &'static [u8],
    /// The code points it is asked for (blocks of its scripts); none for the last font,
    /// which is asked for every code point the others do not claim.
    code_points: &'static [RangeInclusive<u32>],
    /// Text in its scripts, for the tests.
    pub sample: &'static str,
}

impl BundledFont {
    fn claims(&self, c: char) -> bool {
        self.code_points
            .iter()
            .any(|range| range.contains(&(c as u32)))
    }

    /// The uncompressed `.ttf` file.
    pub fn decompress(&self) -> std::io::Result<Vec<u8>> {
        let mut ttf = Vec::with_capacity(self.zlib.len() * 3);
        flate2::read::ZlibDecoder::new(self.zlib).read_to_end(&mut ttf)?;
        Ok(ttf)
    }
}

macro_rules! font_file {
    ($file:literal) => {
        include_bytes!(concat!("../../assets/fonts/", $file, ".z"))
    };
}

/// The bundled fonts, in the order they are asked; the last one, without code points, is
/// asked for everything the others do not claim.
pub static BUNDLED: [BundledFont; 8] = [
    BundledFont {
        name: "Noto Sans Arabic",
        file: "NotoSansArabic-Regular.ttf",
        zlib: font_file!("NotoSansArabic-Regular.ttf"),
        code_points: &[
            0x0600..=0x06FF,
            0x0750..=0x077F,
            0x0870..=0x08FF,
            0xFB50..=0xFDFF,
            0xFE70..=0xFEFF,
        ],
        sample: "قال وزير الخارجية إن ليبيا ثقب أسود",
    },
    BundledFont {
        name: "Noto Sans Hebrew",
        file: "NotoSansHebrew-Regular.ttf",
        zlib: font_file!("NotoSansHebrew-Regular.ttf"),
        code_points: &[0x0590..=0x05FF, 0xFB1D..=0xFB4F],
        sample: "שר החוץ אמר",
    },
    BundledFont {
        name: "Noto Sans Devanagari",
        file: "NotoSansDevanagari-Regular.ttf",
        zlib: font_file!("NotoSansDevanagari-Regular.ttf"),
        code_points: &[0x0900..=0x097F, 0x1CD0..=0x1CFF, 0xA8E0..=0xA8FF],
        sample: "विदेश मंत्री ने कहा",
    },
    BundledFont {
        name: "Noto Sans Thai",
        file: "NotoSansThai-Regular.ttf",
        zlib: font_file!("NotoSansThai-Regular.ttf"),
        code_points: &[0x0E00..=0x0E7F],
        sample: "รัฐมนตรีกล่าวว่า",
    },
    BundledFont {
        name: "Noto Sans Armenian",
        file: "NotoSansArmenian-Regular.ttf",
        zlib: font_file!("NotoSansArmenian-Regular.ttf"),
        code_points: &[0x0530..=0x058F, 0xFB13..=0xFB17],
        sample: "Արտաքին գործերի նախարարը",
    },
    BundledFont {
        name: "Noto Sans Georgian",
        file: "NotoSansGeorgian-Regular.ttf",
        zlib: font_file!("NotoSansGeorgian-Regular.ttf"),
        code_points: &[0x10A0..=0x10FF, 0x1C90..=0x1CBF, 0x2D00..=0x2D2F],
        sample: "საგარეო საქმეთა მინისტრი",
    },
    BundledFont {
        name: "Droid Sans Fallback",
        file: "DroidSansFallback.ttf",
        zlib: font_file!("DroidSansFallback.ttf"),
        code_points: &[
            0x1100..=0x11FF, // Hangul Jamo
            0x2E80..=0x2FDF, // CJK and Kangxi radicals
            0x3000..=0x33FF, // CJK punctuation, kana, Bopomofo, compatibility jamo, enclosed
            0x3400..=0x4DBF, // CJK Extension A (Droid has only a few)
            0x4E00..=0x9FFF, // CJK Unified Ideographs
            0xA960..=0xA97F, // Hangul Jamo Extended-A
            0xAC00..=0xD7FF, // Hangul syllables, Jamo Extended-B
            0xF900..=0xFAFF, // CJK compatibility ideographs
            0xFE30..=0xFE4F, // CJK compatibility forms
            0xFF00..=0xFFEF, // half- and full-width forms
        ],
        sample: "東京で会談が行われた。北京也发表了声明。외교부 장관이 말했다。",
    },
    BundledFont {
        name: "Noto Sans",
        file: "NotoSans-Regular.ttf",
        zlib: font_file!("NotoSans-Regular.ttf"),
        code_points: &[],
        sample: "Ѡѡ Ѧѧ Ѫѫ ϐϗϚ ẞ Ḁ ẫ ự ɐ ɑ ʃ ₾",
    },
];

/// The bundled font asked for `c`: the first whose blocks hold it, else the last one.
pub fn bundled_font_for(c: char) -> &'static BundledFont {
    &BUNDLED[index_for(c)]
}

fn index_for(c: char) -> usize {
    (BUNDLED.iter().position(|font| font.claims(c))).unwrap_or(BUNDLED.len() - 1)
}

/// The [`FontProvider`] over [`BUNDLED`]: each font is decompressed once, when first needed.
#[derive(Default)]
pub struct BundledFonts {
    /// Per entry of [`BUNDLED`]: the uncompressed file, once asked for (`None` if it failed).
    loaded: [OnceLock<Option<Arc<Vec<u8>>>>; BUNDLED.len()],
}

impl BundledFonts {
    fn load(&self, index: usize) -> Option<Arc<Vec<u8>>> {
        self.loaded[index]
            // The tests decompress every font and check its SHA-256, so this only fails on a
            // damaged binary; then the glyph is drawn as a box, like any glyph no font has.
            .get_or_init(|| BUNDLED[index].decompress().ok().map(Arc::new))
            .clone()
    }
}

impl FontProvider for BundledFonts {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let c = request.cluster.chars().next()?;
        let index = index_for(c);
        let font = &BUNDLED[index];
        let ttf = self.load(index)?;
        if !has_glyph(&ttf, c) {
            return None;
        }
        Some(FontInsert::new(
            &format!("bundled:{}", font.name),
            FontData::from_blob(ttf, 0),
            vec![InsertFontFamily {
                family: request.family.clone(),
                priority: FontPriority::Lowest,
            }],
        ))
    }
}

/// Whether the font file maps `c` to a glyph of its own (not `.notdef`).
pub fn has_glyph(ttf: &[u8], c: char) -> bool {
    use skrifa::MetadataProvider as _;
    skrifa::FontRef::new(ttf)
        .ok()
        .and_then(|font| font.charmap().map(c))
        .is_some_and(|glyph| glyph != skrifa::GlyphId::NOTDEF)
}
