//! `spantag desktop install|uninstall`: the desktop entry and icon, written where the XDG
//! specifications say and removed again.

use std::path::Path;
use std::process::Command;

fn spantag_desktop(data_home: &Path, action: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["desktop", action])
        .env("XDG_DATA_HOME", data_home)
        .output()
        .unwrap()
}

#[test]
fn desktop_install_writes_a_valid_entry_and_the_icon_and_uninstall_removes_them() {
    let home = tempfile::tempdir().unwrap();
    let out = spantag_desktop(home.path(), "install");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let entry_path = home.path().join("applications/spantag.desktop");
    let entry = std::fs::read_to_string(&entry_path).unwrap();
    let exec = format!("\nExec=\"{}\" %f\n", env!("CARGO_BIN_EXE_spantag"));
    assert!(entry.contains(&exec), "{entry}");
    assert!(entry.contains("\nMimeType=text/plain;text/html;application/xhtml+xml;application/pdf;application/vnd.openxmlformats-officedocument.wordprocessingml.document;message/rfc822;text/markdown;\n"));
    let icon = std::fs::read(home.path().join("icons/hicolor/128x128/apps/spantag.png")).unwrap();
    assert_eq!(icon, std::fs::read("assets/icon.png").unwrap());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("installed {}", entry_path.display())),
        "{stdout}"
    );

    // desktop-file-validate (Debian's desktop-file-utils, which .ci/run installs) checks
    // the entry against the specification; without it the rest of the test still runs.
    match Command::new("desktop-file-validate")
        .arg(&entry_path)
        .output()
    {
        Ok(check) => assert!(
            check.status.success() && check.stdout.is_empty(),
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        ),
        Err(_) => eprintln!(
            "desktop-file-validate not found (package desktop-file-utils): entry not validated"
        ),
    }

    // Installing again replaces the files; uninstalling removes both, and only them.
    assert!(spantag_desktop(home.path(), "install").status.success());
    std::fs::write(home.path().join("applications/other.desktop"), "x").unwrap();
    let out = spantag_desktop(home.path(), "uninstall");
    assert!(out.status.success());
    assert!(!entry_path.exists());
    assert!(!home
        .path()
        .join("icons/hicolor/128x128/apps/spantag.png")
        .exists());
    assert!(home.path().join("applications/other.desktop").exists());
    let out = spantag_desktop(home.path(), "uninstall");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to remove"));
}

#[test]
fn desktop_install_into_a_folder_it_cannot_write_names_the_path() {
    let home = tempfile::tempdir().unwrap();
    // A file where the applications folder should be.
    std::fs::write(home.path().join("applications"), "not a folder").unwrap();
    let out = spantag_desktop(home.path(), "install");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("applications"), "{stderr}");
}
