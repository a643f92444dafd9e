/* The /widget page's attribute builder: as the owner changes the form, rewrite the snippets
 * and rebuild the live preview. The page works without it (the form reloads the page). The
 * rules mirror element_attributes() in search_service/widget.py. */
(function () {
  'use strict';
  var form = document.getElementById('builder');
  var preview = document.getElementById('preview');
  if (!form || !preview) return;
  var service = preview.getAttribute('data-service');
  var FACETS = ['impact_type', 'region', 'sector', 'group_impacted', 'service_type',
    'organisation'];
  // The bounds come from the form the server rendered (EMBED_PER_PAGE in widget.py).
  var perPageInput = document.getElementById('f-per-page');
  var MIN_PER_PAGE = parseInt(perPageInput.getAttribute('min'), 10);
  var MAX_PER_PAGE = parseInt(perPageInput.getAttribute('max'), 10);
  var DEFAULT_PER_PAGE = perPageInput.getAttribute('data-default');

  function attributes() {
    var data = new FormData(form);
    var attrs = [];
    FACETS.forEach(function (name) {
      var value = data.getAll(name).filter(Boolean).join(' ');
      if (value) attrs.push([name, value]);
    });
    if (data.get('mode') === 'boost') attrs.push(['mode', 'boost']);
    var perPage = String(data.get('per_page') || '');
    if (/^\d+$/.test(perPage) && perPage !== DEFAULT_PER_PAGE) {
      attrs.push(['per-page', String(Math.max(MIN_PER_PAGE, Math.min(parseInt(perPage, 10), MAX_PER_PAGE)))]);
    }
    var placeholder = String(data.get('placeholder') || '').trim();
    if (placeholder) attrs.push(['placeholder', placeholder]);
    return attrs;
  }

  function quote(value) {
    return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  }

  function update() {
    var attrs = attributes();
    var written = attrs.map(function (a) { return ' ' + a[0] + '="' + quote(a[1]) + '"'; }).join('');
    document.querySelector('#snippet-element code').textContent =
      '<script src="' + service + '/widget/v1/impact-search.js" defer></script>\n' +
      '<impact-search' + written + '>\n' +
      '  <a href="' + service + '/">Search NHS library impact case studies</a>\n' +
      '</impact-search>';
    var query = new URLSearchParams();
    attrs.forEach(function (a) {
      if (a[0] !== 'placeholder') query.append(a[0] === 'per-page' ? 'per_page' : a[0], a[1]);
    });
    var search = query.toString();
    document.querySelector('#snippet-iframe code').textContent =
      '<iframe src="' + quote(service + '/embed' + (search ? '?' + search : '')) +
      '" title="Search NHS library impact case studies" width="100%" height="600"></iframe>';
    // Change the live element in place: it re-runs its search, and what was typed stays.
    var element = preview.querySelector('impact-search');
    var wanted = {};
    attrs.forEach(function (a) { wanted[a[0]] = a[1]; });
    Array.prototype.slice.call(element.attributes).forEach(function (attr) {
      if (!(attr.name in wanted)) element.removeAttribute(attr.name);
    });
    attrs.forEach(function (a) {
      if (element.getAttribute(a[0]) !== a[1]) element.setAttribute(a[0], a[1]);
    });
  }

  form.addEventListener('change', update);
  form.addEventListener('input', function (event) {
    if (event.target.type === 'text' || event.target.type === 'number') update();
  });
})();
