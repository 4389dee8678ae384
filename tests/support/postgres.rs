//! A throwaway PostgreSQL cluster for the tests, through `.ci/postgres`: the storage tests
//! (tests/core) and the Discord outage test (tests/discord) share it. Each binary includes this
//! file as its `postgres` module.

#![allow(dead_code)] // Each binary uses part of it.

use std::path::Path;
use std::process::Command;

/// The PostgreSQL of a test run, set by `.ci/run`.
pub const POSTGRES_VAR: &str = "CALCIBOT_TEST_POSTGRES_URL";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory the `postgres` user can enter, for a cluster of our own.
pub fn cluster_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("calcibot-pg")
        .tempdir()
        .expect("a temporary directory");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("the temporary directory can be opened to the postgres user");
    }
    dir
}

/// Runs `.ci/postgres ARGS` and returns what it printed; panics with its error otherwise.
pub fn cluster(args: &[&str]) -> String {
    let out = Command::new("bash")
        .arg(repo().join(".ci/postgres"))
        .args(args)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "`.ci/postgres {}` failed (set {POSTGRES_VAR} to a PostgreSQL database the tests may use, or install PostgreSQL: `bash .ci/postgres install`):\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Starts a cluster in `dir` that stops (and removes `dir`) when this test process exits.
/// PostgreSQL is installed first when it is missing (as `.ci/run` does), so `cargo test` works
/// on a fresh machine; installing needs root, and the script says so when it cannot.
pub fn start_cluster(dir: &Path) -> String {
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        cluster(&["install"]);
    });
    let pid = std::process::id().to_string();
    cluster(&["start", &dir.to_string_lossy(), &pid])
}

/// A cluster of one test's own, stopped when the test ends, however it ends.
pub struct OwnCluster {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl OwnCluster {
    pub fn start() -> OwnCluster {
        let dir = cluster_dir();
        let url = start_cluster(dir.path());
        OwnCluster { dir, url }
    }

    pub fn path(&self) -> String {
        self.dir.path().to_string_lossy().to_string()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(repo().join(".ci/postgres"))
            .args(["stop", &self.path()])
            .status();
    }
}
