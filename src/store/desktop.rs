//! Desktop integration on Linux and the BSDs (the freedesktop.org XDG specifications): a
//! desktop entry, so spantag is in the desktop's menu and in "Open with" for text files,
//! and its icon in the user's hicolor theme. Nothing outside the user's data folder is
//! touched, and `uninstall` removes exactly what `install` wrote.

use std::io;
use std::path::{Path, PathBuf};

/// The application icon, also the window's.
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// Where the desktop entry and the icon go below a data folder (`~/.local/share`).
pub fn entry_path(data_home: &Path) -> PathBuf {
    data_home.join("applications/spantag.desktop")
}

/// See [`entry_path`]; the icon is 128×128 pixels.
pub fn icon_path(data_home: &Path) -> PathBuf {
    data_home.join("icons/hicolor/128x128/apps/spantag.png")
}

/// The user's data folder: `$XDG_DATA_HOME` when it is an absolute path, else
/// `$HOME/.local/share`; `None` without either.
pub fn data_home() -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    absolute("XDG_DATA_HOME").or_else(|| absolute("HOME").map(|home| home.join(".local/share")))
}

/// The desktop entry that starts `exe` on a file (or with no file).
pub fn desktop_entry(exe: &Path) -> String {
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Version=1.4\n\
         Name=spantag\n\
         GenericName=Text annotator\n\
         Comment=Tag claims, quotes, locations and actors in news articles\n\
         Exec={} %f\n\
         Icon=spantag\n\
         Terminal=false\n\
         Categories=Utility;TextTools;\n\
         MimeType=text/plain;text/html;application/xhtml+xml;application/pdf;application/vnd.openxmlformats-officedocument.wordprocessingml.document;message/rfc822;text/markdown;\n\
         Keywords=annotation;corpus;NLP;news;\n\
         StartupWMClass=spantag\n",
        exec_argument(&exe.to_string_lossy())
    )
}

/// `arg` as one argument of a desktop entry's `Exec` key: quoted, with `"`, `` ` ``, `$`
/// and `\` escaped by a backslash and `%` doubled (the Desktop Entry Specification), then
/// every backslash doubled again, as the key's string value requires.
fn exec_argument(arg: &str) -> String {
    let mut quoted = String::from("\"");
    for c in arg.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted.replace('\\', "\\\\")
}

/// What [`install`] or [`uninstall`] did, for the message.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written or removed.
    pub files: Vec<PathBuf>,
    /// Whether the desktop's cache of file types was refreshed (`update-desktop-database`).
    pub refreshed_cache: bool,
}

/// Writes the desktop entry for `exe` and the icon below `data_home`, atomically, replacing
/// older ones, then refreshes the desktop's file-type cache where the tool for it exists.
pub fn install(data_home: &Path, exe: &Path) -> io::Result<Report> {
    let mut report = Report::default();
    for (path, contents) in [
        (entry_path(data_home), desktop_entry(exe).into_bytes()),
        (icon_path(data_home), ICON_PNG.to_vec()),
    ] {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| with_path(e, folder))?;
        }
        super::atomic::write(&path, &contents).map_err(|e| with_path(e, &path))?;
        report.files.push(path);
    }
    report.refreshed_cache = refresh_cache(data_home);
    Ok(report)
}

/// Removes what [`install`] wrote below `data_home` (a file already gone is no error).
pub fn uninstall(data_home: &Path) -> io::Result<Report> {
    let mut report = Report::default();
    for path in [entry_path(data_home), icon_path(data_home)] {
        match std::fs::remove_file(&path) {
            Ok(()) => report.files.push(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(with_path(e, &path)),
        }
    }
    report.refreshed_cache = refresh_cache(data_home);
    Ok(report)
}

/// Runs `update-desktop-database` on the entries' folder, if it is installed.
fn refresh_cache(data_home: &Path) -> bool {
    let folder = data_home.join("applications");
    folder.is_dir()
        && std::process::Command::new("update-desktop-database")
            .arg("-q")
            .arg(&folder)
            .stdin(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_quotes_and_escapes_a_path() {
        assert_eq!(exec_argument("/usr/bin/spantag"), "\"/usr/bin/spantag\"");
        // A path with a space, a quote, a dollar and a percent sign: each escaped as the
        // specification asks, backslashes doubled for the string value.
        assert_eq!(
            exec_argument("/home/a b/\"x\"/$HOME/100%/c\\d"),
            "\"/home/a b/\\\\\"x\\\\\"/\\\\$HOME/100%%/c\\\\\\\\d\""
        );
    }

    #[test]
    fn the_entry_opens_text_files_with_the_executable() {
        let entry = desktop_entry(Path::new("/opt/spantag/bin/spantag"));
        assert!(entry.starts_with("[Desktop Entry]\n"));
        assert!(entry.contains("\nExec=\"/opt/spantag/bin/spantag\" %f\n"));
        assert!(entry.contains("\nMimeType=text/plain;text/html;application/xhtml+xml;application/pdf;application/vnd.openxmlformats-officedocument.wordprocessingml.document;message/rfc822;text/markdown;\n"));
        assert!(entry.contains("\nIcon=spantag\n"));
    }
}
