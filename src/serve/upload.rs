//! Taking a workbook out of a request: the request's body itself (`curl --data-binary
//! @工作簿.xlsx`), or the file field of a multipart form (`curl -F workbook=@工作簿.xlsx`, a
//! browser's form); the options beside it from the query string and the form's other fields.
//! The workbook is held in memory only, bounded by `--max-upload`, and known by its file name
//! alone (never a path) in messages.

use super::guard::ApiError;
use super::Shared;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request};
use axum::http::{header, StatusCode};

/// What a request sent: the workbook, the name it goes by, and the options given with it.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    /// (name, value) of each option, from the query string then the form's other fields.
    pub fields: Vec<(String, String)>,
    /// Seal images sent as form fields `seal:发函部门` (department, PNG bytes).
    pub seals: Vec<(String, Vec<u8>)>,
}

/// The name of a form field holding a department's seal image: `seal:采购中心`.
pub const SEAL_FIELD: &str = "seal:";

impl Upload {
    /// The values given for option `name` (any number of times), in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The name of a workbook sent as the body (no file name comes with it).
const UNNAMED: &str = "上传的工作簿";

/// The largest request body: the upload limit, and room for a form's other fields.
pub fn body_limit(max_upload: u64) -> usize {
    usize::try_from(max_upload.saturating_add(1024 * 1024)).unwrap_or(usize::MAX)
}

/// The largest body a request may even begin to send: past it (by its Content-Length) it is
/// refused before it is read. Up to it, an over-limit body is read through and dropped before
/// the 413 is sent — a client still sending when the server answers and closes would see its
/// connection reset, not the answer.
pub fn hard_limit(max_upload: u64) -> usize {
    body_limit(max_upload).saturating_mul(4)
}

/// The whole body of `request`, at most [`body_limit`] bytes; over it, 413 once the rest (up
/// to [`hard_limit`]) has been read and dropped.
pub async fn body(request: Request, max_upload: u64) -> Result<(axum::http::request::Parts, Bytes), ApiError> {
    use http_body_util::BodyExt;
    let (parts, mut body) = request.into_parts();
    let limit = body_limit(max_upload);
    let mut read: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            // Past the hard limit, the body stops with an error: still a body too large.
            let status = if seen > limit { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::BAD_REQUEST };
            return Err(body_error(status, max_upload));
        };
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen > hard_limit(max_upload) {
            break;
        }
        if seen > limit {
            read = Vec::new();
        } else {
            read.extend_from_slice(&data);
        }
    }
    if seen > limit {
        return Err(ApiError::too_large(max_upload));
    }
    Ok((parts, Bytes::from(read)))
}

/// The query string's options.
pub fn query(request: &Request) -> Result<Vec<(String, String)>, ApiError> {
    Query::<Vec<(String, String)>>::try_from_uri(request.uri())
        .map(|q| q.0)
        .map_err(|_| ApiError::bad_request("网址中的参数无法识别；参数应写作 ?forms=工作联系函&formats=pdf"))
}

/// The workbook and options of `request`.
pub async fn workbook(state: &Shared, request: Request) -> Result<Upload, ApiError> {
    let mut fields = query(&request)?;
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let mut name = UNNAMED.to_string();
    let mut workbook: Option<Bytes> = None;
    let mut seals = Vec::new();
    let (parts, bytes) = body(request, state.max_upload).await?;
    if multipart {
        let request = Request::from_parts(parts, axum::body::Body::from(bytes));
        let mut form = Multipart::from_request(request, state)
            .await
            .map_err(|_| ApiError::bad_request("表单（multipart/form-data）格式有误，无法读取"))?;
        loop {
            let field = match form.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => return Err(body_error(e.status(), state.max_upload)),
            };
            let field_name = field.name().unwrap_or_default().to_string();
            if let Some(dept) = field_name.strip_prefix(SEAL_FIELD) {
                let dept = dept.trim().to_string();
                if dept.is_empty() {
                    return Err(ApiError::bad_request("印章字段应写作 seal:发函部门，如 seal:采购中心"));
                }
                let bytes = field.bytes().await.map_err(|e| body_error(e.status(), state.max_upload))?;
                seals.push((dept, bytes.to_vec()));
            } else if let Some(file) = field.file_name().map(file_name) {
                if workbook.is_some() {
                    return Err(ApiError::bad_request("一次只能上传一个工作簿；请逐个上传"));
                }
                name = file;
                workbook = Some(field.bytes().await.map_err(|e| body_error(e.status(), state.max_upload))?);
            } else if field_name == "workbook" {
                workbook = Some(field.bytes().await.map_err(|e| body_error(e.status(), state.max_upload))?);
            } else {
                let bytes = field.bytes().await.map_err(|e| body_error(e.status(), state.max_upload))?;
                let value = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    ApiError::bad_request(format!("表单字段“{field_name}”不是文字（UTF-8）；文件请放在 workbook 字段"))
                })?;
                fields.push((field_name, value));
            }
        }
    } else {
        workbook = Some(bytes);
    }
    let bytes = workbook.filter(|b| !b.is_empty()).ok_or_else(|| {
        ApiError::bad_request(
            "没有收到工作簿：请把工作簿作为请求体发送（curl --data-binary @工作簿.xlsx），或作为表单的 workbook 字段上传（curl -F workbook=@工作簿.xlsx）",
        )
    })?;
    if bytes.len() as u64 > state.max_upload {
        return Err(ApiError::too_large(state.max_upload));
    }
    Ok(Upload { name, bytes: bytes.to_vec(), fields, seals })
}

/// A body that could not be read: over the limit (413), else malformed (400).
pub fn body_error(status: StatusCode, max_upload: u64) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(max_upload),
        _ => ApiError::bad_request("请求内容没有完整收到，或格式有误；请重新发送"),
    }
}

/// A sent file's name as messages show it: its last part only (a browser may send a whole
/// path), cleaned of characters that cannot be shown, and not too long.
fn file_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let (clean, _) = crate::text::clean(last);
    let short: String = clean.chars().take(80).collect();
    if short.is_empty() {
        UNNAMED.to_string()
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_file_is_known_by_its_name_alone() {
        assert_eq!(file_name("C:\\Users\\张三\\协作需求.xlsx"), "协作需求.xlsx");
        assert_eq!(file_name("/home/x/a.xlsx"), "a.xlsx");
        assert_eq!(file_name("../"), UNNAMED);
        assert_eq!(file_name("a\u{202e}b.xlsx"), "ab.xlsx");
    }
}
