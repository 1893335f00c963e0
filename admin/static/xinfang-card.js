/* xinfang: on the registration form of a case card, find the petitioner's earlier cards while
   the clerk types (证件号码, or 姓名 and 电话) and offer them; a plain file, no inline script (the
   panel's Content-Security-Policy allows none). The answer is scoped as the card list and its
   personal data masked by the server. */
(function () {
  'use strict';

  var script = document.getElementById('xf-card-js');
  var panel = document.getElementById('xf-earlier');
  if (!script || !panel) { return; }
  var url = script.getAttribute('data-earlier-url');
  var fields = {
    unit: document.getElementById('unit'),
    name: document.getElementById('petitioner'),
    idNumber: document.getElementById('id_number'),
    phone: document.getElementById('phones'),
    address: document.getElementById('address'),
    caseType: document.getElementById('case_type')
  };
  var timer = null, asked = '';

  function value(field) { return field && field.value ? field.value.trim() : ''; }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function show(cards) {
    panel.textContent = '';
    if (!cards.length) { panel.classList.add('d-none'); return; }
    panel.appendChild(element('b', '此前已登记过 ' + cards.length + ' 件：'));
    var list = element('ul', '', 'mb-1');
    cards.forEach(function (card) {
      var item = element('li');
      var link = element('a', card.number || '（未编号）');
      link.href = card.href;
      link.target = '_blank';
      link.rel = 'noopener';
      item.appendChild(link);
      item.appendChild(document.createTextNode(
        ' ' + card.registered_on + ' ' + card.petitioner + '：' + card.subject +
        (card.status ? '（' + card.status + '）' : '')));
      item.appendChild(element('span', card.reason, 'badge badge-light ml-1'));
      list.appendChild(item);
    });
    panel.appendChild(list);
    var first = cards[0];
    var use = element('button', '这是重复访：按最近一件填写住址和信访类型', 'btn btn-sm btn-outline-primary');
    use.type = 'button';
    use.addEventListener('click', function () {
      if (fields.address && !value(fields.address) && first.address) {
        fields.address.value = first.address;
      }
      if (fields.caseType) {
        fields.caseType.value = '重复访';
        fields.caseType.dispatchEvent(new Event('change', {bubbles: true}));
      }
      use.disabled = true;
      use.textContent = '已填写';
    });
    panel.appendChild(use);
    panel.classList.remove('d-none');
  }

  function ask() {
    var params = new URLSearchParams();
    var idNumber = value(fields.idNumber), name = value(fields.name), phone = value(fields.phone);
    if (idNumber.length < 15 && !(name && phone)) { show([]); asked = ''; return; }
    if (idNumber) { params.set('id_number', idNumber); }
    if (name) { params.set('name', name); }
    if (phone) { params.set('phone', phone); }
    if (value(fields.unit)) { params.set('unit', value(fields.unit)); }
    var query = params.toString();
    if (query === asked) { return; }
    asked = query;
    fetch(url + '?' + query, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) { return response.ok ? response.json() : {cards: []}; })
      .then(function (answer) { if (query === asked) { show(answer.cards || []); } })
      .catch(function () { show([]); });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 400);
  }

  [fields.name, fields.idNumber, fields.phone].forEach(function (field) {
    if (field) {
      field.addEventListener('input', later);
      field.addEventListener('change', later);
    }
  });
})();
