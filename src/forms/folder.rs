//! Where the forms in use come from: the built-in files (`forms/*.toml`), and a `--forms-dir`
//! folder whose `.toml` files replace the built-in form of the same name or add new forms
//! (the file's name without `.toml` is the new form's key). The folder is checked before any
//! form in it is parsed: it must exist and hold at least one form file, and nothing else; a
//! file that is not a form file is an error, never silently passed over — `letter.txt` or
//! `Letter.toml` is a user's edit that would otherwise be ignored unseen.

use super::checks::MAX_FILE_BYTES;
use super::{Form, FormError, BUILT_IN};
use std::io::Read;
use std::path::Path;

/// The set of forms in use: the built-in definitions, each replaced by the file of the same
/// name in `dir` when one is given, and the folder's other form files; in the order the files
/// say (`order`), then by key.
pub fn load(dir: Option<&Path>) -> Result<Vec<Form>, Vec<FormError>> {
    let mut errors = Vec::new();
    let mut own: Vec<String> = Vec::new();
    if let Some(dir) = dir {
        own = check_folder(dir, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    let mut sources: Vec<(String, String, String)> = Vec::new(); // (key, file as named, text)
    for (key, file, text) in BUILT_IN {
        if !own.iter().any(|f| f == file) {
            sources.push((key.to_string(), format!("forms/{file}"), text.to_string()));
        }
    }
    for file in &own {
        let path = dir.expect("own files come from a folder").join(file);
        let key = file.trim_end_matches(".toml").to_string();
        match read_form_file(&path) {
            Ok(text) => sources.push((key, path.display().to_string(), text)),
            Err(message) => errors.push(FormError { file: path.display().to_string(), line: 0, message }),
        }
    }
    let mut forms: Vec<(Form, String)> = Vec::new();
    for (key, file, text) in sources {
        match Form::parse(&key, &file, &text) {
            Ok(f) => forms.push((f, file)),
            Err(e) => errors.push(e),
        }
    }
    // Names choose forms (`--forms 工作联系函`) and name bundles: each names one form.
    for (i, (form, file)) in forms.iter().enumerate() {
        let mut names = vec![form.name.as_str()];
        names.extend(form.aliases.iter().map(String::as_str));
        for (other, other_file) in &forms[..i] {
            let taken = |n: &str| other.name == n || other.aliases.iter().any(|a| a == n) || other.key == n;
            if let Some(n) = names.iter().find(|n| taken(n)) {
                let message = format!("表单名称“{n}”与 {other_file} 的表单重复：每个表单的 name 和 aliases 须各不相同");
                errors.push(FormError { file: file.clone(), line: 1, message });
            }
        }
        let sheets: Vec<&str> = form.sheets.iter().map(|s| s.name).collect();
        for (other, other_file) in &forms[..i] {
            if let Some(s) = other.sheets.iter().find(|s| sheets.contains(&s.name)) {
                let message = format!("工作表“{}”已在 {other_file} 中定义：同一个工作表只能定义一次", s.name);
                errors.push(FormError { file: file.clone(), line: 1, message });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut forms: Vec<Form> = forms.into_iter().map(|(f, _)| f).collect();
    forms.sort_by(|a, b| (a.order, &a.key).cmp(&(b.order, &b.key)));
    Ok(forms)
}

/// The built-in file names, for messages: `application.toml、letter.toml…`.
fn accepted() -> String {
    BUILT_IN.iter().map(|(_, f, _)| *f).collect::<Vec<_>>().join("、")
}

/// The folder exists, is a folder, holds at least one form, and holds nothing else; its form
/// files, sorted. Hidden entries (`.DS_Store`, an editor's `.letter.toml.swp`) are the
/// system's, not the user's, and are passed over.
fn check_folder(dir: &Path, errors: &mut Vec<FormError>) -> Vec<String> {
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
            return Vec::new();
        }
    };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut forms = Vec::new();
    for name in names.iter().filter(|n| !n.starts_with('.')) {
        let stem = name.strip_suffix(".toml").unwrap_or(name);
        let valid_key = !stem.is_empty()
            && stem.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && stem.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        let problem = if name == "columns.toml" {
            Some(
                "列定义 columns.toml 是内置的，不能在表单文件夹中替换；新的工作表请在表单文件中用 [[sheet]] 定义"
                    .to_string(),
            )
        } else if let Some((_, f, _)) = BUILT_IN.iter().find(|(key, f, _)| {
            let any_stem = Path::new(name).file_stem().and_then(|s| s.to_str()).unwrap_or(stem);
            (f.eq_ignore_ascii_case(name) || any_stem.eq_ignore_ascii_case(key)) && *f != name.as_str()
        }) {
            Some(format!("是想替换内置的 {f} 吗？文件名须完全一致（小写，扩展名 .toml）"))
        } else if !name.ends_with(".toml") {
            Some(format!("不是表单文件：表单文件夹中只能有表单文件（*.toml，如 {}），请改名或移走其他文件", accepted()))
        } else if !valid_key {
            Some(
                "表单文件名应由小写英文字母、数字、- 和 _ 组成，如 meeting.toml（中文名称写在文件中的 name）"
                    .to_string(),
            )
        } else {
            None
        };
        match problem {
            None => forms.push(name.clone()),
            Some(message) => errors.push(FormError { file: dir.join(name).display().to_string(), line: 0, message }),
        }
    }
    if forms.is_empty() && errors.is_empty() {
        errors.push(at(format!(
            "--forms-dir 给出的文件夹中没有表单文件（*.toml，如 {}）：可用 gongwen forms export 文件夹 导出内置表单再修改",
            accepted()
        )));
    }
    forms
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
