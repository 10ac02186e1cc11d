//! Where a line of Chinese text may break: UAX #14 break opportunities (`unicode-linebreak`)
//! tightened by an explicit kinsoku table (GB/T 15834 / clreq): no line starts with closing or
//! "attached" punctuation, none ends with opening punctuation, `——` and `……` never split,
//! runs of Latin letters / digits (phone numbers, e-mail addresses, years) stay together, and a
//! date's numbers stay with their 年/月/日 (`2026年3月` never ends a line at `3`).

use unicode_linebreak::{linebreaks, BreakOpportunity};

/// Characters that must not begin a line.
const NO_START: &str = "，。、；：？！）】」』”’》%．,.;:?!)〕…—‥・ー〉］｝〗〙〛｠»›％‰℃°′″·～ゝゞ々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ";
/// Characters that must not end a line.
const NO_END: &str = "（【「『“‘《〔(〈［｛〖〘〚｟«‹[{";

pub fn forbidden_at_line_start(c: char) -> bool {
    NO_START.contains(c)
}

pub fn forbidden_at_line_end(c: char) -> bool {
    NO_END.contains(c)
}

/// Part of a Latin "word" that must not be broken: letters, digits and the joiners of
/// e-mail addresses, URLs, phone numbers and decimals.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '+' | '/' | '#' | '&' | '=' | '~' | '%')
}

/// Kinsoku alone (no UAX #14): may a line end after `prev` and the next begin with `next`?
/// Used for forced breaks inside text longer than a line.
pub fn kinsoku_allows(prev: char, next: char) -> bool {
    !(forbidden_at_line_start(next) || forbidden_at_line_end(prev) || (prev == next && matches!(prev, '—' | '…' | '‥')))
}

/// For a text of one char per laid-out atom, set `allowed[k]` = "a line may begin at char k"
/// (k ≥ 1; `allowed[0]` is always false). Hard breaks (`'\n'`) are the caller's business; the
/// char after one is simply marked allowed. `allowed` is cleared and refilled (reuse it).
pub fn break_opportunities(text: &str, allowed: &mut Vec<bool>) {
    allowed.clear();
    let chars: Vec<char> = text.chars().collect();
    allowed.resize(chars.len(), false);
    // Map the byte offsets UAX #14 reports to char indices, walking both in step.
    let mut byte = 0usize;
    let mut idx = 0usize;
    for (at, op) in linebreaks(text) {
        while byte < at && idx < chars.len() {
            byte += chars[idx].len_utf8();
            idx += 1;
        }
        if idx < chars.len() && idx > 0 {
            allowed[idx] = matches!(op, BreakOpportunity::Allowed | BreakOpportunity::Mandatory);
        }
    }
    for k in 1..chars.len() {
        let (prev, next) = (chars[k - 1], chars[k]);
        // UAX #14 glues quotation marks (class QU) and inline objects to both neighbours;
        // Chinese breaks around them like around ideographs, kinsoku permitting.
        // UAX #14 keeps a hyphen with a following number; Word and LibreOffice do not.
        let joiner = breaks_after_joiner(&chars, k);
        let base = allowed[k] || is_loose(prev) || is_loose(next) || joiner;
        let inside_word = is_word_char(prev) && is_word_char(next) && !joiner;
        allowed[k] = base && kinsoku_allows(prev, next) && !inside_word && !is_date_unit(prev, next);
    }
}

/// Inside a Latin run a line may still end after a hyphen or a slash followed by a letter or
/// digit (`project-|office@example.com`, `XM-2026-|0417`, `/data/|share`), as Word and
/// LibreOffice break it — keeping such runs whole would break lines, and so pages,
/// differently from the .docx. A slash between digits (`2026/3/5`) stays unbroken.
fn breaks_after_joiner(chars: &[char], k: usize) -> bool {
    let (prev, next) = (chars[k - 1], chars[k]);
    match prev {
        '-' => next.is_ascii_alphanumeric(),
        '/' => {
            let digit_before = k >= 2 && chars[k - 2].is_ascii_digit();
            next.is_ascii_alphanumeric() && !(digit_before && next.is_ascii_digit())
        }
        _ => false,
    }
}

/// A number followed by its date unit (`3月`, `15日`, `2026年`): one unit of reading, never
/// broken (FORMS.md §5).
pub fn is_date_unit(prev: char, next: char) -> bool {
    (prev.is_ascii_digit() || ('０'..='９').contains(&prev)) && matches!(next, '年' | '月' | '日')
}

/// Characters UAX #14 binds to their neighbours that Chinese lets a line break beside.
fn is_loose(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(s: &str) -> Vec<usize> {
        let mut v = Vec::new();
        break_opportunities(s, &mut v);
        v.iter().enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
    }

    #[test]
    fn ideographs_break_anywhere_but_not_before_closing_punctuation() {
        // 甲乙，丙 : breaks before 乙 and before 丙, never before ，
        assert_eq!(breaks("甲乙，丙"), vec![1, 3]);
        // never after an opening bracket
        assert_eq!(breaks("甲（乙）丙"), vec![1, 4]);
    }

    #[test]
    fn dashes_ellipses_and_latin_runs_stay_together() {
        let b = breaks("甲——乙……丙");
        assert!(!b.contains(&2) && !b.contains(&5), "{b:?}");
        let s = "电话13800138000邮箱a.b@c.com";
        let b = breaks(s);
        let chars: Vec<char> = s.chars().collect();
        for k in b {
            assert!(!(is_word_char(chars[k - 1]) && is_word_char(chars[k])), "break inside word at {k}");
        }
    }

    #[test]
    fn latin_runs_break_after_hyphens_and_slashes_as_word_processors_do() {
        let at = |s: &str, k: usize| breaks(s).contains(&k);
        assert!(at("甲project-office", 9), "after the hyphen");
        assert!(at("XM-2026-0417", 3) && at("XM-2026-0417", 8));
        assert!(at("甲/data/share", 7) && at("甲ab/2026", 4));
        assert!(!at("甲2026/3/5", 6), "a slash between digits binds");
        for s in ["甲a.b@c.com", "甲13800138000", "甲a_b+c", "甲12.5万"] {
            let n = s.chars().count();
            assert!(breaks(s).iter().all(|&k| k == 1 || k + 1 >= n), "{s}: {:?}", breaks(s));
        }
    }

    #[test]
    fn dates_keep_their_numbers_with_year_month_day() {
        let s = "于2026年3月15日前";
        let b = breaks(s);
        let chars: Vec<char> = s.chars().collect();
        for k in b {
            assert!(!is_date_unit(chars[k - 1], chars[k]), "break before {} at {k}", chars[k]);
        }
        // between 年 and the month's number a line may still break
        assert!(breaks(s).contains(&6));
    }

    #[test]
    fn chinese_quotes_break_like_ideographs() {
        // before “ and after ” a line may break; never after “ or before ”
        assert_eq!(breaks("甲“乙”丙"), vec![1, 4]);
    }

    #[test]
    fn blanks_break_like_ideographs() {
        // "指定" + blank + "为": a line may break inside or around the blank, not before "，".
        assert_eq!(breaks("指定＿＿为＿，"), vec![1, 2, 3, 4, 5]);
    }
}
