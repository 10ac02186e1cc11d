//! PDF/A, the archival PDF: which standards gongwen offers (`--pdf-standard`), krilla's
//! configuration for each (its validator, the PDF version; krilla then writes the sRGB/sGrey
//! output intent and the XMP metadata with `pdfaid:part` and `pdfaid:conformance` itself), and
//! what a refusal by the validator means, in Chinese. A document the validator refuses is not
//! written: there is never a file under a PDF/A name that does not conform.

use crate::model::RenderError;
use krilla::configure::{Archival, Configuration, ConfigurationBuilder, ValidationError, Validators};

/// Which PDF is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Standard {
    /// Plain PDF 1.7 (tagged), as always.
    #[default]
    Plain,
    /// PDF/A-2b (ISO 19005-2, level B): looks the same in a hundred years.
    A2b,
    /// PDF/A-2a: PDF/A-2b and the structure (the tags the plain PDF already has) checked too.
    A2a,
    /// PDF/A-3b: PDF/A-2b that may carry attached files (what some OA systems ask for).
    A3b,
}

impl Standard {
    /// Every standard offered, plain first.
    pub const ALL: [Standard; 4] = [Standard::Plain, Standard::A2b, Standard::A2a, Standard::A3b];

    /// Its name on the command line and in the API: `a-2b`, `a-2a`, `a-3b`, `plain`.
    pub fn name(self) -> &'static str {
        match self {
            Standard::Plain => "plain",
            Standard::A2b => "a-2b",
            Standard::A2a => "a-2a",
            Standard::A3b => "a-3b",
        }
    }

    /// How it is called in messages: `PDF/A-2b`.
    pub fn label(self) -> &'static str {
        match self {
            Standard::Plain => "PDF",
            Standard::A2b => "PDF/A-2b",
            Standard::A2a => "PDF/A-2a",
            Standard::A3b => "PDF/A-3b",
        }
    }

    /// The standard a user means by `name`: `a-2b`, `A2B`, `pdf/a-2b`, `PDFA-2b` … in any
    /// case; `plain` or `pdf` for plain PDF.
    pub fn from_name(name: &str) -> Option<Standard> {
        let key: String =
            name.trim().to_ascii_lowercase().chars().filter(|c| !matches!(c, '-' | '/' | '_' | ' ')).collect();
        let key = key.strip_prefix("pdf").unwrap_or(&key);
        match key {
            "" | "plain" => Some(Standard::Plain),
            "a2b" => Some(Standard::A2b),
            "a2a" => Some(Standard::A2a),
            "a3b" => Some(Standard::A3b),
            _ => None,
        }
    }

    /// Is this a PDF/A standard?
    pub fn is_archival(self) -> bool {
        self != Standard::Plain
    }

    /// krilla's configuration: no validator for plain PDF (PDF 1.7), else the standard's.
    pub(super) fn configuration(self) -> Configuration {
        let archival = match self {
            Standard::Plain => return Configuration::default(),
            Standard::A2b => Archival::A2_B,
            Standard::A2a => Archival::A2_A,
            Standard::A3b => Archival::A3_B,
        };
        ConfigurationBuilder::new()
            .with_archival_validator(archival)
            .finish()
            .expect("a single PDF/A validator always has a PDF version")
    }
}

/// Why the validator refused a document, for the manifest's 说明 and the 未生成 line: a
/// character no bundled font has is named, with what to do; anything else is our bug.
pub(super) fn refused(standard: Standard, errors: &[(ValidationError, Validators)]) -> RenderError {
    let missing: Vec<&str> = errors
        .iter()
        .filter_map(|(e, _)| match e {
            ValidationError::ContainsNotDefGlyph(_, _, text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let label = standard.label();
    if let Some(first) = missing.first() {
        return RenderError(format!(
            "“{first}”在内置字体中没有字形，{label} 文件不能含有无法显示的字符，此文件未生成；请改用常用字，或不选 {label}"
        ));
    }
    let what: Vec<&str> = errors.iter().map(|(e, _)| violation(e)).collect();
    RenderError(format!("此文件不符合 {label}（{}），未生成（程序内部错误，请报告给维护者）", what.join("；")))
}

/// A violation in a few Chinese words.
fn violation(e: &ValidationError) -> &'static str {
    match e {
        ValidationError::ContainsNotDefGlyph(..) => "含有字体中没有的字符",
        ValidationError::NoCodepointMapping(..)
        | ValidationError::InvalidCodepointMapping(..)
        | ValidationError::UnicodePrivateArea(..) => "有字符无法对应到 Unicode",
        ValidationError::RestrictedLicense(_) => "字体许可不允许嵌入",
        ValidationError::NoDocumentLanguage => "未注明文档语言",
        ValidationError::NoDocumentTitle => "没有文档标题",
        ValidationError::MissingAltText(_) => "图片没有替代文字",
        ValidationError::MissingTagging => "没有结构标记",
        ValidationError::Transparency(_) => "含有透明效果",
        ValidationError::TooLongString | ValidationError::TooLongName => "字符串过长",
        _ => "其他不符合之处",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_common_spellings_are_understood() {
        for s in Standard::ALL {
            assert_eq!(Standard::from_name(s.name()), Some(s));
        }
        for (name, want) in [
            ("A-2B", Standard::A2b),
            ("pdf/a-2a", Standard::A2a),
            ("PDFA-3b", Standard::A3b),
            ("a3b", Standard::A3b),
            ("pdf", Standard::Plain),
        ] {
            assert_eq!(Standard::from_name(name), Some(want), "{name}");
        }
        for bad in ["a-1b", "a-2u", "ua", "x"] {
            assert_eq!(Standard::from_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_standard_has_a_validator_and_pdf_1_7() {
        assert!(Standard::Plain.configuration().validators().is_empty());
        for (s, want) in
            [(Standard::A2b, Archival::A2_B), (Standard::A2a, Archival::A2_A), (Standard::A3b, Archival::A3_B)]
        {
            let c = s.configuration();
            assert_eq!(c.validators().archival(), Some(want));
            assert_eq!(c.version(), krilla::configure::PdfVersion::Pdf17);
        }
    }
}
