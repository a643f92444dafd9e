// Copy buttons for ready-made text: the case page's alt text for its impact cards.
// Without JavaScript the text stays in its read-only box to select and copy by hand, so the
// button is shown only here, where it can work. Loaded as a module from this origin (the
// Content Security Policy allows no inline script).

async function copyText (source) {
  try {
    await navigator.clipboard.writeText(source.value)
    return true
  } catch {
    // No clipboard API (an http page, or permission refused): select the text and try the
    // older command, which needs the text selected in the page.
    source.focus()
    source.select()
    return typeof document.execCommand === 'function' && document.execCommand('copy')
  }
}

for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.dataset.copy)
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`)
  if (!source) continue
  button.hidden = false
  button.addEventListener('click', async () => {
    const copied = await copyText(source)
    if (status) {
      status.textContent = copied
        ? 'Alt text copied. Paste it as the image description when you post the card.'
        : 'Your browser did not let us copy. The text is selected: copy it with your keyboard.'
    }
  })
}
