/*! <impact-search>: search NHS library impact case studies from your own site. MIT licence.
 *
 * Works under a host policy of only
 *   script-src SERVICE; connect-src SERVICE; style-src SERVICE
 * so: no eval or Function, no inline <style> or style attributes (the look comes from the
 * service's stylesheet, linked inside the shadow root), no innerHTML (snippets are parsed by
 * hand, which also keeps Trusted Types hosts working), no WebAssembly, no dependencies.
 */
(function () {
  'use strict';
  if (!window.customElements || customElements.get('impact-search')) return;

  var SCRIPT = document.currentScript;
  var SCRIPT_PATH = /\/widget\/v1\/impact-search\.js(?:[?#].*)?$/;
  var DEFAULT_SERVICE = SCRIPT && SCRIPT.src ? SCRIPT.src.replace(SCRIPT_PATH, '') : '';
  var FACETS = ['impact_type', 'region', 'sector', 'group_impacted', 'service_type',
    'organisation'];
  var DEBOUNCE_MS = 250;
  var TEXT = {
    label: 'Search NHS library impact case studies',
    placeholder: 'For example: falls, sepsis, business case',
    button: 'Search',
    hint: 'Results appear as you type. Use the down arrow key to move to them.',
    count: '{shown} of {total} case studies for “{q}”',
    none: 'No case studies match “{q}”.',
    more: 'See all {total} results on the full site',
    'boosted-organisation': 'From your organisation',
    'boosted-region': 'From your region',
    boosted: 'From your organisation / region',
    others: 'Other case studies',
    related: 'Related case studies (they do not use your words)',
    corrected: 'Showing results for “{corrected}”.',
    instead: 'Search instead for “{q}”',
    unreachable: 'The case study search could not be reached. Please try again later.',
    blocked: 'This page’s security policy blocks the case study search service.',
    failed: 'The search did not work: {error}',
    fallback: 'Search on the case studies site instead'
  };
  var ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" };
  var blockedServices = {};
  var instances = {};
  var nextId = 0;

  // Whatever fetch the host's connect-src blocks, say so instead of failing silently.
  document.addEventListener('securitypolicyviolation', function (event) {
    var uri = event.blockedURI || '';
    Object.keys(instances).forEach(function (id) {
      var widget = instances[id];
      if (uri && uri.indexOf(widget.service()) === 0) {
        blockedServices[widget.service()] = true;
        if (widget.failed) widget.showError('blocked');
      }
    });
  });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function decode(text) {
    return text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, function (whole, name) {
      return ENTITIES[name];
    });
  }

  // The API's snippets are escaped text in which only <mark> is markup.
  function snippetNodes(html) {
    var nodes = [];
    var marked = false;
    html.split(/(<\/?mark>)/).forEach(function (part) {
      if (part === '<mark>') marked = true;
      else if (part === '</mark>') marked = false;
      else if (part) nodes.push(marked ? el('mark', {}, [decode(part)]) : decode(part));
    });
    return nodes;
  }

  function words(value) {
    return (value || '').split(/[\s,]+/).filter(Boolean);
  }

  class ImpactSearch extends HTMLElement {
    static get observedAttributes() {
      return FACETS.concat(['mode', 'per-page', 'placeholder', 'service']);
    }

    connectedCallback() {
      if (!this.widgetId) this.widgetId = String(++nextId);
      instances[this.widgetId] = this;
      if (this.shadowRoot) return;
      this.sequence = 0;
      this.build();
      var initial = this.getAttribute('q');
      if (initial) {
        this.input.value = initial;
        this.search();
      }
    }

    disconnectedCallback() {
      delete instances[this.widgetId];
      this.abort();
    }

    attributeChangedCallback() {
      if (!this.input) return;
      this.input.placeholder = this.text('placeholder');
      if (this.input.value.trim()) this.schedule(0);
    }

    text(key, values) {
      var override = this.getAttribute('text-' + key);
      if (key === 'placeholder' && this.hasAttribute('placeholder')) {
        override = this.getAttribute('placeholder');
      }
      return fill(override === null ? TEXT[key] : override, values || {});
    }

    service() {
      return (this.getAttribute('service') || DEFAULT_SERVICE).replace(/\/+$/, '');
    }

    build() {
      var root = this.attachShadow({ mode: 'open' });
      var sheet = el('link', { rel: 'stylesheet', href: this.service() + '/widget/v1/impact-search.css' });
      var box = el('div', { class: 'box', part: 'box', hidden: '' });
      // Show nothing unstyled: the box appears once the stylesheet has loaded (or failed).
      sheet.addEventListener('load', function () { box.hidden = false; });
      sheet.addEventListener('error', function () { box.hidden = false; });
      this.input = el('input', {
        id: 'q', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false',
        'aria-describedby': 'hint', placeholder: this.text('placeholder')
      });
      var form = el('form', { role: 'search', class: 'form' }, [
        el('label', { for: 'q', class: 'label' }, [this.text('label')]),
        el('p', { id: 'hint', class: 'hint' }, [this.text('hint')]),
        el('div', { class: 'row' }, [
          this.input, el('button', { type: 'submit', class: 'button' }, [this.text('button')])
        ])
      ]);
      this.status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
      this.correctedText = el('span');
      // A link to the words as typed on the full site; in place, it searches them here.
      this.insteadLink = el('a', { class: 'instead' });
      this.correction = el('p', { class: 'correction', hidden: '' }, [
        this.correctedText, ' ', this.insteadLink]);
      this.alert = el('div', { class: 'error', role: 'alert' });
      this.results = el('div', { class: 'results' });
      this.moreLink = el('a', { class: 'more-link' });
      this.more = el('p', { class: 'more', hidden: '' }, [this.moreLink]);
      box.append(form, this.status, this.correction, this.alert, this.results, this.more);
      root.append(sheet, box);

      var self = this;
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        self.schedule(0);
      });
      this.input.addEventListener('input', function () {
        self.exact = false;  // new words: a sure correction may be shown again
        self.schedule(DEBOUNCE_MS);
      });
      // "Search instead for ...": the words as typed, without the spelling correction.
      this.insteadLink.addEventListener('click', function (event) {
        event.preventDefault();
        self.exact = true;
        self.schedule(0);
        self.input.focus();
      });
      this.input.addEventListener('keydown', function (event) {
        if (event.key === 'ArrowDown' && self.links().length) {
          event.preventDefault();
          self.links()[0].focus();
        }
      });
      this.results.addEventListener('keydown', function (event) { self.onResultKey(event); });
    }

    links() {
      return Array.prototype.slice.call(this.results.querySelectorAll('a'));
    }

    onResultKey(event) {
      var links = this.links();
      var at = links.indexOf(this.shadowRoot.activeElement);
      var to = {
        ArrowDown: Math.min(at + 1, links.length - 1),
        ArrowUp: at - 1,
        Home: 0,
        End: links.length - 1
      }[event.key];
      if (event.key === 'Escape') to = -1;
      if (to === undefined || at < 0) return;
      event.preventDefault();
      if (to < 0) this.input.focus();
      else links[to].focus();
    }

    presets() {
      var self = this;
      var out = [];
      FACETS.forEach(function (facet) {
        words(self.getAttribute(facet)).forEach(function (value) { out.push([facet, value]); });
      });
      return out;
    }

    boosting() {
      return this.getAttribute('mode') === 'boost' && this.presets().length > 0;
    }

    query(q, perPage) {
      var params = new URLSearchParams();
      var prefix = this.boosting() ? 'boost_' : '';
      params.set('q', q);
      if (perPage) params.set('per_page', String(perPage));
      if (this.exact) params.set('exact', 'true');
      this.presets().forEach(function (pair) { params.append(prefix + pair[0], pair[1]); });
      return params.toString();
    }

    perPage() {
      var value = parseInt(this.getAttribute('per-page') || '5', 10);
      // EMBED_PER_PAGE in search_service/widget.py (default, most); a test keeps them equal.
      return Math.max(1, Math.min(isNaN(value) ? 5 : value, 20));
    }

    schedule(delay) {
      clearTimeout(this.timer);
      var self = this;
      this.timer = setTimeout(function () { self.search(); }, delay);
    }

    abort() {
      clearTimeout(this.timer);
      if (this.controller) this.controller.abort();
    }

    search() {
      var q = this.input.value.trim();
      this.abort();
      if (!q) {
        this.render(null, '');
        return;
      }
      var self = this;
      var sequence = ++this.sequence;
      this.controller = new AbortController();
      this.results.setAttribute('aria-busy', 'true');
      var url = this.service() + '/api/v1/search?' + this.query(q, this.perPage());
      fetch(url, { credentials: 'omit', signal: this.controller.signal })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
            return body;
          });
        })
        .then(function (body) {
          if (sequence === self.sequence) self.render(body, q);
        }, function (error) {
          if (sequence !== self.sequence || (error && error.name === 'AbortError')) return;
          self.showError(error && error.message && !(error instanceof TypeError) ? 'failed' : 'unreachable',
            error && error.message);
        });
    }

    showError(kind, message) {
      this.failed = true;
      if (kind === 'unreachable' && blockedServices[this.service()]) kind = 'blocked';
      this.results.removeAttribute('aria-busy');
      this.results.replaceChildren();
      this.more.hidden = true;
      this.status.textContent = '';
      var link = el('a', { href: this.siteUrl(this.input.value.trim()) }, [this.text('fallback')]);
      this.alert.replaceChildren(
        el('p', {}, [this.text(kind, { error: message || '' })]), el('p', {}, [link]));
    }

    siteUrl(q) {
      return this.service() + '/?' + this.query(q, 0);
    }

    boostLabel() {
      var facets = this.presets().map(function (pair) { return pair[0]; });
      var org = facets.indexOf('organisation') >= 0;
      var region = facets.indexOf('region') >= 0;
      if (org && !region) return this.text('boosted-organisation');
      if (region && !org) return this.text('boosted-region');
      return this.text('boosted');
    }

    render(body, q) {
      this.failed = false;
      this.alert.replaceChildren();
      this.results.removeAttribute('aria-busy');
      var hits = (body && body.hits) || [];
      var groups = [];
      var self = this;
      hits.forEach(function (hit) {
        var label = hit.boosted === true ? self.boostLabel() : hit.boosted === false ? self.text('others')
          : hit.related ? self.text('related') : '';
        var last = groups[groups.length - 1];
        if (!last || last.label !== label) groups.push(last = { label: label, hits: [] });
        last.hits.push(hit);
      });
      this.results.replaceChildren.apply(this.results, groups.map(function (group, index) {
        return self.renderGroup(group, index);
      }));
      this.correction.hidden = !(body && body.correction);
      if (!body) {
        this.status.textContent = '';
        this.more.hidden = true;
        return;
      }
      if (body.correction) {
        this.correctedText.textContent = this.text('corrected', body.correction);
        this.insteadLink.textContent = this.text('instead', { q: body.correction.original });
        this.insteadLink.href = this.siteUrl(body.correction.original) + '&exact=true';
      }
      var matching = hits.filter(function (hit) { return !hit.related; }).length;
      var values = { shown: matching, total: body.total, q: body.correction ? body.correction.corrected : q };
      this.status.textContent = this.text(body.total ? 'count' : 'none', values);
      this.moreLink.textContent = this.text('more', values);
      this.moreLink.href = this.siteUrl(q);
      this.more.hidden = body.total <= matching;
    }

    renderGroup(group, index) {
      var self = this;
      var list = el('ol', { class: 'list' }, group.hits.map(function (hit) { return self.renderHit(hit); }));
      if (!group.label) return list;
      var id = 'group-' + index;
      list.setAttribute('aria-labelledby', id);
      return el('div', { class: 'group' }, [el('p', { id: id, class: 'group-label' }, [group.label]), list]);
    }

    renderHit(hit) {
      var meta = [hit.organisation && hit.organisation.label, hit.region && hit.region.label, hit.year];
      return el('li', { class: 'hit' }, [
        el('a', { class: 'title', href: this.service() + hit.url }, [hit.title]),
        el('p', { class: 'snippet' }, snippetNodes(hit.snippet || '')),
        el('p', { class: 'meta' }, [meta.filter(Boolean).join(' · ')])
      ]);
    }
  }

  customElements.define('impact-search', ImpactSearch);
})();
