//! A running `gongwen serve` for tests over real HTTP on 127.0.0.1 (tests/serve.rs,
//! tests/workbench.rs): started on a free port, killed when dropped, and a small blocking
//! client for it. Included with `#[path]` by the tests that need it.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `gongwen serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What came back: status, headers we look at, body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, String::from_utf8_lossy(&self.body)))
    }

    /// The Chinese message of a failure, checked to be one.
    pub fn error(&self) -> String {
        assert!(self.content_type.starts_with("application/json"), "failure not JSON: {}", self.content_type);
        let message = self.json()["error"].as_str().expect("an error field").to_string();
        assert!(message.starts_with("错误："), "{message}");
        message
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Start `gongwen serve --listen 127.0.0.1:0 ARGS` with `env`; wait (at most 20 s) for the
    /// line naming its address.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongwen"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gongwen serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let base = loop {
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(line) => {
                    if let Some(at) = line.find("http://") {
                        let host: String = line[at + 7..]
                            .chars()
                            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                            .collect();
                        break format!("http://{host}");
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("gongwen serve printed no address within 20 s");
                }
            }
        };
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build();
        Server { child, base, agent: ureq::Agent::new_with_config(config) }
    }

    pub fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut response = response.expect("an answer, not a dropped connection");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect::<Vec<_>>();
        let content_type =
            headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.clone()).unwrap_or_default();
        let body = response.body_mut().with_config().limit(200 * 1024 * 1024).read_to_vec().expect("the whole body");
        Answer { status, content_type, headers, body }
    }

    pub fn get(&self, path: &str) -> Answer {
        Server::answer(self.agent.get(&format!("{}{path}", self.base)).call())
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.agent.get(&format!("{}{path}", self.base));
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        Server::answer(request.call())
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let request = self.agent.post(&format!("{}{path}", self.base)).header("content-type", content_type);
        Server::answer(request.send(body))
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.post(path, "application/json", body.to_string().as_bytes())
    }

    /// A multipart form: (name, file name, bytes) per field.
    pub fn post_form(&self, path: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Answer {
        let boundary = "gongwen-test-boundary-7f3a";
        let mut body = Vec::new();
        for (name, file, bytes) in fields {
            write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").unwrap();
            if let Some(file) = file {
                write!(body, "; filename=\"{file}\"\r\nContent-Type: application/octet-stream").unwrap();
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        self.post(path, &format!("multipart/form-data; boundary={boundary}"), &body)
    }

    /// The server is still serving.
    pub fn still_serving(&self) {
        let forms = self.get("/api/forms");
        assert_eq!(forms.status, 200, "the server stopped answering");
    }
}
