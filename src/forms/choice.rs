//! Which forms a run makes: a form named by its key, Chinese name or an alias ([`pick`]), and
//! of those the ones the workbook can make ([`for_workbook`]) — the one rule the command line
//! and `gongwen serve` both apply.

use super::{Form, FormError};
use crate::workbook::Workbook;

/// The items of a list people type (`--forms`, `--format`, the server's `forms=`): split on
/// `,` and also `，` `、` `;` `；` or spaces, as people write them.
pub fn items<'a>(values: impl IntoIterator<Item = &'a str>) -> impl Iterator<Item = &'a str> {
    values
        .into_iter()
        .flat_map(|v| v.split([',', '，', '、', ';', '；', ' ', '\u{3000}']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

impl Form {
    /// Is this form the one `name` means: its key or an alias (any case), or its Chinese name?
    pub fn answers_to(&self, name: &str) -> bool {
        self.key.eq_ignore_ascii_case(name)
            || self.name == name
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// The keys of the forms `names` mean, in the forms' order, each once; `Err` holds the first
/// name that means none.
pub fn pick<'n>(names: impl IntoIterator<Item = &'n str>, forms: &[Form]) -> Result<Vec<String>, &'n str> {
    let mut chosen: Vec<&str> = Vec::new();
    for name in names {
        match forms.iter().find(|f| f.answers_to(name)) {
            Some(f) => chosen.push(&f.key),
            None => return Err(name),
        }
    }
    Ok(forms.iter().map(|f| f.key.clone()).filter(|k| chosen.contains(&k.as_str())).collect())
}

/// `名称（key）、…`: the forms one can ask for, for a message.
pub fn known(forms: &[Form]) -> String {
    forms.iter().map(|f| format!("{}（{}）", f.name, f.key)).collect::<Vec<_>>().join("、")
}

/// The forms of a run, and what is said about the others.
pub struct Chosen {
    pub forms: Vec<Form>,
    /// Lines for the user (错误： / 警告：), in form order.
    pub said: Vec<String>,
    /// How many of `said` are errors: forms asked for by name that cannot be made.
    pub errors: usize,
    /// Forms printing a column neither declared nor in the workbook: the run cannot go on.
    pub missing: Vec<FormError>,
}

/// Of `forms`, those a run of `wb` makes. Not `by_name` (all forms, the default): a form whose
/// sheets the workbook lacks is left out, said nothing of (a workbook of 协作需求 alone makes
/// no 沟通记录表). `by_name` (the user chose them): such a form is an error, never made silently
/// empty — or, when only a child sheet it can do without is missing, a warning and made.
pub fn for_workbook(mut forms: Vec<Form>, by_name: bool, wb: &Workbook) -> Chosen {
    let mut said = Vec::new();
    let mut errors = 0;
    let absent = |sheet: &str| !wb.has_sheet(sheet);
    if !by_name {
        forms.retain(|f| !absent(f.source) && f.children.as_ref().is_none_or(|c| c.optional || !absent(c.sheet)));
    } else {
        forms.retain(|f| {
            if absent(f.source) {
                errors += 1;
                said.push(format!(
                    "错误：工作簿中没有“{}”工作表，不能生成{}；请加上这个工作表（gongwen template 写出的模板中有），或不选这个表单",
                    f.source, f.name
                ));
                return false;
            }
            match f.children.as_ref().filter(|c| !c.optional && absent(c.sheet)) {
                Some(c) if c.skip_empty => {
                    errors += 1;
                    said.push(format!("错误：工作簿中没有“{}”工作表，不生成{}；请加上这个工作表", c.sheet, f.name));
                    false
                }
                Some(c) => {
                    said.push(format!("警告：工作簿中没有“{}”工作表，{}中它的表格是空的（留待手写）", c.sheet, f.name));
                    true
                }
                None => true,
            }
        });
    }
    let missing = forms.iter().flat_map(|f| f.missing_columns(wb)).collect();
    Chosen { forms, said, errors, missing }
}
