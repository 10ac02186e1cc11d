//! Cell → value conversion: a calamine [`Data`] cell read as text (numbers as written, never
//! with an exponent), as a date (date cell, Excel serial, ISO text, `2026/3/5`, `2026年3月5日`),
//! as a list (收函部门, 附件, 前置任务) or as a 序号; text cleaning for XML; cell references.

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use chrono::NaiveDate;

/// Column letters of a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letters(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// `D7` for 0-based row 6, column 3.
pub fn cell_ref(row0: u32, col0: u32) -> String {
    format!("{}{}", column_letters(col0), row0 + 1)
}

/// A number as a person wrote it: `13800138000`, `3.5`; never `1.38e10` nor `13800138000.0`.
/// Binary noise such as `7.0000000000000009` is rounded away (15 significant digits).
pub fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e17 {
        return format!("{}", f as i64);
    }
    let int_digits = if f.abs() >= 1.0 { f.abs().log10().floor() as i32 + 1 } else { 0 };
    let decimals = (15 - int_digits).clamp(0, 17) as usize;
    let s = format!("{:.*}", decimals, f);
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The text of a cell as it would be shown, before cleaning; `None` for an empty cell.
/// `Err` carries the Excel error code (`#DIV/0!`) of a formula that failed.
pub fn raw_text(data: &Data) -> Result<Option<String>, String> {
    Ok(Some(match data {
        Data::Empty => return Ok(None),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match excel_date(dt) {
            Some(d) => crate::request::format_date(d),
            // A time of day is a serial in 0..1; calamine's conversion panics far outside
            // Excel's range (a date cell holding -1e13), so it is asked only about those.
            None if dt.is_datetime() && (0.0..1.0).contains(&dt.as_f64()) => {
                dt.as_datetime().map_or_else(|| number_text(dt.as_f64()), |t| t.format("%H:%M").to_string())
            }
            None => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) => match iso_date(s) {
            Some(d) => crate::request::format_date(d),
            None => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    }))
}

/// Text cleaned for the documents by the one rule of `crate::text` (line breaks normalised
/// to `\n`; controls, non-characters, zero-width and bidi controls removed; surrounding
/// whitespace trimmed). The flag says whether any character was removed.
pub fn clean_text(raw: &str) -> (String, bool) {
    crate::text::clean(raw)
}

/// Replace full-width digits and date punctuation by their ASCII forms.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '—' | '–' => '-',
            '／' => '/',
            '．' => '.',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Why a cell in a date column is not a date.
#[derive(Debug, Clone, PartialEq)]
pub enum DateError {
    /// Not a date (or an impossible one); carries the text as the cell shows it.
    Invalid(String),
    /// A time-of-day cell without a date, shown as `14:30`.
    TimeOnly(String),
    /// A month and day without the year (`3月5日`, `3/5`): the text and (month, day).
    NoYear(String, u32, u32),
    /// A two-digit year (`26-3-5`): the text and the date read with the year in 2000–2099.
    ShortYear(String, NaiveDate),
}

/// A date read from a cell; `serial` is set when it came from a plain number (so the
/// caller can question implausible results).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellDate {
    pub date: NaiveDate,
    pub serial: Option<f64>,
}

/// Read a cell in a date column. `Ok(None)` for an empty cell.
pub fn cell_date(data: &Data) -> Result<Option<CellDate>, DateError> {
    let from = |date| Ok(Some(CellDate { date, serial: None }));
    match data {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => {
            if !dt.is_datetime() {
                return Err(DateError::Invalid(number_text(dt.as_f64())));
            }
            match excel_date(dt) {
                Some(d) => from(d),
                None if dt.as_f64() >= 0.0 && dt.as_f64() < 1.0 => Err(DateError::TimeOnly(
                    dt.as_datetime().map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
                )),
                None => Err(DateError::Invalid(number_text(dt.as_f64()))),
            }
        }
        Data::DateTimeIso(s) => match iso_date(s) {
            Some(d) => from(d),
            None if s.contains(':') && !s.contains('-') => Err(DateError::TimeOnly(s.clone())),
            None => Err(DateError::Invalid(s.clone())),
        },
        Data::Int(i) => serial_date(*i as f64),
        Data::Float(f) => serial_date(*f),
        Data::String(s) => match parse_date_text(s) {
            Some(d) => from(d),
            None if s.trim().is_empty() => Ok(None),
            None => Err(incomplete_date(s).unwrap_or_else(|| DateError::Invalid(s.trim().to_string()))),
        },
        Data::DurationIso(s) => Err(DateError::TimeOnly(s.clone())),
        Data::Bool(_) | Data::Error(_) => {
            Err(DateError::Invalid(raw_text(data).unwrap_or_else(Some).unwrap_or_default()))
        }
    }
}

/// The date part of an Excel date-time cell; `None` for a time-only value (serial below 1,
/// which calamine would turn into 1899-12-31) or a value outside Excel's range.
fn excel_date(dt: &ExcelDateTime) -> Option<NaiveDate> {
    if !dt.is_datetime() || !(1.0..2_958_466.0).contains(&dt.as_f64()) {
        return None;
    }
    dt.as_datetime().map(|t| t.date())
}

/// A plain number in a date column: an Excel serial in the 1900 system (the date part of a
/// fractional serial), or `20260305` typed as a number.
fn serial_date(f: f64) -> Result<Option<CellDate>, DateError> {
    if f.fract() == 0.0 && (19_000_101.0..=99_991_231.0).contains(&f) {
        if let Some(d) = compact_date(&format!("{}", f as i64)) {
            return Ok(Some(CellDate { date: d, serial: None }));
        }
    }
    if !(1.0..2_958_466.0).contains(&f) {
        return Err(DateError::Invalid(number_text(f)));
    }
    let dt = ExcelDateTime::new(f, ExcelDateTimeType::DateTime, false);
    match dt.as_datetime() {
        Some(t) => Ok(Some(CellDate { date: t.date(), serial: Some(f) })),
        None => Err(DateError::Invalid(number_text(f))),
    }
}

/// `20260305` → 2026-03-05.
fn compact_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ymd(&s[0..4], &s[4..6], &s[6..8])
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The date at the start of an ODS ISO value: `2026-03-01` or `2026-03-01T14:30:00`.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let date = s.split('T').next()?;
    let mut parts = date.splitn(3, '-');
    ymd(parts.next()?, parts.next()?, parts.next()?)
}

/// Is `s` a time of day such as `14:30` or `14:30:05`?
fn is_time_of_day(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Date text as people type it: `2026-03-05`, `2026/3/5`, `2026.3.5`, `2026年3月5日`
/// (also `…号`), `20260305`; full-width digits, surrounding spaces and a trailing time of day
/// (`2026-03-05 14:30`) are allowed. `None` for anything else, including impossible dates.
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let s = ascii_digits(text);
    let s = s.trim();
    let s = match s.split_once([' ', 'T']) {
        Some((date, time)) if is_time_of_day(time.trim()) => date.trim_end(),
        _ => s,
    };
    if let Some(rest) = s.strip_suffix('日').or_else(|| s.strip_suffix('号')) {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return ymd(y.trim(), m.trim(), d.trim());
    }
    if let Some(d) = compact_date(s) {
        return Some(d);
    }
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    match parts.as_slice() {
        [y, m, d] => ymd(y, m, d),
        _ => None,
    }
}

/// Why date text that is not a date is nearly one: the year left out (`3月5日`, `3/5`, `3-5`)
/// or written with two digits (`26-3-5`, `26年3月5日`). `None` when it is simply not a date.
fn incomplete_date(text: &str) -> Option<DateError> {
    let s = ascii_digits(text);
    let s = s.trim();
    let shown = text.trim().to_string();
    let digits = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日').or_else(|| s.strip_suffix('号')) {
        match rest.split_once('年') {
            Some((y, md)) => {
                let (m, d) = md.split_once('月')?;
                vec![y.trim(), m.trim(), d.trim()]
            }
            None => {
                let (m, d) = rest.split_once('月')?;
                vec![m.trim(), d.trim()]
            }
        }
    } else {
        let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        s.split(sep).collect()
    };
    if !parts.iter().all(|p| digits(p)) {
        return None;
    }
    let num = |p: &str| p.parse::<u32>().ok();
    match parts.as_slice() {
        [m, d] => {
            let (m, d) = (num(m)?, num(d)?);
            // Any year will do to ask whether the day exists at all (29 February included).
            NaiveDate::from_ymd_opt(2024, m, d).map(|_| DateError::NoYear(shown, m, d))
        }
        [y, m, d] => {
            let date = NaiveDate::from_ymd_opt(2000 + num(y)? as i32, num(m)?, num(d)?)?;
            Some(DateError::ShortYear(shown, date))
        }
        _ => None,
    }
}

/// 收函部门: split on `、` `，` `,` `；` `;` and line breaks; blanks dropped. Returns the
/// departments in order without repeats, and the repeats that were dropped.
pub fn split_depts(text: &str) -> (Vec<String>, Vec<String>) {
    let mut depts: Vec<String> = Vec::new();
    let mut repeats = Vec::new();
    for part in text.split(['、', '，', ',', '；', ';', '\n']) {
        let name = part.trim();
        if name.is_empty() {
            continue;
        }
        if depts.iter().any(|d| d == name) {
            repeats.push(name.to_string());
        } else {
            depts.push(name.to_string());
        }
    }
    (depts, repeats)
}

/// 附件: one title per line or separated by `；`/`;`, with any numbering the user typed
/// (`1.` `1、` `（1）` `(1)` `1）`) removed — the letter numbers annexes itself.
pub fn split_annex(text: &str) -> Vec<String> {
    text.split(['\n', '；', ';'])
        .map(|part| strip_numbering(part.trim()).trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn strip_numbering(s: &str) -> &str {
    let digits_end = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    // （1） / (1)
    if let Some(rest) = s.strip_prefix('（').or_else(|| s.strip_prefix('(')) {
        let n = digits_end(rest);
        if n > 0 {
            if let Some(after) = rest[n..].strip_prefix('）').or_else(|| rest[n..].strip_prefix(')')) {
                return after;
            }
        }
        return s;
    }
    // 1. / 1、 / 1） / 1) / 1．  — but not "1.5版" (a decimal) nor "2026年…"
    let n = digits_end(s);
    if n == 0 {
        return s;
    }
    let rest = &s[n..];
    for mark in ['.', '、', '．', '）', ')'] {
        if let Some(after) = rest.strip_prefix(mark) {
            if !after.starts_with(|c: char| c.is_ascii_digit()) {
                return after;
            }
        }
    }
    s
}

/// A positive whole number typed as text (ASCII or full-width digits).
pub fn parse_seq_text(text: &str) -> Option<u32> {
    let s = ascii_digits(text);
    let s = s.trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n| n > 0)
}

/// A 序号 cell: a whole positive number (number cell or text). `Err` carries what the cell shows.
pub fn cell_seq(data: &Data) -> Result<Option<u32>, String> {
    match data {
        Data::Empty => Ok(None),
        Data::Int(i) if *i > 0 && *i <= u32::MAX as i64 => Ok(Some(*i as u32)),
        Data::Float(f) if f.fract() == 0.0 && *f >= 1.0 && *f <= u32::MAX as f64 => Ok(Some(*f as u32)),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => parse_seq_text(s).map(Some).ok_or_else(|| s.trim().to_string()),
        other => Err(raw_text(other).unwrap_or_else(Some).unwrap_or_default()),
    }
}

/// A 前置任务 cell: 序号 separated by `、` `,` `，` (also `；` `;` and spaces), or one number.
/// `Err` carries the first item that is not a 序号.
pub fn cell_seq_list(data: &Data) -> Result<Vec<u32>, String> {
    match data {
        Data::Empty => Ok(Vec::new()),
        Data::Int(_) | Data::Float(_) => cell_seq(data).map(|s| s.into_iter().collect()),
        Data::String(s) => s
            .split(['、', ',', '，', '；', ';', ' ', '\u{3000}', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| parse_seq_text(p).ok_or_else(|| p.to_string()))
            .collect(),
        other => Err(raw_text(other).unwrap_or_else(Some).unwrap_or_default()),
    }
}

/// What keeps `s` from being an e-mail address (`name@domain.tld`, no spaces, one `@`), said
/// so a user can fix it: the domain left out, a full-width `＠`, a space …; `None` when it is one.
pub fn email_problem(s: &str) -> Option<String> {
    if s.contains('＠') {
        return Some("“＠”是全角字符，请改为半角“@”".into());
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("含有空格，请删除".into());
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Some("缺少“@”和域名".into());
    };
    if domain.contains('@') {
        return Some("只能有一个“@”".into());
    }
    if local.is_empty() {
        return Some("“@”前缺少用户名".into());
    }
    if domain.is_empty() {
        return Some("“@”后缺少域名".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| l.is_empty())
        || labels.last().is_some_and(|tld| tld.chars().count() < 2)
    {
        return Some(format!("域名“{domain}”不完整（应如 example.com，含“.”和后缀）"));
    }
    None
}

/// A phone number read from a number cell that has probably lost its leading 0 (Excel drops
/// it: `010-62345678` typed into a number cell becomes `1062345678`): 9 to 11 digits that are
/// not a mobile number (11 digits starting with 1). Returns the number as it likely was,
/// `010-62345678`: area codes 010 and 02x have three digits, the others four.
pub fn lost_leading_zero(digits: &str) -> Option<String> {
    if !(9..=11).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() == 11 && digits.starts_with('1') {
        return None;
    }
    let area = if digits.starts_with(['1', '2']) { 2 } else { 3 };
    Some(format!("0{}-{}", &digits[..area], &digits[area..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(cell_ref(11, 26), "AA12");
    }

    #[test]
    fn numbers_print_as_written() {
        assert_eq!(number_text(13800138000.0), "13800138000");
        assert_eq!(number_text(3.5), "3.5");
        assert_eq!(number_text(7.000000000000001), "7");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(-2.0), "-2");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(raw_text(&Data::Float(13800138000.0)).unwrap().unwrap(), "13800138000");
        assert_eq!(raw_text(&Data::Int(42)).unwrap().unwrap(), "42");
    }

    #[test]
    fn text_dates_in_every_written_form() {
        for s in [
            "2026-03-05",
            "2026/3/5",
            "2026.3.5",
            "2026年3月5日",
            " 2026 年 3 月 5 日 ",
            "２０２６年３月５日",
            "2026-3-5 14:30",
            "20260305",
            "2026年3月5号",
        ] {
            assert_eq!(parse_date_text(s), Some(d(2026, 3, 5)), "{s}");
        }
        for s in ["2026-02-30", "2026/13/1", "下周一", "2026-03", "26-3-5", "2026-03/05", "3月5日"] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
    }

    #[test]
    fn date_cells_serials_and_traps() {
        let dt = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_date(&dt(46082.0)).unwrap().unwrap().date, d(2026, 3, 1));
        assert_eq!(cell_date(&dt(46082.75)).unwrap().unwrap().date, d(2026, 3, 1));
        assert_eq!(cell_date(&dt(0.6041666666666666)), Err(DateError::TimeOnly("14:30".into())));
        let serial = cell_date(&Data::Float(46082.0)).unwrap().unwrap();
        assert_eq!(serial, CellDate { date: d(2026, 3, 1), serial: Some(46082.0) });
        assert_eq!(cell_date(&Data::Int(46082)).unwrap().unwrap().date, d(2026, 3, 1));
        assert_eq!(cell_date(&Data::Float(20260305.0)).unwrap().unwrap().date, d(2026, 3, 5));
        assert_eq!(cell_date(&Data::DateTimeIso("2026-03-01".into())).unwrap().unwrap().date, d(2026, 3, 1));
        assert_eq!(cell_date(&Data::DateTimeIso("2026-03-01T09:00:00".into())).unwrap().unwrap().date, d(2026, 3, 1));
        assert!(matches!(cell_date(&Data::DurationIso("PT14H30M0S".into())), Err(DateError::TimeOnly(_))));
        assert_eq!(cell_date(&Data::Float(-3.0)), Err(DateError::Invalid("-3".into())));
        assert_eq!(cell_date(&Data::String("  ".into())), Ok(None));
        assert_eq!(cell_date(&Data::String("2026-02-30".into())), Err(DateError::Invalid("2026-02-30".into())));
    }

    #[test]
    fn text_is_cleaned_for_xml() {
        assert_eq!(clean_text("  甲\r\n乙\u{3000}"), ("甲\n乙".to_string(), false));
        assert_eq!(clean_text("a\u{1}b\u{FFFF}\tc\rd"), ("ab\tc\nd".to_string(), true));
    }

    #[test]
    fn departments_split_and_dedupe() {
        let (depts, repeats) = split_depts("财务部、人力资源部，市场部,财务部；法务部;\n 行政部 \n、");
        assert_eq!(depts, ["财务部", "人力资源部", "市场部", "法务部", "行政部"]);
        assert_eq!(repeats, ["财务部"]);
    }

    #[test]
    fn annex_numbering_is_removed() {
        assert_eq!(
            split_annex("1.项目计划书\n2、预算表；（3）人员名单;(4) 场地图\n5）合同\n1.5版方案\n2026年计划"),
            ["项目计划书", "预算表", "人员名单", "场地图", "合同", "1.5版方案", "2026年计划"]
        );
    }

    #[test]
    fn seq_cells() {
        assert_eq!(cell_seq(&Data::Float(3.0)), Ok(Some(3)));
        assert_eq!(cell_seq(&Data::Int(3)), Ok(Some(3)));
        assert_eq!(cell_seq(&Data::String("３".into())), Ok(Some(3)));
        assert_eq!(cell_seq(&Data::Float(3.5)), Err("3.5".into()));
        assert_eq!(cell_seq(&Data::Int(0)), Err("0".into()));
        assert_eq!(cell_seq(&Data::String("第一".into())), Err("第一".into()));
        assert_eq!(cell_seq_list(&Data::String("1、2,3，4".into())), Ok(vec![1, 2, 3, 4]));
        assert_eq!(cell_seq_list(&Data::Float(2.0)), Ok(vec![2]));
        assert_eq!(cell_seq_list(&Data::String("1、x".into())), Err("x".into()));
    }

    #[test]
    fn dates_missing_their_year_are_named() {
        let s = |t: &str| Data::String(t.into());
        assert_eq!(cell_date(&s("3月5日")), Err(DateError::NoYear("3月5日".into(), 3, 5)));
        assert_eq!(cell_date(&s("３月５号")), Err(DateError::NoYear("３月５号".into(), 3, 5)));
        assert_eq!(cell_date(&s("3/5")), Err(DateError::NoYear("3/5".into(), 3, 5)));
        assert_eq!(cell_date(&s("26-3-5")), Err(DateError::ShortYear("26-3-5".into(), d(2026, 3, 5))));
        assert_eq!(cell_date(&s("26年3月5日")), Err(DateError::ShortYear("26年3月5日".into(), d(2026, 3, 5))));
        assert_eq!(cell_date(&s("2月30日")), Err(DateError::Invalid("2月30日".into())));
        assert_eq!(cell_date(&s("下周一")), Err(DateError::Invalid("下周一".into())));
    }

    #[test]
    fn email_problems_say_what_is_missing() {
        assert_eq!(email_problem("zhangsan").unwrap(), "缺少“@”和域名");
        assert_eq!(email_problem("zhangsan@").unwrap(), "“@”后缺少域名");
        assert!(email_problem("zhangsan@example").unwrap().contains("域名“example”不完整"));
        assert!(email_problem("zhangsan＠example.com").unwrap().contains("全角"));
        assert_eq!(email_problem("zhang san@example.com").unwrap(), "含有空格，请删除");
        assert_eq!(email_problem("a@b@c.com").unwrap(), "只能有一个“@”");
    }

    #[test]
    fn phones_that_lost_their_zero() {
        assert_eq!(lost_leading_zero("1062345678").as_deref(), Some("010-62345678"));
        assert_eq!(lost_leading_zero("2112345678").as_deref(), Some("021-12345678"));
        assert_eq!(lost_leading_zero("75512345678").as_deref(), Some("0755-12345678"));
        assert_eq!(lost_leading_zero("13800138000"), None, "a mobile number");
        assert_eq!(lost_leading_zero("62345678"), None, "a local number");
    }

    #[test]
    fn email_shape() {
        assert!(email_problem("zhangsan@example.com").is_none());
        assert!(email_problem("a.b+c@mail.example.com.cn").is_none());
        for bad in
            ["zhangsan", "zhang san@example.com", "a@b", "a@b.c", "@example.com", "a@@b.com", "a@.com", "a@b..com"]
        {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }
}
