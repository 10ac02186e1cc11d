//! `POST /api/preview`: one page of one document of an uploaded workbook, as a PNG — the
//! workbench's look before generating. The document is found as `gongwen preview` finds it
//! (`find::document`), laid out as the PDF is and drawn by `raster`.

use super::api::{self, forms_named};
use super::guard::{self, ApiError};
use super::upload;
use super::Shared;
use crate::find;
use crate::workbook::{self, Keep};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Resolution of a preview when none is asked: sharp enough on a screen, small to send.
const DEFAULT_DPI: f32 = 96.0;

/// A header of Chinese text, percent-encoded.
fn encoded(text: &str) -> HeaderValue {
    HeaderValue::from_str(&api::percent_encoded(text)).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The fields: `form` (one form), `row` (the sheet row) or `id` (编号), `to` (receiving
/// department), `page` (from 1), `dpi`; seal images as `seal:发函部门`.
pub async fn preview(State(state): State<Shared>, request: Request) -> Result<Response, ApiError> {
    let mut upload = upload::workbook(&state, request).await?;
    for (name, _) in &upload.fields {
        if !["form", "row", "id", "to", "page", "dpi"].contains(&name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "没有参数“{name}”；可用：form（表单）、row（行号）或 id（编号）、to（收函部门）、page（页码）、dpi（分辨率）"
            )));
        }
    }
    let one = |name: &str| upload.values(name).last().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let number = |name: &str, what: &str| -> Result<Option<f32>, ApiError> {
        one(name)
            .map(|v| v.parse::<f32>().ok().filter(|n| n.is_finite() && *n >= 1.0).ok_or(v))
            .transpose()
            .map_err(|v| ApiError::bad_request(format!("{name} 的值“{v}”不对：应为{what}")))
    };
    let form_name =
        one("form").ok_or_else(|| ApiError::bad_request("请用 form 指定要预览的表单，如 form=工作联系函"))?;
    let key = forms_named(&[form_name.as_str()], &state.forms)?.remove(0);
    let form = state.forms.iter().find(|f| f.key == key).expect("a named form").clone();
    let row = number("row", "行号，如 3")?.map(|r| r as u32);
    let wanted = find::Wanted { id: one("id"), row, to: one("to") };
    if wanted.id.is_none() && wanted.row.is_none() {
        return Err(ApiError::bad_request("请用 row（行号）或 id（编号）指定要预览的需求，如 row=3"));
    }
    let page = number("page", "页码，如 1")?.map_or(1, |p| p as usize);
    let dpi = number("dpi", "分辨率，如 96")?.unwrap_or(DEFAULT_DPI);
    crate::raster::check_dpi(dpi).map_err(|e| ApiError::bad_request(format!("dpi {dpi}：{e}")))?;
    let seals = std::mem::take(&mut upload.seals);
    let (png, what, pages, to, receivers) = guard::job(&state, move |_| {
        let claims = workbook::claims_workbook(&upload.bytes);
        let mut wb = workbook::read_upload(&upload.name, upload.bytes, &form.sheets, Keep::Index)
            .map_err(|f| api::unreadable(f, claims))?;
        api::apply_seals(&mut wb, seals)?;
        let found = find::document(&wb, &form, &wanted).map_err(|not| ApiError::unprocessable(not.message))?;
        let laid = crate::layout::layout(&found.doc);
        let pages = laid.pages.len();
        if page > pages {
            return Err(ApiError::unprocessable(format!("{} 只有 {pages} 页，没有第 {page} 页", found.what)));
        }
        let png = crate::raster::page_png(&laid, page, dpi)
            .map_err(|e| ApiError::unprocessable(format!("{}：{e}", found.what)))?;
        Ok((png, found.what, pages, found.to, found.others))
    })
    .await?;
    let mut response = png.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-gongwen-pages", HeaderValue::from(pages));
    headers.insert("x-gongwen-document", encoded(&what));
    headers.insert("x-gongwen-to", encoded(&to));
    headers.insert("x-gongwen-others", encoded(&receivers.join("、")));
    Ok(response)
}
