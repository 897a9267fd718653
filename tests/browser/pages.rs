//! Every page at desktop and phone sizes, in Arabic and English: no serious or critical
//! accessibility violation by axe-core (the npm package, injected into the page), nothing
//! wider than the screen, a header that leaves a phone most of its screen, and a
//! screenshot of each. With `RAQIB_PAGE_SCREENSHOTS=DIR` the screenshots go to DIR too (the
//! README's "The pages" links `docs/pages/`, made by `bash docs/pages.sh`).
//!
//! axe-core comes from npm (`.ci/run` installs it into `node_modules/`); without it these
//! checks skip loudly outside CI and fail in CI, like the browser itself.

use super::*;

/// Sizes: a laptop and a phone (CSS pixels).
const SIZES: [(&str, u32, u32); 2] = [("desktop", 1366, 900), ("phone", 390, 844)];

fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) if in_ci() => panic!(
            "axe-core is required in CI at {} (.ci/run installs it with npm)",
            path.display()
        ),
        Err(_) => {
            eprintln!(
                "\n!!! SKIPPED: axe-core not installed ({}); run `npm install --no-save --no-package-lock axe-core@4`\n",
                path.display()
            );
            None
        }
    }
}

/// The serious and critical violations axe-core finds on the page as it is now.
async fn violations(client: &Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("axe-core loads");
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(r => done(
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))
             ), e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    serde_json::from_value(found).unwrap_or_default()
}

/// Layout faults on a phone: anything wider than the screen, a tap target under 44 px,
/// a header taller than a quarter of it.
pub(super) async fn layout_faults(client: &Client, header: &str) -> Vec<String> {
    let found = script(
        client,
        &format!(
            "const w = window.innerWidth, h = window.innerHeight, out = [];
             const wide = document.documentElement.scrollWidth;
             if (wide > w + 1) {{
               // Name the outermost elements that stick out, to say what to fix.
               const out_of = [...document.querySelectorAll('body *')].filter(e => {{
                 const r = e.getBoundingClientRect();
                 return r.width > 0 && (r.right > w + 1 || r.left < -1);
               }}).slice(-4);
               out.push('page ' + wide + ' px wide in a ' + w + ' px screen: ' +
                 out_of.slice(0, 4).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + '[' + (e.getAttribute('data-raqib') || '') + '] ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right)).join(', '));
             }}
             // Tap targets: 44 px on a phone. A box or radio counts by its label; one
             // without a label may be 24 px with the room around it (WCAG 2.5.8).
             const boxy = e => e.type === 'checkbox' || e.type === 'radio';
             const small = [...document.querySelectorAll('button, select, textarea, summary, input:not([type=hidden]), a.raqib-button')]
               .map(e => boxy(e) && e.closest('label') ? e.closest('label') : e)
               .filter(e => {{
                 const r = e.getBoundingClientRect();
                 if (!e.getClientRects().length || r.width === 0 || e.closest('[hidden], dialog:not([open]), .raqib-hp, [aria-hidden=true]')) return false;
                 const least = boxy(e) ? 23.5 : 43.5;
                 return r.height < least || r.width < least;
               }})
               .slice(0, 6);
             if (small.length)
               out.push('tap targets under 44 px: ' + small.map(e => e.tagName.toLowerCase() + '[' + (e.getAttribute('data-raqib') || e.getAttribute('name') || e.getAttribute('data-op') || e.getAttribute('data-tab') || '') + '] ' + Math.round(e.getBoundingClientRect().width) + 'x' + Math.round(e.getBoundingClientRect().height)).join(', '));
             const head = document.querySelector('{header}');
             if (head && head.getBoundingClientRect().height > h / 4)
               out.push('header ' + Math.round(head.getBoundingClientRect().height) + ' px of ' + h);
             return out;"
        ),
    )
    .await;
    serde_json::from_value(found).unwrap_or_default()
}

/// Latin words left on an Arabic page: text shown to a reader that is not an isolated
/// left-to-right name, address, code or pattern (`bdi`, `code`, `kbd`, `[dir=ltr]`,
/// `[lang=en]`, form fields, or a run between the isolate marks U+2066 … U+2069).
async fn english_left(client: &Client) -> Vec<String> {
    let found = script(
        client,
        "const out = [];
         const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
         for (let n = walker.nextNode(); n; n = walker.nextNode()) {
           const e = n.parentElement;
           if (!e || e.closest('bdi, code, kbd, script, style, noscript, textarea, select, [dir=ltr], [lang=en], [hidden], dialog:not([open])')) continue;
           if (!e.getClientRects().length) continue;
           const text = n.textContent.replace(/\\u2066[^\\u2069]*\\u2069/g, '');
           const latin = text.match(/[A-Za-z]{2,}/g);
           if (latin) out.push(e.tagName.toLowerCase() + ': ' + text.trim().slice(0, 80));
         }
         return out.slice(0, 10);",
    )
    .await;
    serde_json::from_value(found).unwrap_or_default()
}

async fn saved(client: &Client, name: &str) {
    screenshot(client, name).await;
    // docs/pages keeps the pages and the console's dialogs, not every admin tab.
    let kept = name.starts_with("page-");
    if let Some(dir) = std::env::var_os("RAQIB_PAGE_SCREENSHOTS").filter(|_| kept) {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_accessible_and_fits_a_phone_in_both_languages() {
    let Some(driver) = start_driver() else { return };
    let Some(axe) = axe_source() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let store = raqib.state.store();
    for body in ["تعليق منشور للعرض", "رأي آخر في الخبر"] {
        let id = store
            .insert_comment(stored_comment("قارئ", body, Status::Approved))
            .await
            .unwrap();
        store
            .insert_comment(raqib::domain::NewComment {
                parent: Some(id),
                ..stored_comment("قارئة", "رد على التعليق", Status::Approved)
            })
            .await
            .unwrap();
    }
    // Held, with the hits the filter gives it, so that the reasons are on screen too.
    let held = "يا حمار تعليق ينتظر";
    let verdict = raqib.state.live_filter().filter().check(
        &raqib::filter::Input {
            body: held,
            ..Default::default()
        },
        &Default::default(),
    );
    store
        .insert_comment(raqib::domain::NewComment {
            class: verdict.class,
            hits: serde_json::to_string(&verdict.hits).unwrap(),
            ..stored_comment("قارئ", held, Status::Pending)
        })
        .await
        .unwrap();
    // A ban, for the bans screen.
    raqib::moderation::ban::add(
        &raqib.state,
        raqib::moderation::ban::Request {
            comment_id: None,
            email: Some("troll@example.com".into()),
            domain: None,
            ip: None,
            author_address: false,
            whole_network: false,
            reason: Some("إعلانات متكررة".into()),
            expires_in_days: Some(30),
            address_expires_in_days: None,
            mark_pending_spam: false,
            sweep_ids: None,
            actor: "mona".into(),
        },
    )
    .await
    .unwrap();
    raqib.state.pages().invalidate();
    let client = browser(&driver, true).await;
    let mut faults = Vec::new();
    for lang in ["ar", "en"] {
        for (size, width, height) in SIZES {
            client.set_window_size(width, height).await.unwrap();
            let shot = |page: &str| format!("page-{page}-{lang}-{size}");
            // The widget on the demo article.
            client.goto(&format!("{base}/?lang={lang}")).await.unwrap();
            until(
                &client,
                "the widget's comments",
                "return document.querySelectorAll('[data-raqib=comment]').length;",
            )
            .await;
            check(&client, &axe, &shot("widget"), "header", size, &mut faults).await;
            // The frame.
            client
                .goto(&format!(
                    "{base}/embed/frame?article=demo%2Fwelcome&lang={lang}"
                ))
                .await
                .unwrap();
            check(&client, &axe, &shot("frame"), "h2", size, &mut faults).await;
            // The console and the admin page, signed in, in the language chosen there.
            for (page, user, ready) in [
                ("moderate", "mona", "[data-raqib=item]"),
                ("admin", "adel", "[data-raqib=app]:not([hidden])"),
            ] {
                log_in(&client, &format!("{base}/{page}"), user).await;
                until(
                    &client,
                    "the signed-in page",
                    &format!("return !!document.querySelector('{ready}');"),
                )
                .await;
                script(
                    &client,
                    &format!(
                        "if (document.documentElement.lang !== '{lang}') document.querySelector('[data-raqib=lang]').click();"
                    ),
                )
                .await;
                check(&client, &axe, &shot(page), ".topbar", size, &mut faults).await;
                if page == "moderate" {
                    console_dialogs(&client, &axe, &shot, size, &mut faults).await;
                } else {
                    for tab in ADMIN_TABS {
                        click(&client, &format!("[data-tab={tab}]")).await;
                        // Taken, not kept in docs/pages (see `saved`).
                        let name = shot(&format!("admin-{tab}")).replacen("page-", "tab-", 1);
                        check(&client, &axe, &name, ".topbar", size, &mut faults).await;
                    }
                }
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    client.close().await.ok();
}

/// The admin page's tabs after the first.
const ADMIN_TABS: [&str; 7] = [
    "rules", "settings", "test", "proposal", "versions", "stats", "users",
];

/// The console's ban dialog (with its preview) and bans screen, checked like a page.
async fn console_dialogs(
    client: &Client,
    axe: &str,
    shot: &dyn Fn(&str) -> String,
    size: &str,
    faults: &mut Vec<String>,
) {
    click(client, "[data-raqib=item] [data-op=ban]").await;
    until(
        client,
        "the ban preview",
        "const d = document.querySelector('[data-raqib=ban-dialog]'); return d && d.getAttribute('data-ready') === 'true';",
    )
    .await;
    check(client, axe, &shot("moderate-ban"), ".topbar", size, faults).await;
    // Back to the top: the view buttons sit under the sticky header once scrolled.
    script(
        client,
        "document.querySelector('[data-raqib=ban-dialog]').close(); window.scrollTo(0, 0);",
    )
    .await;
    click(client, "[data-raqib=show-bans]").await;
    until(
        client,
        "the bans screen",
        "return document.querySelectorAll('[data-raqib=ban-item]').length;",
    )
    .await;
    check(client, axe, &shot("moderate-bans"), ".topbar", size, faults).await;
    script(client, "window.scrollTo(0, 0);").await;
    click(client, "[data-raqib=show-queue]").await;
}

async fn check(
    client: &Client,
    axe: &str,
    name: &str,
    header: &str,
    size: &str,
    faults: &mut Vec<String>,
) {
    saved(client, name).await;
    for v in violations(client, axe).await {
        faults.push(format!("{name}: {v}"));
    }
    if name.contains("-ar-") {
        for text in english_left(client).await {
            faults.push(format!("{name}: English on an Arabic screen: {text}"));
        }
    }
    if size == "phone" {
        for f in layout_faults(client, header).await {
            faults.push(format!("{name}: {f}"));
        }
    }
}
