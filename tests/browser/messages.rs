//! What a person is told when something stands in the way: an embed on a site missing
//! from `allowed_origins` says so (not "cannot reach the server"), and a sign-in paused
//! after too many wrong passwords says why and until when. In Arabic and in English, on a
//! laptop and on a phone.

use super::*;

/// A news site on another origin (another port of 127.0.0.1) whose article page embeds
/// raqib from `raqib_base`, as an integrator would.
async fn host_page(raqib_base: &str, lang: &str) -> String {
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>news</title></head><body>\
         <h1>News</h1><div id=\"raqib-comments\" data-article=\"demo/welcome\"></div>\
         <script src=\"{raqib_base}/embed.js\" defer></script></body></html>"
    );
    let app = axum::Router::new().route(
        "/article",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::response::Html(page) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    format!("http://{address}/article")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_embed_and_a_paused_sign_in_say_what_happened() {
    let Some(driver) = start_driver() else { return };
    let app = TestApp::sqlite_with(|config| {
        config.allowed_origins = Vec::new();
        config.rate_limits.login_user = raqib::gates::ratelimit::Quota {
            per_minute: 1.0,
            burst: 2,
        };
    })
    .await;
    app.add_user("mona", Role::Moderator, PASSWORD).await;
    let base = app.serve().await;
    let client = browser(&driver, true).await;
    for (lang, size, width, height) in [("ar", "desktop", 1366, 900), ("en", "phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        let page = host_page(&base, lang).await;
        client.goto(&page).await.unwrap();
        let said = until(
            &client,
            "the widget's word on the refused origin",
            "const s = document.querySelector('[data-raqib=list-status]'); return s && s.textContent.includes('allowed_origins') && s.textContent;",
        )
        .await;
        let said = said.as_str().unwrap();
        let origin = page.trim_end_matches("/article");
        assert!(said.contains(origin), "names the site: {said}");
        assert!(
            if lang == "ar" {
                said.contains("لا يسمح")
            } else {
                said.contains("does not allow")
            },
            "{said}"
        );
        screenshot(&client, &format!("19-widget-origin-refused-{lang}-{size}")).await;

        // Wrong passwords until signing in pauses.
        client.goto(&format!("{base}/moderate")).await.unwrap();
        script(
            &client,
            &format!(
                "if (document.documentElement.lang !== '{lang}') document.querySelector('[data-raqib=lang]').click();"
            ),
        )
        .await;
        let (why, when) = if lang == "ar" {
            ("عنوانك", "أعد المحاولة بعد")
        } else {
            ("your address", "try again in")
        };
        let mut message = String::new();
        for _ in 0..4 {
            fill(&client, "[data-raqib=login] input[name=username]", "mona").await;
            fill(
                &client,
                "[data-raqib=login] input[name=password]",
                "not the password",
            )
            .await;
            click(&client, "[data-raqib=login] button[type=submit]").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            message = script(
                &client,
                "const e = document.querySelector('[data-raqib=login] [data-raqib=form-error]'); return e ? e.textContent : '';",
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_string();
            if message.contains(when) {
                break;
            }
        }
        assert!(
            message.contains(why) && message.contains(when),
            "says why and when: {message}"
        );
        screenshot(&client, &format!("20-console-sign-in-paused-{lang}-{size}")).await;
        client.delete_all_cookies().await.ok();
    }
    client.close().await.ok();
}
