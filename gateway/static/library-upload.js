// The video form's upload: the chosen file goes up in chunks by tus 1.0 (creation +
// core) through the gateway's /uploads/videos, with a progress bar.  A dropped
// connection is not the end: the upload asks the server how much it has (HEAD,
// Upload-Offset) and carries on from there, waiting longer between tries; the upload's
// address is remembered for the file, so choosing the same file again after a reload
// carries on too.  Once it has all arrived (and been checked) the form is sent with
// its upload id.  Without this script the page offers the link field only.
(function () {
  var form = document.getElementById('video-form');
  var group = document.getElementById('upload-group');
  if (!form || !group || !window.fetch) { return; }
  var input = document.getElementById('uploadFile');
  var uploadId = document.getElementById('uploadId');
  var uploadName = document.getElementById('uploadName');
  var progress = document.getElementById('upload-progress');
  var bar = document.getElementById('upload-bar');
  var status = document.getElementById('upload-status');
  var button = document.getElementById('save-video');
  var token = document.querySelector('meta[name="csrf-token"]').content;
  // Eight megabytes a request: few round trips, little to send again after a drop
  // (data-chunk-bytes on the form says otherwise, for the tests).
  function chunkSize() { return parseInt(form.dataset.chunkBytes, 10) || 8 * 1024 * 1024; }
  var busy = false;

  group.hidden = false;
  document.getElementById('upload-needs-script').hidden = true;

  function say(text) { status.textContent = text; }
  function key(file) { return 'll-upload:' + [file.name, file.size, file.lastModified].join(':'); }
  function remembered(file) { try { return localStorage.getItem(key(file)); } catch (e) { return null; } }
  function remember(file, url) {
    try {
      if (url) { localStorage.setItem(key(file), url); } else { localStorage.removeItem(key(file)); }
    } catch (e) { /* private browsing: a reload starts again, a dropped line still resumes */ }
  }
  function wait(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }
  function shown(offset, size) {
    var share = size ? Math.floor(100 * offset / size) : 0;
    bar.value = share;
    bar.textContent = share + '%';
    return share;
  }

  // A refusal the server put in words: the upload cannot go on as it is.
  function Refused(message) { this.message = message; }
  function refusal(response) {
    return response.json().then(function (body) { return new Refused(body.message); },
      function () { return new Refused('The upload was refused (' + response.status + ').'); });
  }
  function tus(method, url, headers, body) {
    var all = { 'Tus-Resumable': '1.0.0', 'X-CSRFToken': token };
    Object.keys(headers || {}).forEach(function (name) { all[name] = headers[name]; });
    return fetch(url, { method: method, headers: all, body: body, credentials: 'same-origin' });
  }
  function base64(text) { return btoa(unescape(encodeURIComponent(text))); }

  function start(file) {
    var known = remembered(file);
    if (known) {
      return tus('HEAD', known).then(function (r) {
        if (r.ok) { return { url: known, offset: parseInt(r.headers.get('Upload-Offset'), 10) || 0 }; }
        remember(file, null);
        return start(file);
      });
    }
    return tus('POST', form.dataset.uploadUrl, {
      'Upload-Length': String(file.size), 'Upload-Metadata': 'filename ' + base64(file.name)
    }).then(function (r) {
      if (r.status !== 201) { return refusal(r).then(function (e) { throw e; }); }
      var url = r.headers.get('Location');
      remember(file, url);
      return { url: url, offset: 0 };
    });
  }

  // Send from `offset` to the end, a chunk at a time; after a failure that is not a
  // refusal, ask where the server got to and go on from there.
  function send(file, url, offset, tries) {
    if (offset >= file.size) { return Promise.resolve(url); }
    var percent = shown(offset, file.size);
    say('Uploading “' + file.name + '”: ' + percent + '%.');
    var chunk = file.slice(offset, Math.min(offset + chunkSize(), file.size));
    if (offset + chunk.size >= file.size) { say('The file has arrived; checking it is a video we can play…'); }
    var headers = { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) };
    return tus('PATCH', url, headers, chunk)
      .then(function (r) {
        if (r.status === 204) { return send(file, url, parseInt(r.headers.get('Upload-Offset'), 10), 0); }
        if (r.status >= 400 && r.status < 500 && r.status !== 409 && r.status !== 408) {
          return refusal(r).then(function (e) { throw e; });
        }
        throw new Error('HTTP ' + r.status);
      })
      .catch(function (error) {
        if (error instanceof Refused) { throw error; }
        var pause = Math.min(30, Math.pow(2, tries)) * 1000;
        say('The connection dropped at ' + shown(offset, file.size) + '%. Trying again in ' + pause / 1000 +
            ' seconds; nothing that arrived is lost.');
        return wait(pause).then(function () { return tus('HEAD', url); }).then(function (r) {
          if (!r.ok) { return refusal(r).then(function (e) { throw e; }); }
          return send(file, url, parseInt(r.headers.get('Upload-Offset'), 10) || 0, tries + 1);
        }, function () { return send(file, url, offset, tries + 1); });
      });
  }

  form.addEventListener('submit', function (event) {
    var file = input.files && input.files[0];
    if (!file || uploadId.value || busy) { return; }
    event.preventDefault();
    busy = true;
    button.disabled = true;
    progress.hidden = false;
    group.classList.remove('govuk-form-group--error');
    start(file).then(function (upload) { return send(file, upload.url, upload.offset, 0); }).then(function (url) {
      remember(file, null);
      shown(file.size, file.size);
      uploadId.value = url.split('/').pop();
      uploadName.value = file.name;
      say('“' + file.name + '” has been uploaded. Saving the video…');
      form.submit();
    }, function (error) {
      busy = false;
      button.disabled = false;
      remember(file, null);
      group.classList.add('govuk-form-group--error');
      say((error && error.message) || 'The upload did not work; try again.');
    });
  });
  input.addEventListener('change', function () { uploadId.value = ''; uploadName.value = ''; say(''); });
})();
