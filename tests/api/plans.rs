//! Every query a request runs on comments goes through an index: the plan of each (the
//! queue in each shape, its search, the claims, an article's thread, the dashboard), on
//! both backends, reads no whole `comment` table.

use crate::support::TestApp;

both!(no_request_reads_every_comment);

async fn no_request_reads_every_comment(app: TestApp) {
    // A few rows, so neither planner reasons about an empty table.
    for text in ["تعليق أول عن المنتخب", "تعليق ثان", "Third comment"] {
        app.submit_ok("/news/a", text).await;
    }
    let plans = app.store().request_plans().await.expect("plans");
    assert!(plans.len() >= 15, "{plans:#?}");
    let scanning: Vec<_> = plans.iter().filter(|p| p.scans_comments()).collect();
    assert!(scanning.is_empty(), "full scans of comment: {scanning:#?}");
}
