//! Compiles the knowledge base in `knowledge/` into the binary.
//!
//! Every `.toml` file under `knowledge/`, and every labelled-message `.jsonl` file, is embedded with `include_str!`, so the binary answers
//! from any directory and a new entries file is picked up without touching the code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let knowledge = root.join("knowledge");
    println!("cargo:rerun-if-changed=knowledge");

    let mut files = Vec::new();
    collect(&knowledge, &mut files);
    files.sort();

    let mut out = String::from(
        "/// The built-in knowledge base: (path relative to `knowledge/`, contents).\n",
    );
    out.push_str("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&knowledge)
            .expect("collected files live under knowledge/")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", file.display());
        writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");

    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_knowledge.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path
            .extension()
            .is_some_and(|e| e == "toml" || e == "jsonl")
        {
            files.push(path);
        }
    }
}
