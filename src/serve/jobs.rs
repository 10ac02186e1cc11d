//! Generations the workbench follows with a progress bar: `POST /api/jobs` starts one (the
//! workbook and options of `/api/generate`) and answers at once with its number;
//! `GET /api/jobs/{id}` says how far it is (documents made, of how many); `GET
//! /api/jobs/{id}/zip` downloads its zip, once. A finished job's zip is a file with no name
//! on disk, dropped when downloaded or [`RETENTION`] after the job finished, whichever comes
//! first; at most [`MAX_KEPT`] jobs are known at once. The work itself is `api::make_zip`,
//! the same as `/api/generate`'s, under the same bound on jobs run at once.

use super::api;
use super::guard::{self, ApiError};
use super::upload;
use super::Shared;
use crate::generate::Progress;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a finished job's zip waits to be downloaded.
pub const RETENTION: Duration = Duration::from_secs(10 * 60);
/// Jobs known at once (running, waiting, or finished and not yet dropped).
pub const MAX_KEPT: usize = 32;

/// Every job the server knows.
#[derive(Default)]
pub struct Jobs {
    map: Mutex<HashMap<String, Arc<Job>>>,
    keys: RandomState,
    made: AtomicU64,
}

/// One generation: how far it is, and how it ended.
#[derive(Default)]
struct Job {
    started: AtomicBool,
    total: AtomicUsize,
    done: AtomicUsize,
    end: Mutex<Option<(Instant, End)>>,
}

enum End {
    /// The zip (taken when downloaded) and how many files it holds.
    Made(Option<std::fs::File>, usize),
    /// The error's status and JSON body, as `/api/generate` would have answered.
    Failed(StatusCode, Value),
}

impl Progress for Job {
    fn start(&self, documents: usize) {
        self.total.store(documents, Ordering::Relaxed);
        self.started.store(true, Ordering::Relaxed);
    }
    fn done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

impl Jobs {
    /// Drop the jobs finished more than [`RETENTION`] ago (their zips with them).
    pub fn sweep(&self) {
        let now = Instant::now();
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, job| match &*job.end.lock().unwrap_or_else(|p| p.into_inner()) {
            Some((at, _)) => now.duration_since(*at) < RETENTION,
            None => true,
        });
    }

    /// A new job and its number (hard to guess: the numbers are keyed by this run's random
    /// state), or 503 when [`MAX_KEPT`] are known.
    fn add(&self) -> Result<(String, Arc<Job>), ApiError> {
        self.sweep();
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEPT {
            return Err(guard::busy(format!(
                "服务器上已有 {MAX_KEPT} 个生成任务（进行中或等待下载）；请先下载已完成的，或稍后重试"
            )));
        }
        let n = self.made.fetch_add(1, Ordering::Relaxed);
        let id = format!("{:016x}", self.keys.hash_one(n));
        let job = Arc::new(Job::default());
        map.insert(id.clone(), job.clone());
        Ok((id, job))
    }

    fn get(&self, id: &str) -> Result<Arc<Job>, ApiError> {
        self.sweep();
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(id).cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "没有编号为 {id} 的生成任务：编号不对，或已过期（完成后保留 {} 分钟）；请重新生成",
                    RETENTION.as_secs() / 60
                ),
            )
        })
    }
}

/// `POST /api/jobs`: start a generation; 202 with its number and where to follow it.
pub async fn start(State(state): State<Shared>, request: Request) -> Result<Response, ApiError> {
    let upload = upload::workbook(&state, request).await?;
    let asked = api::asked(&upload, &state.forms)?;
    let (id, job) = state.jobs_followed.add()?;
    let shared = state.clone();
    tokio::spawn(async move {
        let (worker, for_work) = (job.clone(), shared.clone());
        let work = guard::job(&shared, move |stop| api::make_zip(&for_work, upload, asked, stop, &*worker));
        let end = match tokio::time::timeout(shared.timeout, work).await {
            Ok(Ok((zip, files))) => End::Made(Some(zip), files),
            Ok(Err(e)) => End::Failed(e.status, e.body()),
            Err(_) => {
                let e = guard::timed_out(shared.timeout);
                End::Failed(e.status, e.body())
            }
        };
        *job.end.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), end));
    });
    let body = json!({"id": id, "status": format!("/api/jobs/{id}"), "download": format!("/api/jobs/{id}/zip")});
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// `GET /api/jobs/{id}`: `state` (`waiting` for a free slot, `running`, `done`, `failed`),
/// documents `done` of `total`, and when done the number of `files`; when failed the error
/// `/api/generate` would have answered, under `error`.
pub async fn status(State(state): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let job = state.jobs_followed.get(&id)?;
    let (done, total) = (job.done.load(Ordering::Relaxed), job.total.load(Ordering::Relaxed));
    let end = job.end.lock().unwrap_or_else(|p| p.into_inner());
    Ok(Json(match &*end {
        None if !job.started.load(Ordering::Relaxed) => json!({"id": id, "state": "waiting", "done": 0, "total": 0}),
        None => json!({"id": id, "state": "running", "done": done, "total": total}),
        Some((_, End::Made(zip, files))) => json!({
            "id": id, "state": "done", "done": done, "total": total, "files": files,
            "downloaded": zip.is_none(), "download": format!("/api/jobs/{id}/zip"),
        }),
        Some((_, End::Failed(status, body))) => {
            json!({"id": id, "state": "failed", "status": status.as_u16(), "error": body})
        }
    }))
}

/// `GET /api/jobs/{id}/zip`: the finished job's zip, once (410 after it was downloaded; 409
/// while the job is still running).
pub async fn zip(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let job = state.jobs_followed.get(&id)?;
    let mut end = job.end.lock().unwrap_or_else(|p| p.into_inner());
    let (zip, files) = match &mut *end {
        None => return Err(ApiError::new(StatusCode::CONFLICT, "还在生成中；完成后再下载")),
        Some((_, End::Failed(status, body))) => {
            let message = body["error"].as_str().unwrap_or_default().to_string();
            return Err(ApiError::new(*status, message));
        }
        Some((_, End::Made(zip, files))) => (zip.take(), *files),
    };
    let zip = zip
        .ok_or_else(|| ApiError::new(StatusCode::GONE, "这个 zip 已经下载过，服务器上已不再保留；需要时请重新生成"))?;
    drop(end);
    Ok(api::zip_response(zip, files))
}
