//! What keeps `gongwen serve` safe to leave running: the bearer token, the bound on jobs run at
//! once (a request waits briefly for its turn, then gets 503 with Retry-After), work kept off
//! the server's threads and told to stop when its request is given up (a timeout), and every
//! failure a JSON body `{"error": "错误：…"}` with the status a client expects — the
//! framework's own failures too (an unknown address, a body over the limit, a timeout, a
//! panic), which would otherwise answer in English or with an empty body.

use super::Shared;
use crate::generate::Stop;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// A failure as the client gets it: the status and a Chinese message, with any more fields
/// (the problems found …) beside `error`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    details: serde_json::Map<String, serde_json::Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// `message` is said as the user reads it; it gets its 错误： here when it has none.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        let message = message.into();
        let message = if message.starts_with("错误：") { message } else { format!("错误：{message}") };
        ApiError { status, message, details: Default::default(), retry_after: None }
    }

    /// 400: the request itself is malformed (bad JSON, a bad option).
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 422: well-formed, but what it asks cannot be done (rows with errors, an unknown form,
    /// a workbook that cannot be read).
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "没有这个地址；可用的接口见 /api/openapi.json")
    }

    /// 413 for a body over `limit` bytes.
    pub fn too_large(limit: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "上传的内容超过 {} 的上限；请删除工作簿中不需要的工作表、图片后另存，或把需求分成几个工作簿\
                 （上限由 gongwen serve --max-upload 设定）",
                crate::workbook::size_text(limit)
            ),
        )
    }

    /// 500: a fault of the program, never of the request.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "程序内部错误，这次请求未能完成；服务仍在运行，请重试，若再次出现请报告给维护者",
        )
    }

    /// Another field beside `error`.
    /// The JSON body this error answers with.
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        body.insert("error".into(), self.message.clone().into());
        body.extend(self.details.clone());
        serde_json::Value::Object(body)
    }

    pub fn with(mut self, key: &str, value: serde_json::Value) -> ApiError {
        self.details.insert(key.to_string(), value);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Every `/api/` request carries the token when the server has one (`--token`). The page
/// itself holds nothing and is served to anyone who reaches the server.
pub async fn token(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if let (Some(token), true) = (&state.token, request.uri().path().starts_with("/api/")) {
        let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let given = given.and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
        let message = match given {
            None => Some("缺少访问口令：本服务以 --token 启动，请在请求头中加上 Authorization: Bearer 口令"),
            Some(g) if !same(g.trim().as_bytes(), token.trim().as_bytes()) => {
                Some("访问口令不对：请使用启动 gongwen serve 时 --token 给出的口令（Authorization: Bearer 口令）")
            }
            Some(_) => None,
        };
        if let Some(message) = message {
            return ApiError::new(StatusCode::UNAUTHORIZED, message).into_response();
        }
    }
    next.run(request).await
}

/// Equal, in a time that does not tell how much of a guess was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How many seconds a client turned away as busy is told to wait.
const RETRY_SECONDS: u64 = 5;

/// Run `work` as one job: wait for a free job (at most the server's `wait`, else 503 with
/// Retry-After), then run it on a thread for blocking work, holding the job until it ends —
/// so even work whose request was given up (a timeout) counts against the bound until it has
/// stopped. `work` gets a [`Stop`] set when the request is given up; a generation heeds it.
pub async fn job<T: Send + 'static>(
    state: &Shared,
    work: impl FnOnce(&Stop) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let permit = match tokio::time::timeout(state.wait, state.jobs.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            return Err(busy(format!(
                "服务器正忙：同时处理的任务已满（{} 个），请 {RETRY_SECONDS} 秒后重试",
                state.job_count
            )));
        }
    };
    let stop = Stop::new();
    let _given_up = StopOnDrop(stop.clone());
    let handle = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        #[cfg(feature = "fault-injection")]
        fault::slow();
        work(&stop)
    });
    // A panic in the work (a bug) is this request's failure only.
    handle.await.unwrap_or_else(|_| Err(ApiError::internal()))
}

/// 503 with Retry-After: the server cannot take this now.
pub fn busy(message: String) -> ApiError {
    let mut busy = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message);
    busy.retry_after = Some(RETRY_SECONDS);
    busy
}

/// 503: the work took longer than `--timeout` and was stopped.
pub fn timed_out(timeout: Duration) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "这次请求超过 {} 秒仍未完成，已停止；请减少一次生成的需求行数，或稍后重试（时限由 gongwen serve --timeout 设定）",
            timeout.as_secs()
        ),
    )
}

/// Asks the work to stop when its request's future is dropped (timed out, or the client left).
struct StopOnDrop(Stop);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.request();
    }
}

/// A failure the framework answered itself (no JSON body): the same failure as JSON, in
/// Chinese. Answers that are JSON already, and successes, pass unchanged.
pub async fn json_errors(response: Response, max_upload: u64, timeout: Duration) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "这个地址不接受这种请求方法（GET/POST）；各接口的用法见 /api/openapi.json")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(max_upload),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => timed_out(timeout),
        s if s.is_server_error() => ApiError::internal(),
        s => ApiError::new(s, format!("请求有误（HTTP {}）；各接口的用法见 /api/openapi.json", s.as_u16())),
    };
    error.into_response()
}

/// A panic in a handler (a bug): a 500 with a JSON body, the connection kept.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal().into_response()
}

/// Test hook (feature `fault-injection`, only in the tests' build): `GONGWEN_SERVE_SLOW_MS=N`
/// makes every job take N ms longer, so tests can fill the jobs and pass the timeout.
#[cfg(feature = "fault-injection")]
mod fault {
    pub fn slow() {
        if let Some(ms) = std::env::var("GONGWEN_SERVE_SLOW_MS").ok().and_then(|v| v.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"secret-token", b"secret-token"));
        assert!(!same(b"secret-token", b"secret-tokeN"));
        assert!(!same(b"secret", b"secret-token"));
    }

    #[test]
    fn messages_start_with_their_severity() {
        assert_eq!(ApiError::bad_request("x").message, "错误：x");
        assert_eq!(ApiError::bad_request("错误：x").message, "错误：x");
    }
}
