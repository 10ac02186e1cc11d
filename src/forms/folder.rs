//! Where the forms in use come from: the built-in files, or a `--forms-dir` folder that
//! replaces some of them. The folder is checked before any form in it is parsed: it must
//! exist, and every file in it must be one of the forms gongwen knows (by its exact name);
//! anything else is an error, never a silent fallback to the built-in form — a file called
//! `Letter.toml` or `letter.txt` is a user's edit that would otherwise be ignored unseen.

use super::checks::MAX_FILE_BYTES;
use super::{Form, FormError, BUILT_IN};
use std::io::Read;
use std::path::Path;

/// The set of forms in use: the built-in definitions, each replaced by the file of the same
/// name in `dir` when one is given.
pub fn load(dir: Option<&Path>) -> Result<Vec<Form>, Vec<FormError>> {
    let mut errors = Vec::new();
    if let Some(dir) = dir {
        check_folder(dir, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    let mut forms = Vec::new();
    for (key, file, text) in BUILT_IN {
        let (name, src) = match dir.map(|d| d.join(file)).filter(|p| p.symlink_metadata().is_ok()) {
            Some(path) => match read_form_file(&path) {
                Ok(s) => (path.display().to_string(), s),
                Err(message) => {
                    errors.push(FormError { file: path.display().to_string(), line: 0, message });
                    continue;
                }
            },
            None => (format!("forms/{file}"), text.to_string()),
        };
        match Form::parse(key, &name, &src) {
            Ok(f) => forms.push(f),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(forms)
    } else {
        Err(errors)
    }
}

/// The accepted file names, for messages: `letter.toml、application.toml、tasks.toml`.
fn accepted() -> String {
    BUILT_IN.iter().map(|(_, f, _)| *f).collect::<Vec<_>>().join("、")
}

/// The folder exists, is a folder, holds at least one form, and holds nothing else. Hidden
/// entries (`.DS_Store`, an editor's `.letter.toml.swp`) are the system's, not the user's,
/// and are passed over.
fn check_folder(dir: &Path, errors: &mut Vec<FormError>) {
    let at = |message: String| FormError { file: dir.display().to_string(), line: 0, message };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => "--forms-dir 给出的文件夹不存在：请检查路径".to_string(),
                std::io::ErrorKind::NotADirectory => {
                    "--forms-dir 应为文件夹（内含 letter.toml 等），这是一个文件".into()
                }
                std::io::ErrorKind::PermissionDenied => "无权读取 --forms-dir 给出的文件夹".into(),
                _ if dir.is_file() => "--forms-dir 应为文件夹（内含 letter.toml 等），这是一个文件".into(),
                _ => "无法读取 --forms-dir 给出的文件夹".into(),
            };
            errors.push(at(message));
            return;
        }
    };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut forms = 0;
    for name in names.iter().filter(|n| !n.starts_with('.')) {
        if BUILT_IN.iter().any(|(_, f, _)| f == name) {
            forms += 1;
            continue;
        }
        let hint = match BUILT_IN.iter().find(|(key, f, _)| {
            f.eq_ignore_ascii_case(name) || Path::new(name).file_stem().is_some_and(|s| s.eq_ignore_ascii_case(key))
        }) {
            Some((_, f, _)) => format!("，是想写 {f} 吗？文件名须完全一致（小写，扩展名 .toml）"),
            None => String::new(),
        };
        errors.push(FormError {
            file: dir.join(name).display().to_string(),
            line: 0,
            message: format!(
                "不是 gongwen 认得的表单文件{hint}。表单文件夹中只能有 {}，请改名或移走其他文件",
                accepted()
            ),
        });
    }
    if forms == 0 && errors.is_empty() {
        errors.push(at(format!(
            "--forms-dir 给出的文件夹中没有表单文件（{}）：可用 gongwen forms export 文件夹 导出内置表单再修改",
            accepted()
        )));
    }
}

/// A form file's text: a regular file (a FIFO or device would block or never end), at most
/// [`MAX_FILE_BYTES`], UTF-8. The error says what is wrong and what to do.
fn read_form_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|_| "无法读取此文件".to_string())?;
    if !meta.is_file() {
        return Err("不是普通文件（是文件夹、管道或设备）：请放入表单的 .toml 文件".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "文件过大（{} 字节，表单文件最多 {MAX_FILE_BYTES} 字节）：请检查是否放错了文件",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|_| "无法读取此文件：请检查文件权限".to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("文件过大（表单文件最多 {MAX_FILE_BYTES} 字节）：请检查是否放错了文件"));
    }
    // A BOM, as Windows Notepad writes it, is not part of the text.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| "不是 UTF-8 编码的文本：请用 UTF-8 编码另存此文件".to_string())
}
