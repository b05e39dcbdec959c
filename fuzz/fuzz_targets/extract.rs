#![no_main]
//! See `spantag::fuzz::extract`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| spantag::fuzz::extract(data));
