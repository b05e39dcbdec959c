#![no_main]
//! See `spantag::fuzz::decode`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| spantag::fuzz::decode(data));
