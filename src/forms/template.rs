//! The text template language of form files: `{字段}` placeholders, `[ … ]` optional parts and
//! `{_N}` write-in blanks. Parsing (with error positions) and rendering to model inlines.
//!
//! - `{工作名称}` is replaced by the field's printed value.
//! - `[，电子邮箱：{电子邮箱}]` is kept only when every field inside it has a value, so an
//!   empty optional field drops its whole phrase (no dangling `，电子邮箱：`).
//! - `{_6}` is an underlined blank six characters wide, to be filled in by hand.
//! - `{协作内容|。}` is the field's value made to end a sentence: `。` is added when the value
//!   does not already end with a sentence-ending mark (。！？… or one of them inside a closing
//!   quote or bracket), and replaces a stray trailing `，`、`；`、`：` or `、`. A numbered item
//!   built from a cell ("1.协作内容：{协作内容|。}") thus always ends with 。 (FORMS.md §5).
//! - `{{` and `}}` stand for a literal `{` and `}`. Square brackets always mark optional
//!   parts; write full-width brackets 【】［］ for brackets in the text itself.
//!
//! A template holds at most [`MAX_TEMPLATE_CHARS`] characters and [`MAX_NESTING`] optional
//! parts inside one another: rendering walks the parts recursively, and a form file is
//! input like any other.

use super::checks::{MAX_NESTING, MAX_TEMPLATE_CHARS};
use crate::model::Inline;

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Literal(String),
    Field(String),
    /// A field whose value must end a sentence with the given mark (`{字段|。}`).
    Sentence(String, String),
    Blank(f32),
    Optional(Vec<Segment>),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    pub segments: Vec<Segment>,
}

/// A template syntax error: what is wrong and the character offset where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl Template {
    /// Parse a template string.
    pub fn parse(src: &str) -> Result<Template, SyntaxError> {
        let chars: Vec<(usize, char)> = src.char_indices().collect();
        if chars.len() > MAX_TEMPLATE_CHARS {
            return Err(SyntaxError {
                offset: 0,
                message: format!("文字过长：一段最多 {MAX_TEMPLATE_CHARS} 个字，这里有 {} 个，请分成几段", chars.len()),
            });
        }
        let mut stack: Vec<(usize, Vec<Segment>)> = vec![(0, Vec::new())];
        let mut literal = String::new();
        let mut i = 0;
        let flush = |literal: &mut String, stack: &mut Vec<(usize, Vec<Segment>)>| {
            if !literal.is_empty() {
                stack.last_mut().unwrap().1.push(Segment::Literal(std::mem::take(literal)));
            }
        };
        while i < chars.len() {
            let (off, c) = chars[i];
            let next = chars.get(i + 1).map(|&(_, c)| c);
            match c {
                '{' | '}' if next == Some(c) => {
                    literal.push(c);
                    i += 2;
                    continue;
                }
                '{' => {
                    let end = chars[i + 1..].iter().position(|&(_, c)| c == '}').map(|p| p + i + 1);
                    let Some(end) = end else {
                        return Err(SyntaxError { offset: off, message: "“{”没有对应的“}”".into() });
                    };
                    let name: String = chars[i + 1..end].iter().map(|&(_, c)| c).collect();
                    let name = name.trim().to_string();
                    flush(&mut literal, &mut stack);
                    let seg = if let Some((field, mark)) = name.split_once('|') {
                        let (field, mark) = (field.trim(), mark.trim());
                        if field.is_empty() || mark.chars().count() != 1 || !"。！？；".contains(mark) {
                            return Err(SyntaxError {
                                offset: off,
                                message: format!("“{{{name}}}”应写作 {{字段|。}}（竖线后为句末标点 。！？； 之一）"),
                            });
                        }
                        Segment::Sentence(field.to_string(), mark.to_string())
                    } else if let Some(w) = name.strip_prefix('_') {
                        let width: f32 =
                            w.parse().ok().filter(|w: &f32| (1.0..=40.0).contains(w)).ok_or_else(|| SyntaxError {
                                offset: off,
                                message: format!("空白“{{{name}}}”的宽度应为 1–40 个字"),
                            })?;
                        Segment::Blank(width)
                    } else if name.is_empty() {
                        return Err(SyntaxError { offset: off, message: "占位符“{}”是空的".into() });
                    } else {
                        Segment::Field(name)
                    };
                    stack.last_mut().unwrap().1.push(seg);
                    i = end + 1;
                    continue;
                }
                '}' => {
                    return Err(SyntaxError {
                        offset: off, message: "多余的“}”（字面的 } 请写作 }}）".into()
                    })
                }
                '[' => {
                    if stack.len() > MAX_NESTING {
                        return Err(SyntaxError {
                            offset: off,
                            message: format!("可选部分“[ … ]”套得太深（最多 {MAX_NESTING} 层）"),
                        });
                    }
                    flush(&mut literal, &mut stack);
                    stack.push((off, Vec::new()));
                }
                ']' => {
                    if stack.len() == 1 {
                        return Err(SyntaxError {
                            offset: off,
                            message: "多余的“]”（正文中的方括号请用全角“［］”）".into(),
                        });
                    }
                    flush(&mut literal, &mut stack);
                    let (_, inner) = stack.pop().unwrap();
                    stack.last_mut().unwrap().1.push(Segment::Optional(inner));
                }
                _ => literal.push(c),
            }
            i += 1;
        }
        flush(&mut literal, &mut stack);
        if stack.len() > 1 {
            return Err(SyntaxError {
                offset: stack.last().unwrap().0, message: "“[”没有对应的“]”".into()
            });
        }
        Ok(Template { segments: stack.pop().unwrap().1 })
    }

    /// Every field name used, in order (with repeats).
    pub fn fields(&self) -> Vec<&str> {
        fn walk<'a>(segs: &'a [Segment], out: &mut Vec<&'a str>) {
            for s in segs {
                match s {
                    Segment::Field(f) | Segment::Sentence(f, _) => out.push(f),
                    Segment::Optional(inner) => walk(inner, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.segments, &mut out);
        out
    }

    /// Render to inlines, looking fields up with `value`. Adjacent text is merged.
    pub fn render(&self, value: &dyn Fn(&str) -> String) -> Vec<Inline> {
        let mut out = Vec::new();
        render_into(&self.segments, value, &mut out);
        out
    }

    /// Render to plain text (blanks become nothing): titles, file names.
    pub fn render_text(&self, value: &dyn Fn(&str) -> String) -> String {
        self.render(value)
            .into_iter()
            .filter_map(|i| match i {
                Inline::Text { text, .. } => Some(text),
                Inline::Blank { .. } => None,
            })
            .collect()
    }

    /// True when the template renders to nothing but literal text around empty fields —
    /// used to drop a whole block whose only content is an empty field.
    pub fn is_literal(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Literal(_)))
    }
}

/// `value` ending a sentence with `mark`: kept as it is when it already ends with a
/// sentence-ending mark (possibly inside closing quotes or brackets), a trailing pause mark
/// (，、；：) replaced, else `mark` added. Empty stays empty.
fn end_sentence(value: &str, mark: &str) -> String {
    let v = value.trim_end();
    if v.is_empty() {
        return String::new();
    }
    let inner = v.trim_end_matches(['”', '’', '）', '」', '』', '》', '】', ')', '"', '\'']);
    if inner.ends_with(['。', '！', '？', '…', '.', '!', '?']) {
        return v.to_string();
    }
    let base = v.trim_end_matches(['，', '、', '；', '：', ',', ';', ':']);
    format!("{base}{mark}")
}

fn all_present(segs: &[Segment], value: &dyn Fn(&str) -> String) -> bool {
    segs.iter().all(|s| match s {
        Segment::Field(f) | Segment::Sentence(f, _) => !value(f).trim().is_empty(),
        Segment::Optional(_) | Segment::Literal(_) | Segment::Blank(_) => true,
    })
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text { text, role: None }) = out.last_mut() {
        text.push_str(s);
    } else {
        out.push(Inline::text(s));
    }
}

fn render_into(segs: &[Segment], value: &dyn Fn(&str) -> String, out: &mut Vec<Inline>) {
    for s in segs {
        match s {
            Segment::Literal(l) => push_text(out, l),
            Segment::Field(f) => push_text(out, &value(f)),
            Segment::Sentence(f, mark) => push_text(out, &end_sentence(&value(f), mark)),
            Segment::Blank(w) => out.push(Inline::Blank { width: *w }),
            Segment::Optional(inner) => {
                if all_present(inner, value) {
                    render_into(inner, value, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(t: &str, v: &dyn Fn(&str) -> String) -> String {
        Template::parse(t).unwrap().render_text(v)
    }

    #[test]
    fn optional_part_drops_when_its_field_is_empty() {
        let t = "联系电话：{电话}[，电子邮箱：{邮箱}]。";
        let with = |f: &str| if f == "电话" { "138".into() } else { "a@b.cn".into() };
        let without = |f: &str| if f == "电话" { "138".into() } else { String::new() };
        assert_eq!(text_of(t, &with), "联系电话：138，电子邮箱：a@b.cn。");
        assert_eq!(text_of(t, &without), "联系电话：138。");
    }

    #[test]
    fn blanks_and_escapes() {
        let t = Template::parse("指定{_5}为对接人{{x}}［注］").unwrap();
        let r = t.render(&|_| String::new());
        assert_eq!(r[1], Inline::Blank { width: 5.0 });
        assert_eq!(t.render_text(&|_| String::new()), "指定为对接人{x}［注］");
    }

    #[test]
    fn a_sentence_field_ends_with_its_mark_once() {
        let t = "1.协作内容：{内容|。}";
        for (cell, want) in [
            ("数据准确完整", "1.协作内容：数据准确完整。"),
            ("数据准确完整。", "1.协作内容：数据准确完整。"),
            ("数据准确完整？ ", "1.协作内容：数据准确完整？"),
            ("见“附件一。”", "1.协作内容：见“附件一。”"),
            ("提供报表（含附件）", "1.协作内容：提供报表（含附件）。"),
            ("数据准确完整，", "1.协作内容：数据准确完整。"),
            ("", "1.协作内容："),
        ] {
            assert_eq!(text_of(t, &|_| cell.to_string()), want, "{cell:?}");
        }
        assert_eq!(Template::parse(t).unwrap().fields(), vec!["内容"]);
        assert!(Template::parse("{内容|x}").is_err());
        assert!(Template::parse("{|。}").is_err());
    }

    #[test]
    fn syntax_errors_have_positions() {
        assert_eq!(Template::parse("ab{工作").unwrap_err().offset, 2);
        assert!(Template::parse("a[b").unwrap_err().message.contains("["));
        assert!(Template::parse("a]b").is_err());
        assert!(Template::parse("{_0}").is_err());
        assert_eq!(Template::parse("[x{a}[y{b}]]").unwrap().fields(), vec!["a", "b"]);
    }
}
