//! The one shape of every error and report line that points into a file: the path, the line
//! and column when known, and the cause. It prints as `path:line:col: message`, the form
//! editors and terminals turn into links.

use std::fmt;
use std::path::PathBuf;

/// Something wrong with (or left out of) one file, and where in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line in the file (for JSON Lines, the record's line), when known.
    pub line: Option<usize>,
    /// 1-based column (in chars) on that line, when known.
    pub col: Option<usize>,
    pub message: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            line: None,
            col: None,
            message: message.into(),
        }
    }

    /// A problem at a line of a file (a JSON Lines record, a brat annotation).
    pub fn at_line(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            ..Problem::file(path, message)
        }
    }

    /// A problem at a line and column.
    pub fn at(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            line: Some(line),
            col: Some(col),
            ..Problem::file(path, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Problem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_path_line_col() {
        assert_eq!(Problem::file("a.txt", "gone").to_string(), "a.txt: gone");
        assert_eq!(
            Problem::at_line("a.jsonl", 3, "bad").to_string(),
            "a.jsonl:3: bad"
        );
        assert_eq!(
            Problem::at("s.ron", 3, 7, "bad").to_string(),
            "s.ron:3:7: bad"
        );
    }
}
