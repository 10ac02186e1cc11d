//! `GET /`: the workbench page, and `GET /fonts/hei.ttf`, the bundled 黑体 it falls back to —
//! both served from the binary (no build step, nothing fetched from the internet), so the page
//! shows its Chinese on a machine with no Chinese font of its own.

use axum::http::header;
use axum::response::{Html, IntoResponse};

const INDEX: &str = include_str!("index.html");

pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

pub async fn font() -> impl IntoResponse {
    let bytes = crate::fonts::font_bytes(crate::model::FontRole::Hei);
    ([(header::CONTENT_TYPE, "font/ttf"), (header::CACHE_CONTROL, "max-age=86400")], bytes)
}
