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
        let base = allowed[k] || is_loose(prev) || is_loose(next);
        allowed[k] = base && kinsoku_allows(prev, next) && !(is_word_char(prev) && is_word_char(next)) && !is_date_unit(prev, next);
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
