//! Compiles the shipped code sets under `codesets/` into `OUT_DIR/*.csfst` and writes
//! `OUT_DIR/embedded.rs`, which `include_bytes!`s them. A system without source files is
//! simply not embedded; a malformed row fails the build with its file and line.

use std::path::{Path, PathBuf};

#[allow(
    dead_code,
    reason = "the library uses more of this module than the build script"
)]
#[path = "src/codeset/compile.rs"]
mod compile;

#[allow(
    dead_code,
    reason = "the library uses more of this module than the build script"
)]
#[path = "src/codeset/normalize.rs"]
mod normalize;

fn main() {
    println!("cargo:rerun-if-changed=codesets");
    println!("cargo:rerun-if-changed=src/codeset/compile.rs");
    println!("cargo:rerun-if-changed=src/codeset/normalize.rs");
    // The shipped rules are embedded by `include_dir!`, which cargo does not track: rerunning
    // this script when they change makes cargo rebuild the crate that embeds them.
    println!("cargo:rerun-if-changed=rules");
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR unset")?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR unset")?);
    let src = Path::new(&manifest).join("codesets");
    // Track each system directory too, so adding files under them triggers a rebuild.
    for (sub, _, _) in compile::SOURCE_DIRS {
        println!("cargo:rerun-if-changed=codesets/{sub}");
    }
    let sets = compile::read_source_dir(&src).map_err(|e| e.to_string())?;
    let mut embedded = String::from("/// Compiled code sets embedded at build time.\n");
    embedded.push_str("pub(crate) static EMBEDDED: &[(&str, &[u8])] = &[\n");
    for set in &sets {
        let bytes = compile::write_set(set).map_err(|e| format!("{}: {e}", set.kind))?;
        let name = format!("{}.{}", set.kind, compile::EXTENSION);
        std::fs::write(out.join(&name), bytes).map_err(|e| format!("{name}: {e}"))?;
        embedded.push_str(&format!(
            "    ({:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),\n",
            set.kind
        ));
    }
    embedded.push_str("];\n");
    std::fs::write(out.join("embedded.rs"), embedded).map_err(|e| format!("embedded.rs: {e}"))
}
