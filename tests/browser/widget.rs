//! The widget as a reader meets it: their own comment awaiting review stays visible to
//! them after a reload, the focus goes to the result, a reply form opens under the
//! comment it answers, the security code shows only when the server asks for one, and a
//! closed article shows that comments are closed instead of the form.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readers_pending_comment_stays_in_sight_and_a_reply_opens_under_its_comment() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let client = browser(&driver, true).await;
    let published = raqib
        .state
        .store()
        .insert_comment(stored_comment("قارئ", "تعليق منشور", Status::Approved))
        .await
        .unwrap();
    raqib.state.pages().invalidate();
    let status = post_through_widget(&client, &base, "أبو فهد", "تعليقي الذي ينتظر").await;
    assert!(status.contains("بانتظار المراجعة"), "{status}");
    let focused = script(
        &client,
        "return document.activeElement && document.activeElement.getAttribute('data-raqib');",
    )
    .await;
    assert_eq!(focused, json!("status"), "the focus is on the result");
    let own =
        "const o = document.querySelector('[data-raqib=own-pending]'); return o && o.textContent;";
    let shown = until(&client, "the pending comment shown to its author", own).await;
    assert!(shown.as_str().unwrap().contains("تعليقي الذي ينتظر"));
    client.refresh().await.unwrap();
    let after_reload = until(&client, "still shown after a reload", own).await;
    assert!(
        after_reload.as_str().unwrap().contains("بانتظار المراجعة"),
        "{after_reload}"
    );
    screenshot(&client, "17-widget-own-pending").await;

    // Published: it is an ordinary comment now, and no longer "awaiting".
    let mine = newest_comment(&raqib.state, "تعليقي الذي ينتظر").await;
    raqib.approve_for_test(mine.id).await;
    client.refresh().await.unwrap();
    until(
        &client,
        "the published comment in the list",
        &format!(
            "return !!document.querySelector('[data-raqib=comment][data-id=\"{}\"]');",
            mine.id
        ),
    )
    .await;
    let still_own = script(
        &client,
        "return document.querySelectorAll('[data-raqib=own-pending]').length;",
    )
    .await;
    assert_eq!(still_own, json!(0));

    // «رد» opens the form under the comment it answers.
    let item = format!("[data-raqib=comment][data-id=\"{published}\"]");
    click(&client, &format!("{item} [data-raqib=reply]")).await;
    let inside = script(
        &client,
        &format!("return !!document.querySelector('{item} [data-raqib=form]');"),
    )
    .await;
    assert_eq!(inside, json!(true), "the reply form is under the comment");
    click(&client, "[data-raqib=reply-cancel]").await;
    let back = script(
        &client,
        &format!("return !document.querySelector('{item} [data-raqib=form]');"),
    )
    .await;
    assert_eq!(back, json!(true));

    // The same in English on a phone.
    client.set_window_size(390, 844).await.unwrap();
    client.goto(&format!("{base}/?lang=en")).await.unwrap();
    fill(&client, "[data-raqib=form] [name=name]", "Sam").await;
    fill(&client, "[data-raqib=form] [name=email]", "sam@example.com").await;
    fill(
        &client,
        "[data-raqib=form] [name=body]",
        "My comment in English",
    )
    .await;
    click(&client, "[data-raqib=form] [name=captcha_answer]").await;
    code_loaded(&client).await;
    fill(
        &client,
        "[data-raqib=form] [name=captcha_answer]",
        KNOWN_ANSWER,
    )
    .await;
    click(&client, "[data-raqib=form] [data-raqib=submit]").await;
    let status = until(
        &client,
        "the answer in English",
        "const s = document.querySelector('[data-raqib=status]'); return s && s.textContent.trim();",
    )
    .await;
    assert!(
        status.as_str().unwrap().contains("awaits moderation"),
        "{status}"
    );
    let focused = script(
        &client,
        "return document.activeElement && document.activeElement.getAttribute('data-raqib');",
    )
    .await;
    assert_eq!(
        focused,
        json!("status"),
        "the focus is on the result here too"
    );
    client.refresh().await.unwrap();
    let kept = until(
        &client,
        "the pending comment after a reload, in English",
        "const o = [...document.querySelectorAll('[data-raqib=own-pending]')].find(o => o.textContent.includes('My comment')); return o && o.textContent;",
    )
    .await;
    assert!(
        kept.as_str().unwrap().contains("Waiting for review"),
        "{kept}"
    );
    click(&client, &format!("{item} [data-raqib=reply]")).await;
    let inside = script(
        &client,
        &format!("return !!document.querySelector('{item} [data-raqib=form]');"),
    )
    .await;
    assert_eq!(
        inside,
        json!(true),
        "the reply form is under the comment on a phone too"
    );
    screenshot(&client, "17-widget-own-pending-en-phone").await;
    client.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_code_when_none_is_asked_and_no_form_on_a_closed_article() {
    let Some(driver) = start_driver() else { return };
    let app = TestApp::sqlite_with(|config| {
        config.captcha.mode = raqib::gates::captcha::Mode::Off;
    })
    .await;
    let base = app.serve().await;
    let client = browser(&driver, true).await;
    let views = [("ar", "desktop", 1366, 900), ("en", "phone", 390, 844)];
    for (lang, _, width, height) in views {
        client.set_window_size(width, height).await.unwrap();
        client.goto(&format!("{base}/?lang={lang}")).await.unwrap();
        until(
            &client,
            "the list loaded",
            "const s = document.querySelector('[data-raqib=list-status]'); return s && s.textContent.trim();",
        )
        .await;
        let captcha = script(
            &client,
            "const c = document.querySelector('[data-raqib=captcha]'); return c && c.hidden;",
        )
        .await;
        assert_eq!(
            captcha,
            json!(true),
            "no security code when the server asks none ({lang})"
        );
        fill(&client, "[data-raqib=form] [name=body]", "نص").await;
        let counter = script(
            &client,
            "return document.querySelector('[data-raqib=count]').textContent;",
        )
        .await;
        assert!(
            counter.as_str().unwrap().contains('/'),
            "a character counter: {counter}"
        );
    }

    app.store()
        .close_article("demo/welcome".into(), "mona".into(), raqib::store::now_ms())
        .await
        .unwrap();
    app.state.refresh_restrictions().await.unwrap();
    app.state.pages().invalidate();
    for (lang, size, width, height) in views {
        client.set_window_size(width, height).await.unwrap();
        client.goto(&format!("{base}/?lang={lang}")).await.unwrap();
        let closed = until(
            &client,
            "comments closed shown",
            "const n = document.querySelector('[data-raqib=closed]'); const f = document.querySelector('[data-raqib=form]'); return n && !n.hidden && f.hidden && n.textContent;",
        )
        .await;
        let word = if lang == "ar" { "مغلقة" } else { "closed" };
        assert!(closed.as_str().unwrap().contains(word), "{closed}");
        screenshot(&client, &format!("18-widget-closed-{lang}-{size}")).await;
    }
    client.close().await.ok();
}
