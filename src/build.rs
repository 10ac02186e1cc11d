//! Build script: makes the list of built-in forms from the files in `forms/`, so a form added
//! there as data (a `.toml` file) is built in without a change to the code. Every `*.toml`
//! except `columns.toml` (the workbook's columns, read by `workbook::schema`) is a form; its
//! key is the file's name without `.toml`. The list is `$OUT_DIR/built_in_forms.rs`, included
//! by `forms`.

use std::fmt::Write as _;

fn main() {
    // A directory: cargo reruns this when a file in it is added, removed or changed.
    println!("cargo:rerun-if-changed=forms");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the forms folder is readable")
        .map(|e| e.expect("a readable entry").file_name().into_string().expect("UTF-8 file names in forms/"))
        .filter(|name| name.ends_with(".toml") && name != "columns.toml")
        .collect();
    files.sort();
    let mut out = String::from("/// The built-in forms, from `forms/*.toml`: (key, file name, text).\n");
    out.push_str("pub const BUILT_IN: &[(&str, &str, &str)] = &[\n");
    for file in &files {
        let key = file.trim_end_matches(".toml");
        let path = dir.join(file);
        writeln!(out, "    ({key:?}, {file:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let target = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("built_in_forms.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
