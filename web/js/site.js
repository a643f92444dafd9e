// impact-search's one script of its own: progressive enhancement of server-rendered pages.
// Every page works without it. It adds:
//  - the NHS.UK frontend's components (header menu, buttons, error summary);
//  - an autocomplete on the search box (WAI-ARIA 1.2 combobox with a listbox popup) fed by
//    /api/v1/suggest;
//  - filters and sort that update the results in place, keeping the URL in step
//    (history.pushState, and popstate for Back and Forward);
//  - a "find" box on long filter lists.
// Loaded as a module from this origin: the Content Security Policy allows no inline script.
import { initAll } from '../vendor/nhsuk-frontend/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

const FACET_KINDS = ['impact_type', 'service_type', 'sector', 'region', 'group_impacted', 'organisation']
const KIND_LABELS = {
  topic: 'topic',
  impact_type: 'impact type',
  service_type: 'library service',
  sector: 'sector',
  region: 'region',
  group_impacted: 'group impacted',
  organisation: 'organisation'
}

function initAutocomplete (wrapper, form) {
  const input = wrapper.querySelector('input')
  // The server's bound (MIN_SUGGEST_CHARS), rendered into the page.
  const minChars = Number(wrapper.dataset.suggestMin)
  const list = document.createElement('ul')
  const status = document.createElement('div')
  let items = []
  let active = -1
  let timer = null
  let pending = null

  list.id = input.id + '-suggestions'
  list.className = 'app-autocomplete__list'
  list.setAttribute('role', 'listbox')
  list.setAttribute('aria-label', 'Suggestions')
  list.hidden = true
  status.className = 'nhsuk-u-visually-hidden'
  status.setAttribute('role', 'status')
  wrapper.append(list, status)
  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-expanded', 'false')
  input.setAttribute('aria-controls', list.id)

  function close () {
    list.hidden = true
    input.setAttribute('aria-expanded', 'false')
    input.removeAttribute('aria-activedescendant')
    active = -1
  }

  function highlight (index) {
    const options = list.querySelectorAll('[role="option"]')
    active = index
    options.forEach((option, i) => option.setAttribute('aria-selected', String(i === index)))
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', options[index].id)
      options[index].scrollIntoView({ block: 'nearest' })
    } else {
      input.removeAttribute('aria-activedescendant')
    }
  }

  function render (suggestions) {
    items = suggestions
    list.replaceChildren()
    suggestions.forEach((suggestion, i) => {
      const option = document.createElement('li')
      option.id = list.id + '-' + i
      option.className = 'app-autocomplete__option'
      option.setAttribute('role', 'option')
      option.setAttribute('aria-selected', 'false')
      option.textContent = suggestion.text
      const kind = KIND_LABELS[suggestion.kind]
      if (kind) {
        const tag = document.createElement('span')
        tag.className = 'app-autocomplete__kind'
        tag.textContent = '(' + kind + ')'
        option.append(' ', tag)
      }
      // mousedown, not click: the input must not lose focus (and close the list) first.
      option.addEventListener('mousedown', event => {
        event.preventDefault()
        choose(i)
      })
      list.append(option)
    })
    if (!suggestions.length) {
      close()
      status.textContent = ''
      return
    }
    list.hidden = false
    input.setAttribute('aria-expanded', 'true')
    highlight(-1)
    status.textContent = suggestions.length + (suggestions.length === 1 ? ' suggestion' : ' suggestions') +
      ' available. Use the up and down arrows to choose one.'
  }

  function choose (index) {
    const suggestion = items[index]
    close()
    if (FACET_KINDS.includes(suggestion.kind) && suggestion.key) {
      // A filter value: apply it as a filter rather than as words to search for.
      input.value = ''
      const box = document.getElementById('f-' + suggestion.kind + '-' + suggestion.key)
      if (box) {
        box.checked = true
      } else {
        const hidden = document.createElement('input')
        hidden.type = 'hidden'
        hidden.name = suggestion.kind
        hidden.value = suggestion.key
        form.append(hidden)
      }
    } else {
      input.value = suggestion.text
    }
    form.requestSubmit()
  }

  function fetchSuggestions () {
    const text = input.value.trim()
    if (text.length < minChars) {
      render([])
      return
    }
    if (pending) pending.abort()
    pending = new AbortController()
    fetch(wrapper.dataset.suggest + '?q=' + encodeURIComponent(text), {
      signal: pending.signal,
      headers: { Accept: 'application/json' }
    })
      .then(response => (response.ok ? response.json() : { suggestions: [] }))
      .then(data => {
        if (input.value.trim() === text && document.activeElement === input) render(data.suggestions)
      })
      .catch(() => {}) // aborted or offline: the plain search box still works
  }

  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(fetchSuggestions, 150)
  })
  input.addEventListener('keydown', event => {
    const open = !list.hidden
    if (event.key === 'ArrowDown' && items.length) {
      event.preventDefault()
      if (!open) {
        list.hidden = false
        input.setAttribute('aria-expanded', 'true')
      }
      highlight((active + 1) % items.length)
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault()
      highlight(active <= 0 ? items.length - 1 : active - 1)
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault()
      choose(active)
    } else if (event.key === 'Escape' && open) {
      event.preventDefault()
      close()
    }
  })
  input.addEventListener('blur', close)
  // A search sent before the suggestions arrive must not reopen the list over the results.
  form.addEventListener('submit', () => {
    clearTimeout(timer)
    if (pending) pending.abort()
    close()
  })
}

// Filter lists: a "find" box narrows a long list (and opens its "show more").
function filterFacet (box) {
  const group = box.closest('.app-facet')
  const needle = box.value.trim().toLowerCase()
  let shown = 0
  group.querySelectorAll('.nhsuk-checkboxes__item').forEach(item => {
    const match = !needle || item.dataset.label.includes(needle)
    item.hidden = !match
    if (match) shown += 1
  })
  const more = group.querySelector('details')
  if (more && needle) more.open = true
  document.getElementById(box.id + '-status').textContent = needle ? shown + ' matching' : ''
}

function showFilterBoxes () {
  document.querySelectorAll('.app-facet__filter').forEach(el => { el.hidden = false })
}

// On a phone the filters would push the results a screen or more down: fold them behind a
// button, open or closed as the person left them across live updates.
const narrow = window.matchMedia('(max-width: 40.0525em)')
let filtersOpen = false

function setUpFilterToggle () {
  const button = document.querySelector('.app-filters-toggle')
  const groups = document.getElementById('filter-groups')
  if (!button || !groups) return
  const chosen = document.querySelectorAll('#filter-groups input:checked').length
  const folded = narrow.matches && !filtersOpen
  button.hidden = !narrow.matches
  groups.hidden = folded
  button.setAttribute('aria-expanded', String(!folded))
  button.textContent = (folded ? 'Show filters' : 'Hide filters') + (chosen ? ' (' + chosen + ' chosen)' : '')
}

function initLiveResults (form) {
  let pending = null

  function formUrl () {
    const params = new URLSearchParams()
    for (const [name, value] of new FormData(form)) {
      if (value !== '' && !(name === 'sort' && value === 'relevance')) params.append(name, value)
    }
    const query = params.toString()
    return form.getAttribute('action') + (query ? '?' + query : '')
  }

  function keepState () {
    const open = [...document.querySelectorAll('#filters details[open]')]
      .map(d => d.closest('[data-facet]').dataset.facet)
    const boxes = [...document.querySelectorAll('[data-facet-filter]')]
      .map(box => [box.id, box.value])
    return { open, boxes, focus: document.activeElement && document.activeElement.id }
  }

  function restoreState (state) {
    showFilterBoxes()
    setUpFilterToggle()
    state.open.forEach(name => {
      const details = document.querySelector('[data-facet="' + name + '"] details')
      if (details) details.open = true
    })
    state.boxes.forEach(([id, value]) => {
      const box = document.getElementById(id)
      if (box && value) {
        box.value = value
        filterFacet(box)
      }
    })
    const focus = state.focus && document.getElementById(state.focus)
    if (focus) focus.focus()
  }

  async function update (url, { push = true, focusResults = false } = {}) {
    if (pending) pending.abort()
    pending = new AbortController()
    const results = document.getElementById('results')
    results.setAttribute('aria-busy', 'true')
    results.classList.add('app-results--loading')
    let html
    try {
      const response = await fetch(url, { signal: pending.signal, headers: { Accept: 'text/html' } })
      if (!response.ok) throw new Error(response.status)
      html = await response.text()
    } catch (error) {
      if (error.name === 'AbortError') return
      window.location.href = url // let the server show the page (or its error) in full
      return
    }
    const next = new DOMParser().parseFromString(html, 'text/html')
    const state = keepState()
    for (const id of ['filters', 'results']) {
      document.getElementById(id).replaceWith(document.adoptNode(next.getElementById(id)))
    }
    document.getElementById('q').value = next.getElementById('q').value
    document.title = next.title
    const twin = next.querySelector('link[rel="alternate"]')
    const current = document.querySelector('link[rel="alternate"]')
    if (twin && current) current.href = twin.getAttribute('href')
    if (push) history.pushState({ live: true }, '', url)
    restoreState(state)
    if (focusResults) document.getElementById('results').focus()
    // The count sits in a live region outside the swapped parts, so changing it is announced.
    document.getElementById('result-count').textContent = next.getElementById('result-count').textContent
  }

  form.addEventListener('change', event => {
    const target = event.target
    if (target.id === 'q' || target.hasAttribute('data-facet-filter')) return
    if (target.name === 'year_from' || target.name === 'year_to') {
      if (!/^(\d{4})?$/.test(target.value.trim())) return // finish typing; the button still works
    }
    update(formUrl())
  })
  form.addEventListener('input', event => {
    if (event.target.hasAttribute('data-facet-filter')) filterFacet(event.target)
  })
  form.addEventListener('submit', event => {
    event.preventDefault()
    update(formUrl())
  })
  form.addEventListener('click', event => {
    if (event.target.closest('.app-filters-toggle')) {
      filtersOpen = !filtersOpen
      setUpFilterToggle()
      return
    }
    const link = event.target.closest('a[href]')
    if (!link || link.getAttribute('href').startsWith('#') || event.ctrlKey || event.metaKey ||
        event.shiftKey || link.origin !== window.location.origin ||
        link.pathname !== form.getAttribute('action')) return
    event.preventDefault()
    update(link.href, { focusResults: Boolean(link.closest('.nhsuk-pagination')) })
  })
  window.addEventListener('popstate', () => update(window.location.href, { push: false }))
  // The first entry is the server-rendered page: mark it, so Back to it is handled here too.
  history.replaceState({ live: true }, '')
}

const searchForm = document.getElementById('search-form')
if (searchForm) {
  showFilterBoxes()
  setUpFilterToggle()
  narrow.addEventListener('change', setUpFilterToggle)
  // The page that says what is wrong with a query has the box but no results to update.
  if (document.getElementById('results')) initLiveResults(searchForm)
  const autocomplete = searchForm.querySelector('.app-autocomplete')
  if (autocomplete) initAutocomplete(autocomplete, searchForm)
}
