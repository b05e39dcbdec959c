#![no_main]
//! See `spantag::fuzz::sidecar`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| spantag::fuzz::sidecar(data));
