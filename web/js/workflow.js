// The submission form's live help: as the writer types, the checklist hints and the
// precedents are fetched for the form as it is now (not saved) from /submissions/assist and
// swapped in. Without this script the "Save and check" button does the same, with a save.
// Loaded as a module from this origin (no inline script under the Content Security Policy);
// the panel's HTML is rendered and escaped by the server's own template.
const form = document.getElementById('case-form')
const panel = document.getElementById('assist-panel')
const status = document.getElementById('assist-status')
// A pause in typing; the 'similar' rate-limit budget allows 30 a minute.
const WAIT_MS = 1200

if (form && panel && form.dataset.assist) {
  let timer = null
  let controller = null

  const refresh = async () => {
    if (controller) controller.abort()
    controller = new AbortController()
    const body = new URLSearchParams(new FormData(form))
    body.delete('action')
    try {
      const response = await fetch(form.dataset.assist, {
        method: 'POST',
        body,
        headers: { 'X-CSRF-Token': form.elements.csrf_token.value },
        credentials: 'same-origin',
        signal: controller.signal
      })
      if (!response.ok) return
      panel.innerHTML = await response.text()
      panel.dataset.updated = String(Date.now())
      if (status) status.textContent = 'Hints updated'
    } catch (error) {
      if (error.name !== 'AbortError') panel.dataset.failed = 'true'
    }
  }

  const later = () => {
    clearTimeout(timer)
    timer = setTimeout(refresh, WAIT_MS)
  }
  form.addEventListener('input', later)
  form.addEventListener('change', later)
}
