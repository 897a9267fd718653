//! Closed articles: articles whose comment forms are closed. The [`Closures`] part of the
//! store.

use async_trait::async_trait;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;

/// Closing and reopening articles (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Closures: Send + Sync {
    async fn close_article(&self, article: String, by: String, now: i64) -> StoreResult<bool>;
    async fn reopen_article(&self, article: String) -> StoreResult<bool>;
    /// Every article whose comments are closed.
    async fn closed_articles(&self) -> StoreResult<Vec<String>>;
}

#[async_trait]
impl<B: Backend> Closures for B {
    async fn close_article(&self, article: String, by: String, now: i64) -> StoreResult<bool> {
        let sql = "insert into article_state (article, closed_at, closed_by) values ($1, $2, $3) on conflict (article) do nothing";
        let args = vec![article.into(), now.into(), by.into()];
        let done = self
            .write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(done == 1)
    }

    async fn reopen_article(&self, article: String) -> StoreResult<bool> {
        let sql = "delete from article_state where article = $1";
        let args = vec![article.into()];
        let done = self
            .write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(done == 1)
    }

    async fn closed_articles(&self) -> StoreResult<Vec<String>> {
        let sql = "select article from article_state";
        let rows: Vec<(String,)> = self.reader().await?.all(sql, vec![]).await?;
        Ok(rows.into_iter().map(|(article,)| article).collect())
    }
}
