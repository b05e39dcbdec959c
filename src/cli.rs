//! The command line. The same binary is the GUI and, as subcommands arrive, the batch tool.

use clap::Parser;
use std::path::PathBuf;

/// spantag: annotate news articles with claims, quotes, locations and actors.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// An article (plain-text file) to open.
    pub path: Option<PathBuf>,
}
