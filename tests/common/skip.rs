//! The one way a test skips a check it cannot run here (a tool or a privilege missing).
//! Included by `tests/common/mod.rs` and, with `#[path]`, by the unit tests in `src/`, so the
//! rule is the same everywhere: the skip is said in the normal `cargo test` output, and under
//! `GONGWEN_REQUIRE_TOOLS` (CI sets it) a skip is a failure.

/// Is every check required to run (`GONGWEN_REQUIRE_TOOLS` set, and not to `0`)?
pub fn tools_required() -> bool {
    std::env::var_os("GONGWEN_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Skip the check `what` because `why`. The line goes to the process's stderr handle itself:
/// libtest captures `eprintln!` (it would show only with `--nocapture` or on failure) but not
/// a write to the handle, so the reason shows in every run. Under [`tools_required`] it panics.
pub fn skip(what: &str, why: &str) {
    if tools_required() {
        panic!("{what}: {why} — GONGWEN_REQUIRE_TOOLS is set, so a skipped check fails");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIP: {what}: {why}");
}
