//! `GET /api/openapi.json`: the API described as an OpenAPI 3 document, written by hand in
//! `openapi.json` beside the handlers; a test holds it to the routes the server has.

use axum::http::header;
use axum::response::IntoResponse;

const DOCUMENT: &str = include_str!("openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described_and_nothing_else() {
        let doc: serde_json::Value = serde_json::from_str(DOCUMENT).expect("openapi.json is JSON");
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        let routes = super::super::routes();
        for (method, path, _) in &routes {
            assert!(paths.get(*path).and_then(|p| p.get(*method)).is_some(), "{method} {path} is not in openapi.json");
        }
        for (path, methods) in paths {
            for method in methods.as_object().unwrap().keys() {
                assert!(
                    routes.iter().any(|(m, p, _)| m == method && p == path),
                    "openapi.json describes {method} {path}, which the server does not have"
                );
            }
        }
    }
}
