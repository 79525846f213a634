// Web chat client: sends questions and button presses to POST api/chat and renders the Reply
// ({ outcome, text, citations, choices, feedback }). Only textContent is used for server text: nothing is parsed as HTML.
(function () {
  'use strict';
  var log = document.getElementById('log');
  var form = document.getElementById('ask');
  var input = document.getElementById('question');
  var sendButton = document.getElementById('send');
  var statusLine = document.getElementById('status');
  var busy = false;
  // Shown in the status line once the answer is in (e.g. "sent to the officer", when there is no answer to show).
  var note = '';

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return 'web-' + window.crypto.randomUUID();
    return 'web-' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  var chatId;
  try {
    chatId = window.localStorage.getItem('motcua-chat-id');
    if (!chatId) {
      chatId = newId();
      window.localStorage.setItem('motcua-chat-id', chatId);
    }
  } catch (e) {
    chatId = newId();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function isWebUrl(url) {
    try {
      var u = new URL(url, window.location.href);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch (e) {
      return false;
    }
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function paragraphs(container, text) {
    String(text || '')
      .split(/\n\s*\n/)
      .filter(function (p) { return p.trim() !== ''; })
      .forEach(function (p) { container.appendChild(el('p', '', p)); });
  }

  function addMine(text) {
    var box = el('div', 'msg me');
    box.appendChild(el('span', 'visually-hidden', 'Anh/chị: '));
    box.appendChild(el('p', '', text));
    log.appendChild(box);
    scrollDown();
  }

  function disableButtons(group) {
    Array.prototype.forEach.call(group.querySelectorAll('button'), function (b) { b.disabled = true; });
  }

  function addReply(reply) {
    if (reply.outcome === 'handoff') watchOfficer();
    // An empty handoff reply: the message went to the officer, who answers here later.
    if (!String(reply.text || '').trim()) {
      note = 'Đã gửi tới cán bộ.';
      return;
    }
    var box = el('div', 'msg bot' + (reply.outcome === 'error' ? ' error' : '') + (reply.from === 'staff' ? ' staff' : ''));
    box.appendChild(el('span', 'visually-hidden', 'Trợ lý: '));
    paragraphs(box, reply.text);

    var citations = Array.isArray(reply.citations) ? reply.citations : [];
    if (citations.length) {
      var sources = el('section', 'sources');
      sources.setAttribute('aria-label', 'Nguồn');
      sources.appendChild(el('h2', '', 'Nguồn'));
      var list = el('ul');
      citations.forEach(function (c) {
        var item = el('li');
        var label = c.code + ' — ' + c.name;
        if (c.url && isWebUrl(c.url)) {
          var a = el('a', '', label);
          a.href = c.url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          item.appendChild(a);
        } else {
          item.appendChild(document.createTextNode(label));
        }
        if (c.asOf) item.appendChild(document.createTextNode(' (cập nhật ' + c.asOf + ')'));
        list.appendChild(item);
      });
      sources.appendChild(list);
      box.appendChild(sources);
    }

    var choices = Array.isArray(reply.choices) ? reply.choices : [];
    if (choices.length) {
      var group = el('div', 'choices');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Chọn thủ tục');
      choices.forEach(function (c) {
        var label = c.index + '. ' + c.name + (c.level ? ' (' + c.level + ')' : '');
        var b = el('button', 'choice', label);
        b.type = 'button';
        b.addEventListener('click', function () {
          if (busy) return;
          disableButtons(group);
          b.setAttribute('aria-pressed', 'true');
          ask({ text: '', action: { type: 'choice', index: c.index, code: c.code } }, 'Chọn: ' + label);
        });
        group.appendChild(b);
      });
      box.appendChild(group);
    }

    if (reply.feedback) {
      var fb = el('div', 'feedback');
      fb.setAttribute('role', 'group');
      fb.setAttribute('aria-label', 'Câu trả lời có hữu ích không?');
      [['up', '👍', 'Hữu ích'], ['down', '👎', 'Chưa đúng']].forEach(function (f) {
        var b = el('button', 'fb', f[1] + ' ' + f[2]);
        b.type = 'button';
        b.addEventListener('click', function () {
          if (busy) return;
          disableButtons(fb);
          b.setAttribute('aria-pressed', 'true');
          ask({ text: '', action: { type: 'feedback', value: f[0] } }, f[1] + ' ' + f[2]);
        });
        fb.appendChild(b);
      });
      box.appendChild(fb);
    }

    if (reply.offerHandoff) {
      var person = el('div', 'choices');
      var hb = el('button', 'choice handoff', 'Gặp cán bộ');
      hb.type = 'button';
      hb.addEventListener('click', function () {
        if (busy) return;
        disableButtons(person);
        ask({ text: '', action: { type: 'handoff' } }, 'Gặp cán bộ');
      });
      person.appendChild(hb);
      box.appendChild(person);
    }

    log.appendChild(box);
    scrollDown();
  }

  // While an officer has the conversation, their messages arrive without a question: ask the server every few seconds
  // (and once at load when the page was reloaded during a handoff).
  var watching = null;
  function checkOfficer() {
    return fetch('api/chat/inbox', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: chatId }),
    })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) {
        if (!data) return;
        (Array.isArray(data.messages) ? data.messages : []).forEach(function (m) {
          addReply({ outcome: 'officer', from: m.from, text: m.text, citations: [], choices: [], feedback: Boolean(m.feedback) });
        });
        if (data.open) watchOfficer();
        else {
          remember(false);
          if (watching) {
            window.clearInterval(watching);
            watching = null;
          }
        }
      })
      .catch(function () { /* the next round tries again */ });
  }
  // Remembered across reloads, so that only a chat that had an officer asks on load.
  function remember(on) {
    try {
      if (on) window.localStorage.setItem('motcua-officer', '1');
      else window.localStorage.removeItem('motcua-officer');
    } catch (e) { /* private mode: no memory across reloads */ }
  }
  function watchOfficer() {
    remember(true);
    if (!watching) watching = window.setInterval(checkOfficer, 3000);
  }
  try {
    if (window.localStorage.getItem('motcua-officer') === '1') checkOfficer();
  } catch (e) { /* private mode */ }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    log.setAttribute('aria-busy', value ? 'true' : 'false');
    statusLine.textContent = value ? 'Đang trả lời…' : note;
    if (!value) note = '';
  }

  function ask(body, shown) {
    if (busy) return;
    addMine(shown);
    setBusy(true);
    var payload = { chatId: chatId, text: body.text };
    if (body.action) payload.action = body.action;
    fetch('api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          // A rate-limited request carries a polite reply of its own.
          if (res.status === 429 && data && data.text) return data;
          if (!res.ok) throw new Error(data && data.message ? data.message : 'HTTP ' + res.status);
          return data;
        });
      })
      .then(addReply)
      .catch(function () {
        addReply({
          outcome: 'error',
          text: 'Xin lỗi, chưa gửi được câu hỏi. Anh/chị vui lòng kiểm tra kết nối và thử lại.',
          citations: [],
          choices: [],
          feedback: false,
        });
      })
      .then(function () {
        setBusy(false);
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = '';
    ask({ text: text }, text);
    input.focus();
  });
})();
