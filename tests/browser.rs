//! Browser tests: the real pages in a headless Chromium driven through chromedriver
//! (fantoccini), against raqib started in-process on a fresh SQLite database with the
//! known-answer security code the tests hand to the app in code.
//!
//! Chromium and chromedriver come from Debian (`chromium`, `chromium-driver`; `.ci/run`
//! installs them). Outside CI a machine without them skips these tests with a loud
//! message; with `CI=true` they fail. Screenshots of every page land in
//! `target/browser/` for a person to look at.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use raqib::app::AppState;
use raqib::auth::{Role, passwords};
use raqib::domain::{Class, Status};
use raqib::moderation::decide;
use raqib::store::accounts::NewUser;
use serde_json::{Value, json};

#[allow(dead_code, unused_macros)]
#[path = "api/support.rs"]
#[macro_use]
mod support;

use support::{KNOWN_ANSWER, TestApp};

#[path = "browser/bans.rs"]
mod bans;
#[path = "browser/frame.rs"]
mod frame;
#[path = "browser/keyboard.rs"]
mod keyboard;
#[path = "browser/messages.rs"]
mod messages;
#[path = "browser/model.rs"]
mod model;
#[path = "browser/pages.rs"]
mod pages;
#[path = "browser/queue.rs"]
mod queue;
#[path = "browser/widget.rs"]
mod widget;

const PASSWORD: &str = "a long browser test password";
const WAIT: Duration = Duration::from_secs(20);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// chromedriver on a port of its own, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    chromium: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver and the browsers it started share a process group of their own:
        // stop them all, even when a test failed before closing its session.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver() -> Option<Driver> {
    let (Some(driver), Some(chromium)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser"]),
    ) else {
        assert!(
            !in_ci(),
            "chromium and chromedriver are required in CI (.ci/run installs them)"
        );
        eprintln!(
            "\n!!! SKIPPED: chromium/chromedriver not installed (apt-get install chromium chromium-driver)\n"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        chromium,
    })
}

async fn browser(driver: &Driver, javascript: bool) -> Client {
    let mut args = vec![
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--lang=ar",
    ];
    if !javascript {
        args.push("--blink-settings=scriptEnabled=false");
    }
    let mut options = json!({"binary": driver.chromium.to_string_lossy(), "args": args});
    if !javascript {
        options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

impl Raqib {
    /// Publishes a comment behind the API's back, as a moderator's decision would.
    async fn approve_for_test(&self, id: i64) {
        self.state
            .store()
            .set_status(id, Status::Approved, raqib::store::now_ms())
            .await
            .unwrap();
        self.state.pages().invalidate();
    }
}

/// raqib in-process on 127.0.0.1 (the integration tests' app, served on a socket), with
/// the security code always on.
struct Raqib {
    base: String,
    state: AppState,
    /// Holds the database for as long as the test runs.
    _app: TestApp,
}

async fn start_raqib() -> Raqib {
    let app = TestApp::sqlite_with(|config| {
        config.captcha.mode = raqib::gates::captcha::Mode::Always;
    })
    .await;
    for (name, role) in [("mona", Role::Moderator), ("adel", Role::Admin)] {
        app.add_user(name, role, PASSWORD).await;
    }
    Raqib {
        base: app.serve().await,
        state: app.state.clone(),
        _app: app,
    }
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

/// Waits until `ready` answers true (checked every 100 ms), failing after [`WAIT`].
async fn eventually<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(started.elapsed() < WAIT, "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until a script returns something truthy, and returns it.
async fn until(client: &Client, what: &str, script: &str) -> Value {
    let started = Instant::now();
    loop {
        let value = client.execute(script, vec![]).await.unwrap_or(Value::Null);
        let truthy = match &value {
            Value::Null | Value::Bool(false) => false,
            Value::String(s) => !s.is_empty(),
            Value::Number(n) => n.as_f64() != Some(0.0),
            _ => true,
        };
        if truthy {
            return value;
        }
        if started.elapsed() > WAIT {
            let _ = screenshot(client, "timeout").await;
            panic!("waited {WAIT:?} for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    // Pages show some forms only once they know who is there (the login form after a
    // 401): wait until it can be typed into.
    let started = Instant::now();
    while !field.is_displayed().await.unwrap_or(false) || !field.is_enabled().await.unwrap_or(false)
    {
        if started.elapsed() > WAIT {
            screenshot(client, "timeout").await;
            panic!("{css} never became usable");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    field.clear().await.ok();
    field.send_keys(text).await.unwrap();
}

async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.unwrap();
    client.release_actions().await.ok();
}

async fn log_in(client: &Client, url: &str, user: &str) {
    // A fresh login: whoever was signed in before is forgotten.
    client.goto(url).await.unwrap();
    client.delete_all_cookies().await.unwrap();
    client.goto(url).await.unwrap();
    fill(client, "[data-raqib=login] input[name=username]", user).await;
    fill(client, "[data-raqib=login] input[name=password]", PASSWORD).await;
    click(client, "[data-raqib=login] button[type=submit]").await;
}

/// Waits until the widget's form holds a security code.
async fn code_loaded(client: &Client) {
    until(
        client,
        "the security code",
        "const id = document.querySelector('[data-raqib=form] [name=captcha_id]'); return id && id.value;",
    )
    .await;
}

/// Posts a comment through the widget on the demo page and returns the status text.
async fn post_through_widget(client: &Client, base: &str, name: &str, body: &str) -> String {
    client.goto(&format!("{base}/")).await.unwrap();
    fill(client, "[data-raqib=form] [name=name]", name).await;
    fill(
        client,
        "[data-raqib=form] [name=email]",
        "reader@example.com",
    )
    .await;
    fill(client, "[data-raqib=form] [name=body]", body).await;
    // The code loads when the form comes into view or gets focus.
    let answer = client
        .find(Locator::Css("[data-raqib=form] [name=captcha_answer]"))
        .await
        .unwrap();
    answer.click().await.unwrap();
    until(
        client,
        "the security code",
        "const i = document.querySelector('[data-raqib=captcha-image]'); \
         const id = document.querySelector('[data-raqib=form] [name=captcha_id]'); \
         return i && i.getAttribute('src') && id && id.value;",
    )
    .await;
    answer.send_keys(KNOWN_ANSWER).await.unwrap();
    click(client, "[data-raqib=form] [type=submit]").await;
    until(
        client,
        "the widget's answer",
        "const s = document.querySelector('[data-raqib=status]'); return s && s.textContent.trim();",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// A comment to store directly (what the pages under test are about to show).
fn stored_comment(name: &str, body: &str, status: Status) -> raqib::domain::NewComment {
    raqib::domain::NewComment {
        article: "demo/welcome".into(),
        parent: None,
        author_name: name.into(),
        author_email: "r@example.com".into(),
        email_hash: "e".repeat(64),
        ip_hash: None,
        ip_net_hash: None,
        ip_prefix: None,
        user_agent: None,
        body: body.into(),
        body_key: String::new(),
        status,
        class: Class::Ok,
        score: 0.0,
        hits: "[]".into(),
        created_at: raqib::store::now_ms(),
        captcha_nonce: None,
    }
}

async fn newest_comment(state: &AppState, text: &str) -> raqib::domain::Comment {
    let started = Instant::now();
    loop {
        for id in (1..=state.store().count_comments().await.unwrap() + 5).rev() {
            if let Some(c) = state.store().get_comment(id).await.unwrap()
                && c.body.contains(text)
            {
                return c;
            }
        }
        assert!(started.elapsed() < WAIT, "no stored comment with {text:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_moderators_and_admins_work_through_the_pages() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let client = browser(&driver, true).await;

    // A reader who forgets the name sees the API's message beside the field, in Arabic.
    client.goto(&format!("{base}/")).await.unwrap();
    fill(
        &client,
        "[data-raqib=form] [name=email]",
        "reader@example.com",
    )
    .await;
    fill(&client, "[data-raqib=form] [name=body]", "تعليق بلا اسم").await;
    script(
        &client,
        "document.querySelector('[data-raqib=form] [name=name]').removeAttribute('required');",
    )
    .await;
    click(&client, "[data-raqib=form] [type=submit]").await;
    let message = until(
        &client,
        "the name's error",
        "const e = document.querySelector('[data-raqib-error=name]'); return e && !e.hidden && e.textContent;",
    )
    .await;
    assert_eq!(message, json!("اسم المشترك، حقل إجباري"));
    screenshot(&client, "0-widget-field-error").await;

    // A reader posts an Arabic comment through the widget and is told it awaits review.
    let status = post_through_widget(
        &client,
        &base,
        "أبو فهد",
        "تحليل جيد لكن يا حمار انتبه للأرقام",
    )
    .await;
    assert!(status.contains("بانتظار المراجعة"), "{status}");
    screenshot(&client, "1-widget-after-posting").await;
    let posted = newest_comment(&raqib.state, "انتبه للأرقام").await;
    assert_eq!(posted.status, Status::Pending);
    assert_eq!(posted.class, Class::Hold, "held for the insult");
    let form_body = script(
        &client,
        "return document.querySelector('[data-raqib=form] [name=body]').value",
    )
    .await;
    assert_eq!(form_body, json!(""), "the form keeps nothing it should not");

    // A moderator sees it with the hit highlighted and approves it with the keyboard.
    log_in(&client, &format!("{base}/moderate"), "mona").await;
    let item = format!("[data-raqib=item][data-id=\"{}\"]", posted.id);
    until(
        &client,
        "the queue item",
        &format!("return !!document.querySelector('{item}');"),
    )
    .await;
    let marked = until(
        &client,
        "a highlighted hit",
        &format!(
            "return Array.from(document.querySelectorAll('{item} mark[data-rule]')).map(m => m.textContent).join('');"
        ),
    )
    .await;
    assert!(
        marked.as_str().unwrap_or_default().contains("حمار"),
        "{marked}"
    );
    screenshot(&client, "2-console-queue").await;
    script(&client, &format!("document.querySelector('{item}').scrollIntoView(); document.activeElement && document.activeElement.blur();")).await;
    until(
        &client,
        "the item selected",
        &format!("const i = document.querySelector('{item}'); return i && i.getAttribute('aria-current') === 'true';"),
    )
    .await;
    press(&client, 'a').await;
    eventually("the comment was not approved by the key 'a'", || async {
        let c = raqib
            .state
            .store()
            .get_comment(posted.id)
            .await
            .unwrap()
            .unwrap();
        c.status == Status::Approved
    })
    .await;
    screenshot(&client, "3-console-after-approve").await;

    // A comment with markup in it, approved through the API: shown as text, runs nothing.
    let hostile =
        "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> نص عادي";
    let comment = stored_comment("<b>متسلل</b>", hostile, Status::Approved);
    raqib.state.store().insert_comment(comment).await.unwrap();
    raqib.state.pages().invalidate();

    // The reader reloads: the approved comment is there, right to left; the hostile one
    // is plain text.
    client.goto(&format!("{base}/")).await.unwrap();
    let shown_after = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             (function poll() { if (document.querySelectorAll('[data-raqib=comment]').length >= 2) \
             done(performance.now()); else requestAnimationFrame(poll); })();",
            vec![],
        )
        .await
        .unwrap();
    eprintln!(
        "demo page: comments shown {:.0} ms after navigation started",
        shown_after.as_f64().unwrap_or(-1.0)
    );
    let direction = client
        .execute(
            &format!("return getComputedStyle(document.querySelector('[data-raqib=comment][data-id=\"{}\"]')).direction;", posted.id),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(direction, json!("rtl"));
    let page_text = script(
        &client,
        "return document.getElementById('raqib-comments').textContent;",
    )
    .await;
    let page_text = page_text.as_str().unwrap_or_default();
    assert!(
        page_text.contains("انتبه للأرقام"),
        "the approved comment is shown"
    );
    assert!(
        page_text.contains("<script>window.__pwned=1</script>"),
        "markup shown as text"
    );
    assert!(page_text.contains("<b>متسلل</b>"), "names too");
    let pwned = script(&client, "return window.__pwned === undefined;").await;
    assert_eq!(pwned, json!(true), "nothing from a comment ran");
    let injected = script(&client, "return document.querySelectorAll('#raqib-comments script, #raqib-comments img[src=x], #raqib-comments b').length;").await;
    assert_eq!(injected, json!(0));
    screenshot(&client, "4-demo-with-comments").await;

    // An admin adds a word; the next comment with it is held and flagged in the console.
    log_in(&client, &format!("{base}/admin"), "adel").await;
    fill_term_form(&client, "قرقوش", "insult", "3").await;
    click(&client, "[data-raqib=term-form] [type=submit]").await;
    eventually("the admin page did not add the term", || async {
        has_live_term(&raqib.state, "قرقوش").await
    })
    .await;
    screenshot(&client, "5-admin-after-adding").await;
    client
        .execute("try { localStorage.clear(); } catch (e) {}", vec![])
        .await
        .ok();

    let status = post_through_widget(&client, &base, "سالم", "هذا القرقوش لا يعرف شيئاً").await;
    assert!(status.contains("بانتظار المراجعة"), "{status}");
    let flagged = newest_comment(&raqib.state, "لا يعرف شيئاً").await;
    assert_eq!(flagged.class, Class::Hold, "{}", flagged.hits);
    log_in(&client, &format!("{base}/moderate"), "mona").await;
    let item = format!("[data-raqib=item][data-id=\"{}\"]", flagged.id);
    let rule = until(
        &client,
        "the new word flagged in the console",
        &format!("const m = document.querySelector('{item} mark[data-rule]'); return m && m.getAttribute('data-rule');"),
    )
    .await;
    assert_eq!(rule, json!("list:admin:قرقوش"));
    let class = script(
        &client,
        &format!("return document.querySelector('{item}').getAttribute('data-class');"),
    )
    .await;
    assert_eq!(class, json!("hold"));
    screenshot(&client, "6-console-flagged").await;
    client.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_works_with_javascript_off() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let client = browser(&driver, false).await;
    // JavaScript is really off: the demo page's widget never draws its form.
    client.goto(&format!("{}/", raqib.base)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let widget = client
        .find_all(Locator::Css("#raqib-comments [data-raqib=form]"))
        .await
        .unwrap();
    assert!(widget.is_empty(), "page scripts ran");
    client
        .goto(&format!(
            "{}/embed/frame?article=demo%2Fwelcome",
            raqib.base
        ))
        .await
        .unwrap();
    fill(&client, "form[data-raqib=form] [name=name]", "ريم").await;
    fill(
        &client,
        "form[data-raqib=form] [name=email]",
        "reem@example.com",
    )
    .await;
    fill(
        &client,
        "form[data-raqib=form] [name=body]",
        "تعليق من صفحة بلا جافاسكربت",
    )
    .await;
    fill(
        &client,
        "form[data-raqib=form] [name=captcha_answer]",
        KNOWN_ANSWER,
    )
    .await;
    screenshot(&client, "7-frame-form").await;
    click(&client, "form[data-raqib=form] [data-raqib=submit]").await;
    let status = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-raqib=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("بانتظار المراجعة"), "{status}");
    screenshot(&client, "8-frame-result").await;
    let stored = newest_comment(&raqib.state, "بلا جافاسكربت").await;
    assert_eq!(stored.status, Status::Pending);
    client.close().await.ok();
}

/// Fills the admin page's term form (term, category, weight) without submitting it.
async fn fill_term_form(client: &Client, term: &str, category: &str, weight: &str) {
    fill(client, "[data-raqib=term-form] [name=term]", term).await;
    client
        .execute(
            "const c = document.querySelector('[data-raqib=term-form] [name=category]'); \
             c.value = arguments[0]; \
             c.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(category)],
        )
        .await
        .unwrap();
    fill(client, "[data-raqib=term-form] [name=weight]", weight).await;
}

/// The filter version in force, as the database has it.
async fn live_filter(state: &AppState) -> raqib::store::filters::FilterState {
    state
        .store()
        .filter_state(None)
        .await
        .unwrap()
        .expect("a filter version")
}

/// The live filter has the term.
async fn has_live_term(state: &AppState, term: &str) -> bool {
    live_filter(state)
        .await
        .terms
        .iter()
        .any(|t| t.term == term)
}

/// Runs a script in the page and returns its value.
async fn script(client: &Client, js: &str) -> Value {
    client.execute(js, vec![]).await.unwrap()
}

async fn click(client: &Client, css: &str) {
    let element = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    let started = Instant::now();
    while !element.is_displayed().await.unwrap_or(false)
        || !element.is_enabled().await.unwrap_or(false)
    {
        assert!(started.elapsed() < WAIT, "{css} never became clickable");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Stores a comment and has a moderator decide it, as the back-test's ground truth.
async fn decided(state: &AppState, body: &str, to: Status) -> i64 {
    let verdict = state.live_filter().filter().check(
        &raqib::filter::Input {
            body,
            ..Default::default()
        },
        &Default::default(),
    );
    let id = state
        .store()
        .insert_comment(raqib::domain::NewComment {
            class: verdict.class,
            score: f64::from(verdict.score),
            hits: serde_json::to_string(&verdict.hits).unwrap(),
            ..stored_comment("قارئ", body, Status::Pending)
        })
        .await
        .unwrap();
    let outcome = decide::decide(
        state,
        decide::Request {
            id,
            action: match to {
                Status::Spam => decide::Action::Spam,
                Status::Rejected => decide::Action::Reject,
                _ => decide::Action::Approve,
            },
            expected: None,
            actor: "mona".into(),
            reason: None,
            note: None,
            override_claim: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome, decide::Decided::Done);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_back_tests_a_staged_word_applies_it_restores_and_reads_statistics() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    decided(&raqib.state, "أكلت قرقوش في طفولتي", Status::Approved).await;
    decided(&raqib.state, "اشتروا قرقوش من عندنا", Status::Spam).await;
    decided(&raqib.state, "اسكت يا حمار", Status::Rejected).await;
    let seed = raqib.state.live_filter().version();
    let client = browser(&driver, true).await;
    log_in(&client, &format!("{base}/admin"), "adel").await;

    // Stage a word instead of saving it, and back-test it.
    fill_term_form(&client, "قرقوش", "spam_phrase", "7").await;
    click(&client, "[data-raqib=term-form] [data-action=stage]").await;
    click(&client, "[data-tab=proposal]").await;
    click(&client, "[data-raqib=backtest-form] button[type=submit]").await;
    let flagged = until(
        &client,
        "the back-test report",
        "const b = document.querySelector('[data-raqib=newly-flagged-approved]'); return b && b.getAttribute('data-count');",
    )
    .await;
    assert_eq!(flagged, json!("1"), "the childhood memory would be flagged");
    screenshot(&client, "9-admin-backtest").await;
    assert_eq!(
        raqib.state.store().current_filter_version().await.unwrap(),
        Some(seed),
        "nothing saved yet"
    );

    // Apply it anyway, then roll back to the seed version.
    click(&client, "[data-raqib=proposal-apply]").await;
    click(&client, "[data-raqib=confirm-yes]").await;
    eventually("the staged word was not applied", || async {
        has_live_term(&raqib.state, "قرقوش").await
    })
    .await;
    click(&client, "[data-tab=versions]").await;
    click(
        &client,
        &format!("[data-action=restore][data-version=\"{seed}\"]"),
    )
    .await;
    click(&client, "[data-raqib=confirm-yes]").await;
    eventually("the restore did not happen", || async {
        let live = live_filter(&raqib.state).await;
        live.version > seed + 1 && !live.terms.iter().any(|t| t.term == "قرقوش")
    })
    .await;
    screenshot(&client, "10-admin-versions").await;

    // Statistics list what fired on stored comments.
    click(&client, "[data-tab=stats]").await;
    let rules = until(
        &client,
        "the statistics",
        "return Array.from(document.querySelectorAll('[data-raqib=stat]')).map(r => r.getAttribute('data-rule')).join(' ');",
    )
    .await;
    assert!(
        rules.as_str().unwrap_or_default().contains(":حمار"),
        "{rules}"
    );
    screenshot(&client, "11-admin-stats").await;
    client.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleagues_earlier_decision_is_shown_kindly_in_the_console() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let id = raqib
        .state
        .store()
        .insert_comment(stored_comment("قارئ", "تعليق ينتظر", Status::Pending))
        .await
        .unwrap();
    let client = browser(&driver, true).await;
    log_in(&client, &format!("{base}/moderate"), "mona").await;
    let item = format!("[data-raqib=item][data-id=\"{id}\"]");
    until(
        &client,
        "the item selected",
        &format!("const i = document.querySelector('{item}'); return i && i.getAttribute('aria-current') === 'true';"),
    )
    .await;
    // Claiming a batch from the console leases it to this moderator.
    click(&client, "[data-raqib=claim]").await;
    eventually("the console's claim did not reach the database", || async {
        let items = raqib.state.store().queue_items(&[id]).await.unwrap();
        items.first().and_then(|i| i.claim_holder.as_deref()) == Some("mona")
    })
    .await;
    // The console shows the claimed batch (its list is loaded after the claim is stored;
    // a colleague deciding before that load would empty the batch instead).
    until(
        &client,
        "the claimed batch shown with the item selected",
        &format!("const b = document.querySelector('[data-raqib=batch]'); const i = document.querySelector('{item}'); return b && !b.hidden && i && i.getAttribute('aria-current') === 'true';"),
    )
    .await;
    // A colleague rejects it meanwhile.
    decide::decide(
        &raqib.state,
        decide::Request {
            id,
            action: decide::Action::Reject,
            expected: None,
            actor: "sami".into(),
            reason: None,
            note: None,
            override_claim: true,
        },
    )
    .await
    .unwrap();
    script(
        &client,
        "document.activeElement && document.activeElement.blur();",
    )
    .await;
    press(&client, 'a').await;
    let status = until(
        &client,
        "the item updated to the colleague's decision",
        &format!("const i = document.querySelector('{item}'); return i && i.getAttribute('data-status') === 'rejected' && i.getAttribute('data-status');"),
    )
    .await;
    assert_eq!(status, json!("rejected"));
    let toast = until(
        &client,
        "a message about it",
        "const t = document.querySelector('[data-raqib=toast]'); return t && t.textContent.trim();",
    )
    .await;
    eprintln!("console says: {toast}");
    screenshot(&client, "12-console-conflict").await;
    let stored = raqib.state.store().get_comment(id).await.unwrap().unwrap();
    assert_eq!(
        stored.status,
        Status::Rejected,
        "the colleague's decision stands"
    );
    client.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_account_chooses_its_password_before_the_queue_opens() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    raqib
        .state
        .store()
        .create_user(NewUser {
            username: "nour".into(),
            password_hash: passwords::hash(PASSWORD).unwrap(),
            role: Role::Moderator,
            must_change_password: true,
            now: raqib::store::now_ms(),
        })
        .await
        .unwrap();
    let client = browser(&driver, true).await;
    log_in(&client, &format!("{}/moderate", raqib.base), "nour").await;
    until(
        &client,
        "the forced password form",
        "const f = document.querySelector('[data-raqib=password-forced]'); return f && !f.hidden;",
    )
    .await;
    screenshot(&client, "13-console-new-password").await;
    let new_password = "a brand new long password 2026";
    fill(&client, "[data-raqib=password] [name=current]", PASSWORD).await;
    fill(&client, "[data-raqib=password] [name=new]", new_password).await;
    fill(
        &client,
        "[data-raqib=password] [name=confirm]",
        new_password,
    )
    .await;
    click(&client, "[data-raqib=password] [type=submit]").await;
    eventually("the new password was not taken", || async {
        let user = raqib
            .state
            .store()
            .user_by_name("nour")
            .await
            .unwrap()
            .unwrap();
        !user.must_change_password
    })
    .await;
    client.close().await.ok();
}

/// A newer release's word lists offered to an admin who has tuned the filter: shown under
/// Versions, back-tested, promoted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_back_tests_and_promotes_an_offered_change() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    decided(&raqib.state, "اشتروا زعرور من عندنا", Status::Spam).await;
    let proposal =
        json!({"add_terms": [{"term": "زعرور", "category": "spam_phrase", "weight": 7}]});
    let id = raqib
        .state
        .store()
        .add_filter_candidate(raqib::store::candidates::NewCandidate {
            now: raqib::store::now_ms(),
            source: "shipped".into(),
            fingerprint: "browser-test".into(),
            base_version: raqib.state.live_filter().version(),
            summary: "shipped word lists: 1 terms added".into(),
            proposal,
            status: "open".into(),
            decided_by: None,
            version: None,
            report: None,
        })
        .await
        .unwrap()
        .unwrap();
    let client = browser(&driver, true).await;
    log_in(&client, &format!("{}/admin", raqib.base), "adel").await;
    click(&client, "[data-tab=versions]").await;
    let card = format!("[data-raqib=candidate][data-id='{id}']");
    click(&client, &format!("{card} [data-action=backtest]")).await;
    until(
        &client,
        "the candidate's back-test",
        &format!("return !!document.querySelector(\"{card} [data-raqib=quality]\");"),
    )
    .await;
    screenshot(&client, "14-admin-candidate").await;
    assert!(
        !has_live_term(&raqib.state, "زعرور").await,
        "nothing applied yet"
    );
    click(&client, &format!("{card} [data-action=promote]")).await;
    click(&client, "[data-raqib=confirm-yes]").await;
    eventually("the promoted term is not live", || async {
        has_live_term(&raqib.state, "زعرور").await
    })
    .await;
    until(
        &client,
        "the card says promoted",
        &format!("const c = document.querySelector(\"{card}\"); return c && c.getAttribute('data-status') === 'promoted';"),
    )
    .await;
    client.close().await.ok();
}
