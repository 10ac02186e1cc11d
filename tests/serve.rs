//! `gongwen serve` over real HTTP on 127.0.0.1: the binary is started on a free port (it prints
//! the address it bound), each endpoint's success is checked against what the command line
//! says and makes, then each failure with its status and Chinese message — and afterwards the
//! server still answers. Every request has a client timeout and every server is killed at the
//! end of its test, so nothing here can hang.

mod common;
#[path = "common/ofd.rs"]
mod ofd_check;
#[path = "common/server.rs"]
mod server;

use common::*;
use serde_json::{json, Value};
use server::{Answer, Server};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn sample_bytes() -> Vec<u8> {
    std::fs::read(sample()).unwrap()
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
            // `{id}` is no job's number: the job is not found, but the route is there.
            assert!(answer.status != 404 || !answer.error().contains("没有这个地址"), "{method} {path}");
            assert_ne!(answer.status, 405, "{method} {path}");
        }
    }
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(String::from_utf8(page.body).unwrap().contains("工作台"));
}

/// OFD over HTTP: `/api/generate` with `formats=ofd` (and a bundle) answers a zip of .ofd files
/// and no other documents — a letter and the bundle opened and checked against the standard's
/// structure (`common/ofd.rs`, as tests/ofd.rs checks every .ofd), the manifest listing them as
/// ofd — and `/api/render` with `format=ofd` answers `application/ofd`, a valid OFD package with
/// its page count and a `.ofd` file name. The API's description names ofd wherever it lists
/// formats.
#[test]
fn ofd_comes_over_http_as_from_the_command_line() {
    let server = Server::start(&[], &[]);
    let answer = server.post_form(
        "/api/generate",
        &[
            ("workbook", Some("requests.xlsx"), &sample_bytes()),
            ("forms", None, b"letter"),
            ("formats", None, b"ofd"),
            ("bundle", None, b"true"),
        ],
    );
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.content_type, "application/zip");
    let files = unzip(&answer.body);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.iter().all(|n| n.ends_with(".ofd") || *n == "manifest.csv"), "only .ofd files: {names:?}");
    let letters: Vec<&(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| n.starts_with("协作函") && n.ends_with(".ofd")).collect();
    assert_eq!(letters.len(), 8, "a letter per receiving department of the sample: {names:?}");
    let (name, letter) = letters[0];
    ofd_check::check(name, &ofd_check::parts(letter), false);
    let (name, bundle) = files.iter().find(|(n, _)| n == "打印合集_工作联系函.ofd").expect("the bundle as .ofd");
    ofd_check::check(name, &ofd_check::parts(bundle), true);
    let manifest = String::from_utf8(files.iter().find(|(n, _)| n == "manifest.csv").unwrap().1.clone()).unwrap();
    let made: Vec<&str> = manifest.lines().filter(|l| l.contains("已生成")).collect();
    assert_eq!(made.len(), 8 + 1, "{manifest}");
    assert!(made.iter().all(|l| l.split(',').nth(2) == Some("ofd")), "{manifest}");

    let request = request_json("协作函〔2026〕9号", "2026-03-05");
    let answer = server.post_json("/api/render", &json!({"form": "工作联系函", "format": "ofd", "request": request}));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.content_type, "application/ofd");
    let disposition = answer.header("content-disposition").unwrap();
    assert!(disposition.contains(".ofd"), "{disposition}");
    let parts = ofd_check::parts(&answer.body);
    ofd_check::check("render", &parts, false);
    let pages = common::xml::Node::parse(&parts["Doc_0/Document.xml"]).all("ofd:Page").len();
    assert_eq!(answer.header("x-gongwen-pages"), Some(pages.to_string().as_str()));

    // openapi: every list of formats has ofd — the enums, the descriptions of `formats`, the
    // media types /api/render answers with.
    let doc = server.get("/api/openapi.json").json();
    let mut lists = 0;
    let mut walk = vec![(String::new(), &doc)];
    while let Some((path, value)) = walk.pop() {
        match value {
            Value::Object(map) => {
                let formats = map.get("name").is_some_and(|n| n == "formats" || n == "format")
                    || path.ends_with("/properties/formats")
                    || path.ends_with("/properties/format");
                if formats {
                    lists += 1;
                    assert!(value.to_string().contains("ofd"), "{path} lists formats without ofd: {value}");
                }
                walk.extend(map.iter().map(|(k, v)| (format!("{path}/{k}"), v)));
            }
            Value::Array(items) => walk.extend(items.iter().map(|v| (path.clone(), v))),
            _ => {}
        }
    }
    assert!(lists >= 5, "{lists} lists of formats found");
    let render = &doc["paths"]["/api/render"]["post"]["responses"]["200"]["content"];
    assert!(render.get("application/ofd").is_some(), "{render}");
}

/// PDF/A over HTTP: `pdf_standard=a-2b` makes every PDF of the zip PDF/A-2b (its XMP says so),
/// bundle included; a standard we do not offer is a 400 naming the ones we do.
#[test]
fn pdf_a_comes_over_http_as_from_the_command_line() {
    let server = Server::start(&[], &[]);
    let answer = server.post_form(
        "/api/generate",
        &[
            ("workbook", Some("requests.xlsx"), &sample_bytes()),
            ("forms", None, b"letter"),
            ("formats", None, b"pdf"),
            ("bundle", None, b"true"),
            ("pdf_standard", None, b"a-2b"),
        ],
    );
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let files = unzip(&answer.body);
    let pdfs: Vec<&(String, Vec<u8>)> = files.iter().filter(|(n, _)| n.ends_with(".pdf")).collect();
    assert_eq!(pdfs.len(), 8 + 1, "8 letters and the bundle");
    for (name, pdf) in pdfs {
        let text = String::from_utf8_lossy(pdf);
        assert!(text.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"), "{name}");
    }
    let answer = server.post("/api/generate?pdf_standard=a-1b", "application/octet-stream", &sample_bytes());
    assert_eq!(answer.status, 400);
    assert!(answer.error().contains("没有“a-1b”这种 PDF 标准；可用：a-2b、a-2a、a-3b"), "{}", answer.error());
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

/// A PNG's width and height, from its header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Follow a job to its end (at most 90 s): its last status.
fn follow(server: &Server, status: &str) -> Value {
    let started = Instant::now();
    loop {
        let answer = server.get(status);
        assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
        let state = answer.json();
        match state["state"].as_str().unwrap() {
            "waiting" | "running" => {
                assert!(started.elapsed() < Duration::from_secs(90), "the job did not finish: {state}");
                let (done, total) = (state["done"].as_u64().unwrap(), state["total"].as_u64().unwrap());
                assert!(done <= total || total == 0, "{state}");
                std::thread::sleep(Duration::from_millis(100));
            }
            _ => return state,
        }
    }
}

#[test]
fn the_workbench_sees_cells_previews_pages_follows_jobs_and_chooses_rows() {
    let server = Server::start(&[], &[]);
    let sample = sample_bytes();
    let dir = tempfile::tempdir().unwrap();

    // check with cells: the sheet as the grid shows it, which rows can be made, who sends.
    let report = server.post_form("/api/check?cells=true", &[("workbook", Some("requests.xlsx"), &sample)]).json();
    let sheets = report["sheets"].as_array().unwrap();
    let requests = sheets.iter().find(|s| s["name"] == "协作需求").expect("the request sheet");
    let rows = requests["rows"].as_array().unwrap();
    assert_eq!(rows[0]["row"], 1);
    assert_eq!(rows[0]["cells"][0], "编号");
    assert_eq!(rows[1]["cells"][0], "协作函〔2026〕1号");
    assert_eq!(rows[1]["cells"][3], "2026年3月2日", "a date cell reads as check reads it");
    assert_eq!(report["valid"].as_array().unwrap().len(), 6);
    assert_eq!(report["valid"][2], json!({"row": 4, "id": "协作函〔2026〕3号"}));
    assert!(report["forms"].as_array().unwrap().contains(&json!("letter")));
    assert!(report["senders"].as_array().unwrap().contains(&json!("行政部")));
    assert!(sheets.iter().any(|s| s["name"] == "任务拆分"));

    // preview: row 4's letter, page 1 then its last page, as A4 images.
    let preview = |fields: &[(&str, &str)]| {
        let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![("workbook", Some("requests.xlsx"), &sample)];
        all.extend(fields.iter().map(|(n, v)| (*n, None, v.as_bytes())));
        server.post_form("/api/preview", &all)
    };
    let first = preview(&[("form", "工作联系函"), ("row", "4"), ("dpi", "50")]);
    assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
    assert_eq!(first.content_type, "image/png");
    let (w, h) = png_size(&first.body);
    assert!((h as f32 / w as f32 - 297.0 / 210.0).abs() < 0.01 && (w as i32 - 413).abs() <= 1, "{w}×{h} at 50 dpi");
    let pages: usize = first.header("x-gongwen-pages").unwrap().parse().unwrap();
    assert!(first.header("x-gongwen-document").unwrap().starts_with("%E5%8D%8F%E4%BD%9C%E5%87%BD"), "协作函…");
    let last = preview(&[("form", "letter"), ("id", "协作函〔2026〕3号"), ("page", &pages.to_string()), ("dpi", "50")]);
    assert_eq!(last.status, 200);
    assert_ne!(last.body, first.body, "the last page is another page");
    let past = preview(&[("form", "letter"), ("row", "4"), ("page", &(pages + 1).to_string())]);
    assert_eq!(past.status, 422);
    assert!(past.error().contains(&format!("只有 {pages} 页")), "{}", past.error());
    // The pages the preview counts are the PDF's.
    let pdf = server.post_form(
        "/api/generate?forms=letter&formats=pdf&id=协作函〔2026〕3号",
        &[("workbook", Some("requests.xlsx"), &sample)],
    );
    assert_eq!(pdf.status, 200);
    let files = unzip(&pdf.body);
    let letter = files.iter().find(|(n, _)| n.ends_with("_工作联系函.pdf")).expect("a letter");
    std::fs::write(dir.path().join("letter.pdf"), &letter.1).unwrap();
    if have("pdfinfo") {
        assert_eq!(pdf_pages(&dir.path().join("letter.pdf")), pages);
    }
    for (fields, status, says) in [
        (&[("row", "4")][..], 400, "form"),
        (&[("form", "公告"), ("row", "4")], 422, "没有“公告”这种表单"),
        (&[("form", "letter")], 400, "row"),
        (&[("form", "letter"), ("row", "99")], 422, "第 99 行"),
        (&[("form", "letter"), ("row", "4"), ("to", "保卫处")], 422, "没有给“保卫处”的一份"),
        (&[("form", "letter"), ("row", "4"), ("dpi", "5000")], 400, "dpi"),
        (&[("form", "letter"), ("row", "4"), ("colour", "red")], 400, "没有参数“colour”"),
    ] {
        let answer = preview(fields);
        assert_eq!(answer.status, status, "{fields:?}: {}", String::from_utf8_lossy(&answer.body));
        assert!(answer.error().contains(says), "{fields:?}: {}", answer.error());
    }
    // A row with errors is not previewed, and says why.
    let bad = std::fs::read(bad_date_workbook(dir.path())).unwrap();
    let answer = server.post_form(
        "/api/preview",
        &[("workbook", Some("坏日期.xlsx"), &bad), ("form", None, b"letter"), ("row", None, b"3")],
    );
    assert_eq!(answer.status, 422);
    assert!(answer.error().contains("有错误，不能预览") && answer.error().contains("2026-02-30"), "{}", answer.error());

    // generate: chosen rows, one PDF per request, and a department's uploaded seal.
    let zip = server.post_form(
        "/api/generate?forms=letter&formats=pdf&rows=3&packet=true",
        &[("workbook", Some("requests.xlsx"), &sample), ("seal:行政部", Some("seal.png"), RED_PNG)],
    );
    assert_eq!(zip.status, 200, "{}", String::from_utf8_lossy(&zip.body));
    let names: Vec<String> = unzip(&zip.body).into_iter().map(|(n, _)| n).collect();
    assert!(names.iter().all(|n| n == "manifest.csv" || n.starts_with("协作函〔2026〕2号_")), "{names:?}");
    assert!(names.contains(&"协作函〔2026〕2号_审批合订.pdf".to_string()), "{names:?}");
    let sealed = server.post_form(
        "/api/generate?forms=letter&formats=pdf&id=协作函〔2026〕3号",
        &[("workbook", Some("requests.xlsx"), &sample), ("seal:行政部", Some("seal.png"), RED_PNG)],
    );
    let sealed_letter = unzip(&sealed.body).into_iter().find(|(n, _)| n.ends_with("_工作联系函.pdf")).unwrap().1;
    assert!(sealed_letter.len() > letter.1.len(), "3号 is sent by 行政部: its letter carries the seal image");
    for (query, seal, status, says) in [
        ("rows=甲", None, 400, "“甲”不是行号"),
        ("id=协作函〔2026〕77号", None, 422, "没有编号为“协作函〔2026〕77号”的需求"),
        ("rows=1", None, 422, "第 1 行不是需求行"),
        ("", Some(&b"GIF89a not a png"[..]), 422, "行政部 的印章"),
    ] {
        let mut fields: Vec<(&str, Option<&str>, &[u8])> = vec![("workbook", Some("requests.xlsx"), &sample)];
        if let Some(seal) = seal {
            fields.push(("seal:行政部", Some("seal.png"), seal));
        }
        let answer = server.post_form(&format!("/api/generate?forms=letter&formats=pdf&{query}"), &fields);
        assert_eq!(answer.status, status, "{query}: {}", String::from_utf8_lossy(&answer.body));
        assert!(answer.error().contains(says), "{query}: {}", answer.error());
    }

    // jobs: started at once, followed to the end, downloaded once; a failing job says why.
    let started =
        server.post_form("/api/jobs?forms=letter&formats=pdf", &[("workbook", Some("requests.xlsx"), &sample)]);
    assert_eq!(started.status, 202, "{}", String::from_utf8_lossy(&started.body));
    let job = started.json();
    let end = follow(&server, job["status"].as_str().unwrap());
    assert_eq!(end["state"], "done", "{end}");
    assert_eq!(end["done"], end["total"]);
    let zip = server.get(job["download"].as_str().unwrap());
    assert_eq!((zip.status, zip.content_type.as_str()), (200, "application/zip"));
    let files = unzip(&zip.body);
    assert_eq!(files.len() as u64, end["files"].as_u64().unwrap());
    assert_eq!(
        files.iter().filter(|(n, _)| n.ends_with("_工作联系函.pdf")).count() as u64,
        end["total"].as_u64().unwrap()
    );
    let again = server.get(job["download"].as_str().unwrap());
    assert_eq!(again.status, 410);
    assert!(again.error().contains("已经下载过"));
    let failing = server.post_form("/api/jobs?rows=99", &[("workbook", Some("requests.xlsx"), &sample)]).json();
    let end = follow(&server, failing["status"].as_str().unwrap());
    assert_eq!((end["state"].as_str(), end["status"].as_u64()), (Some("failed"), Some(422)), "{end}");
    assert!(end["error"]["error"].as_str().unwrap().contains("第 99 行"), "{end}");
    let unknown = server.get("/api/jobs/0123456789abcdef");
    assert_eq!(unknown.status, 404);
    assert!(unknown.error().contains("没有编号为 0123456789abcdef 的生成任务"));
    let refused = server.post_form("/api/jobs?colour=red", &[("workbook", Some("requests.xlsx"), &sample)]);
    assert_eq!(refused.status, 400, "a bad option is refused before a job starts");
    server.still_serving();
}
