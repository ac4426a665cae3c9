// The video page: the browser's own player (keyboard and captions as it gives them),
// with your place kept — it starts where you stopped, and tells the library where you
// are every 15 seconds while playing, when you pause and at the end (the catalogue
// counts the minutes once you have watched enough).  The chapters and the transcript
// seek the player instead of reloading the page; the transcript follows the film and
// narrows as you type in its search box.  Without this script those links reload the
// page at their time, and the search box is an ordinary form.
(function () {
  var video = document.getElementById('video');
  var lines = document.getElementById('transcript-lines');
  var find = document.getElementById('find');
  var count = document.getElementById('transcript-count');
  var token = document.querySelector('meta[name="csrf-token"]').content;

  function graphql(query, variables) {
    return fetch('/graphql', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify({ query: query, variables: variables })
    }).then(function (r) { return r.json(); });
  }

  // ---- seeking from the chapters and the transcript ----
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-seek]');
    if (!link || !video) { return; }
    event.preventDefault();
    video.currentTime = parseFloat(link.dataset.seek);
    video.play().catch(function () { /* the browser wants a press of play first */ });
    video.focus();
  });

  // ---- the transcript narrows as you type ----
  if (find && lines) {
    var items = Array.prototype.slice.call(lines.children);
    find.closest('form').addEventListener('submit', function (event) { event.preventDefault(); });
    find.addEventListener('input', function () {
      var words = find.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var match = !words || item.dataset.text.indexOf(words) !== -1;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = words ? shown + ' of ' + items.length + ' lines match “' + find.value.trim() + '”.'
        : 'Choose a line to play the video from there.';
    });
  }
  if (!video) { return; }

  // ---- the line being said, marked as the film plays ----
  var current = null;
  if (lines) {
    var links = Array.prototype.slice.call(lines.querySelectorAll('a[data-seek]'));
    video.addEventListener('timeupdate', function () {
      var t = video.currentTime;
      var now = null;
      links.forEach(function (a) {
        if (parseFloat(a.dataset.seek) <= t && t < parseFloat(a.dataset.end)) { now = a; }
      });
      if (now === current) { return; }
      if (current) { current.removeAttribute('aria-current'); }
      if (now) { now.setAttribute('aria-current', 'true'); }
      current = now;
    });
  }

  // ---- your place ----
  var id = video.dataset.videoId;
  var resume = parseInt(video.dataset.resume, 10) || 0;
  var duration = parseInt(video.dataset.duration, 10) || 0;
  // (not from the closing seconds: a film watched to its end starts again)
  if (!video.dataset.start && resume > 0 && resume < Math.max(duration - 5, duration * 0.9)) {
    video.addEventListener('loadedmetadata', function once() {
      video.removeEventListener('loadedmetadata', once);
      video.currentTime = resume;
    });
  }
  if (!video.dataset.signedIn) { return; }
  var note = document.getElementById('progress-note');
  var lastSent = -1;
  var REPORT = 'mutation($id: ID!, $at: Int!) { recordWatchProgress(videoId: $id, positionSeconds: $at) ' +
               '{ video { myMinutesCounted } userErrors { message } } }';
  var counted = false;
  function report() {
    var at = Math.floor(video.currentTime);
    if (at === lastSent) { return; }
    lastSent = at;
    graphql(REPORT, { id: id, at: at }).then(function (body) {
      var done = body && body.data && body.data.recordWatchProgress.video;
      if (done && done.myMinutesCounted && !counted) {
        counted = true;
        note.textContent = 'Well done: its minutes are now in your CPD record.';
      }
    }, function () { /* the next report carries the place */ });
  }
  var timer = null;
  video.addEventListener('play', function () {
    report();
    if (!timer) { timer = setInterval(report, 15000); }
  });
  ['pause', 'ended'].forEach(function (name) {
    video.addEventListener(name, function () { clearInterval(timer); timer = null; report(); });
  });
  window.addEventListener('pagehide', report);

  // ---- a playback address lasts minutes: fetch a fresh one and carry on ----
  var refreshing = false;
  video.addEventListener('error', function () {
    if (refreshing) { return; }
    refreshing = true;
    var at = video.currentTime;
    graphql('query($id: ID!) { video(id: $id) { streamUrl } }', { id: id }).then(function (body) {
      var url = body && body.data && body.data.video && body.data.video.streamUrl;
      if (!url) {
        note.textContent = 'This video can no longer be played. Reload the page to see why.';
        return;
      }
      video.src = url;
      video.addEventListener('loadedmetadata', function once() {
        video.removeEventListener('loadedmetadata', once);
        video.currentTime = at;
        refreshing = false;
      });
    });
  });
})();
