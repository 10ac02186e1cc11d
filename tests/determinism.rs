//! The same workbook and options give byte-identical files, whatever the number of threads,
//! so reruns and OA de-duplication behave.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

fn run(out: &Path, jobs: &str) -> BTreeMap<String, Vec<u8>> {
    let o = gongwen(&["generate", sample().to_str().unwrap(), "-o", out.to_str().unwrap(), "--jobs", jobs]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(&dir.path().join("a"), "1");
    let b = run(&dir.path().join("b"), "2");
    let c = run(&dir.path().join("c"), "2");
    assert!(a.len() > 30, "the sample makes letters, forms and lists: {}", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between --jobs 1 and --jobs 2");
        assert!(bytes == &c[name], "{name} differs between two runs");
    }
}
