//! The site's learned models by content hash (the [`ModelStore`] part of the store): a
//! retraining writes each model once, and filter versions name them in their settings.

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::backend::Backend;
use super::conn::Conn;
use super::error::{StoreError, StoreResult};

/// Stored models (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait ModelStore: Send + Sync {
    /// Keeps a model file under its hash (nothing happens when that hash is stored).
    async fn put_model(
        &self,
        hash: String,
        family: &'static str,
        bytes: Vec<u8>,
        detail: serde_json::Value,
        now: i64,
    ) -> StoreResult<()>;
    /// The model file of `hash`.
    async fn model_bytes(&self, hash: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Whether a model with this hash is stored (without reading its bytes).
    async fn has_model(&self, hash: &str) -> StoreResult<bool>;
    /// Deletes models stored before `before` that no filter version and no open candidate
    /// names (retrainings nobody promoted); returns how many.
    async fn forget_unused_models(&self, before: i64) -> StoreResult<u64>;
}

#[async_trait]
impl<B: Backend> ModelStore for B {
    async fn put_model(
        &self,
        hash: String,
        family: &'static str,
        bytes: Vec<u8>,
        detail: serde_json::Value,
        now: i64,
    ) -> StoreResult<()> {
        let sql = "insert into filter_model (hash, family, bytes, created_at, detail) \
                   values ($1, $2, $3, $4, $5) on conflict (hash) do nothing";
        let args = vec![
            hash.into(),
            family.into(),
            STANDARD.encode(bytes).into(),
            now.into(),
            detail.to_string().into(),
        ];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(())
    }

    async fn forget_unused_models(&self, before: i64) -> StoreResult<u64> {
        let sql = "delete from filter_model where created_at < $1 \
                   and not exists (select 1 from filter_version v where v.settings like '%' || filter_model.hash || '%') \
                   and not exists (select 1 from filter_candidate c where c.status = 'open' \
                                   and c.proposal like '%' || filter_model.hash || '%')";
        let args = vec![before.into()];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await
    }

    async fn has_model(&self, hash: &str) -> StoreResult<bool> {
        let sql = "select 1 from filter_model where hash = $1";
        self.reader().await?.exists(sql, vec![hash.into()]).await
    }

    async fn model_bytes(&self, hash: &str) -> StoreResult<Option<Vec<u8>>> {
        let sql = "select bytes from filter_model where hash = $1";
        let row: Option<(String,)> = self
            .reader()
            .await?
            .optional(sql, vec![hash.into()])
            .await?;
        row.map(|(text,)| {
            STANDARD
                .decode(text)
                .map_err(|e| StoreError::Database(format!("model {hash}: {e}")))
        })
        .transpose()
    }
}
