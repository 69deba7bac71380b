// The console's one script. Pages work without it; with it, regions marked data-src are fetched
// again when the page's EventSource (data-live on <main>) says something it watches changed,
// and every data-every seconds. A region the user is working in (typing, choosing, pressing a
// button) is left alone until they leave it, so a refresh never takes a form from under them.
"use strict";

const WORKING = ["INPUT", "TEXTAREA", "SELECT", "BUTTON"];

async function refresh(region) {
  if (region.contains(document.activeElement) && WORKING.includes(document.activeElement.tagName)) {
    region.dataset.stale = "1";
    return;
  }
  if (region.dataset.busy) {
    region.dataset.again = "1";
    return;
  }
  region.dataset.busy = "1";
  try {
    const answer = await fetch(region.dataset.src, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (answer.redirected && new URL(answer.url).pathname === "/login") {
      window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
      return;
    }
    if (answer.ok) {
      region.innerHTML = await answer.text();
    }
  } finally {
    delete region.dataset.busy;
    if (region.dataset.again) {
      delete region.dataset.again;
      refresh(region);
    }
  }
}

function refreshAll(root) {
  root.querySelectorAll("[data-src]").forEach(refresh);
}

function watch(root) {
  const source = new EventSource(root.dataset.live);
  source.addEventListener("ready", () => {
    document.body.dataset.liveReady = "1";
    refreshAll(root);
  });
  source.addEventListener("change", () => refreshAll(root));
  if (root.dataset.every) {
    setInterval(() => refreshAll(root), Number(root.dataset.every) * 1000);
  }
  root.addEventListener("focusout", (event) => {
    const region = event.target.closest("[data-src]");
    // focus moving to the form's own button is a click on its way: its submit must land first
    if (region && region.dataset.stale && !region.contains(event.relatedTarget)) {
      delete region.dataset.stale;
      setTimeout(() => refresh(region), 250);
    }
  });
}

document.querySelectorAll("[data-live]").forEach(watch);
