#![no_main]
//! See `spantag::fuzz::reanchor`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| spantag::fuzz::reanchor(data));
