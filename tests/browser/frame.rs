//! The no-JavaScript frame as a reader meets it, in Arabic and English, on a laptop and a
//! phone: styled like the widget, a missing field marked invalid with its message in the
//! reader's language, the security code switched to a question in words, and the comment
//! accepted with everything typed kept across the switch.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_without_javascript_in_both_languages_and_sizes() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let client = browser(&driver, false).await;
    let views = [
        ("ar", "desktop", 1366, 900),
        ("ar", "phone", 390, 844),
        ("en", "desktop", 1366, 900),
        ("en", "phone", 390, 844),
    ];
    for (lang, size, width, height) in views {
        let ar = lang == "ar";
        client.set_window_size(width, height).await.unwrap();
        client
            .goto(&format!(
                "{base}/embed/frame?article=demo%2Fwelcome&lang={lang}"
            ))
            .await
            .unwrap();
        // Styled: the stylesheet reaches the server-rendered classes.
        let styled = script(
            &client,
            "const b = getComputedStyle(document.querySelector('[data-raqib=submit]')); \
             return b.backgroundColor !== 'rgba(0, 0, 0, 0)' && parseFloat(b.minHeight) >= 44;",
        )
        .await;
        assert_eq!(styled, json!(true), "the frame is styled ({lang} {size})");

        // Nothing typed: the name is marked invalid, with its message in the language.
        click(&client, "[data-raqib=submit]").await;
        let name_error = until(
            &client,
            "the name's error",
            "const n = document.querySelector('[name=name]'); \
             return n && n.getAttribute('aria-invalid') === 'true' && \
               document.getElementById(n.getAttribute('aria-describedby')).textContent;",
        )
        .await;
        let required = if ar {
            "حقل إجباري"
        } else {
            "is required"
        };
        assert!(
            name_error.as_str().unwrap().contains(required),
            "{lang}: {name_error}"
        );
        screenshot(&client, &format!("19-frame-errors-{lang}-{size}")).await;

        // The question in words instead of the picture, what was typed kept.
        fill(&client, "[name=body]", "تعليق من الإطار بلا سكربت").await;
        click(&client, "[data-raqib=captcha-kind]").await;
        let question = until(
            &client,
            "the question in words",
            "const q = document.querySelector('[data-raqib=captcha-question]'); \
             return q && !document.querySelector('[data-raqib=captcha-image]') && q.textContent;",
        )
        .await;
        let question = question.as_str().unwrap();
        let in_arabic = question
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        let in_english = question.chars().any(|c| c.is_ascii_alphabetic());
        assert!(
            if ar { in_arabic } else { in_english },
            "{lang}: {question}"
        );
        let kept = script(
            &client,
            "return document.querySelector('[name=body]').value;",
        )
        .await;
        assert_eq!(kept, json!("تعليق من الإطار بلا سكربت"));
        if size == "phone" {
            let faults = super::pages::layout_faults(&client, "h2").await;
            assert!(faults.is_empty(), "{lang} phone: {faults:?}");
        }

        // And back to the picture, whose answer the tests know.
        click(&client, "[data-raqib=captcha-kind]").await;
        until(
            &client,
            "the picture again",
            "return !!document.querySelector('[data-raqib=captcha-image]');",
        )
        .await;
        fill(&client, "[name=name]", "ريم").await;
        fill(&client, "[name=email]", "reem@example.com").await;
        fill(&client, "[name=captcha_answer]", KNOWN_ANSWER).await;
        click(&client, "[data-raqib=submit]").await;
        let status = until(
            &client,
            "the comment accepted",
            "const s = document.querySelector('[data-raqib=status].raqib-ok'); return s && s.textContent;",
        )
        .await;
        let awaiting = if ar {
            "بانتظار المراجعة"
        } else {
            "awaits moderation"
        };
        assert!(status.as_str().unwrap().contains(awaiting), "{status}");
        screenshot(&client, &format!("19-frame-sent-{lang}-{size}")).await;
    }
    client.close().await.ok();
}
