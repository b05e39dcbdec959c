use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = spantag::cli::Cli::parse();
    spantag::ui::run(cli.path).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
