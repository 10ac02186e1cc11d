//! What a form file may ask for: the bound on every number and count it holds (checked when it
//! is parsed, so nothing downstream meets a NaN, a negative width or a million rows), the
//! number type those checks read, and TOML's own errors said in Chinese. The limits are
//! listed in forms/README.md ("Limits"); change both together.

use serde::de::{Deserializer, Error, Visitor};
use serde::Deserialize;

/// Largest form file read, in bytes: the built-in forms are under 10 KB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Blocks in one form.
pub const MAX_BLOCKS: usize = 500;
/// Rows of one `table` block.
pub const MAX_ROWS: usize = 200;
/// Grid columns of a table or task table.
pub const MAX_COLUMNS: usize = 20;
/// Widest column as written (millimetres; columns are scaled to the type area, so only
/// their proportions matter, but a width must still be a sane number).
pub const MAX_COLUMN_MM: f64 = 1000.0;
/// Cells of a `fields` block per row.
pub const MAX_PER_ROW: usize = 6;
/// Cells of a `fields` block, lines of a `seal` block.
pub const MAX_ITEMS: usize = 100;
/// Characters of one template string.
pub const MAX_TEMPLATE_CHARS: usize = 5000;
/// Optional parts `[ … ]` inside one another.
pub const MAX_NESTING: usize = 8;

/// A number as written in a form file, integer or float: read as it is and checked by the
/// parser, which can then say in Chinese, with the line, what is wrong with it (serde's own
/// "invalid value: integer `-1`, expected usize" is English and names no rule).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("数字")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_i128<E: Error>(self, v: i128) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u128<E: Error>(self, v: u128) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Why `n` is not a number in `min..=max` (whole when `whole`), said for `what`; `None` when it is.
pub fn out_of_range(what: &str, n: f64, min: f64, max: f64, whole: bool) -> Option<String> {
    let unit = if whole { "整数" } else { "数" };
    let range = format!("{what}应为 {} 到 {} 之间的{unit}", show(min), show(max));
    if n.is_nan() {
        Some(format!("{range}，不能是 nan"))
    } else if n.is_infinite() {
        Some(format!("{range}，不能是 inf"))
    } else if whole && n.fract() != 0.0 {
        Some(format!("{range}，不能是 {}", show(n)))
    } else if n < min || n > max {
        Some(format!("{range}，这里是 {}", show(n)))
    } else {
        None
    }
}

fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.abs() >= 1e15 {
        format!("{n:e}")
    } else {
        format!("{n}")
    }
}

/// TOML's error message (English, from the toml and serde crates) said in Chinese: the
/// common cases by name, anything else as a syntax error to look for on that line.
pub fn toml_message(msg: &str) -> String {
    let ticked = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let key = ticked(rest).into_iter().next().unwrap_or_default();
        return format!("缺少必需的键 {key}：请补上“{key} = …”");
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = ticked(rest);
        let (key, choices) = names.split_first().map_or(("", &[][..]), |(k, c)| (k.as_str(), c));
        return if choices.is_empty() {
            format!("这里不能有键“{key}”：请删去它")
        } else {
            format!("未知的键“{key}”（可用：{}）：请检查拼写", choices.join("、"))
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = ticked(rest);
        let (value, choices) = names.split_first().map_or(("", &[][..]), |(k, c)| (k.as_str(), c));
        return format!("未知的取值“{value}”（可用：{}）", choices.join("、"));
    }
    if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        let expected = msg.rsplit("expected ").next().unwrap_or("");
        let want = match expected {
            "a string" => "加引号的文字，如 \"…\"",
            "a boolean" => "true 或 false",
            "a sequence" => "方括号中的列表，如 [ … ]",
            "数字" => "数字",
            e if e.contains("map") || e.contains("struct") => "表（[ … ] 或 { … }）",
            _ => "另一种类型的值",
        };
        return format!("值的类型不对：这里应为{want}");
    }
    if msg.starts_with("wanted string") {
        // An enumerated key (per, …) given a number or list.
        return "值的类型不对：这里应为加引号的文字，如 \"…\"".into();
    }
    if msg.starts_with("duplicate key") {
        return "键重复：同一个键在这里写了两次，请删去一个".into();
    }
    if msg.contains("recurs") {
        return "嵌套过深：方括号或花括号套得太多".into();
    }
    "TOML 语法错误：请检查这一行的引号、方括号、花括号和等号（文字须加引号）".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_say_what_is_wrong() {
        assert_eq!(out_of_range("span", 2.0, 1.0, 4.0, true), None);
        assert_eq!(out_of_range("span", 2.5, 1.0, 4.0, true).unwrap(), "span应为 1 到 4 之间的整数，不能是 2.5");
        assert!(out_of_range("x", f64::NAN, 0.0, 1.0, false).unwrap().contains("nan"));
        assert!(out_of_range("x", f64::NEG_INFINITY, 0.0, 1.0, false).unwrap().contains("inf"));
        assert!(out_of_range("x", -1.0, 0.0, 1.0, false).unwrap().contains("这里是 -1"));
    }

    #[test]
    fn toml_errors_come_out_chinese() {
        for (msg, want) in [
            ("missing field `per`", "缺少必需的键 per"),
            ("unknown field `zz`, expected one of `a`, `b`", "未知的键“zz”（可用：a、b）"),
            ("unknown variant `foo`, expected `receiver` or `request`", "未知的取值“foo”（可用：receiver、request）"),
            ("invalid type: integer `3`, expected a sequence", "方括号中的列表"),
            ("invalid basic string, expected `\"`", "TOML 语法错误"),
            ("wanted string or table", "加引号的文字"),
        ] {
            let said = toml_message(msg);
            assert!(said.contains(want), "{msg} → {said}");
            assert!(!said.contains("expected"), "{said}");
        }
    }
}
