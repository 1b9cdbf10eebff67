// Live preview of the Markdown body: the server renders and sanitises it exactly as the published page does.
(function () {
  const source = document.getElementById('Input_BodyMarkdown');
  const preview = document.getElementById('apercu-contenu');
  if (!source || !preview) return;
  const url = preview.dataset.previewUrl;
  let timer = 0;
  let sequence = 0;
  async function refresh() {
    const mine = ++sequence;
    const body = new FormData();
    body.append('markdown', source.value);
    try {
      const response = await fetch(url, { method: 'POST', body, credentials: 'same-origin' });
      if (!response.ok || mine !== sequence) return;
      preview.innerHTML = await response.text();
    } catch { /* the preview catches up at the next keystroke */ }
  }
  source.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 250); });
  refresh();
})();
