// Officers' inbox: polls GET api/handoffs every 3 s, shows the selected conversation, sends replies, closes, reveals
// masked numbers on request. Server text goes through textContent only: nothing is parsed as HTML.
(function () {
  'use strict';
  var root = document.getElementById('inbox');
  var base = root.getAttribute('data-base') || '/admin';
  var labels = JSON.parse(root.getAttribute('data-channels') || '{}');
  var list = document.getElementById('handoffs');
  var conv = document.getElementById('conversation');
  var title = document.getElementById('title');
  var messages = document.getElementById('messages');
  var form = document.getElementById('reply');
  var input = document.getElementById('reply-text');
  var status = document.getElementById('status');
  var selected = null;
  var revealed = {};
  var data = [];
  var who = { citizen: 'Người dân', bot: 'Trợ lý', staff: 'Cán bộ' };
  var deliveryText = { pending: 'đang gửi', sent: 'đã gửi', failed: 'không gửi được' };

  function el(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function waited(seconds) {
    if (!seconds) return 'đã trả lời';
    if (seconds < 60) return 'chờ ' + seconds + ' giây';
    if (seconds < 3600) return 'chờ ' + Math.floor(seconds / 60) + ' phút';
    return 'chờ ' + Math.floor(seconds / 3600) + ' giờ ' + Math.floor((seconds % 3600) / 60) + ' phút';
  }
  function time(iso) {
    try {
      return new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
    } catch (e) {
      return iso;
    }
  }
  function post(path, body) {
    return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}), credentials: 'same-origin' }).then(function (res) {
      return res.json().then(function (d) {
        if (!res.ok) throw new Error(d && d.message ? d.message : 'HTTP ' + res.status);
        return d;
      });
    });
  }

  function renderList() {
    list.textContent = '';
    if (!data.length) list.appendChild(el('li', 'muted', 'Không có cuộc trò chuyện nào đang chờ.'));
    data.forEach(function (h) {
      var li = el('li', 'handoff');
      var a = el('a', '', '#' + h.id + ' · ' + (labels[h.channel] || h.channel) + ' · ' + waited(h.waitingSeconds));
      a.href = '#' + h.id;
      a.setAttribute('data-id', String(h.id));
      if (h.id === selected) a.setAttribute('aria-current', 'true');
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        selected = h.id;
        status.textContent = '';
        render();
      });
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function renderConversation() {
    var h = null;
    data.forEach(function (x) { if (x.id === selected) h = x; });
    if (!h) {
      conv.hidden = true;
      return;
    }
    conv.hidden = false;
    title.textContent = 'Cuộc trò chuyện #' + h.id + ' (' + (labels[h.channel] || h.channel) + ')' + (h.procedureCode ? ' — thủ tục ' + h.procedureCode : '');
    messages.textContent = '';
    h.messages.forEach(function (m) {
      var box = el('div', 'message from-' + m.from);
      var head = el('div', 'muted small', (who[m.from] || m.from) + ' · ' + time(m.at) + (m.delivery ? ' · ' + (deliveryText[m.delivery] || m.delivery) : ''));
      if (m.delivery === 'failed') {
        head.className = 'error small';
        if (m.deliveryError) head.textContent += ' (' + m.deliveryError + ')';
      }
      box.appendChild(head);
      var p = el('p', '', revealed[m.id] !== undefined ? revealed[m.id] : m.text);
      p.style.whiteSpace = 'pre-wrap';
      p.style.margin = '2px 0 10px';
      box.appendChild(p);
      messages.appendChild(box);
    });
  }

  function render() {
    renderList();
    renderConversation();
  }

  function refresh() {
    return fetch(base + '/api/handoffs', { credentials: 'same-origin' })
      .then(function (res) {
        if (res.status === 401) {
          window.location.href = base + '/login';
          return null;
        }
        return res.ok ? res.json() : null;
      })
      .then(function (d) {
        if (!d) return;
        data = d.handoffs || [];
        if (selected === null && window.location.hash.length > 1) selected = Number(window.location.hash.slice(1));
        if (selected === null && data.length) selected = data[0].id;
        render();
      })
      .catch(function () { status.textContent = 'Mất kết nối, đang thử lại…'; });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text || selected === null) return;
    status.textContent = 'Đang gửi…';
    post('/api/handoffs/' + selected + '/reply', { text: text })
      .then(function () {
        input.value = '';
        status.textContent = 'Đã gửi.';
        return refresh();
      })
      .catch(function (e) { status.textContent = 'Chưa gửi được: ' + e.message; });
  });
  document.getElementById('close').addEventListener('click', function () {
    if (selected === null) return;
    post('/api/handoffs/' + selected + '/close')
      .then(function () {
        status.textContent = 'Đã kết thúc cuộc trò chuyện #' + selected + '.';
        selected = null;
        return refresh();
      })
      .catch(function (e) { status.textContent = 'Chưa kết thúc được: ' + e.message; });
  });
  document.getElementById('reveal').addEventListener('click', function () {
    if (selected === null) return;
    post('/api/handoffs/' + selected + '/reveal')
      .then(function (d) {
        (d.handoff.messages || []).forEach(function (m) { revealed[m.id] = m.text; });
        renderConversation();
      })
      .catch(function (e) { status.textContent = 'Không hiện được: ' + e.message; });
  });

  refresh();
  window.setInterval(refresh, 3000);
})();
