//! The test layout itself: with `autotests = false`, a test file that no `main.rs` declares is
//! never compiled, and its tests silently never run. This fails instead.

use std::path::Path;

#[test]
fn every_test_file_is_part_of_a_test_binary() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut stray = Vec::new();
    for item in std::fs::read_dir(&tests).expect("the tests directory") {
        let path = item.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            stray.push(format!(
                "{} (move it into tests/core/ or tests/discord/ and declare it in that main.rs)",
                path.display()
            ));
        }
    }
    for binary in ["core", "discord"] {
        let dir = tests.join(binary);
        let main = std::fs::read_to_string(dir.join("main.rs")).expect("main.rs");
        for item in std::fs::read_dir(&dir).expect("the binary's directory") {
            let path = item.expect("an entry").path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let is_module = path.extension().is_some_and(|e| e == "rs") && stem != "main";
            if is_module && !main.contains(&format!("mod {stem};")) {
                stray.push(format!(
                    "{} (add `mod {stem};` to its main.rs)",
                    path.display()
                ));
            }
        }
    }
    assert!(
        stray.is_empty(),
        "test files no binary runs:\n{}",
        stray.join("\n")
    );
}
