use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = spantag::cli::Cli::parse();
    match cli.command {
        Some(command) => spantag::cli::run(command),
        None => match spantag::ui::run(cli.path) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("spantag: cannot open the window: {e}");
                ExitCode::from(1)
            }
        },
    }
}
