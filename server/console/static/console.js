// The console's one script. Pages work without it; with it, regions marked data-src are fetched
// again when the page's EventSource (data-live on <main>) says something it watches changed,
// and every data-every seconds. A region the user is working in (typing, choosing, pressing a
// button) is left alone until they leave it, so a refresh never takes a form from under them.
"use strict";

const WORKING = ["INPUT", "TEXTAREA", "SELECT", "BUTTON"];

function inUse(region) {
  return region.contains(document.activeElement) && WORKING.includes(document.activeElement.tagName);
}

async function refresh(region) {
  if (inUse(region)) {
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
    const html = answer.ok ? await answer.text() : null;
    if (html !== null && inUse(region)) {
      region.dataset.stale = "1"; // the user started working in it while the fetch was on its way
    } else if (html !== null) {
      region.innerHTML = html;
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
