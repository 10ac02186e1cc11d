//! The workbench page in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs) driven through chromedriver against
//! `gongwen serve` on 127.0.0.1. As a clerk would: upload a workbook with a bad date and see
//! the cell marked with its message, upload the sample, untick a row, preview a letter (the
//! image of its page 1 is shown), generate, and check the downloaded zip's files and manifest.
//!
//! `GONGWEN_SCREENSHOTS=DIR` also saves the README's three pictures of the workbench there:
//! `GONGWEN_SCREENSHOTS=samples cargo test --release --test workbench`.

mod common;
#[path = "common/server.rs"]
mod server;

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use server::Server;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any one thing the page does may take before the test fails (a generation of the
/// sample takes a few seconds; a loaded CI machine is slower).
const PATIENCE: Duration = Duration::from_secs(90);

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn on_path(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(tool)).find(|p| p.is_file())
}

fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(2))).build().into();
    let started = Instant::now();
    while agent.get(&format!("{}/status", driver.url)).call().is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not answer within 20 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

/// Wait until the JavaScript expression `test` is true in the page.
async fn until(client: &Client, what: &str, test: &str) {
    let started = Instant::now();
    loop {
        let value = client.execute(&format!("return !!({test});"), vec![]).await.expect("script runs");
        if value == Value::Bool(true) {
            return;
        }
        if started.elapsed() > PATIENCE {
            let error = client
                .execute(
                    "return [...document.querySelectorAll('.msg-error')].map(e => e.textContent).join(' | ')",
                    vec![],
                )
                .await
                .unwrap_or_default();
            panic!("waited {PATIENCE:?} for {what} ({test}); errors on the page: {error}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.expect("script runs")
}

async fn screenshot(client: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("GONGWEN_SCREENSHOTS") {
        let png = client.screenshot().await.expect("a screenshot");
        let path = Path::new(&dir).join(name);
        std::fs::write(&path, png).expect("write the screenshot");
        eprintln!("wrote {}", path.display());
    }
}

/// The downloaded file `name` in `dir`, once Chromium has finished writing it.
fn downloaded(dir: &Path, name: &str) -> Vec<u8> {
    let started = Instant::now();
    loop {
        let partial =
            std::fs::read_dir(dir).unwrap().flatten().any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"));
        let path = dir.join(name);
        if path.is_file() && !partial {
            return std::fs::read(path).unwrap();
        }
        assert!(started.elapsed() < PATIENCE, "no {name} downloaded within {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_clerk_checks_previews_and_generates_in_the_browser() {
    let (Some(chromium), true) = (on_path("chromium"), have("chromedriver")) else {
        return skip(
            "workbench in a browser",
            "chromium and chromedriver are not installed (Debian packages chromium and chromium-driver)",
        );
    };
    let work = tempfile::tempdir().unwrap();
    let downloads = work.path().join("downloads");
    let profile = work.path().join("profile");
    std::fs::create_dir_all(&downloads).unwrap();
    let bad = bad_date_workbook(work.path());
    let server = Server::start(&[], &[]);
    let driver = start_driver();
    // What the page must show for the bad date: the same message as the API's (and check's).
    let expected = server.post("/api/check", "application/octet-stream", &std::fs::read(&bad).unwrap()).json();
    let message = expected["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["cell"] == "D3")
        .expect("the bad date is a problem of D3")["message"]
        .as_str()
        .unwrap()
        .to_string();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // As the machine's notes say: without the background-networking flags Chromium
                // keeps trying to reach the internet, which is closed here.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1400,1000", "--lang=zh-CN",
                         format!("--user-data-dir={}", profile.display())],
                "prefs": {
                    "download.default_directory": downloads.to_str().unwrap(),
                    "download.prompt_for_download": false,
                },
            },
        });
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities.as_object().unwrap().clone())
            .connect(&driver.url)
            .await
            .expect("a Chromium session");
        client.goto(&format!("{}/", server.base)).await.unwrap();
        assert_eq!(client.title().await.unwrap(), "gongwen 公文工作台");

        // 1. The workbook with a bad date: its cell is red with the message on hover, and the
        //    list names it; clicking the list's line brings the cell into view.
        let file = client.find(Locator::Css("#file")).await.unwrap();
        file.send_keys(bad.to_str().unwrap()).await.unwrap();
        until(&client, "the check of the bad workbook", "document.querySelector('#grid td[data-cell=\"D3\"]')").await;
        let cell = client.find(Locator::Css("#grid td[data-cell=\"D3\"]")).await.unwrap();
        assert_eq!(cell.attr("class").await.unwrap().as_deref(), Some("error"));
        assert_eq!(cell.text().await.unwrap(), "2026-02-30");
        assert!(cell.attr("title").await.unwrap().unwrap_or_default().contains(&message), "hover shows {message}");
        let summary = client.find(Locator::Css("#summary")).await.unwrap().text().await.unwrap();
        assert!(summary.contains("发现 1 个错误"), "{summary}");
        let line = client.find(Locator::XPath("//ul[@id='problems']/li[contains(., 'D3')]")).await.unwrap();
        assert!(line.text().await.unwrap().contains(&message));
        line.click().await.unwrap();
        until(&client, "the cell flashing", "document.querySelector('#grid td[data-cell=\"D3\"]').classList.contains('flash')").await;
        // The bad row cannot be ticked; the good one is ticked.
        assert_eq!(js(&client, "return document.querySelector('input[data-row=\"3\"]').disabled").await, json!(true));
        assert_eq!(js(&client, "return document.querySelector('input[data-row=\"2\"]').checked").await, json!(true));
        screenshot(&client, "workbench-errors.png").await;

        // 2. The sample: no problems; untick row 3 (协作函〔2026〕2号).
        file.send_keys(sample().to_str().unwrap()).await.unwrap();
        until(&client, "the check of the sample", "document.querySelector('#summary').textContent.includes('检查通过')").await;
        let tick = client.find(Locator::Css("input[data-row=\"3\"]")).await.unwrap();
        assert_eq!(tick.prop("checked").await.unwrap().as_deref(), Some("true"));
        tick.click().await.unwrap();
        let chosen = client.find(Locator::Css("#chosen")).await.unwrap().text().await.unwrap();
        assert!(chosen.starts_with("已选 5 行"), "{chosen}");

        // 3. Preview row 4's letter: page 1 is shown as an image of an A4 page.
        client.find(Locator::Css("button[data-preview=\"4\"]")).await.unwrap().click().await.unwrap();
        until(&client, "the preview image", "document.querySelector('#preview-img').complete && document.querySelector('#preview-img').naturalWidth > 0 && document.querySelector('#preview-img').alt.includes('第 1 页')").await;
        let size = js(&client, "const i = document.querySelector('#preview-img'); return [i.naturalWidth, i.naturalHeight, i.alt]").await;
        let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
        assert!(w >= 500.0 && (h / w - 297.0 / 210.0).abs() < 0.01, "an A4 page: {size}");
        assert!(size[2].as_str().unwrap().starts_with("协作函〔2026〕3号 "), "{size}");
        assert!(size[2].as_str().unwrap().contains("工作联系函"), "{size}");
        js(&client, "document.querySelector('#preview-section').scrollIntoView()").await;
        screenshot(&client, "workbench-preview.png").await;

        // 4. Generate and download.
        client.find(Locator::Css("#generate")).await.unwrap().click().await.unwrap();
        until(&client, "the generation", "!document.querySelector('#done').hidden").await;
        let done = client.find(Locator::Css("#done")).await.unwrap().text().await.unwrap();
        assert!(done.starts_with("完成：zip 中有"), "{done}");
        screenshot(&client, "workbench-done.png").await;
        client.close().await.unwrap();
    });

    // The zip: the chosen rows' documents and the manifest, nothing of the unticked row.
    let zip = downloaded(&downloads, "公文.zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("the download is a zip");
    let names: Vec<String> = archive.file_names().map(|n| n.expect("a UTF-8 name").into_owned()).collect();
    let mut manifest = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("manifest.csv").expect("a manifest"), &mut manifest).unwrap();
    let made: Vec<&str> = manifest.lines().skip(1).filter(|l| l.contains("已生成")).collect();
    assert!(!made.is_empty(), "{manifest}");
    for line in &made {
        let file = line.split(',').find(|f| f.ends_with(".pdf") || f.ends_with(".docx")).expect("a file column");
        assert!(names.iter().any(|n| n == file), "{file} is listed but not in the zip: {names:?}");
    }
    for id in ["协作函〔2026〕1号", "协作函〔2026〕3号", "协作函〔2026〕6号"] {
        assert!(names.iter().any(|n| n.starts_with(id) && n.ends_with("_工作联系函.pdf")), "{id}: {names:?}");
        assert!(names.iter().any(|n| n.starts_with(id) && n.ends_with("_工作联系函.docx")), "{id}: {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("协作函〔2026〕2号")), "the unticked row was made: {names:?}");
    assert!(!manifest.contains("协作函〔2026〕2号"), "the unticked row is in the manifest");
    assert_eq!(names.len(), made.len() + 1, "every file is a made document or the manifest: {names:?}");
    server.still_serving();
}
