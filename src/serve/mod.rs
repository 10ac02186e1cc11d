//! `gongwen serve`: the web workbench's server and its HTTP API. This module owns start-up —
//! the options, the rule that only loopback may be served without a token, binding, the
//! router with its guards (body limit, timeout, panics caught) and shutdown. The endpoints
//! are `api` (check, generate, forms), `render` (one request sent as values), `openapi` (the
//! API's description) and `page` (the page); `guard` keeps the server safe to leave running
//! (token, bounded concurrency, every failure a JSON error), `upload` takes a workbook out of
//! a request.
//!
//! The server calls the same library functions as the command line (`forms::load`,
//! `workbook::read_upload`, `forms::choice`, `generate`), so every rule and message is the
//! command line's. Nothing a request sends is written to disk but a generation's output, in a
//! temporary folder removed before its response is sent.

mod api;
mod guard;
mod jobs;
mod openapi;
mod page;
mod preview;
mod render;
mod upload;

use axum::routing::{get, post, MethodRouter};
use axum::Router;
use guard::ApiError;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How the server runs (`gongwen serve`'s options).
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on, `127.0.0.1:8080`; port 0 takes a free port (the one bound is
    /// printed).
    pub listen: String,
    /// The bearer token every `/api/` request must carry; required off loopback.
    pub token: Option<String>,
    /// Largest request body, in bytes.
    pub max_upload: u64,
    /// Jobs (check, generate, render) run at once; more wait up to `wait`, then get 503.
    pub jobs: usize,
    /// How long a request waits for a free job before 503.
    pub wait: Duration,
    /// How long one request may take, from its first byte to its response.
    pub timeout: Duration,
    /// Open the page in the browser once listening.
    pub open: bool,
}

/// Default upload limit: 20 MB (a workbook of requests is well under 1 MB).
pub const DEFAULT_MAX_UPLOAD: u64 = 20 * 1024 * 1024;

/// What every handler shares.
pub(crate) struct State {
    pub forms: Vec<crate::forms::Form>,
    pub token: Option<String>,
    pub max_upload: u64,
    pub jobs: Arc<Semaphore>,
    pub job_count: usize,
    pub wait: Duration,
    /// Worker threads one generation uses.
    pub threads: usize,
    /// How long one request (or one followed generation) may take.
    pub timeout: Duration,
    /// The generations the workbench follows.
    pub jobs_followed: jobs::Jobs,
}

type Shared = Arc<State>;

/// The routes: (method, path, handler). The router is built from this list and the OpenAPI
/// document is tested against it, so no route goes undocumented.
fn routes() -> Vec<(&'static str, &'static str, MethodRouter<Shared>)> {
    vec![
        ("get", "/", get(page::index)),
        ("get", "/fonts/hei.ttf", get(page::font)),
        ("post", "/api/check", post(api::check)),
        ("post", "/api/generate", post(api::generate)),
        ("post", "/api/render", post(render::render)),
        ("post", "/api/preview", post(preview::preview)),
        ("post", "/api/jobs", post(jobs::start)),
        ("get", "/api/jobs/{id}", get(jobs::status)),
        ("get", "/api/jobs/{id}/zip", get(jobs::zip)),
        ("get", "/api/forms", get(api::forms)),
        ("get", "/api/openapi.json", get(openapi::document)),
    ]
}

fn router(state: Shared, timeout: Duration) -> Router {
    let mut router = Router::new();
    for (_, path, handler) in routes() {
        router = router.route(path, handler);
    }
    let max_upload = state.max_upload;
    router
        .fallback(|| async { ApiError::not_found() })
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::token))
        // The body limit is the upload's plus room for a multipart form's other fields.
        .layer(axum::extract::DefaultBodyLimit::max(upload::body_limit(max_upload)))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload::hard_limit(max_upload)))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(axum::middleware::map_response(move |r| guard::json_errors(r, max_upload, timeout)))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(guard::panicked))
        .with_state(state)
}

/// Is `listen` an address only this computer can reach? The addresses it names, if so.
fn addresses(listen: &str) -> Result<Vec<SocketAddr>, String> {
    let found: Vec<SocketAddr> = listen
        .to_socket_addrs()
        .map_err(|_| format!("--listen {listen}：不是有效的地址；应写作 IP:端口，如 --listen 127.0.0.1:8080"))?
        .collect();
    if found.is_empty() {
        return Err(format!("--listen {listen}：找不到这个地址；应写作 IP:端口，如 --listen 127.0.0.1:8080"));
    }
    Ok(found)
}

/// Refuse to serve beyond this computer without a token: anyone on the network could then
/// read every workbook sent to it and make documents in its name.
fn check_exposure(listen: &str, found: &[SocketAddr], token: Option<&str>) -> Result<(), String> {
    if found.iter().all(|a| a.ip().is_loopback()) {
        return Ok(());
    }
    match token {
        Some(t) if t.trim().chars().count() >= 8 => Ok(()),
        Some(_) => Err("--token：口令太短，至少 8 个字符；请换一个不易猜到的口令".to_string()),
        None => Err(format!(
            "--listen {listen} 不只是本机可以访问，网络上的其他电脑也能连上；这时必须用 --token 设置访问口令\
             （调用接口时带上 Authorization: Bearer 口令）。只在本机使用请去掉 --listen，或写 --listen 127.0.0.1:8080"
        )),
    }
}

/// Run the server until Ctrl-C or SIGTERM. `Err`: it cannot start (a Chinese message without
/// the 错误： prefix; the caller exits with status 2).
pub fn run(options: Options) -> Result<(), String> {
    let found = addresses(&options.listen)?;
    check_exposure(&options.listen, &found, options.token.as_deref())?;
    let forms = crate::forms::load(None).map_err(|errs| {
        errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("；") // built in: cannot fail
    })?;
    let jobs = options.jobs.clamp(1, crate::generate::MAX_JOBS);
    let state = Arc::new(State {
        forms,
        token: options.token.clone(),
        max_upload: options.max_upload,
        jobs: Arc::new(Semaphore::new(jobs)),
        job_count: jobs,
        wait: options.wait,
        threads: crate::generate::thread_count(None),
        timeout: options.timeout,
        jobs_followed: jobs::Jobs::default(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动服务：{}", crate::oserror::reason(&e)))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&found[..]).await.map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "这个端口已被别的程序占用；请用 --listen 换一个端口，如 --listen 127.0.0.1:8081".to_string()
                }
                std::io::ErrorKind::AddrNotAvailable => "本机没有这个地址".to_string(),
                std::io::ErrorKind::PermissionDenied => {
                    "没有权限使用这个端口（1024 以下的端口需要管理员权限）；请换一个端口".to_string()
                }
                _ => crate::oserror::reason(&e),
            };
            format!("无法在 {} 上启动服务：{why}", options.listen)
        })?;
        let bound = listener.local_addr().map_err(|e| crate::oserror::reason(&e))?;
        let url = format!("http://{bound}/");
        say(&format!("gongwen 工作台已启动：{url}（按 Ctrl-C 停止）"));
        if options.open {
            if let Err(why) = open_browser(&url) {
                say(&format!("警告：无法打开浏览器（{why}），请手动打开 {url}"));
            }
        }
        // Finished generations' zips are dropped after their retention even if no one asks.
        let sweeper = state.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(30));
            loop {
                every.tick().await;
                sweeper.jobs_followed.sweep();
            }
        });
        let app = router(state, options.timeout);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| format!("服务意外停止：{}", crate::oserror::reason(&e)))
    })?;
    say("gongwen 工作台已停止");
    Ok(())
}

/// A line on stdout, flushed at once (a test or script waits for the address line).
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Resolves at Ctrl-C or SIGTERM: requests under way finish, new ones are refused.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Open `url` in the desktop's browser: the system's own opener, not waited for.
fn open_browser(url: &str) -> Result<(), String> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| crate::oserror::reason(&e))
}

/// `20MB`, `512KB`, `1.5M`, `1048576`: a size as people write it, in bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix("IB").map(|s| format!("{s}B")).unwrap_or(t);
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t.as_str(), ""),
    };
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KB" => 1024,
        "M" | "MB" => 1024 * 1024,
        "G" | "GB" => 1024 * 1024 * 1024,
        _ => 0,
    };
    let value: f64 = number.trim().parse().unwrap_or(f64::NAN);
    let bytes = value * scale as f64;
    if scale == 0 || !bytes.is_finite() || bytes < 1024.0 || bytes > (1u64 << 40) as f64 {
        return Err(format!("--max-upload {text}：应为 1 KB 以上的大小，如 --max-upload 20MB"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_people_write_them() {
        assert_eq!(parse_size("20MB").unwrap(), 20 * 1024 * 1024);
        assert_eq!(parse_size("20m").unwrap(), 20 * 1024 * 1024);
        assert_eq!(parse_size("512 KB").unwrap(), 512 * 1024);
        assert_eq!(parse_size("1.5MiB").unwrap(), 3 * 512 * 1024);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        for bad in ["", "MB", "-1MB", "20XB", "12"] {
            assert!(parse_size(bad).unwrap_err().contains("--max-upload"), "{bad}");
        }
    }

    #[test]
    fn only_loopback_goes_without_a_token() {
        let at = |s: &str| addresses(s).unwrap();
        assert!(check_exposure("127.0.0.1:0", &at("127.0.0.1:0"), None).is_ok());
        assert!(check_exposure("[::1]:0", &at("[::1]:0"), None).is_ok());
        let open = check_exposure("0.0.0.0:8080", &at("0.0.0.0:8080"), None).unwrap_err();
        assert!(open.contains("必须用 --token"), "{open}");
        assert!(check_exposure("0.0.0.0:8080", &at("0.0.0.0:8080"), Some("short")).unwrap_err().contains("太短"));
        assert!(check_exposure("0.0.0.0:8080", &at("0.0.0.0:8080"), Some("a-long-secret")).is_ok());
        assert!(addresses("nonsense").unwrap_err().contains("不是有效的地址"));
    }
}
