/*
 * raqib admin/model.js: retraining the learned models from this site's moderators'
 * decisions. The button starts a job (POST /api/v1/admin/filter/model/train); the box
 * follows it (GET /api/v1/admin/jobs/{id}) with a progress bar until it ends in a candidate,
 * shown with its report among the offered changes above the versions.
 */

import { hook } from '../shared/dom.js';
import { formatNumber, t, tOr } from '../shared/i18n.js';
import { api, ApiError } from '../shared/api.js';
import { toast } from '../shared/dialogs.js';
import { handleError } from '../shared/session.js';
import { loadCandidates } from './candidates.js';
import { F } from './state.js';

const POLL_MS = 1000;

/** The job last shown, to say it again after a language switch. */
let shown = null;

export function wireModel() {
  hook('model-train').addEventListener('click', onTrain);
}

function onTrain(event) {
  const button = event.currentTarget;
  button.disabled = true;
  api('POST', F + '/model/train', {}).then(function (job) {
    followJob(job, button);
  }, function (err) {
    button.disabled = false;
    if (err instanceof ApiError && (err.status === 422 || err.status === 409)) {
      const fields = (err.data && err.data.error && err.data.error.fields) || {};
      const detail = fields.decisions && fields.decisions.detail;
      toast(err.status === 409 ? t('model.running') : t('model.tooFew', { detail: detail || '' }), 'error');
      return;
    }
    handleError(err);
  });
}

function followJob(job, button) {
  showJob(job);
  if (job.state === 'done' || job.state === 'failed') {
    button.disabled = false;
    if (job.state === 'done') {
      toast(t('model.done', { id: formatNumber(job.result.candidate, 0) }), 'ok');
      loadCandidates();
    } else {
      toast(t('model.failed', { error: (job.result && job.result.error) || '' }), 'error', { sticky: true });
    }
    return;
  }
  window.setTimeout(function () {
    api('GET', '/api/v1/admin/jobs/' + job.id).then(function (next) { followJob(next, button); }, function (err) {
      button.disabled = false;
      handleError(err);
    });
  }, POLL_MS);
}

/** The job's box again, in the page's language now. */
export function renderModelJob() {
  if (shown) showJob(shown);
}

function showJob(job) {
  shown = job;
  const box = hook('model-job');
  box.hidden = false;
  box.setAttribute('data-state', job.state);
  hook('model-progress').value = Math.max(0, Math.min(1, job.progress || 0));
  const stage = job.state === 'running' ? tOr('model.stage.' + job.stage, t('model.stage.starting')) : t('model.state.' + job.state);
  hook('model-stage').textContent = stage;
}
