//! `GET /`: the workbench page, served from the binary (no build step, nothing fetched from
//! the internet). For now a page that says the workbench is coming and where the API is.

use axum::response::Html;

const INDEX: &str = include_str!("index.html");

pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}
