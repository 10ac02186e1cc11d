//! `gongwen serve` over real HTTP on 127.0.0.1: the binary is started on a free port (it prints
//! the address it bound), each endpoint's success is checked against what the command line
//! says and makes, then each failure with its status and Chinese message — and afterwards the
//! server still answers. Every request has a client timeout and every server is killed at the
//! end of its test, so nothing here can hang.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `gongwen serve`, killed when dropped.
struct Server {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What came back: status, headers we look at, body.
struct Answer {
    status: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, String::from_utf8_lossy(&self.body)))
    }

    /// The Chinese message of a failure, checked to be one.
    fn error(&self) -> String {
        assert!(self.content_type.starts_with("application/json"), "failure not JSON: {}", self.content_type);
        let message = self.json()["error"].as_str().expect("an error field").to_string();
        assert!(message.starts_with("错误："), "{message}");
        message
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Start `gongwen serve --listen 127.0.0.1:0 ARGS` with `env`; wait (at most 20 s) for the
    /// line naming its address.
    fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
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

    fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
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

    fn get(&self, path: &str) -> Answer {
        Server::answer(self.agent.get(&format!("{}{path}", self.base)).call())
    }

    fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.agent.get(&format!("{}{path}", self.base));
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        Server::answer(request.call())
    }

    fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let request = self.agent.post(&format!("{}{path}", self.base)).header("content-type", content_type);
        Server::answer(request.send(body))
    }

    fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.post(path, "application/json", body.to_string().as_bytes())
    }

    /// A multipart form: (name, file name, bytes) per field.
    fn post_form(&self, path: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Answer {
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
    fn still_serving(&self) {
        let forms = self.get("/api/forms");
        assert_eq!(forms.status, 200, "the server stopped answering");
    }
}

fn sample_bytes() -> Vec<u8> {
    std::fs::read(sample()).unwrap()
}

/// A workbook of two requests, the second with the impossible date `2026-02-30`.
fn bad_date_workbook(dir: &std::path::Path) -> std::path::PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("协作需求").unwrap();
    write_row(ws, 0, &REQUIRED_HEADERS.map(String::from));
    write_row(ws, 1, &required_values("协作函〔2026〕1号", "财务部"));
    let mut bad = required_values("协作函〔2026〕2号", "财务部");
    bad[3] = "2026-02-30".into();
    write_row(ws, 2, &bad);
    let path = dir.join("坏日期.xlsx");
    book.save(&path).unwrap();
    path
}

/// One request as `/api/render` takes it: the headers of [`REQUIRED_HEADERS`] → values.
fn request_json(id: &str, date: &str) -> Value {
    let mut values = required_values(id, "财务部");
    values[3] = date.into();
    let map: serde_json::Map<String, Value> =
        REQUIRED_HEADERS.iter().zip(values).map(|(h, v)| (h.to_string(), Value::from(v))).collect();
    Value::Object(map)
}

/// The files of a zip, with their bytes.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn each_endpoint_answers_as_the_command_line_does() {
    let server = Server::start(&[], &[]);
    let dir = tempfile::tempdir().unwrap();

    // check: the sample's counts and the command line's closing line.
    let answer = server.post("/api/check", "application/octet-stream", &sample_bytes());
    assert_eq!(answer.status, 200);
    let report = answer.json();
    assert_eq!((report["requests"].as_u64(), report["tasks"].as_u64()), (Some(6), Some(48)), "{report}");
    assert_eq!(report["ok"], json!(true));
    let cli = gongwen(&["check", sample().to_str().unwrap()]);
    assert_eq!(report["summary"].as_str().unwrap(), stdout(&cli).trim_end().lines().last().unwrap());

    // check: a bad date is on its cell, with the very lines `gongwen check` prints.
    let bad = bad_date_workbook(dir.path());
    let answer = server.post_form("/api/check", &[("workbook", Some("坏日期.xlsx"), &std::fs::read(&bad).unwrap())]);
    assert_eq!(answer.status, 200);
    let report = answer.json();
    assert_eq!(report["workbook"], json!("坏日期.xlsx"), "known by the name it was sent with");
    let problem = &report["problems"][0];
    assert_eq!((problem["severity"].as_str(), problem["sheet"].as_str()), (Some("error"), Some("协作需求")));
    assert_eq!(problem["cell"], json!("D3"));
    assert!(problem["message"].as_str().unwrap().contains("“2026-02-30”不是有效日期"), "{problem}");
    let cli = stdout(&gongwen(&["check", bad.to_str().unwrap()]));
    let lines: Vec<&str> = cli.lines().collect();
    let texts: Vec<&str> = report["problems"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(texts, lines[..lines.len() - 1], "the same problems as gongwen check");
    assert_eq!(report["summary"].as_str(), lines.last().copied());
    assert_eq!(report["rejected"][0]["row"], json!(3));

    // generate: the zip holds what `gongwen generate` writes, and its manifest.
    let answer = server.post_form(
        "/api/generate",
        &[
            ("workbook", Some("requests.xlsx"), &sample_bytes()),
            ("forms", None, b"letter,application"),
            ("formats", None, b"pdf"),
        ],
    );
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.content_type, "application/zip");
    let files = unzip(&answer.body);
    let out = dir.path().join("cli");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms",
        "letter,application",
        "--format",
        "pdf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut made: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    made.sort();
    let mut zipped: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    zipped.sort();
    assert_eq!(zipped, made, "the zip holds the files the command line makes");
    assert_eq!(answer.header("x-gongwen-files"), Some(made.len().to_string().as_str()));
    let manifest = String::from_utf8(files.iter().find(|(n, _)| n == "manifest.csv").unwrap().1.clone()).unwrap();
    let pdfs = zipped.iter().filter(|n| n.ends_with(".pdf")).count();
    assert!(pdfs >= 6 + 6, "a letter per receiver and a form per request: {zipped:?}");
    assert_eq!(manifest.matches("已生成").count(), pdfs, "{manifest}");
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".pdf")) {
        assert!(bytes.starts_with(b"%PDF"), "{name}");
    }

    // render: one letter as a PDF, named as a run names it, whose text has the work's name.
    let mut request = request_json("协作函〔2026〕9号", "2026-03-05");
    request["工作名称"] = json!("差旅报销流程梳理");
    let answer = server.post_json("/api/render", &json!({"form": "工作联系函", "format": "pdf", "request": request}));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.content_type, "application/pdf");
    assert!(answer.body.starts_with(b"%PDF"));
    let disposition = answer.header("content-disposition").unwrap();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    if have("pdftotext") {
        let pdf = dir.path().join("render.pdf");
        std::fs::write(&pdf, &answer.body).unwrap();
        let text = squeezed(&pdftotext(&pdf));
        assert!(text.contains("差旅报销流程梳理"), "{text}");
    }
    // English aliases name the same columns; the format as docx.
    let english: serde_json::Map<String, Value> = [
        ("id", json!("协作函〔2026〕10号")),
        ("from_dept", json!("行政部")),
        ("to_dept", json!(["财务部"])),
        ("date", json!("2026年3月5日")),
        ("work_name", json!("合同归档")),
        ("objective", json!("归档")),
        ("planned_finish", json!("2026-05-07")),
        ("collab_content", json!("提供合同")),
        ("delivery_criteria", json!("齐全")),
        ("due_date", json!("2026-03-22")),
        ("contact", json!("杨磊")),
        ("phone", json!(13800000003u64)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let aliases = gongwen::workbook::columns::REQUESTS.columns.iter().map(|c| c.alias).collect::<Vec<_>>();
    for key in english.keys() {
        assert!(aliases.contains(&key.as_str()), "{key} is not an alias: {aliases:?}");
    }
    let answer = server.post_json("/api/render?format=docx", &json!({"form": "letter", "request": english}));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert!(answer.content_type.contains("wordprocessingml"), "{}", answer.content_type);
    assert!(answer.body.starts_with(b"PK"));
    // The task list, with its tasks sent beside the request.
    let tasks = json!([
        {"序号": 1, "任务名称": "整理数据", "承办部门": "财务部", "完成日期": "2026-03-15"},
        {"序号": 2, "任务名称": "核对", "承办部门": "财务部", "前置任务": "1", "完成日期": "2026-03-20"},
    ]);
    let answer = server.post_json("/api/render", &json!({"form": "tasks", "request": request, "tasks": tasks}));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    if have("pdftotext") {
        let pdf = dir.path().join("tasks.pdf");
        std::fs::write(&pdf, &answer.body).unwrap();
        assert!(squeezed(&pdftotext(&pdf)).contains("整理数据"));
    }

    // forms: every form with how it is made, and the columns.
    let forms = server.get("/api/forms").json();
    let letter = forms["forms"].as_array().unwrap().iter().find(|f| f["key"] == "letter").unwrap().clone();
    assert_eq!((letter["name"].as_str(), letter["per"].as_str()), (Some("工作联系函"), Some("receiver")));
    assert_eq!(letter["source"], json!("协作需求"));
    let requests = forms["sheets"].as_array().unwrap().iter().find(|s| s["name"] == "协作需求").unwrap().clone();
    let date = requests["columns"].as_array().unwrap().iter().find(|c| c["header"] == "发函日期").unwrap().clone();
    assert_eq!(
        (date["alias"].as_str(), date["kind"].as_str(), date["required"].as_bool()),
        (Some("date"), Some("date"), Some(true))
    );

    // openapi: every path it lists answers (none is 404), and the page is served.
    let doc = server.get("/api/openapi.json").json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            let answer = match method.as_str() {
                "get" => server.get(path),
                _ => server.post(path, "application/octet-stream", b""),
            };
            assert_ne!(answer.status, 404, "{method} {path}");
            assert_ne!(answer.status, 405, "{method} {path}");
        }
    }
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(String::from_utf8(page.body).unwrap().contains("工作台"));
}

/// An .xlsx that is the sample plus a part inflating to 17 MB of zeros (about 17 KB zipped):
/// over the library's bound for such a part.
fn zip_bomb() -> Vec<u8> {
    let mut sample = zip::ZipArchive::new(std::io::Cursor::new(sample_bytes())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..sample.len() {
        out.raw_copy_file(sample.by_index_raw(i).unwrap()).unwrap();
    }
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/media/image1.bin", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..17 {
        out.write_all(&zeros).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn every_failure_is_json_with_its_status_and_the_server_goes_on() {
    let server = Server::start(&["--max-upload", "64KB"], &[]);
    let mut table: Vec<(String, u16, String)> = Vec::new();
    let mut expect = |case: &str, answer: Answer, status: u16, words: &str| {
        assert_eq!(answer.status, status, "{case}: {}", String::from_utf8_lossy(&answer.body));
        let message = answer.error();
        assert!(message.contains(words), "{case}: {message}");
        table.push((case.to_string(), status, message));
        server.still_serving();
    };

    let too_large = vec![b'x'; 200 * 1024];
    expect("too large", server.post("/api/check", "application/octet-stream", &too_large), 413, "64 KB 的上限");
    // Well past the limit: read through and dropped, so the client gets the answer, not a reset.
    let far_too_large = vec![b'x'; 3 * 1024 * 1024];
    expect("too large, 3 MB", server.post("/api/check", "application/octet-stream", &far_too_large), 413, "上限");
    let mut big = sample_bytes();
    big.resize(70 * 1024, 0);
    expect("too large, in a form", server.post_form("/api/check", &[("workbook", Some("a.xlsx"), &big)]), 413, "上限");
    expect(
        "not a workbook: a picture",
        server.post("/api/check", "image/png", RED_PNG),
        415,
        "这是一张图片，不是工作簿",
    );
    expect(
        "not a workbook: text",
        server.post("/api/check", "text/csv", "编号,发函部门\n1,行政部\n".as_bytes()),
        415,
        "文本文件",
    );
    let bomb = zip_bomb();
    assert!(bomb.len() < 64 * 1024, "a small file: {}", bomb.len());
    expect("zip bomb", server.post("/api/generate", "application/octet-stream", &bomb), 422, "解压后超过");
    expect("no workbook", server.post("/api/check", "application/octet-stream", b""), 400, "没有收到工作簿");
    expect(
        "unknown option",
        server.post("/api/generate?colour=red", "application/octet-stream", &sample_bytes()),
        400,
        "没有参数“colour”",
    );
    expect(
        "unknown form (generate)",
        server.post("/api/generate?forms=公函", "application/octet-stream", &sample_bytes()),
        422,
        "没有“公函”这种表单",
    );
    expect(
        "unknown format",
        server.post("/api/generate?formats=odt", "application/octet-stream", &sample_bytes()),
        422,
        "没有“odt”这种格式",
    );
    expect(
        "bad JSON",
        server.post("/api/render", "application/json", b"{\"form\": \"letter\", "),
        400,
        "不是有效的 JSON",
    );
    expect("JSON not an object", server.post("/api/render", "application/json", b"[1, 2]"), 400, "应是一个 JSON 对象");
    let request = request_json("协作函〔2026〕9号", "2026-03-05");
    expect(
        "unknown form (render)",
        server.post_json("/api/render", &json!({"form": "公函", "request": request})),
        422,
        "没有“公函”这种表单",
    );
    expect("unknown field", server.post_json("/api/render", &json!({"requst": request})), 400, "没有“requst”这一项");

    // A bad date in JSON gets the message a bad date cell gets, naming its field.
    let answer = server.post_json("/api/render", &json!({"request": request_json("协作函〔2026〕9号", "2026-02-30")}));
    let body = answer.json();
    let dir = tempfile::tempdir().unwrap();
    let cli = stdout(&gongwen(&["check", bad_date_workbook(dir.path()).to_str().unwrap()]));
    let cell_message = cli.lines().next().unwrap().split_once(' ').unwrap().1.to_string();
    assert_eq!(body["problems"][0]["field"], json!("发函日期"), "{body}");
    assert_eq!(body["problems"][0]["message"].as_str(), Some(cell_message.as_str()), "the workbook's own message");
    expect("bad date (render)", answer, 422, &cell_message);
    let mut missing = request_json("协作函〔2026〕9号", "2026-03-05");
    missing.as_object_mut().unwrap().remove("联系电话");
    expect(
        "required field missing",
        server.post_json("/api/render", &json!({"request": missing})),
        422,
        "“联系电话”（英文名 phone）",
    );
    let mut two = request_json("协作函〔2026〕9号", "2026-03-05");
    two["收函部门"] = json!(["财务部", "办公室"]);
    expect(
        "two receivers, none chosen",
        server.post_json("/api/render", &json!({"request": two})),
        422,
        "请用 to 指定",
    );
    expect("no such route", server.get("/api/nothing"), 404, "没有这个地址");
    expect("wrong method", server.get("/api/check"), 405, "不接受这种请求方法");

    println!("case | status | message");
    for (case, status, message) in &table {
        println!("{case} | {status} | {message}");
    }
}

#[test]
fn off_loopback_needs_a_token_and_every_api_call_carries_it() {
    let (o, _) = gongwen_within(Duration::from_secs(20), &["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("错误：--listen 0.0.0.0:0 不只是本机可以访问") && err.contains("--token"), "{err}");

    let server = Server::start(&["--token", "a-long-secret"], &[]);
    let missing = server.get("/api/forms");
    assert_eq!(missing.status, 401);
    assert!(missing.error().contains("缺少访问口令"));
    let wrong = server.get_with("/api/forms", &[("authorization", "Bearer not-the-secret")]);
    assert_eq!(wrong.status, 401);
    assert!(wrong.error().contains("访问口令不对"));
    let right = server.get_with("/api/forms", &[("authorization", "Bearer a-long-secret")]);
    assert_eq!(right.status, 200);
    assert_eq!(server.get("/").status, 200, "the page holds nothing and needs no token");
}

/// With one job at a time and each job slowed (the tests' fault hook), a second request waits
/// its second, then is told to come back; a request past the timeout is stopped with a 503;
/// and the server goes on.
#[test]
fn excess_work_waits_then_is_turned_away_and_slow_work_times_out() {
    let busy = Server::start(&["--jobs", "1", "--wait", "1"], &[("GONGWEN_SERVE_SLOW_MS", "4000")]);
    let started = Instant::now();
    let first = std::thread::scope(|s| {
        let first = s.spawn(|| busy.post("/api/check", "application/octet-stream", &sample_bytes()));
        std::thread::sleep(Duration::from_millis(800));
        let second = busy.post("/api/check", "application/octet-stream", &sample_bytes());
        assert_eq!(second.status, 503, "{}", String::from_utf8_lossy(&second.body));
        assert!(second.error().contains("服务器正忙"));
        assert_eq!(second.header("retry-after"), Some("5"));
        first.join().unwrap()
    });
    assert_eq!(first.status, 200, "the first request is served");
    assert!(started.elapsed() >= Duration::from_secs(4));
    busy.still_serving();

    let slow = Server::start(&["--timeout", "1"], &[("GONGWEN_SERVE_SLOW_MS", "3000")]);
    let answer = slow.post("/api/check", "application/octet-stream", &sample_bytes());
    assert_eq!(answer.status, 503);
    assert!(answer.error().contains("超过 1 秒"), "{}", answer.error());
    slow.still_serving();
}

/// A fault of the program in a request (the tests' panic hook) is a 500 with a JSON body; the
/// server goes on. Nothing sent or made stays in the temporary folder.
#[test]
fn a_panic_is_a_500_and_nothing_stays_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(
        &[],
        &[("GONGWEN_PANIC_DOCUMENT", "协作函〔2026〕13号"), ("TMPDIR", tmp.path().to_str().unwrap())],
    );
    let answer = server.post_json("/api/render", &json!({"request": request_json("协作函〔2026〕13号", "2026-03-05")}));
    assert_eq!(answer.status, 500);
    assert!(answer.error().contains("程序内部错误"));
    server.still_serving();

    let answer = server.post("/api/generate?formats=pdf,docx&bundle=true", "application/octet-stream", &sample_bytes());
    assert_eq!(answer.status, 200);
    assert!(unzip(&answer.body).iter().any(|(n, _)| n.starts_with("打印合集")));
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left in the temporary folder: {left:?}");
}
