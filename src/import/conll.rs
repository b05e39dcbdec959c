//! conll import.

use super::{Options, Parsed};
use crate::problem::Problem;

pub fn parse(file: &str, _input: &str, _options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    parsed
        .report
        .errors
        .push(Problem::file(file, "conll is not read yet"));
    parsed
}
